//! Inspection results, the history list with filters and paging, and acknowledgement.

use crate::i18n::Message;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use entity::states::InspectionStatus;
use serde::Deserialize;
use uuid::Uuid;

use super::error::{AppError, AppResult};
use super::query::{Form, Query, nonempty, optional_date, optional_id};
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::access::Role;
use crate::domain::clock::{ZoneNaming, period_label};
use crate::domain::scoring::describe_answer;
use crate::store::filter::{CheckKind, ListFilter};
use crate::store::inspections;
use crate::store::{org, reports as reads};
use crate::views::inspections::{
    self as view, ListRow, ListView, ResultItem, ResultView, SelectOption, TrainingRow,
};

const PER_PAGE: u64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(list))
        .route("/inspections/{id}", get(result))
        .route("/inspections/{id}/acknowledge", post(acknowledge))
        .route("/inspections/{id}/void", post(void))
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    site: Option<String>,
    subject: Option<String>,
    inspector: Option<String>,
    checklist: Option<String>,
    from: Option<String>,
    to: Option<String>,
    failed_item: Option<String>,
    position: Option<String>,
    /// `first` (no re-checks, as the dashboard counts) or `recheck`.
    kind: Option<String>,
    /// `submitted` or `voided`; both when absent.
    status: Option<String>,
    page: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let l = viewer.lang;
    let filter = ListFilter {
        site: optional_id(q.site.as_deref(), "site")?,
        subject: optional_id(q.subject.as_deref(), "subject")?,
        inspector: optional_id(q.inspector.as_deref(), "inspector")?,
        checklist: q.checklist.clone().filter(|s| !s.trim().is_empty()),
        from: optional_date(q.from.as_deref())?,
        to: optional_date(q.to.as_deref())?,
        status: match nonempty(q.status.as_deref()) {
            None => None,
            // The list's words: "voided" is the stored `void`.
            Some("submitted") => Some(InspectionStatus::Submitted),
            Some("voided") => Some(InspectionStatus::Void),
            Some(other) => {
                return Err(AppError::BadRequest(
                    Message::new("refuse-not-a-status").arg("value", other),
                ));
            }
        },
        failed_item: q.failed_item.clone().filter(|s| !s.trim().is_empty()),
        position: super::quality::position_id(&state, q.position.as_deref()).await?,
        kind: nonempty(q.kind.as_deref())
            .map(|k| {
                CheckKind::parse(k).ok_or_else(|| {
                    AppError::BadRequest(Message::new("refuse-not-a-kind-of-check").arg("value", k))
                })
            })
            .transpose()?,
    };
    if let Some(site) = filter.site
        && !viewer.scope.can_view_site(site)
    {
        return Err(AppError::Forbidden);
    }
    let page = super::query::page_number(q.page.as_deref())?;
    let (rows, total) =
        inspections::list(&state.db, &viewer.scope, &filter, page, PER_PAGE).await?;
    let sites = org::visible_sites(&state.db, &viewer.scope).await?;
    let site_names = org::site_names(&state.db).await?;
    let mut ids: Vec<i32> = rows
        .iter()
        .flat_map(|r| [r.subject_id, r.inspector_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names = org::names(&state.db, ids).await?;
    let mut titles = std::collections::HashMap::new();
    for r in &rows {
        if let std::collections::hash_map::Entry::Vacant(e) = titles.entry(r.checklist_version_id) {
            let v = state.checklist_version(r.checklist_version_id).await?;
            e.insert(v.checklist.title.get(l).to_string());
        }
    }
    let staff_view = viewer.role() == Role::Staff;
    let (people, inspectors) = if staff_view {
        (Vec::new(), Vec::new())
    } else {
        filter_people(&state, &viewer).await?
    };
    let checklists = state
        .current_checklists()
        .await?
        .into_iter()
        .map(|c| SelectOption {
            value: c.checklist.key.clone(),
            label: c.checklist.title.get(l).to_string(),
        })
        .collect();
    let mut echo = Vec::new();
    for (name, value) in [
        ("site", &q.site),
        ("subject", &q.subject),
        ("inspector", &q.inspector),
        ("checklist", &q.checklist),
        ("from", &q.from),
        ("to", &q.to),
        ("failed_item", &q.failed_item),
        ("position", &q.position),
        ("kind", &q.kind),
        ("status", &q.status),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            echo.push((name.to_string(), v.to_string()));
        }
    }
    // Each row's time in its site's zone, the zone named once or beside each time.
    let mut row_sites: Vec<i32> = rows.iter().map(|r| r.site_id).collect();
    row_sites.sort_unstable();
    row_sites.dedup();
    let zones = super::site_zones(&state, &row_sites).await?;
    let zone_of = |site: i32| zones.get(&site).copied().unwrap_or(state.config.time_zone);
    let no_rows = super::siteless_zone(&state, &viewer.scope).await?;
    let naming = ZoneNaming::of(rows.iter().map(|r| zone_of(r.site_id)), no_rows);
    let view = ListView {
        naming,
        rows: rows
            .iter()
            .map(|r| ListRow {
                id: r.id,
                submitted: r.submitted_at.map(|t| naming.format(zone_of(r.site_id), t)),
                date: r.shift_date.to_string(),
                period: period_label(l, r.shift_period),
                site: site_names.get(&r.site_id).cloned().unwrap_or_default(),
                subject: names.get(&r.subject_id).cloned().unwrap_or_default(),
                inspector: names.get(&r.inspector_id).cloned().unwrap_or_default(),
                checklist: titles
                    .get(&r.checklist_version_id)
                    .cloned()
                    .unwrap_or_default(),
                status: r.status,
                percent: r.percent,
                passed: r.passed,
                critical: r.critical_failure,
                acknowledged: r.acknowledged_at.is_some(),
            })
            .collect(),
        total,
        page,
        pages: total.div_ceil(PER_PAGE),
        sites: sites
            .into_iter()
            .map(|s| SelectOption {
                value: s.id.to_string(),
                label: s.name,
            })
            .collect(),
        people,
        inspectors,
        checklists,
        filter: echo,
        staff_view,
    };
    Ok(view::list(&viewer.chrome(), &view).into_response())
}

/// Staff and inspectors at the viewer's sites, for the filter lists.
async fn filter_people(
    state: &AppState,
    viewer: &Viewer,
) -> AppResult<(Vec<SelectOption>, Vec<SelectOption>)> {
    let everyone = org::people_in_view(&state.db, &viewer.scope).await?;
    let option = |u: &entity::user::Model| SelectOption {
        value: u.id.to_string(),
        label: u.name.clone(),
    };
    let staff = everyone
        .iter()
        .filter(|u| u.role == "staff")
        .map(option)
        .collect();
    let inspectors = everyone
        .iter()
        .filter(|u| u.role != "staff")
        .map(option)
        .collect();
    Ok((staff, inspectors))
}

async fn result(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let l = viewer.lang;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::Forbidden)?;
    let row = reads::inspection_row(&state.db, id).await?;
    if !viewer.scope.can_open(&inspections::access_ref(&row)) {
        return Err(AppError::Forbidden);
    }
    if row.status == InspectionStatus::Draft {
        return Ok(Redirect::to(&format!("/spotchecks/{id}")).into_response());
    }
    let version = state.checklist_version(row.checklist_version_id).await?;
    let record = reads::report_view(&state.db, row, version).await?;
    // Times as the site's wall clock showed them.
    let clock = state.config.clock_for(&record.site_time_zone);
    let mut items = Vec::new();
    let mut sections = Vec::new();
    for answered in record.answered_sections() {
        let section = answered.section.title.get(l);
        for &(item, r) in &answered.items {
            items.push(ResultItem {
                section: section.to_string(),
                text: item.text.get(l).to_string(),
                clause: item.clause.clone(),
                outcome: r.outcome,
                points: r.points,
                max: r.max_points,
                answer: r
                    .answer
                    .as_ref()
                    .map(|a| describe_answer(l, &item.kind, a))
                    .unwrap_or_default(),
                note: r.note.clone(),
                photo: r.photo.as_ref().map(|f| format!("/photos/{id}/{f}")),
                critical: item.critical,
                training: record
                    .calls
                    .iter()
                    .filter(|c| c.item_key == item.key)
                    .map(|c| (c.state, c.describe(l)))
                    .collect(),
            });
        }
        sections.push(answered.score_in(l));
    }
    let training = record
        .newly_assigned()
        .into_iter()
        .map(|a| TrainingRow {
            title: a.title_in(l),
            due: a.due.to_string(),
            critical: a.critical,
        })
        .collect();
    let submitted = record.status == InspectionStatus::Submitted;
    let follow_up = super::actions::result_block(&state, &viewer, id, |t| clock.format(t)).await?;
    let view = ResultView {
        follow_up,
        id,
        checklist: record.checklist.title.get(l).to_string(),
        version: record.checklist_version,
        site: record.site.clone(),
        subject: record.subject.clone(),
        position: record.position.as_ref().map(|p| p.get(l).to_string()),
        inspector: record.inspector.clone(),
        shift: view::shift_text(l, record.shift_date, record.shift_period),
        status: record.status,
        percent: record.percent,
        score: record.score,
        max_score: record.max_score,
        passed: record.passed,
        critical: record.critical_failure,
        sections,
        items,
        training,
        can_acknowledge: record.subject_id == viewer.user.id && submitted,
        can_void: submitted && viewer.scope.can_manage_at(record.site_id),
        void_reason: record.void_reason.clone(),
        submitted: record.submitted_at.map(|t| clock.format(t)),
        acknowledged: record.acknowledged_at.map(|t| clock.format(t)),
    };
    Ok(view::result(&viewer.chrome(), &view).into_response())
}

#[derive(Debug, Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> AppResult<Redirect> {
    viewer.check_csrf(form.csrf.as_deref())?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::Forbidden)?;
    inspections::acknowledge(&state.db, id, viewer.user.id).await?;
    Ok(Redirect::to(&format!("/inspections/{id}")))
}

#[derive(Debug, Deserialize)]
struct VoidForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    reason: String,
}

/// Managers of the site (and admins) may void a submitted inspection, with a reason.
async fn void(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<VoidForm>,
) -> AppResult<Redirect> {
    viewer.check_csrf(form.csrf.as_deref())?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::Forbidden)?;
    let row = reads::inspection_row(&state.db, id).await?;
    if !viewer.scope.can_manage_at(row.site_id) {
        return Err(AppError::Forbidden);
    }
    inspections::void(&state.db, id, viewer.user.id, &form.reason).await?;
    Ok(Redirect::to(&format!("/inspections/{id}")))
}
