//! The outbox worker: a task on every app instance that delivers what the store queued
//! in `store::outbox` — mail through SMTP (lettre) and signed webhook calls — retrying
//! with back-off and giving up, for admins to see, after `MAX_ATTEMPTS`.
//!
//! Mail and webhooks run in loops of their own (a slow SMTP server does not hold the
//! webhooks back, nor the reverse), beside a third for the scheduled mail. Each loop
//! leases its channel's due rows (so instances never send the same row at once), delivers
//! them a few at a time — one mail per recipient with everything due for them (a burst
//! of events becomes one digest), over SMTP connections kept for the worker's life; each
//! webhook call — and settles the whole batch in one transaction after the tries. A
//! crash in between sends again once the lease runs out: delivery is at least once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::outbox::{Channel, DeliveryStatus, Model as Row};
use futures_util::stream::{self, StreamExt};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use serde_json::Value;
use uuid::Uuid;

use crate::app::AppState;
use crate::config::MailConfig;
use crate::domain::Lang;
use crate::domain::notify::{
    DELIVERY_HEADER, EVENT_HEADER, MAX_ATTEMPTS, MailKind, SIGNATURE_HEADER, backoff,
    forbidden_address, signature_header,
};
use crate::domain::text::Text;
use crate::i18n::Localize;
use crate::reports::{self, data};
use crate::store::outbox::{self, Outcome, Recipient};
use crate::store::{StoreResult, org, reports as reads, training};

mod smtp;
use smtp::Smtp;

/// Rows claimed at once on a channel.
const BATCH: u64 = 200;
/// Mails sent at once, each on its own SMTP connection (this many are kept open): a mail
/// waits on the server's answers, so one connection alone leaves it idle.
const MAILS_IN_FLIGHT: usize = 8;
/// Webhook calls made at once.
const CALLS_IN_FLIGHT: usize = 16;
/// How often the webhook loop looks for due rows between ticks (a read).
const WEBHOOKS_LOOK_EVERY: Duration = Duration::from_secs(1);
/// Delivered rows are kept this long for the delivery log.
pub const RETENTION_DAYS: i64 = 30;

/// How often the worker looks for scheduled mail that is due (`store::schedule`).
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(60);
/// How often the delivery log is pruned of rows past `RETENTION_DAYS`.
const PRUNE_EVERY: Duration = Duration::from_secs(3 * 3600);

/// Queue the scheduled mail that is due now (reminders, weekly plans and digests, the
/// monthly report), each at most once per person and period; how many were queued.
/// Without SMTP settings nothing is queued: unlike an event's mail, a reminder kept
/// until mail is configured would arrive stale. Public for tests and `decorum` commands.
pub async fn schedule(state: &AppState) -> StoreResult<usize> {
    if state.config.mail.is_none() {
        return Ok(0);
    }
    crate::store::schedule::run(&state.db, state.config.now(), state.config.time_zone).await
}

/// Start the worker on the current runtime. Aborting the handle stops all its loops.
pub fn start(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let worker = Arc::new(Worker::default());
        // Dropped with this task (an abort), the set aborts the loops.
        let mut loops = tokio::task::JoinSet::new();
        for channel in [Channel::Webhook, Channel::Mail] {
            loops.spawn(deliver_loop(state.clone(), worker.clone(), channel));
        }
        loops.spawn(scheduled_loop(state));
        while let Some(done) = loops.join_next().await {
            if let Err(e) = done {
                tracing::error!(error = %e, "outbox: a worker loop ended");
            }
        }
    })
}

/// Deliver `channel` for ever: a full batch means more is waiting, so the next is taken
/// at once; otherwise the loop waits a tick (mails queued within it for one person go out
/// as one digest), webhooks only until some are due (see [`until_webhooks_due`]).
async fn deliver_loop(state: AppState, worker: Arc<Worker>, channel: Channel) {
    loop {
        let busy = match worker.deliver(&state, channel).await {
            Ok(claimed) => claimed as u64 >= BATCH,
            Err(e) => {
                tracing::warn!(error = %e, ?channel, "outbox: a batch failed; trying again next tick");
                false
            }
        };
        if busy {
            continue;
        }
        match channel {
            Channel::Webhook => until_webhooks_due(&state).await,
            Channel::Mail => tokio::time::sleep(state.config.outbox_tick).await,
        }
    }
}

/// Wait until webhooks may be due. A webhook is only late for the wait (mail's wait is
/// its digest window): a write this instance answers ends it at once, and a read-only
/// look each second finds what another instance queued or a retry whose time came; at
/// most a tick.
async fn until_webhooks_due(state: &AppState) {
    let deadline = Instant::now() + state.config.outbox_tick;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        tokio::select! {
            _ = tokio::time::sleep(WEBHOOKS_LOOK_EVERY.min(left)) => {}
            _ = state.outbox_wake.notified() => return,
        }
        if Instant::now() >= deadline
            || outbox::any_due(&state.db, Channel::Webhook)
                .await
                .unwrap_or(true)
        {
            return;
        }
    }
}

/// Queue the scheduled mail each minute, and prune the delivery log now and then.
async fn scheduled_loop(state: AppState) {
    // The plan of who is due when was made with some binary's jobs and default zone:
    // this one's may differ, so its first tick makes it again.
    if let Err(e) = crate::store::schedule_plan::forget_everyone(&state.db).await {
        tracing::warn!(error = %e, "outbox: dropping the scheduled-mail plan failed");
    }
    let mut pruned: Option<Instant> = None;
    loop {
        match schedule(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(queued = n, "outbox: scheduled mail queued"),
            Err(e) => tracing::warn!(error = %e, "outbox: scheduled mail failed; trying again"),
        }
        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned = Some(Instant::now());
            if let Err(e) = outbox::prune(&state.db, RETENTION_DAYS).await {
                tracing::warn!(error = %e, "outbox: pruning the delivery log failed");
            }
        }
        tokio::time::sleep(SCHEDULE_EVERY).await;
    }
}

/// Deliver what is due now (at most a batch per channel); how many rows were claimed.
/// Public for tests and `decorum` commands.
pub async fn tick(state: &AppState) -> StoreResult<usize> {
    let worker = Worker::default();
    let (hooks, mails) = tokio::join!(
        worker.deliver(state, Channel::Webhook),
        worker.deliver(state, Channel::Mail)
    );
    Ok(hooks? + mails?)
}

/// What the worker keeps between batches: its SMTP connections, kept open (without them
/// every mail paid a connection, EHLO and QUIT).
#[derive(Default)]
struct Worker {
    smtp: Mutex<Option<Arc<Smtp>>>,
}

impl Worker {
    /// Claim and deliver a batch on `channel`; how many rows were claimed. Without SMTP
    /// settings mail waits in the outbox until they are given.
    async fn deliver(&self, state: &AppState, channel: Channel) -> StoreResult<usize> {
        let mail = match channel {
            Channel::Mail => match &state.config.mail {
                Some(mail) => Some(mail),
                None => return Ok(0),
            },
            Channel::Webhook => None,
        };
        let rows = outbox::claim(&state.db, &[channel], state.config.outbox_lease, BATCH).await?;
        let claimed = rows.len();
        if claimed == 0 {
            return Ok(0);
        }
        let started = Instant::now();
        let tries = match mail {
            Some(mail) => send_mails(state, mail, self.smtp(mail), rows).await?,
            None => call_webhooks(state, rows).await?,
        };
        outbox::settle(&state.db, tries).await?;
        tracing::debug!(
            ?channel,
            claimed,
            ms = started.elapsed().as_millis() as u64,
            "outbox: batch delivered"
        );
        Ok(claimed)
    }

    /// The connections for `mail`, made once (again only if the settings change).
    fn smtp(&self, mail: &MailConfig) -> Result<Arc<Smtp>, String> {
        let mut cached = self.smtp.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(smtp) = cached.as_ref()
            && smtp.config() == mail
        {
            return Ok(smtp.clone());
        }
        let smtp = Arc::new(Smtp::new(mail, MAILS_IN_FLIGHT)?);
        *cached = Some(smtp.clone());
        Ok(smtp)
    }
}

/// The outcome of a failed try: again later, or given up after the last attempt (or at
/// once when the failure is `permanent`).
fn failed(
    state: &AppState,
    attempts: i32,
    permanent: bool,
    error: String,
    code: Option<i32>,
    latency: Option<i32>,
) -> Outcome {
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    let wait = backoff(state.config.outbox_retry_base, attempts);
    Outcome {
        status: if give_up {
            DeliveryStatus::Failed
        } else {
            DeliveryStatus::Pending
        },
        error: Some(error),
        response_code: code,
        latency_ms: latency,
        retry_at: (!give_up)
            .then(|| Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()),
    }
}

fn delivered(code: Option<i32>, latency: Option<i32>) -> Outcome {
    Outcome {
        status: DeliveryStatus::Delivered,
        error: None,
        response_code: code,
        latency_ms: latency,
        retry_at: None,
    }
}

fn millis_since(started: Instant) -> Option<i32> {
    Some(started.elapsed().as_millis().min(i32::MAX as u128) as i32)
}

/// The JSON body of a webhook delivery.
pub fn webhook_body(row: &Row) -> String {
    let data: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
    serde_json::json!({
        "id": row.delivery_id,
        "event": row.event,
        "created_at": row.created_at,
        "data": data,
    })
    .to_string()
}

/// Where an endpoint's calls of this batch go: its URL, its secret, and a client pinned
/// to the addresses it resolved to now.
struct Target {
    url: reqwest::Url,
    secret: String,
    client: reqwest::Client,
}

/// Why an endpoint cannot be called (`permanent`: not worth trying again).
struct Unreachable {
    permanent: bool,
    error: String,
}

impl Unreachable {
    fn now(error: impl Into<String>) -> Unreachable {
        Unreachable {
            permanent: true,
            error: error.into(),
        }
    }

    fn for_now(error: impl Into<String>) -> Unreachable {
        Unreachable {
            permanent: false,
            error: error.into(),
        }
    }
}

/// Call each webhook of a batch, a few at a time: the endpoints are read, resolved and
/// checked once for the batch, and each endpoint's calls share one client (and so its
/// connections). The tries, to settle.
async fn call_webhooks(state: &AppState, rows: Vec<Row>) -> StoreResult<Vec<(Vec<i32>, Outcome)>> {
    let wanted: HashSet<i32> = rows.iter().filter_map(|r| r.endpoint_id).collect();
    let mut targets: HashMap<i32, Result<Target, Unreachable>> = HashMap::new();
    for endpoint in outbox::endpoints(&state.db).await? {
        if wanted.contains(&endpoint.id) {
            targets.insert(endpoint.id, target(state, endpoint).await);
        }
    }
    let targets = &targets;
    Ok(stream::iter(rows)
        .map(|row| async move {
            let target = row.endpoint_id.and_then(|id| targets.get(&id));
            let outcome = call_webhook(state, &row, target).await;
            (vec![row.id], outcome)
        })
        .buffer_unordered(CALLS_IN_FLIGHT)
        .collect()
        .await)
}

/// Resolve and check an endpoint now, at send time, and pin its client to the addresses
/// found, so a DNS change between the check and the call cannot point it inside.
async fn target(
    state: &AppState,
    endpoint: entity::webhook_endpoint::Model,
) -> Result<Target, Unreachable> {
    if !endpoint.active {
        return Err(Unreachable::now("the endpoint is switched off"));
    }
    let url = reqwest::Url::parse(&endpoint.url)
        .map_err(|_| Unreachable::now("the URL does not parse"))?;
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(Unreachable::now("the URL has no host"));
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| Unreachable::for_now(format!("{host} does not resolve: {e}")))?
        .collect();
    if !state.config.webhooks_allow_private
        && let Some((addr, why)) = addrs
            .iter()
            .find_map(|a| forbidden_address(a.ip()).map(|why| (a, why)))
    {
        return Err(Unreachable::now(format!(
            "refused: {host} resolves to {} ({why}); set webhooks_allow_private to allow it",
            addr.ip()
        )));
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(state.config.webhook_timeout)
        .resolve_to_addrs(&host, &addrs)
        .build()
        .map_err(|e| Unreachable::for_now(e.to_string()))?;
    Ok(Target {
        url,
        secret: endpoint.secret,
        client,
    })
}

async fn call_webhook(
    state: &AppState,
    row: &Row,
    target: Option<&Result<Target, Unreachable>>,
) -> Outcome {
    let fail = |permanent, error: String, code, latency| {
        failed(state, row.attempts, permanent, error, code, latency)
    };
    let target = match target {
        None if row.endpoint_id.is_none() => return fail(true, "no endpoint".into(), None, None),
        None => return fail(true, "the endpoint was removed".into(), None, None),
        Some(Err(why)) => return fail(why.permanent, why.error.clone(), None, None),
        Some(Ok(target)) => target,
    };
    let body = webhook_body(row);
    let timestamp = Utc::now().timestamp();
    let started = Instant::now();
    let sent = target
        .client
        .post(target.url.clone())
        .header("content-type", "application/json")
        .header("user-agent", "Decorum-Webhook/1")
        .header(EVENT_HEADER, &row.event)
        .header(DELIVERY_HEADER, &row.delivery_id)
        .header(
            SIGNATURE_HEADER,
            signature_header(&target.secret, timestamp, body.as_bytes()),
        )
        .body(body)
        .send()
        .await;
    let latency = millis_since(started);
    match sent {
        Ok(response) if response.status().is_success() => {
            delivered(Some(response.status().as_u16() as i32), latency)
        }
        Ok(response) => {
            let code = response.status().as_u16();
            fail(
                false,
                format!("answered HTTP {code}"),
                Some(code as i32),
                latency,
            )
        }
        Err(e) if e.is_timeout() => fail(false, "timed out".into(), None, latency),
        Err(e) => fail(false, format!("{e}"), None, latency),
    }
}

/// One mail per recipient, with all that is due for them, a few sent at once. The
/// tries, to settle.
async fn send_mails(
    state: &AppState,
    mail: &MailConfig,
    smtp: Result<Arc<Smtp>, String>,
    rows: Vec<Row>,
) -> StoreResult<Vec<(Vec<i32>, Outcome)>> {
    let lookups = Lookups::read(state, &rows).await?;
    let mut by_person: BTreeMap<i32, Vec<Row>> = BTreeMap::new();
    for row in rows {
        by_person
            .entry(row.recipient_id.unwrap_or_default())
            .or_default()
            .push(row);
    }
    let people = outbox::recipients(&state.db, by_person.keys().copied().collect()).await?;
    let (lookups, people, smtp) = (&lookups, &people, &smtp);
    Ok(stream::iter(by_person)
        .map(|(person, rows)| async move {
            let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
            let attempts = rows.iter().map(|r| r.attempts).max().unwrap_or(1);
            let outcome = match (people.get(&person), smtp) {
                (None, _) => failed(state, attempts, true, "no such person".into(), None, None),
                (_, Err(e)) => failed(state, attempts, false, e.clone(), None, None),
                (Some(to), Ok(smtp)) => match compose(state, lookups, mail, to, &rows).await {
                    Err(e) => failed(state, attempts, true, e, None, None),
                    Ok(message) => {
                        let started = Instant::now();
                        let sent = smtp.send(message).await;
                        let latency = millis_since(started);
                        match sent {
                            Ok(code) => delivered(Some(i32::from(code)), latency),
                            Err(e) => {
                                failed(state, attempts, e.permanent, e.message, e.code, latency)
                            }
                        }
                    }
                },
            };
            (ids, outcome)
        })
        .buffer_unordered(MAILS_IN_FLIGHT)
        .collect()
        .await)
}

/// What a batch's mails name, read once for the batch rather than once a mail: the
/// training modules' titles, the sites' names and the people's names they mention.
#[derive(Default)]
struct Lookups {
    titles: HashMap<String, Text>,
    sites: HashMap<i32, String>,
    names: HashMap<i32, String>,
}

impl Lookups {
    async fn read(state: &AppState, rows: &[Row]) -> StoreResult<Lookups> {
        let (mut modules, mut people, mut sites) = (HashSet::new(), HashSet::new(), false);
        for row in rows {
            let payload: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
            let id = |key: &str| payload.get(key).and_then(Value::as_i64).unwrap_or(0) as i32;
            match MailKind::parse(&row.event) {
                Some(MailKind::TrainingAssigned) => {
                    modules.insert(text_of(&payload, "module"));
                }
                Some(MailKind::TrainingOverdue) => {
                    modules.extend(list(&payload, "items").iter().map(|i| text_of(i, "module")));
                }
                Some(MailKind::CriticalAlert) => {
                    people.extend([id("subject_id"), id("inspector_id")]);
                    sites = true;
                }
                Some(
                    MailKind::ActionRaised
                    | MailKind::ActionsOverdue
                    | MailKind::WeeklyPlan
                    | MailKind::WeeklyDigest,
                ) => sites = true,
                Some(MailKind::Report | MailKind::MonthlyReport) | None => {}
            }
        }
        let mut lookups = Lookups::default();
        for key in modules {
            // A module since removed is named by its key.
            if let Ok(m) = training::module_by_key(&state.db, &key).await {
                lookups.titles.insert(key, m.module.title);
            }
        }
        if !people.is_empty() {
            lookups.names = org::names(&state.db, people.into_iter().collect()).await?;
        }
        if sites {
            lookups.sites = org::site_names(&state.db).await?;
        }
        Ok(lookups)
    }

    fn title(&self, key: &str, lang: Lang) -> String {
        self.titles
            .get(key)
            .map_or_else(|| key.to_string(), |t| t.get(lang).to_string())
    }

    fn site(&self, id: i32) -> String {
        self.sites.get(&id).cloned().unwrap_or_default()
    }

    fn name(&self, id: i32) -> String {
        self.names.get(&id).cloned().unwrap_or_default()
    }
}

/// One part of a mail: a subject line, its text, and a PDF if it carries one.
struct Part {
    subject: String,
    body: String,
    pdf: Option<(String, Vec<u8>)>,
    /// A critical-failure alert: first in a digest, and its subject leads the digest's.
    urgent: bool,
}

async fn compose(
    state: &AppState,
    lookups: &Lookups,
    mail: &MailConfig,
    to: &Recipient,
    rows: &[Row],
) -> Result<Message, String> {
    let lang = to.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let mut parts = Vec::new();
    for row in rows {
        let payload: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
        let kind =
            MailKind::parse(&row.event).ok_or_else(|| format!("unknown mail {}", row.event))?;
        parts.push(
            part(state, lookups, to.id, kind, &payload, lang)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    // Alerts first, so a digest's subject leads with the critical failure.
    parts.sort_by_key(|p| !p.urgent);
    let (subject, text) = match parts.as_slice() {
        [one] => (one.subject.clone(), one.body.clone()),
        many => (
            lang.t_args(
                "sched-digest-leading",
                &[
                    (
                        "digest",
                        lang.t_args(
                            "notify-mail-digest-subject",
                            &[("count", many.len().into())],
                        )
                        .into(),
                    ),
                    ("first", many[0].subject.clone().into()),
                ],
            ),
            many.iter()
                .map(|p| format!("{}\n\n{}", p.subject, p.body))
                .collect::<Vec<_>>()
                .join("\n\n----\n\n"),
        ),
    };
    let text = format!("{}\n\n-- \n{}\n", text, lang.t("notify-mail-footer"));
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("mail_from `{}`: {e}", mail.from))?;
    let recipient: Mailbox = Mailbox::new(
        Some(to.name.clone()),
        to.email.parse().map_err(|e| format!("{}: {e}", to.email))?,
    );
    let builder = Message::builder()
        .from(from)
        .to(recipient)
        .subject(subject)
        .message_id(Some(format!("<{}@decorum>", Uuid::new_v4())));
    let pdfs: Vec<(String, Vec<u8>)> = parts.into_iter().filter_map(|p| p.pdf).collect();
    let message = if pdfs.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(text)
    } else {
        let mut multipart = MultiPart::mixed().singlepart(SinglePart::plain(text));
        for (name, bytes) in pdfs {
            multipart = multipart.singlepart(Attachment::new(name).body(
                bytes,
                ContentType::parse("application/pdf").expect("a MIME type"),
            ));
        }
        builder.multipart(multipart)
    };
    message.map_err(|e| e.to_string())
}

fn text_of(payload: &Value, key: &str) -> String {
    match payload.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

async fn part(
    state: &AppState,
    lookups: &Lookups,
    to_id: i32,
    kind: MailKind,
    payload: &Value,
    lang: Lang,
) -> StoreResult<Part> {
    let id = |key: &str| payload.get(key).and_then(Value::as_i64).unwrap_or(0) as i32;
    match kind {
        MailKind::TrainingAssigned => {
            let args = [
                (
                    "module",
                    lookups.title(&text_of(payload, "module"), lang).into(),
                ),
                ("due", text_of(payload, "due_date").into()),
            ];
            Ok(Part {
                subject: lang.t_args("notify-mail-training-subject", &args),
                body: lang.t_args("notify-mail-training-body", &args),
                pdf: None,
                urgent: false,
            })
        }
        MailKind::CriticalAlert => {
            let items = payload
                .get("critical_items")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let args = [
                ("site", lookups.site(id("site_id")).into()),
                ("person", lookups.name(id("subject_id")).into()),
                ("inspector", lookups.name(id("inspector_id")).into()),
                ("items", items.into()),
                (
                    "link",
                    format!("/inspections/{}", text_of(payload, "inspection_id")).into(),
                ),
            ];
            Ok(Part {
                subject: lang.t_args("notify-mail-critical-subject", &args),
                body: lang.t_args("notify-mail-critical-body", &args),
                pdf: None,
                urgent: true,
            })
        }
        MailKind::Report => {
            let inspection = text_of(payload, "inspection_id");
            let uuid = Uuid::parse_str(&inspection).map_err(|_| {
                crate::store::StoreError::Invalid(crate::i18n::Message::literal(
                    "bad inspection id",
                ))
            })?;
            let row = reads::inspection_row(&state.db, uuid).await?;
            let version = state.checklist_version(row.checklist_version_id).await?;
            let record = reads::report_view(&state.db, row, version).await?;
            let photos = state.files.photos_of(&record).await;
            let report = data::inspection(&record, &photos, lang, state.config.time_zone);
            // Its actions and signatures, as on the PDF downloaded from the result.
            let clock = state.config.clock_for(&record.site_time_zone);
            let follow_up =
                crate::web::actions::report_follow_up(state, lang, uuid, |t| clock.format(t))
                    .await
                    .map_err(|e| {
                        crate::store::StoreError::Invalid(crate::i18n::Message::literal(format!(
                            "the report's actions: {e}"
                        )))
                    })?;
            let bytes = tokio::task::spawn_blocking(move || {
                reports::inspection::render_with(&report, &follow_up, lang)
            })
            .await
            .map_err(|e| {
                crate::store::StoreError::Invalid(crate::i18n::Message::literal(format!(
                    "the PDF failed: {e}"
                )))
            })?;
            let args = [
                ("sender", text_of(payload, "sender_name").into()),
                ("note", text_of(payload, "note").into()),
            ];
            Ok(Part {
                subject: lang.t_args("notify-mail-report-subject", &args),
                body: lang.t_args("notify-mail-report-body", &args),
                pdf: Some((format!("inspection-{inspection}.pdf"), bytes)),
                urgent: false,
            })
        }
        MailKind::ActionRaised => {
            let args = [
                ("site", lookups.site(id("site_id")).into()),
                ("text", action_text(payload).into()),
                ("due", text_of(payload, "due_date").into()),
                ("link", format!("/actions/{}", id("action_id")).into()),
            ];
            Ok(text_part(
                lang.t_args("sched-action-raised-subject", &args),
                lang.t_args("sched-action-raised-body", &args),
            ))
        }
        MailKind::TrainingOverdue => {
            let items = list(payload, "items");
            let mut lines = Vec::with_capacity(items.len());
            for item in &items {
                lines.push(lang.t_args(
                    "sched-training-overdue-line",
                    &[
                        (
                            "module",
                            lookups.title(&text_of(item, "module"), lang).into(),
                        ),
                        ("due", text_of(item, "due").into()),
                    ],
                ));
            }
            let count = [("count", items.len().into())];
            Ok(text_part(
                lang.t_args("sched-training-overdue-subject", &count),
                format!(
                    "{}\n\n{}\n\n{}",
                    lang.t_args("sched-training-overdue-intro", &count),
                    lines.join("\n"),
                    lang.t("sched-training-overdue-link")
                ),
            ))
        }
        MailKind::ActionsOverdue => {
            let items = list(payload, "items");
            let lines: Vec<String> = items
                .iter()
                .map(|item| {
                    let site = item.get("site_id").and_then(Value::as_i64).unwrap_or(0) as i32;
                    lang.t_args(
                        "sched-actions-overdue-line",
                        &[
                            ("site", lookups.site(site).into()),
                            ("text", action_text(item).into()),
                            ("due", text_of(item, "due").into()),
                            ("link", format!("/actions/{}", text_of(item, "id")).into()),
                        ],
                    )
                })
                .collect();
            let count = [("count", items.len().into())];
            Ok(text_part(
                lang.t_args("sched-actions-overdue-subject", &count),
                format!(
                    "{}\n\n{}",
                    lang.t_args("sched-actions-overdue-intro", &count),
                    lines.join("\n")
                ),
            ))
        }
        MailKind::WeeklyPlan => {
            let site_of = |v: &Value| {
                lookups.site(v.get("site_id").and_then(Value::as_i64).unwrap_or(0) as i32)
            };
            let plan = list(payload, "plan");
            let rechecks = list(payload, "rechecks");
            let mut body = Vec::new();
            if !plan.is_empty() {
                body.push(lang.t_args("sched-plan-intro", &[("count", plan.len().into())]));
                for p in &plan {
                    let line = lang.t_args(
                        "sched-plan-line",
                        &[
                            ("date", text_of(p, "date").into()),
                            (
                                "shift",
                                crate::domain::ShiftPeriod::parse(&text_of(p, "shift"))
                                    .map_or_else(
                                        || text_of(p, "shift"),
                                        |shift| crate::domain::clock::period_label(lang, shift),
                                    )
                                    .into(),
                            ),
                            ("site", site_of(p).into()),
                            ("person", text_of(p, "subject").into()),
                        ],
                    );
                    let done = p.get("done").and_then(Value::as_bool).unwrap_or(false);
                    body.push(if done {
                        format!("{line} ({})", lang.t("sched-plan-done"))
                    } else {
                        line
                    });
                }
                body.push(String::new());
            }
            if !rechecks.is_empty() {
                body.push(lang.t_args("sched-rechecks-intro", &[("count", rechecks.len().into())]));
                for r in &rechecks {
                    body.push(lang.t_args(
                        "sched-recheck-line",
                        &[
                            ("site", site_of(r).into()),
                            ("person", text_of(r, "subject").into()),
                            ("due", text_of(r, "due").into()),
                        ],
                    ));
                }
                body.push(String::new());
            }
            body.push(lang.t("sched-plan-link"));
            Ok(text_part(
                lang.t_args(
                    "sched-plan-subject",
                    &[("week", text_of(payload, "week").into())],
                ),
                body.join("\n"),
            ))
        }
        MailKind::WeeklyDigest => {
            let num = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).unwrap_or(0);
            let period = [
                ("from", text_of(payload, "from").into()),
                ("to", text_of(payload, "to").into()),
            ];
            let mut body = vec![lang.t_args("sched-digest-intro", &period), String::new()];
            for s in list(payload, "sites") {
                let checks = num(&s, "checks");
                let rate = crate::domain::schedule::pass_rate(num(&s, "passed"), checks)
                    .map_or_else(|| "—".to_string(), |r| format!("{r}%"));
                body.push(lang.t_args(
                    "sched-digest-site",
                    &[
                        ("site", lookups.site(num(&s, "site_id") as i32).into()),
                        ("checks", checks.into()),
                        ("rate", rate.into()),
                        ("critical", num(&s, "critical").into()),
                        ("training", num(&s, "training_overdue").into()),
                        ("actions", num(&s, "actions_overdue").into()),
                    ],
                ));
            }
            body.push(String::new());
            body.push(lang.t("sched-digest-link"));
            Ok(text_part(
                lang.t_args("sched-digest-subject", &period),
                body.join("\n"),
            ))
        }
        MailKind::MonthlyReport => {
            let bad = |what: &str| {
                crate::store::StoreError::Invalid(crate::i18n::Message::literal(what.to_string()))
            };
            let from: chrono::NaiveDate = text_of(payload, "from")
                .parse()
                .map_err(|_| bad("bad period"))?;
            let to: chrono::NaiveDate = text_of(payload, "to")
                .parse()
                .map_err(|_| bad("bad period"))?;
            let scope = crate::store::schedule::scope_of(&state.db, to_id)
                .await?
                .ok_or_else(|| bad("no such person"))?;
            let period = reads::site_period(&state.db, &scope, None, from, to).await?;
            let report = data::site(&period, lang);
            // The actions overdue now at the sites the person may open, as the site PDF
            // downloaded from the dashboard lists them.
            let today = state.viewer_clock(&scope).await?.today();
            let overdue =
                crate::web::actions::report_overdue(state, lang, scope.site_filter(), today)
                    .await
                    .map_err(|e| bad(&format!("the overdue actions: {e}")))?;
            let bytes = tokio::task::spawn_blocking(move || {
                reports::site::render_with(&report, &overdue, lang)
            })
            .await
            .map_err(|e| bad(&format!("the PDF failed: {e}")))?;
            let args = [
                ("from", from.to_string().into()),
                ("to", to.to_string().into()),
            ];
            Ok(Part {
                subject: lang.t_args("sched-monthly-subject", &args),
                body: lang.t_args("sched-monthly-body", &args),
                pdf: Some((format!("sites-{from}-{to}.pdf"), bytes)),
                urgent: false,
            })
        }
    }
}

fn text_part(subject: String, body: String) -> Part {
    Part {
        subject,
        body,
        pdf: None,
        urgent: false,
    }
}

/// What an action asks for: its text, else (raised by itself) the failed item's key.
fn action_text(payload: &Value) -> String {
    match text_of(payload, "text") {
        t if t.trim().is_empty() => text_of(payload, "item"),
        t => t,
    }
}

fn list(payload: &Value, key: &str) -> Vec<Value> {
    payload
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// When a row will next be tried, for pages.
pub fn next_try(row: &Row) -> Option<DateTime<Utc>> {
    (row.status == DeliveryStatus::Pending).then_some(row.next_attempt_at)
}
