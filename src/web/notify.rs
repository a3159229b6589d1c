//! Notification pages: admins register webhook endpoints and read the delivery log
//! (with "send again", and the mail that could not be delivered); everyone chooses
//! which mails they get and in which language; a result's report is emailed to chosen
//! people.

use crate::i18n::Message;
use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use entity::outbox::{Channel, DeliveryStatus};
use entity::states::InspectionStatus;
use serde_json::json;
use uuid::Uuid;

use super::error::{AppError, AppResult};
use super::query::Form;
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::Lang;
use crate::domain::notify::{EventName, MailKind};
use crate::store::{org, outbox, reports as reads};
use crate::views::notify::{self as view, DeliveryRow, EndpointRow, PersonChoice, Preferences};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(webhooks).post(add_endpoint))
        .route("/admin/webhooks/{id}/active", post(set_active))
        .route("/admin/deliveries/{id}/again", post(send_again))
        .route("/settings/mail", get(preferences).post(save_preferences))
        .route(
            "/inspections/{id}/email",
            get(email_page).post(email_report),
        )
}

type Fields = BTreeMap<String, String>;

fn csrf(viewer: &Viewer, form: &Fields) -> AppResult<()> {
    viewer.check_csrf(form.get("_csrf").map(String::as_str))
}

fn admin(viewer: &Viewer) -> AppResult<()> {
    if viewer.role().manages_webhooks() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn webhooks(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    admin(&viewer)?;
    // Deliveries belong to no site: one zone, named once above the log.
    let zone = super::siteless_zone(&state, &viewer.scope).await?;
    let naming = crate::domain::clock::ZoneNaming::Once(zone);
    let endpoints = outbox::endpoints(&state.db).await?;
    let urls: BTreeMap<i32, String> = endpoints.iter().map(|e| (e.id, e.url.clone())).collect();
    let rows: Vec<EndpointRow> = endpoints
        .iter()
        .map(|e| EndpointRow {
            id: e.id,
            url: e.url.clone(),
            events: outbox::subscribed(e).into_iter().collect(),
            active: e.active,
        })
        .collect();
    let hooks = outbox::log(&state.db, Channel::Webhook, None, 100).await?;
    let failed_mail =
        outbox::log(&state.db, Channel::Mail, Some(DeliveryStatus::Failed), 100).await?;
    let people = org::names(
        &state.db,
        failed_mail.iter().filter_map(|r| r.recipient_id).collect(),
    )
    .await?;
    let delivery = |r: &entity::outbox::Model, target: String| DeliveryRow {
        id: r.id,
        delivery_id: r.delivery_id.clone(),
        event: r.event.clone(),
        target,
        status: r.status.as_str(),
        attempts: r.attempts,
        response_code: r.response_code,
        latency_ms: r.latency_ms,
        error: r.last_error.clone(),
        created: naming.format_seconds(zone, r.created_at),
    };
    let log: Vec<DeliveryRow> = hooks
        .iter()
        .map(|r| {
            let target = r
                .endpoint_id
                .and_then(|id| urls.get(&id).cloned())
                .unwrap_or_default();
            delivery(r, target)
        })
        .collect();
    let mail: Vec<DeliveryRow> = failed_mail
        .iter()
        .map(|r| {
            let target = r
                .recipient_id
                .and_then(|id| people.get(&id).cloned())
                .unwrap_or_default();
            delivery(r, target)
        })
        .collect();
    Ok(view::webhooks(&viewer.chrome(), &rows, &log, &mail, naming).into_response())
}

async fn add_endpoint(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> AppResult<Redirect> {
    csrf(&viewer, &form)?;
    admin(&viewer)?;
    let url = form.get("url").map(|u| u.trim()).unwrap_or_default();
    let parsed = reqwest::Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    });
    let mut problems = Vec::new();
    if parsed.is_none() || url.len() > 2000 {
        problems.push(Message::new("notify-error-url"));
    }
    let secret = form.get("secret").map(|s| s.trim()).unwrap_or_default();
    if secret.chars().count() < 16 || secret.len() > 200 {
        problems.push(Message::new("notify-error-secret"));
    }
    let events: Vec<EventName> = EventName::ALL
        .into_iter()
        .filter(|e| form.contains_key(&format!("event:{}", e.as_str())))
        .collect();
    if events.is_empty() {
        problems.push(Message::new("notify-error-events"));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    outbox::add_endpoint(&state.db, viewer.user.id, url, secret, &events).await?;
    Ok(Redirect::to("/admin/webhooks"))
}

async fn set_active(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i32>,
    Form(form): Form<Fields>,
) -> AppResult<Redirect> {
    csrf(&viewer, &form)?;
    admin(&viewer)?;
    let active = form.get("active").is_some_and(|v| v == "true");
    outbox::set_endpoint_active(&state.db, viewer.user.id, id, active).await?;
    Ok(Redirect::to("/admin/webhooks"))
}

async fn send_again(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i32>,
    Form(form): Form<Fields>,
) -> AppResult<Redirect> {
    csrf(&viewer, &form)?;
    admin(&viewer)?;
    outbox::send_again(&state.db, viewer.user.id, id).await?;
    Ok(Redirect::to("/admin/webhooks"))
}

async fn preferences(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let pref = outbox::preference(&state.db, viewer.user.id).await?;
    let prefs = Preferences {
        lang: pref.lang.as_deref().and_then(Lang::parse),
        on: MailKind::ALL
            .into_iter()
            .filter(|&k| outbox::wants_kind(Some(&pref), k))
            .collect(),
        mail_on: state.config.mail.is_some(),
    };
    Ok(view::preferences(&viewer.chrome(), &prefs).into_response())
}

async fn save_preferences(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> AppResult<Redirect> {
    csrf(&viewer, &form)?;
    let lang = match form.get("lang").map(String::as_str) {
        None | Some("") => None,
        Some(code) => Some(
            Lang::parse(code)
                .ok_or_else(|| AppError::BadRequest(Message::new("notify-error-lang")))?
                .code()
                .to_string(),
        ),
    };
    let on = |k: MailKind| form.contains_key(&format!("mail:{}", k.as_str()));
    outbox::save_preference(
        &state.db,
        entity::mail_preference::Model {
            user_id: viewer.user.id,
            lang,
            training: on(MailKind::TrainingAssigned),
            alerts: on(MailKind::CriticalAlert),
            reports: on(MailKind::Report),
            action_raised: on(MailKind::ActionRaised),
            training_overdue: on(MailKind::TrainingOverdue),
            actions_overdue: on(MailKind::ActionsOverdue),
            weekly_plan: on(MailKind::WeeklyPlan),
            weekly_digest: on(MailKind::WeeklyDigest),
            monthly_report: on(MailKind::MonthlyReport),
        },
    )
    .await?;
    Ok(Redirect::to("/settings/mail?saved=1"))
}

/// The inspection, if the viewer may email its report.
async fn emailable(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> AppResult<entity::inspection::Model> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::Forbidden)?;
    let row = reads::inspection_row(&state.db, id).await?;
    if row.status == InspectionStatus::Draft
        || !viewer.role().emails_reports()
        || !viewer
            .scope
            .can_view_inspection(row.site_id, row.subject_id)
    {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// The people the viewer may send this report to: those they can see who may open it.
async fn candidates(
    state: &AppState,
    viewer: &Viewer,
    row: &entity::inspection::Model,
) -> AppResult<Vec<PersonChoice>> {
    let mut out = Vec::new();
    for person in org::people_in_view(&state.db, &viewer.scope).await? {
        if !person.active || person.id == viewer.user.id {
            continue;
        }
        let Some(scope) = org::scope_of(&state.db, &person).await? else {
            continue;
        };
        if scope.can_view_inspection(row.site_id, row.subject_id) {
            out.push(PersonChoice {
                id: person.id,
                name: person.name,
                email: person.email,
            });
        }
    }
    Ok(out)
}

async fn email_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = emailable(&state, &viewer, &id).await?;
    let people = candidates(&state, &viewer, &row).await?;
    Ok(view::email_report(&viewer.chrome(), row.id, &people, None).into_response())
}

async fn email_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> AppResult<Response> {
    csrf(&viewer, &form)?;
    let row = emailable(&state, &viewer, &id).await?;
    let people = candidates(&state, &viewer, &row).await?;
    let chosen: Vec<i32> = people
        .iter()
        .filter(|p| form.contains_key(&format!("to:{}", p.id)))
        .map(|p| p.id)
        .collect();
    // Anyone asked for who is not among the candidates is refused, not skipped.
    let asked = form.keys().filter(|k| k.starts_with("to:")).count();
    if asked != chosen.len() {
        return Err(AppError::Forbidden);
    }
    if chosen.is_empty() {
        return Err(AppError::BadRequest(Message::new(
            "notify-error-no-recipient",
        )));
    }
    let note: String = form
        .get("note")
        .map(|n| n.trim().chars().take(1000).collect())
        .unwrap_or_default();
    let queued = outbox::queue_report(
        &state.db,
        viewer.user.id,
        &chosen,
        &json!({
            "inspection_id": row.id,
            "sender_id": viewer.user.id,
            "sender_name": viewer.user.name,
            "note": note,
        }),
    )
    .await?;
    Ok(view::email_report(&viewer.chrome(), row.id, &people, Some(queued)).into_response())
}
