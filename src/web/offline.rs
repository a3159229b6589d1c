//! What the tablet needs to keep working without a network: the signed-in session as
//! JSON (whose kept spot-checks the outbox may send, with a fresh CSRF token) and the
//! "kept on this device" page, which the browser fills from its own storage.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::session::{ApiViewer, Viewer};
use crate::app::AppState;
use crate::views::offline as view;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session.json", get(session))
        .route("/kept", get(kept))
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
