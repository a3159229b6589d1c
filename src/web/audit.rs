//! The audit log, read-only: the quality department and admins browse who changed what.
//! There is no route that edits or deletes it.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::error::{AppError, AppResult};
use super::query::Query;
use super::session::Viewer;
use crate::app::AppState;
use crate::store::{audit, org};
use crate::views::audit::{self as view, AuditRow};

const PER_PAGE: u64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    entity: Option<String>,
    page: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    if !viewer.role().reads_audit_log() {
        return Err(AppError::Forbidden);
    }
    let entity = q.entity.filter(|e| !e.trim().is_empty());
    let page = super::query::page_number(q.page.as_deref())?;
    let (rows, total) = audit::page(&state.db, entity.as_deref(), page, PER_PAGE).await?;
    let names = org::names(&state.db, rows.iter().filter_map(|r| r.actor_id).collect()).await?;
    // The log spans sites: times in the viewer's primary site's zone (said on the page).
    let clock = state.viewer_clock(&viewer.scope).await?;
    let rows: Vec<AuditRow> = rows
        .into_iter()
        .map(|r| AuditRow {
            at: clock.format_seconds(r.at),
            actor: r
                .actor_id
                .map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))),
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before.map(|v| v.to_string()),
            after: r.after.map(|v| v.to_string()),
        })
        .collect();
    Ok(view::list(
        &viewer.chrome(),
        &rows,
        entity.as_deref(),
        page,
        total.div_ceil(PER_PAGE),
        clock.tz.name(),
    )
    .into_response())
}
