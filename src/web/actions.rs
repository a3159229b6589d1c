//! Corrective actions over HTTP: the list, one action, closing it with a note (and a
//! photo where the checklist asks), verifying or reopening the closure, and the evidence
//! photo; plus the rows the home page, the result page and the site report show.

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use entity::corrective_action;
use serde::Deserialize;

use super::error::{AppError, AppResult};
use super::query::Form;
use super::session::Viewer;
use super::spotchecks::{MAX_PHOTO_BYTES, check_image, image_response, read_photo, write_photo};
use crate::app::AppState;
use crate::domain::Lang;
use crate::domain::access::Scope;
use crate::domain::actions::{Facts, MAX_TEXT, Owner};
use crate::i18n::{Localize, Message};
use crate::reports::actions::{ActionLine, FollowUp, SignOffImages};
use crate::store::actions::{self as store, Step};
use crate::store::org;
use crate::views::actions::{self as view, ActionPage, ActionRow, OverdueSite, SignOffView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions", get(list))
        .route("/actions/{id}", get(one))
        .route(
            "/actions/{id}/close",
            post(close).layer(axum::extract::DefaultBodyLimit::max(
                MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route("/actions/{id}/verify", post(verify))
        .route("/actions/{id}/reopen", post(reopen))
        .route("/actions/{id}/photo", get(photo))
}

/// What the checklist says to fix when the inspector wrote nothing: the item's `action`
/// text, or the item's own, in the reader's language.
async fn words(state: &AppState, l: Lang, a: &corrective_action::Model) -> (String, String) {
    let item = state
        .checklist_version(a.checklist_version_id)
        .await
        .ok()
        .and_then(|v| v.checklist.item(&a.item_key).cloned());
    let item_text = item
        .as_ref()
        .map_or(a.item_key.clone(), |i| i.text.get(l).to_string());
    let text = a.text.clone().unwrap_or_else(|| {
        item.as_ref()
            .and_then(|i| i.action.as_ref())
            .map_or(item_text.clone(), |r| r.text.get(l).to_string())
    });
    (text, item_text)
}

/// Actions as the lists show them, with their sites' and owners' names.
pub async fn rows(
    state: &AppState,
    l: Lang,
    today: NaiveDate,
    actions: &[corrective_action::Model],
) -> AppResult<Vec<ActionRow>> {
    let people: Vec<i32> = actions.iter().filter_map(|a| a.owner_id).collect();
    let names = org::names(&state.db, people).await?;
    let sites = org::site_names(&state.db).await?;
    let mut out = Vec::with_capacity(actions.len());
    for a in actions {
        let (text, item) = words(state, l, a).await;
        let owner = match store::owner(a) {
            Owner::Person(id) => names.get(&id).cloned().unwrap_or_default(),
            Owner::Role(r) => l.t(&format!("actions-owner-{}", r.as_str())),
        };
        out.push(ActionRow {
            id: a.id,
            item,
            text,
            site: sites.get(&a.site_id).cloned().unwrap_or_default(),
            owner,
            due: a.due_date.to_string(),
            overdue: store::facts(a).overdue(today),
            priority: store::priority(a.priority).as_str(),
            status: a.status.as_str(),
        });
    }
    Ok(out)
}

/// Overdue counts per site for those who watch sites (managers, quality, admins);
/// `None` for everyone else.
pub async fn overdue_sites(
    state: &AppState,
    viewer: &Viewer,
    today: NaiveDate,
) -> AppResult<Option<Vec<OverdueSite>>> {
    if !viewer.role().sees_reports() {
        return Ok(None);
    }
    let counts = store::overdue_per_site(&state.db, viewer.scope.site_filter(), today).await?;
    let names = org::site_names(&state.db).await?;
    Ok(Some(
        counts
            .into_iter()
            .map(|(site, count)| OverdueSite {
                site: names.get(&site).cloned().unwrap_or_default(),
                count,
            })
            .collect(),
    ))
}

/// The quality dashboard's card of overdue actions per site.
pub async fn overdue_card(state: &AppState, viewer: &Viewer) -> AppResult<maud::Markup> {
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let sites = overdue_sites(state, viewer, today)
        .await?
        .unwrap_or_default();
    Ok(view::overdue_card(viewer.lang, &sites))
}

/// The home page's actions: the viewer's open ones, and the overdue counts per site.
pub async fn home_panel(state: &AppState, viewer: &Viewer) -> AppResult<maud::Markup> {
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let mine = store::open_for_owner(&state.db, &viewer.scope).await?;
    let mine = rows(state, viewer.lang, today, &mine).await?;
    let overdue = overdue_sites(state, viewer, today).await?;
    Ok(view::panel(viewer.lang, &mine, overdue.as_deref()))
}

/// The result page's block: the actions the spot-check raised and its signatures. The
/// caller has checked that the viewer may see the spot-check.
pub async fn result_block(
    state: &AppState,
    viewer: &Viewer,
    inspection: uuid::Uuid,
    format_time: impl Fn(chrono::DateTime<chrono::Utc>) -> String,
) -> AppResult<maud::Markup> {
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let raised = store::of_inspection(&state.db, inspection).await?;
    let raised = rows(state, viewer.lang, today, &raised).await?;
    let sign_off = store::sign_off_of(&state.db, inspection)
        .await?
        .map(|s| SignOffView {
            subject: s.subject_file.map(|f| format!("/photos/{inspection}/{f}")),
            inspector: format!("/photos/{inspection}/{}", s.inspector_file),
            at: format_time(s.signed_at),
        });
    Ok(view::follow_up(viewer.lang, &raised, sign_off.as_ref()))
}

/// An action as a report lists it, its status in words.
fn line(lang: Lang, r: ActionRow) -> ActionLine {
    ActionLine {
        status: lang.t(&format!("actions-status-{}", r.status)),
        text: r.text,
        site: r.site,
        owner: r.owner,
        due: r.due,
        overdue: r.overdue,
    }
}

/// The inspection report's end: the spot-check's actions and signatures, in `lang`.
/// The caller has checked that the viewer may see the spot-check.
pub async fn report_follow_up(
    state: &AppState,
    lang: Lang,
    inspection: uuid::Uuid,
    format_time: impl Fn(chrono::DateTime<chrono::Utc>) -> String,
) -> AppResult<FollowUp> {
    let today = state.config.now().date_naive();
    let raised = store::of_inspection(&state.db, inspection).await?;
    let actions = rows(state, lang, today, &raised)
        .await?
        .into_iter()
        .map(|r| line(lang, r))
        .collect();
    let sign_off = match store::sign_off_of(&state.db, inspection).await? {
        None => None,
        Some(s) => {
            let subject = match &s.subject_file {
                Some(f) => Some(read_photo(state, inspection, f).await.unwrap_or_default()),
                None => None,
            };
            Some(SignOffImages {
                subject,
                inspector: read_photo(state, inspection, &s.inspector_file)
                    .await
                    .unwrap_or_default(),
                at: format_time(s.signed_at),
            })
        }
    };
    Ok(FollowUp { actions, sign_off })
}

/// The site report's overdue actions at `sites` (every site for `None`), in `lang`.
pub async fn report_overdue(
    state: &AppState,
    lang: Lang,
    sites: Option<&[i32]>,
    today: NaiveDate,
) -> AppResult<Vec<ActionLine>> {
    let overdue = store::overdue_at(&state.db, sites, today).await?;
    Ok(rows(state, lang, today, &overdue)
        .await?
        .into_iter()
        .map(|r| line(lang, r))
        .collect())
}

async fn list(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let l = viewer.lang;
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let mine = store::open_for_owner(&state.db, &viewer.scope).await?;
    let others: Vec<corrective_action::Model> =
        store::unfinished_in_view(&state.db, &viewer.scope, 200)
            .await?
            .into_iter()
            .filter(|a| !mine.iter().any(|m| m.id == a.id))
            .collect();
    let overdue = overdue_sites(&state, &viewer, today).await?;
    Ok(view::list(
        &viewer.chrome(),
        &rows(&state, l, today, &mine).await?,
        &rows(&state, l, today, &others).await?,
        overdue.as_deref(),
    )
    .into_response())
}

fn parse_id(raw: &str) -> AppResult<i32> {
    raw.parse().map_err(|_| AppError::Forbidden)
}

/// The action, if the viewer may see it; 403 alike for one that does not exist.
async fn visible(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> AppResult<(corrective_action::Model, Facts)> {
    let row = store::get(&state.db, parse_id(id)?)
        .await?
        .ok_or(AppError::Forbidden)?;
    let facts = store::facts(&row);
    if !facts.visible_to(&viewer.scope) {
        return Err(AppError::Forbidden);
    }
    Ok((row, facts))
}

async fn one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, facts) = visible(&state, &viewer, &id).await?;
    let l = viewer.lang;
    let today = state.viewer_clock(&viewer.scope).await?.today();
    let row = rows(&state, l, today, std::slice::from_ref(&a))
        .await?
        .remove(0);
    let people: Vec<i32> = [Some(a.raised_by), a.closed_by, a.verified_by]
        .into_iter()
        .flatten()
        .collect();
    let names = org::names(&state.db, people).await?;
    let name = |id: i32| names.get(&id).cloned().unwrap_or_default();
    // Its history in its site's time, the zone named (one site: once, with the time).
    let clock = state.site_clock(a.site_id).await?;
    let when = |by: Option<i32>, at: Option<chrono::DateTime<chrono::Utc>>| {
        by.map(|b| {
            let at = at.map(|t| clock.format(t));
            format!("{} · {}", name(b), at.unwrap_or_default())
        })
    };
    let page = ActionPage {
        inspection: format!("/inspections/{}", a.inspection_id),
        raised_by: name(a.raised_by),
        photo_required: a.photo_required,
        close_note: a.close_note.clone(),
        closed: when(a.closed_by, a.closed_at),
        photo: a
            .close_photo
            .as_ref()
            .map(|_| format!("/actions/{}/photo", a.id)),
        verified: when(a.verified_by, a.verified_at),
        may_close: facts.may_close(&viewer.scope),
        may_verify: facts.may_verify(&viewer.scope),
        row,
    };
    Ok(view::one(&viewer.chrome(), &page).into_response())
}

/// A note the person wrote: needed, and not endless.
fn note(raw: Option<String>) -> AppResult<String> {
    let note = raw.map(|n| n.trim().to_string()).unwrap_or_default();
    if note.is_empty() {
        return Err(AppError::Invalid(vec![Message::new("actions-note-needed")]));
    }
    if note.chars().count() > MAX_TEXT {
        return Err(AppError::Invalid(vec![
            Message::new("actions-note-too-long").arg("max", MAX_TEXT),
        ]));
    }
    Ok(note)
}

async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            let mb = MAX_PHOTO_BYTES / 1024 / 1024;
            AppError::TooLarge(Message::new("error-photo-too-large").arg("mb", mb))
        } else {
            AppError::BadRequest(
                Message::new("refuse-upload-unreadable").arg("detail", e.body_text()),
            )
        }
    };
    let (mut csrf, mut text, mut bytes) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("_csrf") => csrf = Some(field.text().await.map_err(unreadable)?),
            Some("note") => text = Some(field.text().await.map_err(unreadable)?),
            Some("photo") => {
                let b = field.bytes().await.map_err(unreadable)?;
                if !b.is_empty() {
                    bytes = Some(b);
                }
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let a = allowed(&state, &viewer, &id, Facts::may_close).await?;
    let note = note(text)?;
    let photo = match bytes {
        Some(bytes) => {
            let ext = check_image(&bytes)?;
            let file = format!("action-{}.{ext}", a.id);
            write_photo(&state, a.inspection_id, &file, &bytes).await?;
            Some(file)
        }
        None if a.photo_required => {
            return Err(AppError::Invalid(vec![Message::new(
                "actions-photo-needed",
            )]));
        }
        None => None,
    };
    take(
        &state,
        &viewer,
        a.id,
        Step::Close { note, photo },
        Facts::may_close,
    )
    .await
}

#[derive(Debug, Deserialize)]
struct StepForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    note: Option<String>,
}

/// Take a step the viewer's `rule` allows on a visible action, checked again on the row
/// as stored when it is written; back to the action's page.
async fn take(
    state: &AppState,
    viewer: &Viewer,
    id: i32,
    step: Step,
    rule: fn(&Facts, &Scope) -> bool,
) -> AppResult<Response> {
    let scope = viewer.scope.clone();
    store::take_step(
        &state.db,
        id,
        viewer.user.id,
        step,
        move |f| rule(f, &scope),
        state.config.now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/actions/{id}")).into_response())
}

/// The action if the viewer may see it and `rule` lets them take the step now.
async fn allowed(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    rule: fn(&Facts, &Scope) -> bool,
) -> AppResult<corrective_action::Model> {
    let (a, facts) = visible(state, viewer, id).await?;
    if !rule(&facts, &viewer.scope) {
        return Err(AppError::Forbidden);
    }
    Ok(a)
}

async fn verify(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    viewer.check_csrf(form.csrf.as_deref())?;
    let a = allowed(&state, &viewer, &id, Facts::may_verify).await?;
    take(&state, &viewer, a.id, Step::Verify, Facts::may_verify).await
}

async fn reopen(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    viewer.check_csrf(form.csrf.as_deref())?;
    let a = allowed(&state, &viewer, &id, Facts::may_reopen).await?;
    let note = note(form.note)?;
    take(
        &state,
        &viewer,
        a.id,
        Step::Reopen { note },
        Facts::may_reopen,
    )
    .await
}

/// The evidence photo, for whoever may see the action.
async fn photo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _) = visible(&state, &viewer, &id).await?;
    let file = a.close_photo.ok_or(AppError::Forbidden)?;
    let bytes = read_photo(&state, a.inspection_id, &file)
        .await
        .ok_or(AppError::Forbidden)?;
    Ok(image_response(
        crate::store::files::type_of(&file).to_string(),
        bytes,
    ))
}
