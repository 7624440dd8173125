//! `TestEnv`: a bundled apiserver on a random loopback port (the real `kctl serve` binary, or
//! the same router in-process), a kubeconfig for it in a temp dir, and helpers that run real
//! binaries against it with a cleared environment. Output is normalised (port, temp paths,
//! diff timestamps) so it can be snapshot-tested.

#![allow(dead_code)]

pub mod auth_env;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The frozen server time, so ages and timestamps are reproducible.
pub const TEST_NOW: &str = "2026-01-02T03:04:05Z";

/// One command's result.
#[derive(Debug)]
pub struct Run {
    /// The command line, for snapshots.
    pub cmdline: String,
    /// Exit code (-1 when killed).
    pub code: i32,
    /// Normalised stdout.
    pub stdout: String,
    /// Normalised stderr.
    pub stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "$ {}", self.cmdline)?;
        writeln!(f, "exit code: {}", self.code)?;
        if !self.stdout.is_empty() {
            writeln!(f, "stdout:")?;
            for l in self.stdout.lines() {
                writeln!(f, "  | {l}")?;
            }
        }
        if !self.stderr.is_empty() {
            writeln!(f, "stderr:")?;
            for l in self.stderr.lines() {
                writeln!(f, "  | {l}")?;
            }
        }
        Ok(())
    }
}

enum Backend {
    Process(Child),
    InProcess(Option<tokio::sync::oneshot::Sender<()>>, Option<std::thread::JoinHandle<()>>),
}

/// A running apiserver plus a temp dir with a kubeconfig for it.
pub struct TestEnv {
    /// The temp dir (HOME, TMPDIR, manifests, kubeconfig).
    pub dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The port.
    pub port: u16,
    backend: Backend,
}

fn kubeconfig_text(url: &str) -> String {
    kctl::cmd::serve::kubeconfig(url, None)
}

impl TestEnv {
    /// Spawns `kctl serve --addr 127.0.0.1:0` with a frozen clock and seeded uids.
    pub fn serve() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let kc = dir.path().join("kubeconfig");
        // The API-level suites snapshot exact objects: no controllers, no simulated nodes.
        let args: Vec<std::ffi::OsString> = ["--controllers=false", "--write-kubeconfig"]
            .into_iter()
            .map(Into::into)
            .chain([kc.into_os_string()])
            .collect();
        Self::spawn_serve(dir, &args)
    }

    /// Spawns `kctl serve --addr 127.0.0.1:0 <args>` in `dir` with a frozen clock and seeded
    /// uids, and waits for the address it prints.
    pub fn spawn_serve(dir: tempfile::TempDir, args: &[std::ffi::OsString]) -> TestEnv {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kctl"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env_clear()
            .env("HOME", dir.path())
            .env("KCTL_TEST_NOW", TEST_NOW)
            .env("KCTL_TEST_UID_SEED", "42")
            // The server exits when this pipe closes, so a killed test leaves no orphan.
            .env("KCTL_TEST_EXIT_ON_STDIN_EOF", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kctl serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("read serve banner");
        let url = line
            .trim()
            .strip_prefix("Serving on ")
            .unwrap_or_else(|| panic!("unexpected serve banner: {line:?}"))
            .to_string();
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stderr.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        let port = url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
        TestEnv { dir, url, port, backend: Backend::Process(child) }
    }

    /// Runs the same router in-process on a background runtime, on a random loopback port.
    pub fn in_process() -> TestEnv {
        let clock =
            chrono::DateTime::parse_from_rfc3339(TEST_NOW).unwrap().with_timezone(&chrono::Utc);
        let server = kctl::apiserver::ApiServer::builder()
            .clock(std::sync::Arc::new(kctl::apiserver::clock::FixedClock(clock)))
            .uids(std::sync::Arc::new(kctl::apiserver::clock::SeededUids::new(42)))
            .build()
            .expect("server");
        Self::in_process_with(server)
    }

    /// Runs `server` in-process on a random loopback port.
    pub fn in_process_with(server: kctl::apiserver::ApiServer) -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let port = std_listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                let _ = kctl::apiserver::server::serve(server.router(), listener, None, async {
                    let _ = rx.await;
                })
                .await;
            });
        });
        let url = format!("http://127.0.0.1:{port}");
        std::fs::write(dir.path().join("kubeconfig"), kubeconfig_text(&url)).unwrap();
        TestEnv { dir, url, port, backend: Backend::InProcess(Some(tx), Some(handle)) }
    }

    /// The kubeconfig path.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    /// Writes a file into the temp dir and returns its name (commands run there).
    pub fn write(&self, name: &str, contents: &str) -> String {
        std::fs::write(self.dir.path().join(name), contents).expect("write file");
        name.to_string()
    }

    /// Replaces the port and temp paths (and diff's temp dir names and timestamps).
    pub fn normalize(&self, s: &str) -> String {
        let mut s = s.replace(&self.url, "http://127.0.0.1:PORT");
        let tmp = self.dir.path().to_string_lossy().to_string();
        s = s.replace(&tmp, "[TMP]");
        let mut out = String::new();
        for line in s.lines() {
            let mut l = line.to_string();
            for prefix in ["LIVE-", "MERGED-"] {
                while let Some(i) = l.find(prefix) {
                    let start = i + prefix.len();
                    let end = l[start..]
                        .find(|c: char| !c.is_ascii_alphanumeric())
                        .map_or(l.len(), |e| start + e);
                    if end == start {
                        break;
                    }
                    l.replace_range(i..end, &format!("{}XXXX", prefix.to_lowercase()));
                }
                l = l.replace(&format!("{}XXXX", prefix.to_lowercase()), &format!("{prefix}XXXX"));
            }
            l = normalize_klog(&l);
            if (l.starts_with("--- ") || l.starts_with("+++ ")) && l.contains('\t') {
                l.truncate(l.find('\t').unwrap_or(l.len()));
            }
            out.push_str(&l);
            out.push('\n');
        }
        if !s.ends_with('\n') && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn run(&self, program: &str, display: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("HOME", self.dir.path())
            .env("TMPDIR", self.dir.path())
            .env("KUBECONFIG", self.kubeconfig())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        Run {
            cmdline: format!("{display} {}", args.join(" ")),
            code: out.status.code().unwrap_or(-1),
            stdout: self.normalize(&String::from_utf8_lossy(&out.stdout)),
            stderr: self.normalize(&String::from_utf8_lossy(&out.stderr)),
        }
    }

    /// Runs real kubectl (which must be on PATH) against the server.
    pub fn kubectl(&self, args: &[&str]) -> Run {
        self.run(&kubectl_path(), "kubectl", args, &[])
    }

    /// Runs real kubectl with extra environment variables.
    pub fn kubectl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run(&kubectl_path(), "kubectl", args, env)
    }

    /// Runs the kctl binary against the server.
    pub fn kctl(&self, args: &[&str]) -> Run {
        self.run(env!("CARGO_BIN_EXE_kctl"), "kctl", args, &[])
    }

    /// Runs the kctl binary with extra environment variables.
    pub fn kctl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run(env!("CARGO_BIN_EXE_kctl"), "kctl", args, env)
    }

    /// A URL on the server.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Stops the server (SIGTERM for a spawned one) and returns its exit status code.
    pub fn stop(&mut self) -> Option<i32> {
        match &mut self.backend {
            Backend::Process(child) => {
                let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
                child.wait().ok().and_then(|s| s.code())
            }
            Backend::InProcess(tx, handle) => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(());
                }
                if let Some(h) = handle.take() {
                    let _ = h.join();
                }
                Some(0)
            }
        }
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        if let Backend::Process(child) = &mut self.backend {
            let _ = child.kill();
            let _ = child.wait();
        } else {
            self.stop();
        }
    }
}

/// Replaces the time and pid of a klog line (`W1126 15:39:28.929849   11951 prune.go:71] …`).
fn normalize_klog(line: &str) -> String {
    let b = line.as_bytes();
    let is_klog = b.len() > 30
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[8] == b':';
    if !is_klog {
        return line.to_string();
    }
    // Skip "Lmmdd hh:mm:ss.uuuuuu", spaces, the pid, and one space.
    let rest = &line[21..];
    let rest = rest.trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{}0000 00:00:00.000000 PID{rest}", &line[..1])
}

/// The kubectl on PATH; the suite fails (not skips) when there is none.
pub fn kubectl_path() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("kubectl");
        if candidate.is_file() {
            return candidate.to_string_lossy().into_owned();
        }
    }
    panic!("kubectl is not on PATH: the kubectl compatibility suite needs a real kubectl");
}

/// Runs each command in order and joins their transcripts, for one snapshot per scenario.
pub fn transcript(runs: &[Run]) -> String {
    runs.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("\n")
}

/// Reads a manifest from `testdata/apiserver/`.
pub fn testdata(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/apiserver").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
