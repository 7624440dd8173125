//! An auth-enabled [`TestEnv`]: `kctl serve --auth` over HTTPS with the static tokens of
//! `testdata/auth/tokens.csv` and a client CA, plus a throwaway PKI (rcgen) whose certificates
//! are written into the temp dir, and helpers that write one kubeconfig per identity.

use super::TestEnv;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use std::path::Path;

/// A credential for a per-user kubeconfig.
pub enum Cred<'a> {
    /// A bearer token.
    Token(&'a str),
    /// A client certificate and key, by file stem in the temp dir (`<stem>.crt`, `<stem>.key`).
    Cert(&'a str),
    /// Nothing at all.
    None,
}

fn ca(cn: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().expect("ca key");
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, cn);
    let pem = p.self_signed(&key).expect("ca cert").pem();
    (p, key, pem)
}

fn client_cert(
    issuer: &Issuer<'_, KeyPair>,
    cn: &str,
    orgs: &[&str],
    expired: bool,
) -> (String, String) {
    let key = KeyPair::generate().expect("client key");
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("client params");
    p.distinguished_name.push(DnType::CommonName, cn);
    for o in orgs {
        p.distinguished_name.push(DnType::OrganizationName, *o);
    }
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    if expired {
        p.not_before = rcgen::date_time_ymd(2020, 1, 1);
        p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let cert = p.signed_by(&key, issuer).expect("client cert");
    (cert.pem(), key.serialize_pem())
}

/// Writes the PKI into `dir`: `tls.crt`/`tls.key` (server), `client-ca.crt`, and client
/// certificates `dave` (O=dev-team), `erin` (O=system:masters), `expired` (CN=dave, expired)
/// and `foreign` (CN=dave, signed by another CA).
fn write_pki(dir: &Path) {
    let (ca_p, ca_key, ca_pem) = ca("kctl-test-client-ca");
    let issuer = Issuer::new(ca_p, ca_key);
    let (other_p, other_key, _) = ca("someone-else");
    let other = Issuer::new(other_p, other_key);
    let server = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .expect("server cert");
    let w = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write pki");
    w("tls.crt", &server.cert.pem());
    w("tls.key", &server.signing_key.serialize_pem());
    w("client-ca.crt", &ca_pem);
    for (stem, iss, cn, orgs, expired) in [
        ("dave", &issuer, "dave", &["dev-team"][..], false),
        ("erin", &issuer, "erin", &["system:masters"][..], false),
        ("expired", &issuer, "dave", &["dev-team"][..], true),
        ("foreign", &other, "dave", &["system:masters"][..], false),
    ] {
        let (c, k) = client_cert(iss, cn, orgs, expired);
        w(&format!("{stem}.crt"), &c);
        w(&format!("{stem}.key"), &k);
    }
}

/// The static token file every auth-enabled server uses.
pub fn tokens_csv() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/auth/tokens.csv")
        .to_string_lossy()
        .into_owned()
}

impl TestEnv {
    /// Spawns `kctl serve --auth` over HTTPS (tokens from `testdata/auth/tokens.csv`, client
    /// certificates from the test CA); `kubeconfig` is the admin (`system:masters`) one.
    pub fn serve_auth() -> TestEnv {
        Self::serve_auth_with(&[])
    }

    /// Like [`TestEnv::serve_auth`], with more `kctl serve` flags.
    pub fn serve_auth_with(extra: &[std::ffi::OsString]) -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        write_pki(dir.path());
        let p = |n: &str| dir.path().join(n);
        let args: Vec<std::ffi::OsString> = vec![
            "--auth".into(),
            "--token-auth-file".into(),
            tokens_csv().into(),
            "--tls-cert".into(),
            p("tls.crt").into(),
            "--tls-key".into(),
            p("tls.key").into(),
            "--client-ca-file".into(),
            p("client-ca.crt").into(),
            "--write-kubeconfig".into(),
            p("kubeconfig").into(),
        ];
        let args: Vec<std::ffi::OsString> = args.into_iter().chain(extra.iter().cloned()).collect();
        TestEnv::spawn_serve(dir, &args)
    }

    /// Writes `kc-<name>` (a kubeconfig for this server with `cred`) and returns its name.
    pub fn user_kubeconfig(&self, name: &str, cred: Cred<'_>) -> String {
        let d = self.dir.path().display();
        let user = match cred {
            Cred::Token(t) => format!("    token: {t}\n"),
            Cred::Cert(stem) => {
                format!("    client-certificate: {d}/{stem}.crt\n    client-key: {d}/{stem}.key\n")
            }
            Cred::None => "    username: \"\"\n".into(),
        };
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kctl\n  cluster:\n    server: {url}\n    certificate-authority: {d}/tls.crt\ncontexts:\n- name: kctl\n  context:\n    cluster: kctl\n    user: u\n    namespace: default\ncurrent-context: kctl\nusers:\n- name: u\n  user:\n{user}",
            url = self.url
        );
        let file = format!("kc-{name}");
        std::fs::write(self.dir.path().join(&file), text).expect("write kubeconfig");
        file
    }

    /// Runs kubectl with the kubeconfig of `who` (written by [`TestEnv::user_kubeconfig`]).
    pub fn kubectl_as(&self, who: &str, args: &[&str]) -> super::Run {
        let kc = format!("kc-{who}");
        let mut all = vec!["--kubeconfig", kc.as_str()];
        all.extend_from_slice(args);
        let mut r = self.kubectl(&all);
        r.cmdline = format!("[{who}] kubectl {}", args.join(" "));
        r
    }

    /// Runs kctl with the kubeconfig of `who`.
    pub fn kctl_as(&self, who: &str, args: &[&str]) -> super::Run {
        let kc = format!("kc-{who}");
        let mut all = vec!["--kubeconfig", kc.as_str()];
        all.extend_from_slice(args);
        let mut r = self.kctl(&all);
        r.cmdline = format!("[{who}] kctl {}", args.join(" "));
        r
    }

    /// Applies a manifest as the admin with kubectl, panicking on failure.
    pub fn admin_apply(&self, yaml: &str) {
        let f = format!("m{}.yaml", rand_suffix());
        self.write(&f, yaml);
        let r = self.kubectl(&["apply", "-f", &f]);
        assert_eq!(r.code, 0, "{r}");
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A raw HTTP/1.1 answer: status code and body.
#[derive(Debug)]
pub struct RawResponse {
    /// Status code (0 when the connection or handshake failed).
    pub code: u16,
    /// Body (or the connection error).
    pub body: String,
}

impl TestEnv {
    /// Sends one request exactly as written (no URL normalisation: `..`, `%2F` and odd methods
    /// reach the server unchanged) over TLS, with an optional bearer token and client
    /// certificate (file stem in the temp dir).
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        cert: Option<&str>,
        body: &[u8],
    ) -> RawResponse {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let read = |n: &str| std::fs::read(self.dir.path().join(n)).expect("read pki file");
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from_pem_slice(&read("tls.crt")).expect("ca")).expect("root");
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots);
        let config = match cert {
            Some(stem) => {
                let chain = vec![
                    CertificateDer::from_pem_slice(&read(&format!("{stem}.crt"))).expect("cert"),
                ];
                let key =
                    PrivateKeyDer::from_pem_slice(&read(&format!("{stem}.key"))).expect("key");
                builder.with_client_auth_cert(chain, key).expect("client auth")
            }
            None => builder.with_no_client_auth(),
        };
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if !body.is_empty() {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let port = self.port;
        let body = body.to_vec();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async move {
            let fail = |e: String| RawResponse { code: 0, body: e };
            let tcp = match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                Ok(t) => t,
                Err(e) => return fail(e.to_string()),
            };
            let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
            let name = ServerName::try_from("127.0.0.1").expect("name");
            let mut tls = match connector.connect(name, tcp).await {
                Ok(t) => t,
                Err(e) => return fail(e.to_string()),
            };
            let mut req = head.into_bytes();
            req.extend_from_slice(&body);
            // The server may refuse before reading everything (413); keep the answer anyway.
            let _ = tls.write_all(&req).await;
            let mut out = Vec::new();
            if let Err(e) = tls.read_to_end(&mut out).await
                && out.is_empty()
            {
                return fail(e.to_string());
            }
            let text = String::from_utf8_lossy(&out).into_owned();
            let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
            let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
            RawResponse { code, body: dechunk(&body) }
        })
    }
}

/// Undoes chunked transfer encoding when present (best effort, for assertions).
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    loop {
        let Some((size, after)) = rest.split_once("\r\n") else { return body.to_string() };
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { return body.to_string() };
        if n == 0 {
            return out;
        }
        let Some(chunk) = after.get(..n) else { return body.to_string() };
        out.push_str(chunk);
        rest = after.get(n + 2..).unwrap_or_default();
    }
}
