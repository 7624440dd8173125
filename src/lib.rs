//! kctl: a kubectl-compatible Kubernetes CLI with a bundled, Kubernetes-compatible apiserver.
//!
//! # Module map
//!
//! | module      | owns                                                                          |
//! |-------------|-------------------------------------------------------------------------------|
//! | [`object`]  | pure data model: GVK/GVR, metadata accessors on `serde_json::Value`, `Status`, Go-style JSON |
//! | [`manifest`]| pure: reading `-f` sources, multi-document YAML/JSON decoding, `List` expansion, origins |
//! | [`patch`]   | pure patch engine: strategic merge patch, JSON merge patch, JSON patch, patch metadata |
//! | [`client`]  | kubeconfig, one `Client` over two transports (HTTP, in-process router), discovery, REST mapping |
//! | [`apiserver`]| the bundled apiserver: routes, handlers, discovery, OpenAPI, store backends, watch |
//! | [`apply`]   | kubectl's client-side apply policy: last-applied annotation, patcher, retries, prune |
//! | [`diff`]    | live vs merged comparison and unified diff rendering |
//! | [`print`]   | output formats: yaml, json, name, tables |
//! | [`cli`]     | global flags, context (io, env, clock), error rendering, exit codes |
//! | [`cmd`]     | one file per verb: `Args` (doc comments are the help text), `run` |
//!
//! # Layering rule
//!
//! `object`, `manifest` and `patch` are pure: no tokio, no sockets, no terminal.
//! `client` depends on `object`. `apiserver` depends on `object` and `patch` (and on the pure
//! `print::jsonpath`, for custom resources' printer columns), never on `client`, `cli` or `cmd`. `apply` and `diff` use `client`, `patch` and `object`.
//! `print` depends on `object`. Only `cli` and `cmd` touch the terminal.
//!
//! # Data flow of `kctl apply -f app.yaml`
//!
//! 1. `cmd::apply` reads every source through `manifest` and checks the whole set first.
//! 2. `client` resolves each object's kind through discovery (REST mapping).
//! 3. `apply` GETs the live object; absent, it POSTs the manifest with the
//!    last-applied annotation; present, it computes a three-way patch with `patch`
//!    (strategic for built-in kinds, JSON merge for custom resources) and PATCHes it.
//! 4. The server (a real cluster, `kctl serve`, or the embedded local cluster run
//!    in-process by `apiserver`) applies the patch with the same engine.
//! 5. `cmd::apply` prints kubectl's result line per object, in manifest order.

#![warn(missing_docs)]

pub mod apiserver;
pub mod apply;
pub mod cli;
pub mod client;
pub mod cmd;
pub mod diff;
pub mod manifest;
pub mod object;
pub mod patch;
pub mod print;
