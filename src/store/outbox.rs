//! The notification outbox: mails and webhook deliveries are rows written in the same
//! transaction as the event they report, so an event that is stored is never lost to a
//! mail server or a receiver being down, and one that is rolled back is never sent.
//!
//! For other parts of the store (corrective actions, sign-off…): inside your
//! transaction, call [`enqueue`] with the webhook [`Event`]s and [`enqueue_mail`] for
//! each mail, or gather many into [`Notices`] and queue them in a few statements with
//! [`enqueue_notices`] (as a batch of submissions does); the worker (`crate::notify`)
//! delivers them after the commit.
//!
//! Workers on several app instances share the table: [`claim`] leases due rows (on
//! PostgreSQL under `FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time), and a
//! lease that runs out (a worker that died) makes its rows due again.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use entity::outbox::{self, Channel, DeliveryStatus};
use entity::{mail_preference, user, user_site, webhook_endpoint};
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{StoreError, StoreResult, audit, begin_write};
use crate::auth::Role;
use crate::domain::notify::{EventName, MailKind};

/// Something that happened, for the webhooks subscribed to it. `data` is the payload's
/// `data` object, documented per event in docs/openapi.json.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: EventName,
    pub data: Value,
}

impl Event {
    pub fn new(name: EventName, data: Value) -> Event {
        Event { name, data }
    }
}

fn row(
    channel: Channel,
    event: &str,
    recipient: Option<i32>,
    endpoint: Option<i32>,
    payload: Value,
    now: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        channel: Set(channel),
        event: Set(event.to_string()),
        recipient_id: Set(recipient),
        endpoint_id: Set(endpoint),
        payload: Set(payload.to_string()),
        delivery_id: Set(Uuid::new_v4().to_string()),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        response_code: Set(None),
        latency_ms: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
        ..Default::default()
    }
}

async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    rows: Vec<outbox::ActiveModel>,
) -> StoreResult<()> {
    // SQLite allows 32,766 bound values in a statement; a row binds fifteen.
    for chunk in rows.chunks(1_000) {
        outbox::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Queue `events` for every active endpoint subscribed to them. Call it inside the
/// transaction that stores the events.
pub async fn enqueue<C: ConnectionTrait>(db: &C, events: &[Event]) -> StoreResult<()> {
    let rows = webhook_rows(db, events).await?;
    insert_rows(db, rows).await
}

/// The rows of `events` for every active endpoint subscribed to them: one read of the
/// endpoints.
async fn webhook_rows<C: ConnectionTrait>(
    db: &C,
    events: &[Event],
) -> StoreResult<Vec<outbox::ActiveModel>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Active.eq(true))
        .all(db)
        .await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for event in events {
        for endpoint in endpoints
            .iter()
            .filter(|e| subscribed(e).contains(event.name.as_str()))
        {
            rows.push(row(
                Channel::Webhook,
                event.name.as_str(),
                None,
                Some(endpoint.id),
                event.data.clone(),
                now,
            ));
        }
    }
    Ok(rows)
}

/// The events an endpoint is subscribed to.
pub fn subscribed(endpoint: &webhook_endpoint::Model) -> HashSet<String> {
    serde_json::from_str::<Vec<String>>(&endpoint.events)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// Queue one mail of `kind` to each of `recipients` who has not turned that kind off.
/// Call it inside the transaction that stores the event. Returns how many were queued.
pub async fn enqueue_mail<C: ConnectionTrait>(
    db: &C,
    kind: MailKind,
    recipients: &[i32],
    payload: &Value,
) -> StoreResult<usize> {
    let rows = mail_rows(db, vec![(kind, recipients.to_vec(), payload.clone())]).await?;
    let count = rows.len();
    insert_rows(db, rows).await?;
    Ok(count)
}

/// The rows of mails (kind, recipients, payload), each recipient once per mail and
/// none who turned its kind off: one read of the recipients' preferences.
async fn mail_rows<C: ConnectionTrait>(
    db: &C,
    mails: Vec<(MailKind, Vec<i32>, Value)>,
) -> StoreResult<Vec<outbox::ActiveModel>> {
    let everyone: HashSet<i32> = mails
        .iter()
        .flat_map(|(_, to, _)| to.iter().copied())
        .collect();
    if everyone.is_empty() {
        return Ok(Vec::new());
    }
    let preferences: HashMap<i32, mail_preference::Model> = mail_preference::Entity::find()
        .filter(mail_preference::Column::UserId.is_in(everyone))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let now = Utc::now();
    let mut rows = Vec::new();
    for (kind, recipients, payload) in mails {
        let mut seen = HashSet::new();
        for id in recipients {
            if wants_kind(preferences.get(&id), kind) && seen.insert(id) {
                rows.push(row(
                    Channel::Mail,
                    kind.as_str(),
                    Some(id),
                    None,
                    payload.clone(),
                    now,
                ));
            }
        }
    }
    Ok(rows)
}

/// Who a gathered mail goes to.
#[derive(Debug, Clone)]
pub enum To {
    People(Vec<i32>),
    /// The active people of a role (a stored role name) who belong to a site, but not
    /// `except` (who caused the mail, and knows).
    Holders {
        site: i32,
        role: String,
        except: Option<i32>,
    },
}

/// Notifications gathered while a write is made, queued together at its end by
/// [`enqueue_notices`]: a few statements however many there are (a batch of
/// submissions raises webhooks, alerts, training and action mails).
#[derive(Debug, Default)]
pub struct Notices {
    events: Vec<Event>,
    mails: Vec<(MailKind, To, Value)>,
}

impl Notices {
    pub fn event(&mut self, name: EventName, data: Value) {
        self.events.push(Event::new(name, data));
    }

    pub fn mail(&mut self, kind: MailKind, to: To, payload: Value) {
        self.mails.push((kind, to, payload));
    }
}

/// Queue gathered notifications, inside the transaction that stores what they report:
/// one read of the role holders they go to (if any), one of the recipients'
/// preferences, one of the webhook endpoints, and one insert.
pub async fn enqueue_notices<C: ConnectionTrait>(db: &C, notices: Notices) -> StoreResult<()> {
    let wanted: HashSet<(i32, &str)> = notices
        .mails
        .iter()
        .filter_map(|(_, to, _)| match to {
            To::Holders { site, role, .. } => Some((*site, role.as_str())),
            To::People(_) => None,
        })
        .collect();
    let mut holders: HashMap<(i32, String), Vec<i32>> = HashMap::new();
    if !wanted.is_empty() {
        let of = wanted.iter().fold(Condition::any(), |any, (site, role)| {
            any.add(
                Condition::all()
                    .add(user_site::Column::SiteId.eq(*site))
                    .add(user::Column::Role.eq(*role)),
            )
        });
        let found: Vec<(i32, String, i32)> = user_site::Entity::find()
            .select_only()
            .column(user_site::Column::SiteId)
            .column(user::Column::Role)
            .column(user::Column::Id)
            .inner_join(user::Entity)
            .filter(user::Column::Active.eq(true))
            .filter(of)
            .order_by_asc(user::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        for (site, role, id) in found {
            holders.entry((site, role)).or_default().push(id);
        }
    }
    let mails = notices
        .mails
        .into_iter()
        .map(|(kind, to, payload)| {
            let recipients = match to {
                To::People(ids) => ids,
                To::Holders { site, role, except } => holders
                    .get(&(site, role))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&id| Some(id) != except)
                    .collect(),
            };
            (kind, recipients, payload)
        })
        .collect();
    let mut rows = mail_rows(db, mails).await?;
    rows.extend(webhook_rows(db, &notices.events).await?);
    insert_rows(db, rows).await
}

fn wants(p: &mail_preference::Model, kind: MailKind) -> bool {
    match kind {
        MailKind::TrainingAssigned => p.training,
        MailKind::CriticalAlert => p.alerts,
        MailKind::Report => p.reports,
        MailKind::ActionRaised => p.action_raised,
        MailKind::TrainingOverdue => p.training_overdue,
        MailKind::ActionsOverdue => p.actions_overdue,
        MailKind::WeeklyPlan => p.weekly_plan,
        MailKind::WeeklyDigest => p.weekly_digest,
        MailKind::MonthlyReport => p.monthly_report,
    }
}

/// Whether a person with these preferences (none saved: every mail) gets `kind`.
pub fn wants_kind(p: Option<&mail_preference::Model>, kind: MailKind) -> bool {
    p.is_none_or(|p| wants(p, kind))
}

/// Every saved preference, by person (the scheduled jobs skip people who said no).
pub async fn preferences<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<HashMap<i32, mail_preference::Model>> {
    Ok(mail_preference::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect())
}

/// The active managers who belong to `site`: who hears of its critical failures.
pub async fn managers_at<C: ConnectionTrait>(db: &C, site: i32) -> StoreResult<Vec<i32>> {
    holders_at(db, site, Role::Manager.as_str()).await
}

/// The active people of `role` (a stored role name) who belong to `site`.
pub async fn holders_at<C: ConnectionTrait>(
    db: &C,
    site: i32,
    role: &str,
) -> StoreResult<Vec<i32>> {
    let members: Vec<i32> = user_site::Entity::find()
        .filter(user_site::Column::SiteId.eq(site))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    if members.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(members))
        .filter(user::Column::Role.eq(role))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

/// The rows of `channels` that may be tried at `now`: pending, their time come, and not
/// leased by a worker (or its lease run out).
fn due(channels: &[Channel], now: DateTime<Utc>) -> sea_orm::Select<outbox::Entity> {
    outbox::Entity::find()
        .filter(outbox::Column::Status.eq(DeliveryStatus::Pending))
        .filter(outbox::Column::Channel.is_in(channels.iter().copied()))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox::Column::LeaseUntil.is_null())
                .add(outbox::Column::LeaseUntil.lt(now)),
        )
}

/// Whether anything on `channel` may be tried now: a read, so a worker can look often
/// without taking SQLite's write lock as a claim does.
pub async fn any_due(db: &DatabaseConnection, channel: Channel) -> StoreResult<bool> {
    Ok(due(&[channel], Utc::now())
        .select_only()
        .column(outbox::Column::Id)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}

/// Lease up to `limit` due deliveries on `channels` for `lease`: pending, due, and not
/// leased by a live worker. Each claim counts as an attempt.
pub async fn claim(
    db: &DatabaseConnection,
    channels: &[Channel],
    lease: std::time::Duration,
    limit: u64,
) -> StoreResult<Vec<outbox::Model>> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let mut query = due(channels, now)
        .order_by_asc(outbox::Column::Id)
        .limit(limit);
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = query.all(&txn).await?;
    if rows.is_empty() {
        txn.commit().await?;
        return Ok(rows);
    }
    let until = now + Duration::from_std(lease).unwrap_or(Duration::seconds(60));
    // One statement for the whole batch: the rows are locked (PostgreSQL) or the write
    // lock is held (SQLite), so no other worker can claim them in between.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Some(until)))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| outbox::Model {
            lease_until: Some(until),
            attempts: r.attempts + 1,
            ..r
        })
        .collect())
}

/// How one try of a delivery went.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i32>,
    /// When to try again (with [`DeliveryStatus::Pending`]).
    pub retry_at: Option<DateTime<Utc>>,
}

/// Record how the tries of a batch went, ending their lease: each entry is the rows
/// one try covered (a digest covers several) and its outcome. One write transaction,
/// one statement per distinct outcome (a commit is the costly part: one per delivery
/// capped a burst near 100 a second). A row no longer leased by us (a "send again" in
/// between) is still updated: the try happened.
pub async fn settle(db: &DatabaseConnection, tries: Vec<(Vec<i32>, Outcome)>) -> StoreResult<()> {
    let mut groups: Vec<(Outcome, Vec<i32>)> = Vec::new();
    for (ids, outcome) in tries {
        match groups.iter_mut().find(|(o, _)| *o == outcome) {
            Some((_, all)) => all.extend(ids),
            None => groups.push((outcome, ids)),
        }
    }
    if groups.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let txn = begin_write(db).await?;
    for (outcome, ids) in groups {
        let mut update = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, outcome.status.as_str().into())
            .col_expr(
                outbox::Column::LeaseUntil,
                Option::<DateTime<Utc>>::None.into(),
            )
            .col_expr(outbox::Column::LastError, outcome.error.into())
            .col_expr(outbox::Column::ResponseCode, outcome.response_code.into())
            .col_expr(outbox::Column::LatencyMs, outcome.latency_ms.into());
        if outcome.status == DeliveryStatus::Delivered {
            update = update.col_expr(outbox::Column::DeliveredAt, Some(now).into());
        }
        if let Some(at) = outcome.retry_at {
            update = update.col_expr(outbox::Column::NextAttemptAt, at.into());
        }
        // SQLite allows 32,766 bound values in a statement.
        for chunk in ids.chunks(10_000) {
            update
                .clone()
                .filter(outbox::Column::Id.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Delivered rows older than `days` are deleted (the delivery log's retention).
pub async fn prune(db: &DatabaseConnection, days: i64) -> StoreResult<u64> {
    let before = Utc::now() - Duration::days(days);
    Ok(outbox::Entity::delete_many()
        .filter(outbox::Column::Status.eq(DeliveryStatus::Delivered))
        .filter(outbox::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// A mail's recipient as the worker needs them.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: i32,
    pub email: String,
    pub name: String,
    /// The mail language chosen, else the interface language, as a stored code.
    pub lang: Option<String>,
}

pub async fn recipients(
    db: &DatabaseConnection,
    ids: Vec<i32>,
) -> StoreResult<HashMap<i32, Recipient>> {
    let prefs: HashMap<i32, mail_preference::Model> = mail_preference::Entity::find()
        .filter(mail_preference::Column::UserId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            let lang = prefs
                .get(&u.id)
                .and_then(|p| p.lang.clone())
                .or(u.locale.clone());
            (
                u.id,
                Recipient {
                    id: u.id,
                    email: u.email,
                    name: u.name,
                    lang,
                },
            )
        })
        .collect())
}

/// The endpoints, by id.
pub async fn endpoints(db: &DatabaseConnection) -> StoreResult<Vec<webhook_endpoint::Model>> {
    Ok(webhook_endpoint::Entity::find()
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await?)
}

/// Register an endpoint (an admin's act, audited; the secret is not written to the log).
pub async fn add_endpoint(
    db: &DatabaseConnection,
    actor: i32,
    url: &str,
    secret: &str,
    events: &[EventName],
) -> StoreResult<webhook_endpoint::Model> {
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let txn = begin_write(db).await?;
    let row = webhook_endpoint::ActiveModel {
        url: Set(url.to_string()),
        secret: Set(secret.to_string()),
        events: Set(json!(names).to_string()),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor),
        "create",
        "webhook_endpoint",
        row.id,
        None,
        Some(json!({ "url": url, "events": names })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Switch an endpoint on or off (audited); an endpoint switched off gets no new
/// deliveries.
pub async fn set_endpoint_active(
    db: &DatabaseConnection,
    actor: i32,
    id: i32,
    active: bool,
) -> StoreResult<()> {
    let txn = begin_write(db).await?;
    let row = webhook_endpoint::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("webhook endpoint {id}")))?;
    let was = row.active;
    let mut a: webhook_endpoint::ActiveModel = row.into();
    a.active = Set(active);
    a.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "update",
        "webhook_endpoint",
        id,
        Some(json!({ "active": was })),
        Some(json!({ "active": active })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The newest deliveries on `channel`, optionally only those in `status`.
pub async fn log(
    db: &DatabaseConnection,
    channel: Channel,
    status: Option<DeliveryStatus>,
    limit: u64,
) -> StoreResult<Vec<outbox::Model>> {
    let mut query = outbox::Entity::find().filter(outbox::Column::Channel.eq(channel));
    if let Some(status) = status {
        query = query.filter(outbox::Column::Status.eq(status));
    }
    Ok(query
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// "Send again": the delivery (same id, so a receiver that has it drops it) is due now
/// with a fresh count of attempts. Audited.
pub async fn send_again(db: &DatabaseConnection, actor: i32, id: i32) -> StoreResult<()> {
    let txn = db.begin().await?;
    let row = outbox::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("delivery {id}")))?;
    let before = json!({ "status": row.status, "attempts": row.attempts });
    let mut a: outbox::ActiveModel = row.into();
    a.status = Set(DeliveryStatus::Pending);
    a.attempts = Set(0);
    a.next_attempt_at = Set(Utc::now());
    a.lease_until = Set(None);
    a.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "send_again",
        "outbox",
        id,
        Some(before),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A person's mail preferences (every mail, interface language when none are saved).
pub async fn preference(
    db: &DatabaseConnection,
    user_id: i32,
) -> StoreResult<mail_preference::Model> {
    Ok(mail_preference::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .unwrap_or(mail_preference::Model {
            user_id,
            lang: None,
            training: true,
            alerts: true,
            reports: true,
            action_raised: true,
            training_overdue: true,
            actions_overdue: true,
            weekly_plan: true,
            weekly_digest: true,
            monthly_report: true,
        }))
}

pub async fn save_preference(
    db: &DatabaseConnection,
    pref: mail_preference::Model,
) -> StoreResult<()> {
    let txn = begin_write(db).await?;
    mail_preference::Entity::delete_by_id(pref.user_id)
        .exec(&txn)
        .await?;
    let user_id = pref.user_id;
    mail_preference::Entity::insert(sea_orm::IntoActiveModel::into_active_model(pref).reset_all())
        .exec_without_returning(&txn)
        .await?;
    // The next tick plans their scheduled mail by what they chose.
    super::schedule_plan::forget(&txn, &[user_id]).await?;
    txn.commit().await?;
    Ok(())
}

/// Queue a spot-check's report to `recipients` (the sender chose them; the caller
/// checked they may open it), audited. Returns how many mails were queued (people who
/// turned such mail off get none).
pub async fn queue_report(
    db: &DatabaseConnection,
    actor: i32,
    recipients: &[i32],
    payload: &Value,
) -> StoreResult<usize> {
    let txn = begin_write(db).await?;
    let queued = enqueue_mail(&txn, MailKind::Report, recipients, payload).await?;
    audit::record(
        &txn,
        Some(actor),
        "email_report",
        "inspection",
        payload
            .get("inspection_id")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        None,
        Some(json!({ "to": recipients, "queued": queued })),
    )
    .await?;
    txn.commit().await?;
    Ok(queued)
}
