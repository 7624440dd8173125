//! The bundled Kubernetes-compatible apiserver.
//!
//! [`ApiServer`] holds the store, the clock and the uid source; [`router`] turns it into one
//! `axum::Router` that serves discovery, OpenAPI v3, `/version`, health checks and every
//! resource verb. `kctl serve` runs that router over a socket ([`server::serve`]); the
//! embedded local cluster calls the very same router in-process (see [`ApiServer::service`]).
//!
//! | module | owns |
//! |---|---|
//! | [`registry`] | the built-in resource table (and CRD-derived resources) |
//! | [`routes`] | URL → handler: fixed endpoints and resource paths |
//! | [`handlers`] | get, list, create, update, patch, delete, watch |
//! | [`crd`] | CustomResourceDefinitions: status, schemas (prune, default, validate), cleanup |
//! | [`conversion`] | stored ↔ served version of an object (built-in kinds served at several versions, CRDs) |
//! | [`admission`] | the write path's defaulting and validation chain |
//! | [`objects`] | bookkeeping: uid, timestamps, generation, status/spec split |
//! | [`discovery`], [`openapi`] | metadata documents kubectl reads before any write |
//! | [`selectors`] | label and field selectors |
//! | [`protobuf`] | protobuf request bodies decoded into the JSON the handlers take |
//! | [`schema`] | the built-in kinds' field tree (generated) for field validation |
//! | [`table`] | server-side `Table`s: kube-apiserver's columns for every built-in kind |
//! | [`clock`] | injectable time and uids |
//! | [`controllers`] | the control plane: nodes, scheduler, kubelet, workload controllers, GC |
//! | [`server`] | sockets, TLS, graceful shutdown |
//! | [`auth`] | authentication, RBAC, review APIs, body limit (a middleware around every route) |

pub mod admission;
pub mod auth;
pub mod clock;
pub mod controllers;
pub mod conversion;
pub mod crd;
pub mod discovery;
pub mod error;
pub mod handlers;
pub mod objects;
pub mod openapi;
pub mod protobuf;
pub mod registry;
pub mod request;
pub mod routes;
pub mod schema;
pub mod selectors;
pub mod server;
pub mod store;
pub mod table;

use clock::{Clock, RandomUids, SystemClock, UidSource};
use registry::Resource;
use serde_json::{Value, json};
use std::sync::Arc;
use store::{Key, Store, StoreError};

/// The Kubernetes version the server reports: kubectl version dispatchers pick their build
/// by this minor version.
pub const KUBE_VERSION: (&str, &str, &str) = ("1", "32", "v1.32.4");

/// The namespaces that exist from the start, as on every Kubernetes cluster.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-node-lease", "kube-public", "kube-system"];

/// The apiserver: cheap to clone, shared by every connection.
#[derive(Clone)]
pub struct ApiServer {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    uids: Arc<dyn UidSource>,
    auth: Option<Arc<auth::AuthConfig>>,
    limits: Arc<auth::limits::Limits>,
    /// How many control planes (each with a simulated kubelet) run on this server.
    kubelets: Arc<std::sync::atomic::AtomicUsize>,
    /// The cluster IPs and node ports held by stored Services.
    services: Arc<admission::defaults::allocations::AllocationIndex>,
}

impl std::fmt::Debug for ApiServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiServer").finish_non_exhaustive()
    }
}

/// Builds an [`ApiServer`]; defaults are a memory store, the system clock and random uids.
#[derive(Default)]
pub struct Builder {
    store: Option<Arc<dyn Store>>,
    clock: Option<Arc<dyn Clock>>,
    uids: Option<Arc<dyn UidSource>>,
    auth: Option<Arc<auth::AuthConfig>>,
    limits: Option<auth::limits::LimitsConfig>,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder").finish_non_exhaustive()
    }
}

impl Builder {
    /// Uses this store.
    pub fn store(mut self, store: Arc<dyn Store>) -> Builder {
        self.store = Some(store);
        self
    }

    /// Uses this clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Builder {
        self.clock = Some(clock);
        self
    }

    /// Uses this uid source.
    pub fn uids(mut self, uids: Arc<dyn UidSource>) -> Builder {
        self.uids = Some(uids);
        self
    }

    /// Turns on authentication and RBAC (and creates the bootstrap roles at build).
    pub fn auth(mut self, auth: auth::AuthConfig) -> Builder {
        self.auth = Some(Arc::new(auth));
        self
    }

    /// Uses these request limits instead of the defaults.
    pub fn limits(mut self, limits: auth::limits::LimitsConfig) -> Builder {
        self.limits = Some(limits);
        self
    }

    /// Builds the server and makes sure the system namespaces exist.
    pub fn build(self) -> Result<ApiServer, StoreError> {
        let server = ApiServer {
            inner: Arc::new(Inner {
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(store::memory::MemoryStore::default())),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                uids: self.uids.unwrap_or_else(|| Arc::new(RandomUids::default())),
                auth: self.auth,
                limits: Arc::new(auth::limits::Limits::new(self.limits.unwrap_or_default())),
                kubelets: Default::default(),
                services: Default::default(),
            }),
        };
        server.bootstrap()?;
        if server.auth().is_some() {
            auth::bootstrap::ensure(&server)?;
        }
        Ok(server)
    }
}

impl ApiServer {
    /// A builder.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A server over a fresh memory store with the system clock and random uids.
    pub fn in_memory() -> ApiServer {
        // Bootstrapping an empty memory store cannot fail.
        Builder::default().build().unwrap_or_else(|_| unreachable!("memory store bootstrap"))
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The Service allocation index over this server's store.
    pub(crate) fn service_allocations(&self) -> &admission::defaults::allocations::AllocationIndex {
        &self.inner.services
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The uid source.
    pub fn uids(&self) -> &Arc<dyn UidSource> {
        &self.inner.uids
    }

    /// The same server (store, clock, uids) with authentication and RBAC turned on; creates
    /// the bootstrap roles that are missing.
    pub fn with_auth(&self, auth: auth::AuthConfig) -> Result<ApiServer, StoreError> {
        let server = self.derive(|inner| inner.auth = Some(Arc::new(auth)));
        auth::bootstrap::ensure(&server)?;
        Ok(server)
    }

    /// The same server (store, clock, uids, authentication) with these request limits.
    pub fn with_limits(&self, limits: auth::limits::LimitsConfig) -> ApiServer {
        self.derive(|inner| inner.limits = Arc::new(auth::limits::Limits::new(limits)))
    }

    /// A server sharing everything with this one except what `change` replaces.
    fn derive(&self, change: impl FnOnce(&mut Inner)) -> ApiServer {
        let mut inner = (*self.inner).clone();
        change(&mut inner);
        ApiServer { inner: Arc::new(inner) }
    }

    /// The request limits (in-flight requests, open watches, list response size).
    pub fn limits(&self) -> &Arc<auth::limits::Limits> {
        &self.inner.limits
    }

    /// The authentication configuration; `None` when every caller acts as `system:masters`.
    pub fn auth(&self) -> Option<&auth::AuthConfig> {
        self.inner.auth.as_deref()
    }

    /// True while a control plane runs on this server, so a simulated kubelet will finish
    /// the graceful deletion of pods on nodes (without one they are removed at once).
    pub fn kubelet_running(&self) -> bool {
        self.inner.kubelets.load(std::sync::atomic::Ordering::Relaxed) > 0
    }

    /// Counts a control plane starting (`true`) or stopping (`false`).
    pub(crate) fn kubelet_presence(&self, present: bool) {
        use std::sync::atomic::Ordering::Relaxed;
        if present {
            self.inner.kubelets.fetch_add(1, Relaxed);
        } else {
            self.inner.kubelets.fetch_sub(1, Relaxed);
        }
    }

    /// Starts the control plane (simulated nodes, scheduler, kubelet, controllers) on a
    /// background thread; it runs until the handle is dropped.
    pub fn start_controllers(
        &self,
        options: controllers::Options,
    ) -> Result<controllers::Handle, controllers::ControllerError> {
        controllers::start(self, options)
    }

    /// Runs the controllers until nothing changes (or `timeout` passes): the steady state
    /// the embedded local cluster reaches after each command. Returns the number of writes.
    pub async fn settle(
        &self,
        options: controllers::Options,
        timeout: std::time::Duration,
    ) -> Result<usize, controllers::ControllerError> {
        let server = self.clone();
        tokio::task::spawn_blocking(move || controllers::settle(&server, options, timeout))
            .await
            .map_err(|e| controllers::ControllerError::Store(StoreError::Backend(e.to_string())))?
    }

    /// The HTTP router serving the whole API.
    pub fn router(&self) -> axum::Router {
        routes::router(self.clone())
    }

    /// The router as a cloneable boxed service, for in-process transports.
    pub fn service(
        &self,
    ) -> tower::util::BoxCloneService<
        http::Request<axum::body::Body>,
        axum::response::Response,
        std::convert::Infallible,
    > {
        tower::util::BoxCloneService::new(self.router())
    }

    /// Creates the system namespaces that are missing.
    fn bootstrap(&self) -> Result<(), StoreError> {
        for ns in SYSTEM_NAMESPACES {
            let key = Key::new("namespaces", "", ns);
            if self.store().get(&key)?.is_some() {
                continue;
            }
            let mut obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
            objects::stamp_new(self, &namespace_resource(), &mut obj);
            admission::defaults::for_internal_write(self, &namespace_resource(), &mut obj);
            match self.store().create(&key, obj) {
                Ok(_) | Err(StoreError::AlreadyExists) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Every resource served: the built-in table, then those of stored CRDs.
    pub fn resources(&self) -> Vec<Arc<Resource>> {
        let mut out: Vec<Arc<Resource>> = registry::builtin().to_vec();
        out.extend(self.custom_resources());
        out
    }

    /// Resources defined by stored CustomResourceDefinitions that are `Established`.
    pub fn custom_resources(&self) -> Vec<Arc<Resource>> {
        let scope = store::Scope {
            resource: "customresourcedefinitions.apiextensions.k8s.io".into(),
            namespace: None,
        };
        let Ok((crds, _)) = self.store().list(&scope) else { return Vec::new() };
        crds.iter()
            .map(|s| s.value())
            .filter(|crd| crd::condition_true(crd, "Established"))
            .flat_map(|crd| Resource::from_crd(&crd))
            .filter(|r| registry::find_builtin(&r.group, &r.version, &r.plural).is_none())
            .map(Arc::new)
            .collect()
    }

    /// Resolves a URL's group, version and plural to a resource.
    pub fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<Arc<Resource>> {
        registry::find_builtin(group, version, plural).or_else(|| {
            self.custom_resources()
                .into_iter()
                .find(|r| r.group == group && r.version == version && r.plural == plural)
        })
    }
}

/// The `namespaces` resource.
pub fn namespace_resource() -> Arc<Resource> {
    registry::find_builtin("", "v1", "namespaces")
        .unwrap_or_else(|| unreachable!("namespaces is built in"))
}

/// The router for `server`: the seam the CLI's in-process transport uses.
pub fn router(server: &ApiServer) -> axum::Router {
    server.router()
}

/// Decodes a stored object, mapping corruption to an internal error.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, error::ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| error::ApiError::internal(format!("stored object is not valid JSON: {e}")))
}
