//! Gathering `-f` input for a verb: reads stdin for `-`, fetches http(s) URLs, hands
//! everything to [`crate::manifest::load`], prints its warnings and turns its errors into
//! one [`CliError`]. Nothing is sent to a cluster until this has succeeded.

use crate::cli::flags::FileArgs;
use crate::cli::{CliError, Ctx};
use crate::manifest::{self, Input, Manifest};
use std::path::PathBuf;

/// The name stdin is reported under.
pub const STDIN: &str = "STDIN";

/// Reads and checks all `-f` input (files, directories, `-R`, URLs, `-` for stdin) for
/// `verb`, prints warnings, and fails with every error (one per line) if any input is bad,
/// or with `no objects passed to <verb>` if there is nothing to do.
pub async fn load_manifests_for_verb(
    files: &FileArgs,
    ctx: &Ctx,
    verb: &str,
) -> Result<Vec<Manifest>, CliError> {
    if files.filenames.is_empty() {
        return Err(CliError::message("must specify one of -f and -k"));
    }
    let inputs = gather(files, ctx).await?;
    let recursive = files.recursive;
    let loaded = tokio::task::spawn_blocking(move || manifest::load(&inputs, recursive))
        .await
        .map_err(|e| CliError::message(format!("reading manifests: {e}")))?;
    let loaded = loaded.map_err(|errs| {
        CliError::Many(errs.0.iter().map(|e| CliError::message(e.to_string())).collect())
    })?;
    for w in &loaded.warnings {
        ctx.io.warn(&w.to_string());
    }
    if loaded.manifests.is_empty() {
        return Err(CliError::message(format!("no objects passed to {verb}")));
    }
    Ok(loaded.manifests)
}

/// Turns `-f` values into inputs, reading stdin and URLs now (errors for all URLs at once).
async fn gather(files: &FileArgs, ctx: &Ctx) -> Result<Vec<Input>, CliError> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut stdin_read = false;
    for f in &files.filenames {
        if f == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            let data = tokio::task::spawn_blocking(|| {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf).map(|_| buf)
            })
            .await
            .map_err(|e| CliError::message(format!("reading {STDIN}: {e}")))?
            .map_err(|e| CliError::message(format!("reading {STDIN}: {e}")))?;
            inputs.push(Input::Bytes { name: STDIN.to_string(), data });
        } else if is_url(f) {
            match fetch(f, ctx).await {
                Ok(data) => inputs.push(Input::Bytes { name: f.clone(), data }),
                Err(e) => errors.push(e),
            }
        } else {
            inputs.push(Input::Path(PathBuf::from(f)));
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(CliError::Many(errors.into_iter().map(CliError::Message).collect()))
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Fetches a manifest URL, as kubectl does for `-f https://…`.
async fn fetch(url: &str, ctx: &Ctx) -> Result<Vec<u8>, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder =
        reqwest::Client::builder().user_agent(concat!("kctl/", env!("CARGO_PKG_VERSION")));
    if let Ok(Some(t)) = crate::cli::global::parse_duration(&ctx.global.request_timeout) {
        builder = builder.timeout(t);
    }
    let client = builder.build().map_err(|e| format!("{url}: {e}"))?;
    let resp = client.get(url).send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!(
            "unable to read URL \"{url}\", server reported {status}, status code={}",
            status.as_u16()
        ));
    }
    resp.bytes().await.map(|b| b.to_vec()).map_err(|e| format!("{url}: {e}"))
}
