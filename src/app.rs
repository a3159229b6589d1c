//! Build the web application: shared state and the router. `main` and the tests both
//! call `build`, so they serve exactly the same app.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::config::Config;
use crate::domain::access::Scope;
use crate::domain::clock::SiteClock;
use crate::store::files::{Files, FilesResult};
use crate::store::library::{self, StoredChecklist};
use crate::store::submit::GroupCommit;
use crate::store::{StoreResult, org};
use crate::web;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// Stores finished spot-checks, batching those that arrive together.
    pub submissions: GroupCommit,
    /// Photos and signatures: the data directory or the configured bucket.
    pub files: Files,
    /// The company's OpenID provider, when single sign-on is configured (its metadata
    /// and keys are fetched on first use and kept).
    pub oidc: Option<Arc<crate::oidc::Provider>>,
    /// Woken by every write request this instance answers, so the outbox's webhook loop
    /// delivers what it queued at once (another instance's writes are found by the
    /// loop's look each second).
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Checklist versions already read and parsed. A stored version never changes (an
    /// edit makes a new version), so instances can keep them without invalidation.
    versions: Arc<Mutex<HashMap<i32, StoredChecklist>>>,
}

impl AppState {
    /// The state for a database and configuration; starts the submission writer, so it
    /// must be called on a tokio runtime. Fails when the file storage cannot be set up
    /// (a data directory that cannot be created, an unusable bucket setting).
    pub fn new(db: DatabaseConnection, config: Config) -> FilesResult<AppState> {
        Ok(AppState {
            files: Files::open(&config.storage())?,
            submissions: GroupCommit::start(db.clone()),
            oidc: config
                .oidc
                .clone()
                .map(|c| Arc::new(crate::oidc::Provider::new(c))),
            db,
            config: Arc::new(config),
            versions: Arc::default(),
            outbox_wake: Arc::default(),
        })
    }

    /// The clock of one site (its zone, or the configured default).
    pub async fn site_clock(&self, site_id: i32) -> StoreResult<SiteClock> {
        let zones = org::time_zones(&self.db, &[site_id]).await?;
        Ok(self
            .config
            .clock_for(zones.get(&site_id).map_or("", String::as_str)))
    }

    /// The clock pages that span sites are shown in: the viewer's primary site (the
    /// first they belong to), or the configured default for people with no site.
    pub async fn viewer_clock(&self, scope: &Scope) -> StoreResult<SiteClock> {
        match scope.sites.iter().min() {
            Some(&primary) => self.site_clock(primary).await,
            None => Ok(self.config.default_clock()),
        }
    }

    /// The latest version of every active checklist, ordered by key: one query for
    /// which versions are current, each parsed once per instance.
    pub async fn current_checklists(&self) -> StoreResult<Vec<StoredChecklist>> {
        let ids = library::current_version_ids(&self.db, None).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.checklist_version(id).await?);
        }
        Ok(out)
    }

    /// The latest version of the active checklist `key`, if there is one.
    pub async fn current_checklist(&self, key: &str) -> StoreResult<Option<StoredChecklist>> {
        match library::current_version_ids(&self.db, Some(key))
            .await?
            .first()
        {
            Some(&id) => Ok(Some(self.checklist_version(id).await?)),
            None => Ok(None),
        }
    }

    /// One stored checklist version by id, parsed once per instance.
    pub async fn checklist_version(&self, id: i32) -> StoreResult<StoredChecklist> {
        if let Some(v) = self.versions.lock().expect("version cache").get(&id) {
            return Ok(v.clone());
        }
        let version = library::checklist_version(&self.db, id).await?;
        self.versions
            .lock()
            .expect("version cache")
            .insert(id, version.clone());
        Ok(version)
    }
}

/// Largest request body accepted (a spot-check with long notes fits easily; photos
/// have their own, larger limit on their route).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A request that takes longer than this is answered 408 instead of tying up the server.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn build(state: AppState) -> Router {
    build_with(state, Router::new())
}

/// The app with `extra` routes served like its own, inside every layer (the tests add
/// a route that panics, to see the panic guard answer).
pub fn build_with(state: AppState, extra: Router<AppState>) -> Router {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .merge(web::routes())
        .merge(extra)
        .layer(CatchPanicLayer::custom(web::requests::panicked))
        .layer(axum::middleware::from_fn(web::requests::panics_in_json))
        .layer(axum::middleware::from_fn(
            web::form_text::refuse_unstorable_text,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::error::in_requested_form,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::requests::wake_outbox,
        ))
        .with_state(state);
    web::traced(web::security_headers(app))
}

/// Serve `app` on `listener` until `shutdown` completes, then let open requests finish.
/// HTTP/1 through hyper directly (not `axum::serve`) for the header read timeout: a
/// client that trickles its headers is cut off after `header_read_timeout`. Each
/// request carries its connection's peer address (`ConnectInfo<SocketAddr>`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::Service as _;

    let mut connections = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: pause instead of spinning.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(service) = connections.call(peer).await;
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .serve_connection(
                TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(service),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    graceful.shutdown().await;
}

/// 200 when the app can reach its database, 503 when it cannot (so a load balancer
/// takes the instance out of rotation instead of sending it requests that would hang).
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let probe = tokio::time::timeout(
        Duration::from_secs(1),
        state.db.execute_unprepared("SELECT 1"),
    )
    .await;
    match probe
        .map_err(|_| "timed out".to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
    {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
