//! Build the web application: shared state and the router. `main` and the tests both
//! call `build`, so they serve exactly the same app.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::config::Config;
use crate::web;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
}

pub fn build(state: AppState) -> Router {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .merge(web::routes())
        .with_state(state);
    web::security_headers(app)
}

/// 200 when the app can reach its database, 503 when it cannot (so a load balancer
/// takes the instance out of rotation instead of sending it requests that would hang).
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
