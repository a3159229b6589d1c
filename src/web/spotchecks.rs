//! The spot-check flow on a tablet: pick the person, pick the checklist, score the form
//! (autosaved as a draft), attach photos, submit. Submissions are idempotent on the
//! spot-check's UUID, so the offline outbox can retry safely.

use entity::states::InspectionStatus;
use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use entity::{inspection, position, recheck, site, user};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{ApiError, ApiResult, AppError, AppResult};
use super::query::{Form, Query, optional_id};
use super::session::{ApiViewer, Viewer};
use crate::app::AppState;
use crate::domain::ShiftPeriod;
use crate::domain::actions::{self, NewAction, Owner, SignOff, SubjectSign};
use crate::domain::clock::{parse_period, period_label};
use crate::domain::form::{self, FormInput};
use crate::domain::scoring::{
    Problem, Scorecard, Subject, applies, missing_attributes, resolve_context, score,
};
use crate::domain::text::capped;
use crate::domain::{Checklist, Field, Lang};
use crate::i18n::{Localize, Message};
use crate::store::files;
use crate::store::inspections::{self, Draft, DraftState, Submission};
use crate::store::library::StoredChecklist;
use crate::store::submit::{self, FollowUp, version_conflict};
use crate::store::{org, training, users};
use crate::views::spotcheck::{
    self as view, ChecklistTile, DraftLink, FormView, OverdueRow, RecheckLink, SiteTab, StaffTile,
    Worklist,
};

/// Largest photo accepted (the tablet shrinks photos before sending; this is a guard).
pub const MAX_PHOTO_BYTES: usize = 4 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/spotchecks/new", get(start))
        .route("/spotchecks/start", get(begin))
        .route("/spotchecks/template", get(template_page))
        .route("/spotchecks/chooser", get(chooser_page))
        .route("/spotchecks/{id}", get(form_page))
        .route("/spotchecks/{id}/draft", post(save_draft))
        .route("/spotchecks/{id}/submit", post(submit))
        .route(
            "/spotchecks/{id}/photos/{item}",
            post(upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/photos/{id}/{file}", get(photo))
}

#[derive(Debug, Deserialize, Default)]
pub struct StartQuery {
    site: Option<String>,
    subject: Option<String>,
    checklist: Option<String>,
    recheck: Option<String>,
}

/// Who and what a spot-check is about, checked against the viewer's rights.
struct Target {
    site: site::Model,
    subject: user::Model,
    position: Option<position::Model>,
    attributes: Subject,
    version: StoredChecklist,
    /// For a re-check: the spot-check whose failures it follows up.
    recheck_of: Option<Uuid>,
}

async fn inspectable_site(
    state: &AppState,
    viewer: &Viewer,
    site_id: i32,
) -> AppResult<site::Model> {
    if !viewer.scope.can_inspect_at(site_id) {
        return Err(AppError::Forbidden);
    }
    org::active_site(&state.db, site_id)
        .await?
        .ok_or(AppError::Forbidden)
}

/// The site and the staff member a spot-check is for, both checked against the viewer's
/// rights: the site one the viewer may inspect at and open, the person an active staff
/// member of it. One query for both (each is a round trip on every submission).
async fn site_and_person(
    state: &AppState,
    viewer: &Viewer,
    site_id: i32,
    subject_id: i32,
) -> AppResult<(site::Model, user::Model, Option<position::Model>)> {
    if !viewer.scope.can_inspect_at(site_id) {
        return Err(AppError::Forbidden);
    }
    org::staff_member_at(&state.db, site_id, subject_id)
        .await?
        .ok_or(AppError::Forbidden)
}

async fn target(
    state: &AppState,
    viewer: &Viewer,
    site_id: i32,
    subject_id: i32,
    version: StoredChecklist,
) -> AppResult<Target> {
    let (site, subject, position) = site_and_person(state, viewer, site_id, subject_id).await?;
    if let Some(p) = &position
        && !version.checklist.positions.contains(&p.key)
    {
        return Err(AppError::BadRequest(
            Message::new("refuse-checklist-not-for-position")
                .arg("checklist", &version.checklist.key)
                .arg("position", &p.key),
        ));
    }
    let attributes = users::subject_of(&subject, position.as_ref());
    let missing = missing_attributes(&version.checklist, &attributes);
    if !missing.is_empty() {
        return Err(AppError::Conflict(Message::literal(
            missing_attributes_message(viewer.lang, &subject.name, &missing),
        )));
    }
    Ok(Target {
        site,
        subject,
        position,
        attributes,
        version,
        recheck_of: None,
    })
}

/// The name of a person's attribute that checklist conditions test.
fn attribute_name(lang: Lang, field: &Field) -> String {
    match field {
        Field::SubjectGender => lang.t("spotcheck-gender"),
        Field::SubjectPosition => lang.t("spotcheck-position"),
        Field::Context(_) => lang.t("spotcheck-context"),
    }
}

/// Why a person cannot be checked with a checklist yet: items depend on what their
/// record lacks, and would otherwise drop out of the score unseen.
fn missing_attributes_message(lang: Lang, person: &str, missing: &[Field]) -> String {
    let names: Vec<String> = missing.iter().map(|f| attribute_name(lang, f)).collect();
    let fields = names.join(&lang.t("list-or"));
    lang.t_args(
        "spotcheck-record-lacks",
        &[("person", person.into()), ("fields", fields.into())],
    )
}

/// Why `person` cannot be checked with `checklist` yet, if they cannot.
pub fn blocked_reason(
    lang: Lang,
    person: &str,
    checklist: &Checklist,
    attributes: &Subject,
) -> Option<String> {
    let missing = missing_attributes(checklist, attributes);
    (!missing.is_empty()).then(|| missing_attributes_message(lang, person, &missing))
}

/// A person's attributes as the device's engine reads them (static/engine.js).
pub fn subject_json(attributes: &Subject) -> serde_json::Value {
    serde_json::json!({
        "gender": attributes.gender.map(|g| g.as_str()),
        "position": attributes.position,
    })
}

async fn current_version(state: &AppState, key: &str) -> AppResult<StoredChecklist> {
    state
        .current_checklist(key)
        .await?
        .ok_or_else(|| AppError::BadRequest(Message::new("refuse-no-checklist").arg("key", key)))
}

pub fn position_name(lang: Lang, p: &Option<position::Model>) -> Option<String> {
    p.as_ref()
        .map(|p| org::position_name(p).get(lang).to_string())
}

/// Home of the spot-check flow: site, then person, then checklist.
pub async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    if !viewer.scope.can_inspect() {
        return Err(AppError::Forbidden);
    }
    let l = viewer.lang;
    let site_id = optional_id(q.site.as_deref(), "site")?;
    if let (Some(site_id), Some(subject_id)) =
        (site_id, optional_id(q.subject.as_deref(), "subject")?)
    {
        let (_, subject, position) = site_and_person(&state, &viewer, site_id, subject_id).await?;
        let attributes = users::subject_of(&subject, position.as_ref());
        let checklists: Vec<ChecklistTile> = state
            .current_checklists()
            .await?
            .into_iter()
            .filter(|c| offered_to(c, position.as_ref()))
            .map(|c| ChecklistTile {
                key: c.checklist.key.clone(),
                title: c.checklist.title.get(l).to_string(),
                items: c.checklist.items().count(),
                blocked: blocked_reason(l, &subject.name, &c.checklist, &attributes),
            })
            .collect();
        let tile = StaffTile {
            id: subject.id,
            name: subject.name.clone(),
            position: position_name(l, &position),
        };
        // Only admins edit people; others are told whom to ask.
        let record_link = viewer
            .scope
            .is_admin()
            .then(|| format!("/admin/people/{}", subject.id));
        return Ok(view::choose_checklist(
            &viewer.chrome(),
            site_id,
            &tile,
            &checklists,
            record_link.as_deref(),
        )
        .into_response());
    }

    let sites: Vec<SiteTab> = org::visible_sites(&state.db, &viewer.scope)
        .await?
        .into_iter()
        .filter(|s| viewer.scope.can_inspect_at(s.id))
        .map(|s| SiteTab {
            id: s.id,
            name: s.name,
        })
        .collect();
    let chosen = site_id
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or(sites.first().map(|s| s.id));
    if site_id.is_some() && chosen != site_id {
        return Err(AppError::Forbidden);
    }
    let staff = match chosen {
        Some(id) => org::staff_at(&state.db, id)
            .await?
            .into_iter()
            .map(|(u, p)| StaffTile {
                id: u.id,
                name: u.name,
                position: position_name(l, &p),
            })
            .collect(),
        None => Vec::new(),
    };
    let work = worklist(&state, &viewer).await?;
    Ok(view::start(&viewer.chrome(), &sites, chosen, &staff, &work).into_response())
}

/// Whether a checklist is offered for a person in `position` (anyone without one may be
/// checked on every checklist).
pub fn offered_to(checklist: &StoredChecklist, position: Option<&position::Model>) -> bool {
    position.is_none_or(|p| checklist.checklist.positions.contains(&p.key))
}

/// The inspector's open work: drafts, re-checks due, and overdue training for those
/// who watch it (managers, the quality department, admins).
async fn worklist(state: &AppState, viewer: &Viewer) -> AppResult<Worklist> {
    let l = viewer.lang;
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let rechecks = training::open_rechecks(&state.db, &viewer.scope).await?;
    let mut ids: Vec<i32> = rechecks.iter().map(|r| r.subject_id).collect();
    let overdue = if viewer.role().watches_training() {
        Some(training::overdue(&state.db, &viewer.scope, today).await?)
    } else {
        None
    };
    if let Some(list) = &overdue {
        ids.extend(list.iter().map(|(a, _)| a.user_id));
    }
    let names = org::names(&state.db, ids).await?;
    let sites = org::site_names(&state.db).await?;
    Ok(Worklist {
        actions: super::actions::home_panel(state, viewer).await?,
        drafts: my_drafts(state, viewer).await?,
        rechecks: rechecks
            .iter()
            .map(|r| RecheckLink {
                id: r.id,
                subject: names.get(&r.subject_id).cloned().unwrap_or_default(),
                site: sites.get(&r.site_id).cloned().unwrap_or_default(),
                items: training::recheck_items(r).len(),
                due: r.due_date.to_string(),
                overdue: r.due_date < today,
            })
            .collect(),
        overdue: overdue.map(|list| {
            list.into_iter()
                .map(|(a, m)| OverdueRow {
                    person: names.get(&a.user_id).cloned().unwrap_or_default(),
                    module: m.module.title.get(l).to_string(),
                    due: a.due_date.to_string(),
                })
                .collect()
        }),
    })
}

async fn my_drafts(state: &AppState, viewer: &Viewer) -> AppResult<Vec<DraftLink>> {
    let rows = inspections::drafts_of(&state.db, viewer.user.id).await?;
    let names = org::names(&state.db, rows.iter().map(|r| r.subject_id).collect()).await?;
    let mut links = Vec::new();
    for row in rows {
        let version = state.checklist_version(row.checklist_version_id).await?;
        links.push(DraftLink {
            href: format!("/spotchecks/{}", row.id),
            subject: names.get(&row.subject_id).cloned().unwrap_or_default(),
            checklist: version.checklist.title.get(viewer.lang).to_string(),
            when: format!(
                "{} {}",
                row.shift_date,
                period_label(viewer.lang, row.shift_period)
            ),
        });
    }
    Ok(links)
}

/// The second tap: a new spot-check gets its UUID here, so reloading the form keeps it.
async fn begin(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StartQuery>,
) -> AppResult<Redirect> {
    if let Some(recheck) = optional_id(q.recheck.as_deref(), "recheck")? {
        recheck_target(&state, &viewer, recheck).await?;
        return Ok(Redirect::to(&format!(
            "/spotchecks/{}?recheck={recheck}",
            Uuid::new_v4()
        )));
    }
    let site = optional_id(q.site.as_deref(), "site")?
        .ok_or_else(|| AppError::BadRequest(Message::new("refuse-choose-site")))?;
    let subject = optional_id(q.subject.as_deref(), "subject")?
        .ok_or_else(|| AppError::BadRequest(Message::new("refuse-choose-person")))?;
    let key = q
        .checklist
        .ok_or_else(|| AppError::BadRequest(Message::new("refuse-choose-checklist")))?;
    let version = current_version(&state, &key).await?;
    target(&state, &viewer, site, subject, version).await?;
    Ok(Redirect::to(&format!(
        "/spotchecks/{}?site={site}&subject={subject}&checklist={key}",
        Uuid::new_v4()
    )))
}

/// A re-check: the same checklist version as the spot-check that failed, cut down to
/// the items that failed.
async fn recheck_target(
    state: &AppState,
    viewer: &Viewer,
    recheck_id: i32,
) -> AppResult<(Target, recheck::Model)> {
    let row = training::open_recheck(&state.db, recheck_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let original = inspections::find(&state.db, row.inspection_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let mut version = state
        .checklist_version(original.checklist_version_id)
        .await?;
    version.checklist = version.checklist.subset(&training::recheck_items(&row));
    let mut target = target(state, viewer, row.site_id, row.subject_id, version).await?;
    target.recheck_of = Some(row.inspection_id);
    Ok((target, row))
}

/// A spot-check id from a path; the nil id belongs to the offline form template and is
/// never a spot-check's.
fn parse_uuid(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw)
        .ok()
        .filter(|id| !id.is_nil())
        .ok_or(AppError::Forbidden)
}

/// A stored spot-check the viewer may continue, or `None` for a new one.
async fn existing(
    state: &AppState,
    viewer: &Viewer,
    id: Uuid,
) -> AppResult<Option<inspection::Model>> {
    let Some(row) = inspections::find(&state.db, id).await? else {
        return Ok(None);
    };
    if !viewer.scope.can_send(&inspections::access_ref(&row)) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(row))
}

async fn form_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    let id = parse_uuid(&id)?;
    let (target, row) = match existing(&state, &viewer, id).await? {
        Some(row) if row.status != InspectionStatus::Draft => {
            return Ok(Redirect::to(&format!("/inspections/{id}")).into_response());
        }
        Some(row) => match DraftState::of(&row).recheck {
            Some(recheck) => (recheck_target(&state, &viewer, recheck).await?.0, Some(row)),
            None => {
                let version = state.checklist_version(row.checklist_version_id).await?;
                (
                    target(&state, &viewer, row.site_id, row.subject_id, version).await?,
                    Some(row),
                )
            }
        },
        None if q.recheck.is_some() => {
            let recheck =
                optional_id(q.recheck.as_deref(), "recheck")?.ok_or(AppError::Forbidden)?;
            (recheck_target(&state, &viewer, recheck).await?.0, None)
        }
        None => (fresh_target(&state, &viewer, &q).await?, None),
    };
    let mut draft = row.as_ref().map(DraftState::of).unwrap_or_default();
    if row.is_none() {
        draft.recheck = optional_id(q.recheck.as_deref(), "recheck")?;
    }
    let given_context = row
        .as_ref()
        .and_then(|r| serde_json::from_value(r.context.clone()).ok())
        .unwrap_or_default();
    let (shift_date, shift_period) = match &row {
        Some(r) => (r.shift_date, r.shift_period),
        // The shift under way at the site, by its own clock.
        None => state
            .config
            .clock_for(&target.site.time_zone)
            .current_shift(),
    };
    let fields = form::to_fields(&draft.answers, &draft.notes, &given_context);
    let shift_dates = shift_dates(&state, &target.site);
    let state = FormState {
        shift_date,
        shift_dates,
        shift_period,
        context: given_context,
        answers: draft.answers,
        fields,
        photos: draft.photos,
        recheck: draft.recheck,
    };
    let who = FormFor::of(viewer.lang, &target);
    Ok(render_form(&viewer, id, &target.version, &who, &state, &[], &[]).into_response())
}

/// The person and checklist of a new spot-check, from the form's query.
async fn fresh_target(state: &AppState, viewer: &Viewer, q: &StartQuery) -> AppResult<Target> {
    let site = optional_id(q.site.as_deref(), "site")?.ok_or(AppError::Forbidden)?;
    let subject = optional_id(q.subject.as_deref(), "subject")?.ok_or(AppError::Forbidden)?;
    let key = q.checklist.as_deref().ok_or(AppError::Forbidden)?;
    let version = current_version(state, key).await?;
    target(state, viewer, site, subject, version).await
}

/// A checklist's form for no one yet and without an id, which the tablet keeps for
/// offline use (`/offline/urls.json` lists one per checklist): opened from the cache
/// under `/spotchecks/{id}?site=…&subject=…&checklist=…`, the page takes the id of its
/// URL, made on the device, and the site and person from the roster the tablet keeps
/// (`/offline/roster.json`). It shows every item; the device's engine hides those that
/// do not apply to the person.
async fn template_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    if !viewer.scope.can_inspect() {
        return Err(AppError::Forbidden);
    }
    let blank = |clock: crate::domain::clock::SiteClock, recheck: Option<i32>| {
        let (shift_date, shift_period) = clock.current_shift();
        FormState {
            shift_date,
            shift_dates: state.config.shift_window.bounds(clock.today()),
            shift_period,
            context: Default::default(),
            answers: Default::default(),
            fields: Vec::new(),
            photos: BTreeMap::new(),
            recheck,
        }
    };
    // A re-check's form is for its person already (the worklist links to it).
    if let Some(recheck) = optional_id(q.recheck.as_deref(), "recheck")? {
        let (target, _) = recheck_target(&state, &viewer, recheck).await?;
        let form = blank(
            state.config.clock_for(&target.site.time_zone),
            Some(recheck),
        );
        let who = FormFor::of(viewer.lang, &target);
        return Ok(
            render_form(&viewer, Uuid::nil(), &target.version, &who, &form, &[], &[])
                .into_response(),
        );
    }
    let key = q.checklist.as_deref().ok_or(AppError::Forbidden)?;
    let version = current_version(&state, key).await?;
    let form = blank(state.config.default_clock(), None);
    let who = FormFor::to_be_filled(&version.checklist);
    Ok(render_form(&viewer, Uuid::nil(), &version, &who, &form, &[], &[]).into_response())
}

/// The checklist chooser of a site for no one yet, kept for offline use: opened from the
/// cache for any person of the site, the tablet shows the checklists its roster offers
/// that person and fills in the links.
async fn chooser_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    let site_id = optional_id(q.site.as_deref(), "site")?.ok_or(AppError::Forbidden)?;
    inspectable_site(&state, &viewer, site_id).await?;
    let l = viewer.lang;
    let tiles: Vec<ChecklistTile> = state
        .current_checklists()
        .await?
        .into_iter()
        .map(|c| ChecklistTile {
            key: c.checklist.key.clone(),
            title: c.checklist.title.get(l).to_string(),
            items: c.checklist.items().count(),
            blocked: None,
        })
        .collect();
    let nobody = StaffTile {
        id: 0,
        name: String::new(),
        position: None,
    };
    Ok(view::choose_checklist(&viewer.chrome(), site_id, &nobody, &tiles, None).into_response())
}

/// The first and last shift date a spot-check at `site` may carry today, by the site's
/// clock.
fn shift_dates(state: &AppState, site: &site::Model) -> (NaiveDate, NaiveDate) {
    let today = state.config.clock_for(&site.time_zone).today();
    state.config.shift_window.bounds(today)
}

/// What the form shows besides the checklist: the shift, context, answers so far.
struct FormState {
    shift_date: NaiveDate,
    /// The accepted shift dates, for the date field's min and max.
    shift_dates: (NaiveDate, NaiveDate),
    shift_period: ShiftPeriod,
    context: crate::domain::scoring::Context,
    answers: crate::domain::scoring::Answers,
    /// The fields to refill the form with.
    fields: Vec<(String, String)>,
    photos: BTreeMap<String, String>,
    recheck: Option<i32>,
}

/// Whom a form is for, as the page shows it. The offline template's is blank: the
/// tablet fills it in from the roster it keeps (static/app.js).
struct FormFor {
    site_id: i32,
    site_name: String,
    subject_id: i32,
    subject_name: String,
    position_name: Option<String>,
    attributes: Subject,
    /// The items shown: those whose conditions on the person hold.
    items: Vec<String>,
}

impl FormFor {
    fn of(lang: Lang, target: &Target) -> FormFor {
        FormFor {
            site_id: target.site.id,
            site_name: target.site.name.clone(),
            subject_id: target.subject.id,
            subject_name: target.subject.name.clone(),
            position_name: position_name(lang, &target.position),
            items: items_for_subject(&target.version.checklist, &target.attributes),
            attributes: target.attributes.clone(),
        }
    }

    fn to_be_filled(checklist: &Checklist) -> FormFor {
        FormFor {
            site_id: 0,
            site_name: String::new(),
            subject_id: 0,
            subject_name: String::new(),
            position_name: None,
            attributes: Subject::default(),
            items: checklist.items().map(|(_, i)| i.key.clone()).collect(),
        }
    }
}

fn render_form(
    viewer: &Viewer,
    id: Uuid,
    version: &StoredChecklist,
    who: &FormFor,
    form: &FormState,
    errors: &[String],
    missing: &[String],
) -> maud::Markup {
    let checklist = &version.checklist;
    let (context, _) = resolve_context(checklist, &form.context);
    let card = score(checklist, &who.attributes, &context, &form.answers);
    let view = FormView {
        id,
        checklist,
        checklist_version: version.version,
        version_id: version.version_id,
        site_id: who.site_id,
        site_name: who.site_name.clone(),
        subject_id: who.subject_id,
        subject_name: who.subject_name.clone(),
        position_name: who.position_name.clone(),
        shift_date: form.shift_date,
        shift_dates: form.shift_dates,
        shift_period: form.shift_period,
        items_for_subject: who.items.clone(),
        engine_checklist: checklist.for_device().to_json(),
        subject_attributes: subject_json(&who.attributes).to_string(),
        context: &context,
        fields: form.fields.clone(),
        card: &card,
        photos: &form.photos,
        errors,
        missing,
        recheck: form.recheck,
        preface: None,
    };
    view::form(&viewer.chrome(), &view)
}

/// Items whose conditions on the person hold (context conditions are left to the page).
pub fn items_for_subject(checklist: &Checklist, subject: &Subject) -> Vec<String> {
    checklist
        .items()
        .map(|(_, i)| i)
        .filter(|item| {
            let mut on_subject = (*item).clone();
            on_subject
                .when
                .retain(|c| !matches!(c.field, Field::Context(_)));
            applies(&on_subject, subject, &BTreeMap::new())
        })
        .map(|i| i.key.clone())
        .collect()
}

/// The fields of a posted spot-check form that are not answers.
struct Posted {
    csrf: Option<String>,
    version_id: i32,
    site_id: i32,
    subject_id: i32,
    shift_date: NaiveDate,
    shift_period: ShiftPeriod,
    recheck: Option<i32>,
    pairs: Vec<(String, String)>,
}

fn posted(pairs: Vec<(String, String)>) -> AppResult<Posted> {
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let number = |name: &str| -> AppResult<i32> {
        let raw = get(name).ok_or_else(|| {
            AppError::Unreadable(Message::new("error-field-missing").arg("field", name))
        })?;
        raw.parse().map_err(|_| super::query::not_valid(name, &raw))
    };
    let shift_date_raw = get("shift_date").unwrap_or_default();
    let shift_date = super::query::date(&shift_date_raw).map_err(|e| AppError::Invalid(vec![e]))?;
    let shift_period = parse_period(&get("shift_period").unwrap_or_default())
        .map_err(|e| AppError::Invalid(vec![e]))?;
    Ok(Posted {
        csrf: get("_csrf"),
        recheck: optional_id(get("recheck").as_deref(), "recheck")?,
        version_id: number("version")?,
        site_id: number("site")?,
        subject_id: number("subject")?,
        shift_date,
        shift_period,
        pairs,
    })
}

/// Check a posted form against what is stored and the viewer's rights, and read it.
async fn read_post(
    state: &AppState,
    viewer: &Viewer,
    pairs: Vec<(String, String)>,
    row: Option<inspection::Model>,
) -> AppResult<(Posted, Target, Option<inspection::Model>, FormInput)> {
    let post = posted(pairs)?;
    viewer.check_csrf(post.csrf.as_deref())?;
    if let Some(row) = &row
        && row.status == InspectionStatus::Draft
        && row.checklist_version_id != post.version_id
    {
        return Err(AppError::Conflict(version_conflict(
            row.checklist_version_id,
            post.version_id,
        )));
    }
    let version = state
        .checklist_version(post.version_id)
        .await
        .map_err(|_| {
            AppError::BadRequest(
                Message::new("refuse-no-checklist-version").arg("id", post.version_id),
            )
        })?;
    let target = match post.recheck {
        Some(recheck) => {
            let (target, row) = recheck_target(state, viewer, recheck).await?;
            if row.site_id != post.site_id
                || row.subject_id != post.subject_id
                || target.version.version_id != post.version_id
            {
                return Err(AppError::BadRequest(Message::new(
                    "refuse-recheck-mismatch",
                )));
            }
            target
        }
        None => target(state, viewer, post.site_id, post.subject_id, version).await?,
    };
    // Shift dates near the site's today only: a typo is not a spot-check 73 years ahead.
    let today = state.config.clock_for(&target.site.time_zone).today();
    if let Err((first, last)) = state.config.shift_window.check(post.shift_date, today) {
        return Err(AppError::Invalid(vec![
            Message::new("spotcheck-shift-date-out-of-range")
                .arg("date", post.shift_date)
                .arg("first", first)
                .arg("last", last),
        ]));
    }
    let input = form::parse(&target.version.checklist, &post.pairs);
    Ok((post, target, row, input))
}

/// What the tablet shows while scoring: the live score and the computed limits.
#[derive(Debug, Serialize)]
pub struct LiveScore {
    pub saved: bool,
    /// `null` until an answer counts: the form shows "—", never 100 % on nothing.
    pub percent: Option<f64>,
    pub score: f64,
    pub max_score: f64,
    pub passed: bool,
    pub answered: usize,
    pub applicable: usize,
    pub sections: BTreeMap<String, (usize, usize)>,
    pub caps: BTreeMap<String, f64>,
    pub unanswered: Vec<String>,
    pub excluded: Vec<String>,
}

impl LiveScore {
    fn of(card: &Scorecard) -> LiveScore {
        LiveScore {
            saved: true,
            percent: card.percent,
            score: card.score,
            max_score: card.max_score,
            passed: card.passed,
            answered: card.answered,
            applicable: card.applicable,
            sections: card
                .sections
                .iter()
                .map(|s| (s.key.clone(), (s.answered, s.applicable)))
                .collect(),
            caps: card
                .items
                .iter()
                .filter_map(|i| i.cap.map(|c| (i.key.clone(), c)))
                .collect(),
            unanswered: card.unanswered.clone(),
            excluded: card
                .items
                .iter()
                .filter(|i| i.outcome == crate::domain::scoring::Outcome::Excluded)
                .map(|i| i.key.clone())
                .collect(),
        }
    }
}

fn problem_messages(problems: &[Problem]) -> Vec<Message> {
    problems.iter().map(Problem::message).collect()
}

async fn save_draft(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> ApiResult<Json<LiveScore>> {
    let id = parse_uuid(&id).map_err(ApiError)?;
    let stored = existing(&state, &viewer, id).await.map_err(ApiError)?;
    let (post, target, _, input) = read_post(&state, &viewer, pairs, stored)
        .await
        .map_err(ApiError)?;
    let checklist = &target.version.checklist;
    let (context, context_problems) = resolve_context(checklist, &input.context);
    let mut messages = input.problems.clone();
    messages.extend(problem_messages(
        &context_problems
            .into_iter()
            .filter(|p| !matches!(p, Problem::MissingContext { .. }))
            .collect::<Vec<_>>(),
    ));
    let card = score(checklist, &target.attributes, &context, &input.answers);
    messages.extend(problem_messages(&card.problems));
    if !messages.is_empty() {
        return Err(ApiError(AppError::Invalid(messages)));
    }
    inspections::save_draft(
        &state.db,
        &target.version,
        Draft {
            id,
            site_id: post.site_id,
            shift_date: post.shift_date,
            shift_period: post.shift_period,
            subject_id: post.subject_id,
            inspector_id: viewer.user.id,
            context: input.context,
            answers: input.answers,
            notes: input.notes,
            recheck_of: target.recheck_of,
            recheck: post.recheck,
        },
    )
    .await?;
    Ok(Json(LiveScore::of(&card)))
}

#[derive(Debug, Serialize)]
struct SubmitReply {
    id: Uuid,
    url: String,
    created: bool,
    percent: Option<f64>,
    passed: Option<bool>,
}

async fn submit(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let json = super::error::prefers_json(&headers);
    let result = match viewer {
        Ok(viewer) => submit_inner(&state, &viewer, &id, pairs, json).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(response) => response,
        Err(e) if json => ApiError(e).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn submit_inner(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    pairs: Vec<(String, String)>,
    json: bool,
) -> AppResult<Response> {
    let id = parse_uuid(id)?;
    let reply = |row: &inspection::Model, created: bool| -> Response {
        let url = format!("/inspections/{}", row.id);
        if json {
            Json(SubmitReply {
                id: row.id,
                url,
                created,
                percent: row.percent,
                passed: row.passed,
            })
            .into_response()
        } else {
            Redirect::to(&url).into_response()
        }
    };
    // What is stored under the id is not read up front: the writer reads it in its
    // transaction anyway (a retry of a stored spot-check is acknowledged from there, a
    // draft replaced with its photos kept), so a submission costs one read fewer. A
    // submission refused before it gets there reads it then: a retry is acknowledged
    // whatever changed since it was stored, and the refusal is the one it always was.
    let sent = pairs.clone();
    let (post, target, input) = match read_post(state, viewer, pairs, None).await {
        Ok((post, target, _, input)) => (post, target, input),
        Err(refusal) => {
            let stored = existing(state, viewer, id).await?;
            match &stored {
                Some(row) if row.status != InspectionStatus::Draft => {
                    return Ok(reply(row, false));
                }
                // A draft: checked against it, as it was before the refusal.
                Some(_) => {
                    read_post(state, viewer, sent, stored).await?;
                }
                None => {}
            }
            return Err(refusal);
        }
    };
    let checklist = &target.version.checklist;
    let (context, context_problems) = resolve_context(checklist, &input.context);
    let card = score(checklist, &target.attributes, &context, &input.answers);
    let mut errors = input.problems.clone();
    errors.extend(problem_messages(&context_problems));
    errors.extend(problem_messages(&card.problems));
    let l = viewer.lang;
    if !card.unanswered.is_empty() {
        let names: Vec<String> = card
            .unanswered
            .iter()
            .filter_map(|k| checklist.item(k))
            .map(|i| {
                l.t_args(
                    "typed-item-ref",
                    &[
                        ("text", i.text.get(l).into()),
                        ("clause", i.clause.as_str().into()),
                    ],
                )
            })
            .collect();
        errors.push(
            Message::new("typed-not-answered-yet").arg("items", crate::i18n::list(l, &names)),
        );
    }
    if card.percent.is_none() && card.unanswered.is_empty() {
        errors.push(Message::new("spotcheck-nothing-on-this-spot-check"));
    }
    let follow = follow_up(state, &target, &card, &post.pairs).await?;
    let follow = match follow {
        Ok(f) => Some(f),
        Err(problems) => {
            errors.extend(problems);
            None
        }
    };
    if !errors.is_empty() {
        let row = existing(state, viewer, id).await?;
        if let Some(row) = &row {
            if row.status != InspectionStatus::Draft {
                return Ok(reply(row, false));
            }
            if row.checklist_version_id != post.version_id {
                return Err(AppError::Conflict(version_conflict(
                    row.checklist_version_id,
                    post.version_id,
                )));
            }
        }
        let errors = capped(errors.iter().map(|m| m.say(l)).collect(), l);
        if json {
            let body = serde_json::json!({
                "error": "Unprocessable Entity",
                "messages": errors,
                "missing": card.unanswered,
            });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
        let photos = row
            .as_ref()
            .map(|r| DraftState::of(r).photos)
            .unwrap_or_default();
        let form = FormState {
            shift_date: post.shift_date,
            shift_dates: shift_dates(state, &target.site),
            shift_period: post.shift_period,
            context: input.context.clone(),
            answers: input.answers.clone(),
            fields: post.pairs.clone(),
            photos,
            recheck: post.recheck,
        };
        let who = FormFor::of(l, &target);
        let page = render_form(
            viewer,
            id,
            &target.version,
            &who,
            &form,
            &errors,
            &card.unanswered,
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let scored = submit::prepare_scored(
        &target.version,
        Submission {
            id,
            site_id: post.site_id,
            shift_date: post.shift_date,
            shift_period: post.shift_period,
            subject_id: post.subject_id,
            inspector_id: viewer.user.id,
            context: input.context,
            answers: input.answers,
            notes: input.notes,
            submitted_at: state.config.now(),
            recheck_of: target.recheck_of,
            // The draft's photos are the writer's to add: it reads the draft.
            photos: BTreeMap::new(),
            recheck: post.recheck,
        },
        context,
        &context_problems,
        card,
    )?
    .with_position(target.position.as_ref().map(|p| p.id))
    .with_time_zone(&target.site.time_zone);
    let (actions, signatures) = follow.unwrap_or_default();
    let sign_off = match signatures {
        Some(sign) => {
            // The signature files are written before the writer sees the submission: a
            // retry must not overwrite those of the spot-check it repeats.
            if let Some(row) = existing(state, viewer, id).await?
                && row.status != InspectionStatus::Draft
            {
                return Ok(reply(&row, false));
            }
            Some(write_signatures(state, id, sign).await?)
        }
        None => None,
    };
    let scored = scored.with_follow_up(FollowUp { actions, sign_off });
    let done = state.submissions.submit(scored).await?;
    // Already stored (a retry, or the same id from someone else): acknowledged only to
    // a viewer who may send it.
    if !done.created
        && !viewer
            .scope
            .can_send(&inspections::access_ref(&done.inspection))
    {
        return Err(AppError::Forbidden);
    }
    Ok(reply(&done.inspection, done.created))
}

/// The corrective actions and sign-off a posted form asks for, checked: the actions'
/// owners must be people of the site, their due dates near the site's today.
async fn follow_up(
    state: &AppState,
    target: &Target,
    card: &Scorecard,
    pairs: &[(String, String)],
) -> AppResult<Result<(Vec<NewAction>, Option<SignOff>), Vec<Message>>> {
    let checklist = &target.version.checklist;
    let (requests, mut problems) = actions::parse_requests(checklist, pairs);
    for r in &requests {
        if let Some(Owner::Person(p)) = r.owner
            && !crate::store::actions::person_at_site(&state.db, p, target.site.id).await?
        {
            problems.push(Message::new("typed-action-owner-not-at-site").arg("key", &r.item));
        }
    }
    let today = state.config.clock_for(&target.site.time_zone).today();
    let planned = actions::plan(checklist, card, &requests, today).unwrap_or_else(|p| {
        problems.extend(p);
        Vec::new()
    });
    let sign_off = actions::parse_sign_off(checklist, pairs).unwrap_or_else(|p| {
        problems.extend(p);
        None
    });
    Ok(if problems.is_empty() {
        Ok((planned, sign_off))
    } else {
        Err(problems)
    })
}

/// Write a sign-off's images beside the spot-check's photos: their file names, the
/// person's `None` when they declined.
async fn write_signatures(
    state: &AppState,
    id: Uuid,
    sign: SignOff,
) -> AppResult<(Option<String>, String)> {
    let subject = match sign.subject {
        SubjectSign::Signed(png) => {
            let file = "signature-subject.png".to_string();
            write_photo(state, id, &file, &png).await?;
            Some(file)
        }
        SubjectSign::Declined => None,
    };
    let inspector = "signature-inspector.png".to_string();
    write_photo(state, id, &inspector, &sign.inspector).await?;
    Ok((subject, inspector))
}

#[derive(Debug, Serialize)]
struct PhotoReply {
    url: String,
}

async fn upload_photo(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    headers: HeaderMap,
    Path((id, item)): Path<(String, String)>,
    mut multipart: Multipart,
) -> ApiResult<Json<PhotoReply>> {
    let id = parse_uuid(&id)?;
    let token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    viewer.check_csrf(token)?;
    let row = existing(&state, &viewer, id)
        .await?
        .ok_or_else(|| AppError::Conflict(Message::new("refuse-save-before-photos")))?;
    if row.status != InspectionStatus::Draft || row.inspector_id != viewer.user.id {
        return Err(AppError::Conflict(Message::new("refuse-photos-only-own-draft")).into());
    }
    let version = state.checklist_version(row.checklist_version_id).await?;
    if version.checklist.item(&item).is_none() {
        return Err(
            AppError::BadRequest(Message::new("refuse-not-an-item").arg("key", &item)).into(),
        );
    }
    let too_large = || {
        let mb = MAX_PHOTO_BYTES / 1024 / 1024;
        AppError::TooLarge(Message::new("error-photo-too-large").arg("mb", mb))
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        _ => AppError::BadRequest(
            Message::new("refuse-upload-unreadable").arg("detail", e.body_text()),
        ),
    };
    let mut bytes = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("photo") {
            bytes = Some(field.bytes().await.map_err(unreadable)?);
        }
    }
    let bytes = bytes.ok_or_else(|| AppError::BadRequest(Message::new("refuse-no-photo-field")))?;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(too_large().into());
    }
    // What the file starts with decides its type; the name the tablet sent does not.
    let (ext, content_type) = files::sniff_image(&bytes)
        .ok_or_else(|| AppError::BadRequest(Message::new("refuse-not-an-image")))?;
    let file = files::photo_file(&item, ext);
    let key = files::photo_key(id, &file).ok_or_else(|| {
        AppError::BadRequest(Message::new("refuse-not-an-item").arg("key", &item))
    })?;
    // Stored before it is recorded: a draft never names a photo that is not there.
    state.files.put(&key, bytes, content_type).await?;
    inspections::attach_photo(&state.db, id, &item, &file).await?;
    Ok(Json(PhotoReply {
        url: format!("/photos/{id}/{file}"),
    }))
}

/// Store an image kept with a spot-check (a photo, a signature, an action's evidence)
/// under the spot-check's id, through the app's file storage.
pub async fn write_photo(state: &AppState, id: Uuid, file: &str, bytes: &[u8]) -> AppResult<()> {
    let key = files::photo_key(id, file).ok_or(AppError::Forbidden)?;
    state
        .files
        .put(&key, bytes.to_vec(), files::type_of(file))
        .await?;
    Ok(())
}

/// Read an image kept with a spot-check; `None` when there is no such file.
pub async fn read_photo(state: &AppState, id: Uuid, file: &str) -> Option<Vec<u8>> {
    let key = files::photo_key(id, file)?;
    match state.files.get(&key).await {
        Ok(found) => found.map(|f| f.bytes.to_vec()),
        Err(e) => {
            tracing::warn!(error = %e, "an image kept with a spot-check could not be read");
            None
        }
    }
}

/// An image upload's bytes checked: within the size limit, and a JPEG, PNG or WebP by
/// its first bytes. The extension to store it under.
pub fn check_image(bytes: &[u8]) -> AppResult<&'static str> {
    if bytes.len() > MAX_PHOTO_BYTES {
        let mb = MAX_PHOTO_BYTES / 1024 / 1024;
        return Err(AppError::TooLarge(
            Message::new("error-photo-too-large").arg("mb", mb),
        ));
    }
    files::sniff_image(bytes)
        .map(|(ext, _)| ext)
        .ok_or_else(|| AppError::BadRequest(Message::new("refuse-not-an-image")))
}

/// Photos are served only to people who may see the inspection.
async fn photo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let id = parse_uuid(&id)?;
    let key = files::photo_key(id, &file).ok_or(AppError::Forbidden)?;
    existing(&state, &viewer, id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let found = state.files.get(&key).await?.ok_or(AppError::Forbidden)?;
    Ok(image_response(found.content_type, found.bytes.to_vec()))
}

/// A stored image as served, cached privately.
pub fn image_response(content_type: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response()
}
