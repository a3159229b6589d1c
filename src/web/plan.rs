//! The weekly sampling plan: supervisors see their sites' part, the quality department
//! every site; completed spot-checks tick items off.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use super::error::{AppError, AppResult};
use super::query::{Query, optional_date};
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::clock::{on_post_in, period_label};
use crate::domain::sampling::Reason;
use crate::store::{org, plan};
use crate::views::plan::{self as view, PlanRow};

pub fn routes() -> Router<AppState> {
    Router::new().route("/plan", get(week))
}

#[derive(Debug, Deserialize)]
struct WeekQuery {
    week: Option<String>,
}

fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday() as i64)
}

async fn week(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<WeekQuery>,
) -> AppResult<Response> {
    if !viewer.scope.can_inspect() {
        return Err(AppError::Forbidden);
    }
    let l = viewer.lang;
    let week = q.week.as_deref().map(str::trim);
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let monday = monday_of(optional_date(week)?.unwrap_or(today));
    let items = plan::week(&state.db, &viewer.scope, monday, today).await?;
    let names = org::names(&state.db, items.iter().map(|(p, _)| p.subject_id).collect()).await?;
    let sites = org::site_names(&state.db).await?;
    let rows: Vec<PlanRow> = items
        .into_iter()
        .map(|(p, done)| PlanRow {
            date: p.planned_date,
            period: period_label(l, p.shift_period),
            hours: on_post_in(p.shift_period),
            site_id: p.site_id,
            site: sites.get(&p.site_id).cloned().unwrap_or_default(),
            subject_id: p.subject_id,
            subject: names.get(&p.subject_id).cloned().unwrap_or_default(),
            due: p.reason == Reason::Due.as_str(),
            done,
        })
        .collect();
    Ok(view::week(&viewer.chrome(), monday, &rows).into_response())
}
