//! The home page: inspectors land on the spot-check start (two taps from a check);
//! staff see their own results and training.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::error::AppResult;
use super::query::Query;
use super::session::Viewer;
use super::spotchecks::{self, StartQuery};
use crate::app::AppState;
use crate::domain::access::Role;
use crate::store::{inspections, training};
use crate::views::home::{self as view, MyResult, MyTraining};

pub async fn home(
    state: State<AppState>,
    viewer: Viewer,
    query: Query<StartQuery>,
) -> AppResult<Response> {
    if viewer.role() != Role::Staff {
        return spotchecks::start(state, viewer, query).await;
    }
    let l = viewer.lang;
    let rows = inspections::latest_results_of(&state.db, viewer.user.id, 10).await?;
    let mut results = Vec::new();
    for r in rows {
        let version = state.checklist_version(r.checklist_version_id).await?;
        results.push(MyResult {
            id: r.id,
            date: r.shift_date.to_string(),
            checklist: version.checklist.title.get(l).to_string(),
            percent: r.percent,
            passed: r.passed,
            critical: r.critical_failure,
            acknowledged: r.acknowledged_at.is_some(),
        });
    }
    let open = training::not_completed(&state.db, viewer.user.id).await?;
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let mut training = Vec::new();
    for (a, module) in open {
        let Some(module) = module else { continue };
        let title = inspections::latest_module(&state.db, module.id)
            .await
            .map(|m| m.title.get(l).to_string())
            .unwrap_or(module.key);
        training.push(MyTraining {
            title,
            due: a.due_date.to_string(),
            overdue: a.due_date < today,
        });
    }
    let actions = super::actions::home_panel(&state, &viewer).await?;
    Ok(view::staff_home(&viewer.chrome(), &results, &training, &actions).into_response())
}
