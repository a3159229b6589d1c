//! What the tablet needs to keep working without a network: the service worker and the
//! web app manifest (installable, opens offline), the list of pages to keep for the
//! signed-in inspector, the session as JSON (whose kept spot-checks the outbox may send,
//! with a fresh CSRF token) and the "kept on this device" page, which the browser fills
//! from its own storage.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::error::AppResult;
use super::session::{ApiViewer, Viewer};
use super::spotchecks::offered_to;
use crate::app::AppState;
use crate::store::org;
use crate::views::layout::{ASSET_VERSION, MANIFEST, SERVICE_WORKER_JS};
use crate::views::offline as view;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sw.js", get(service_worker))
        .route("/manifest.webmanifest", get(manifest))
        .route("/offline/urls.json", get(offline_urls))
        .route("/session.json", get(session))
        .route("/kept", get(kept))
}

/// Served from the root so it may control every page; never cached by HTTP, so a new
/// release's worker is found on the next visit.
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER_JS.replace("__VERSION__", &ASSET_VERSION),
    )
        .into_response()
}

async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        MANIFEST,
    )
        .into_response()
}

/// The pages an inspector needs to start and score a spot-check offline at the sites
/// they belong to: the worklist, each site's staff, each person's checklists and a form
/// template per person and checklist. The links are written exactly as the pages write
/// them, so the service worker finds them by URL. Others get the shell pages only.
async fn offline_urls(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let mut urls = vec!["/".to_string(), "/kept".to_string()];
    if viewer.scope.can_inspect() {
        urls.push("/spotchecks/new".into());
        let checklists = state.current_checklists().await?;
        let mut sites = viewer.scope.sites.clone();
        sites.retain(|&s| viewer.scope.can_inspect_at(s));
        sites.sort_unstable();
        for site in sites {
            urls.push(format!("/spotchecks/new?site={site}"));
            for (person, position) in org::staff_at(&state.db, site).await? {
                let query = format!("?site={site}&subject={}", person.id);
                urls.push(format!("/spotchecks/new{query}"));
                for c in checklists
                    .iter()
                    .filter(|c| offered_to(c, position.as_ref()))
                {
                    urls.push(format!(
                        "/spotchecks/template{query}&checklist={}",
                        crate::views::urlencode(&c.checklist.key)
                    ));
                }
            }
        }
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(urls)).into_response())
}

#[derive(Debug, Serialize)]
struct SessionReply {
    user: i32,
    name: String,
    csrf: String,
}

/// 200 with the person and a token for the current session; 401 (JSON) when signed out,
/// which the outbox reads as "keep everything and ask to sign in".
async fn session(ApiViewer(viewer): ApiViewer) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(SessionReply {
            user: viewer.user.id,
            name: viewer.user.name.clone(),
            csrf: viewer.csrf.clone(),
        }),
    )
        .into_response()
}

async fn kept(viewer: Viewer) -> Response {
    view::kept(&viewer.chrome()).into_response()
}
