//! Admin pages: sites, positions, people and accounts, and the checklist library with
//! its versions.

use axum::Router;

use crate::app::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
