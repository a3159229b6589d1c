//! PDF downloads: a spot-check's report, a person's record, a site's period. Each
//! handler authorizes first, gathers the data (`reports::data`), then builds the PDF on
//! the blocking pool — it is CPU work that must not hold up the async workers.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use entity::states::InspectionStatus;
use serde::Deserialize;
use uuid::Uuid;

use super::error::{AppError, AppResult};
use super::query::{Query, nonempty, optional_date};
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::Lang;
use crate::reports::{self, data};
use crate::store::reports as reads;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspections/{id}/report.pdf", get(inspection_pdf))
        // `{user_id}.pdf`: the whole segment is matched and the suffix checked below.
        .route("/reports/staff/{file}", get(staff_pdf))
        .route("/reports/site.pdf", get(site_pdf))
}

#[derive(Debug, Deserialize, Default)]
pub struct ReportQuery {
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    site: Option<String>,
}

/// The viewer's language unless `?lang=` asks for the other.
fn lang_of(viewer: &Viewer, q: &ReportQuery) -> Lang {
    nonempty(q.lang.as_deref())
        .and_then(Lang::parse)
        .unwrap_or(viewer.lang)
}

/// `from` and `to`, defaulting to the last full calendar month before `today`.
fn period(q: &ReportQuery, today: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    data::period(
        optional_date(q.from.as_deref())?,
        optional_date(q.to.as_deref())?,
        today,
    )
    .map_err(AppError::BadRequest)
}

/// Build the PDF on the blocking pool and send it as a download.
async fn pdf(
    name: String,
    build: impl FnOnce() -> Vec<u8> + Send + 'static,
) -> AppResult<Response> {
    let bytes = tokio::task::spawn_blocking(build)
        .await
        .map_err(|e| AppError::Internal(format!("building {name} failed: {e}")))?;
    Ok(super::attachment("application/pdf", &name, bytes))
}

/// Anyone who may see the spot-check may download its report; drafts have none.
async fn inspection_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::Forbidden)?;
    let row = reads::inspection_row(&state.db, id).await?;
    if row.status == InspectionStatus::Draft
        || !viewer
            .scope
            .can_view_inspection(row.site_id, row.subject_id)
    {
        return Err(AppError::Forbidden);
    }
    let lang = lang_of(&viewer, &q);
    let version = state.checklist_version(row.checklist_version_id).await?;
    let record = reads::report_view(&state.db, row, version).await?;
    let photos = state.files.photos_of(&record).await;
    let report = data::inspection(&record, &photos, lang, state.config.time_zone);
    let clock = state.config.clock_for(&record.site_time_zone);
    let follow_up = super::actions::report_follow_up(&state, lang, id, |t| clock.format(t)).await?;
    pdf(format!("inspection-{id}.pdf"), move || {
        reports::inspection::render_with(&report, &follow_up, lang)
    })
    .await
}

/// Whoever may read the person's record (`Scope::can_read_record_of`); it lists only
/// the spot-checks the viewer may open. An unknown person answers as a forbidden one.
async fn staff_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let user_id: i32 = file
        .strip_suffix(".pdf")
        .and_then(|id| id.parse().ok())
        .ok_or(AppError::NotFound)?;
    let (role, sites) = reads::record_holder(&state.db, user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !viewer.scope.can_read_record_of(user_id, role, &sites) {
        return Err(AppError::Forbidden);
    }
    // A person's record spans their sites: the viewer's primary site's today.
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let (from, to) = period(&q, today)?;
    let lang = lang_of(&viewer, &q);
    let shown = viewer.scope.record_sites(user_id).map(<[i32]>::to_vec);
    let record = reads::person_record(&state.db, user_id, shown.as_deref(), from, to).await?;
    let report = data::staff(&record, from, to, today, lang);
    pdf(format!("staff-{user_id}-{from}-{to}.pdf"), move || {
        reports::staff::render(&report, lang)
    })
    .await
}

/// Admins and the quality department for any site or all of them; managers for their
/// own sites (all of them together when none is named).
async fn site_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    if !viewer.role().sees_reports() {
        return Err(AppError::Forbidden);
    }
    // An id or a code. One that names no site is refused exactly like a site that is
    // not the viewer's (the store's NotFound is a 403), so a refusal never tells which.
    let site = match nonempty(q.site.as_deref()) {
        None => None,
        Some(s) => Some(reads::find_site(&state.db, s).await?.id),
    };
    if let Some(site) = site
        && !viewer.scope.can_view_site(site)
    {
        return Err(AppError::Forbidden);
    }
    let clock = match site {
        Some(id) => state.site_clock(id).await?,
        None => state.viewer_clock(&viewer.scope).await?,
    };
    let (from, to) = period(&q, clock.today())?;
    let lang = lang_of(&viewer, &q);
    let period = reads::site_period(&state.db, &viewer.scope, site, from, to).await?;
    let report = data::site(&period, lang);
    let name = match site {
        Some(id) => format!("site-{id}-{from}-{to}.pdf"),
        None => format!("sites-{from}-{to}.pdf"),
    };
    let sites = match site {
        Some(id) => Some(vec![id]),
        None => viewer.scope.site_filter().map(<[i32]>::to_vec),
    };
    let overdue =
        super::actions::report_overdue(&state, lang, sites.as_deref(), clock.today()).await?;
    pdf(name, move || {
        reports::site::render_with(&report, &overdue, lang)
    })
    .await
}
