//! `kctl version`: client version, and the server's from `/version` when one is reachable.
//! Like kubectl, the client part is printed even when the server cannot be reached; the
//! connection error follows and the exit code is 1.

use crate::cli::{CliError, Ctx, connect, exit::Exit};
use clap::Args;
use serde::{Deserialize, Serialize};

/// Print the client and server version information for the current context.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  # Print the client and server versions for the current context
  kctl version")]
pub struct VersionArgs {
    /// If true, shows client version only (no server required).
    #[arg(long)]
    pub client: bool,
    /// One of 'yaml' or 'json'.
    #[arg(short = 'o', long = "output")]
    pub output: Option<String>,
}

/// kubectl's `version.Info`, field order as kubectl prints JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    /// Major version.
    #[serde(default)]
    pub major: String,
    /// Minor version.
    #[serde(default)]
    pub minor: String,
    /// `v1.32.4`.
    #[serde(default)]
    pub git_version: String,
    /// Commit hash.
    #[serde(default)]
    pub git_commit: String,
    /// `clean` or `dirty`.
    #[serde(default)]
    pub git_tree_state: String,
    /// Build date.
    #[serde(default)]
    pub build_date: String,
    /// Toolchain version (Go for Kubernetes servers).
    #[serde(default)]
    pub go_version: String,
    /// Compiler.
    #[serde(default)]
    pub compiler: String,
    /// `os/arch`.
    #[serde(default)]
    pub platform: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Versions {
    client_version: Info,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_version: Option<Info>,
}

/// The client's own version information.
pub fn client_info() -> Info {
    let v = env!("CARGO_PKG_VERSION");
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        a => a,
    };
    Info {
        major: env!("CARGO_PKG_VERSION_MAJOR").into(),
        minor: env!("CARGO_PKG_VERSION_MINOR").into(),
        git_version: format!("v{v}"),
        compiler: "rustc".into(),
        platform: format!("{}/{arch}", std::env::consts::OS),
        ..Info::default()
    }
}

/// Runs `kctl version`.
pub async fn run(args: VersionArgs, ctx: &Ctx) -> Result<Exit, CliError> {
    let output = args.output.as_deref().unwrap_or("");
    if !matches!(output, "" | "json" | "yaml") {
        return Err(CliError::message("--output must be 'yaml' or 'json'"));
    }
    let mut versions = Versions { client_version: client_info(), server_version: None };
    let mut server_err = None;
    if !args.client {
        match server_version(ctx).await {
            Ok(info) => versions.server_version = Some(info),
            Err(e) => server_err = Some(e),
        }
    }
    match output {
        "json" => {
            let text = serde_json::to_string_pretty(&versions)
                .map_err(|e| CliError::message(e.to_string()))?;
            ctx.io.out(&format!("{text}\n"));
        }
        "yaml" => {
            // kubectl's YAML goes through JSON: keys come out sorted.
            let v =
                serde_json::to_value(&versions).map_err(|e| CliError::message(e.to_string()))?;
            let text = serde_saphyr::to_string(&v).map_err(|e| CliError::message(e.to_string()))?;
            ctx.io.out(&text);
            if !text.ends_with('\n') {
                ctx.io.out("\n");
            }
        }
        _ => {
            let mut text = format!("Client Version: {}\n", versions.client_version.git_version);
            if let Some(s) = &versions.server_version {
                text.push_str(&format!("Server Version: {}\n", s.git_version));
            }
            ctx.io.out(&text);
        }
    }
    match server_err {
        Some(e) => Err(e),
        None => Ok(Exit::Success),
    }
}

async fn server_version(ctx: &Ctx) -> Result<Info, CliError> {
    let client = connect::connect(ctx).await?;
    let req = crate::client::Request::new(http::Method::GET, "/version?timeout=32s")
        .header(http::header::ACCEPT, "application/json, */*");
    let resp = client.request(req).await.map_err(|e| connect::report(ctx, e))?;
    serde_json::from_slice(&resp.body)
        .map_err(|e| CliError::message(format!("couldn't get version/kind; json parse error: {e}")))
}
