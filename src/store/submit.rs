//! Storing finished spot-checks, one at a time or many in one transaction.
//!
//! A submission writes the inspection, its responses, the quality aggregates, the training
//! its failures call for and an audit row in one transaction, and is idempotent on the
//! client-chosen UUID: a retried or doubled submission never stores a second inspection.
//!
//! Each transaction costs a disk flush (an acknowledged spot-check must survive a power
//! cut), and each statement a round trip, so the web app hands submissions to a
//! [`GroupCommit`] writer: submissions that arrive while a transaction is being written
//! are stored together in the next one, with set-based statements (one insert of all
//! their responses, one upsert of all their aggregates), and each is acknowledged only
//! after that transaction commits. If a batch fails, its submissions are retried one by
//! one, so one bad submission never fails the others.

use crate::i18n::Message;
use entity::states::{AssignmentReason, AssignmentStatus, InspectionStatus, RecheckStatus};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{
    inspection, inspection_response, recheck, training_assignment, training_module,
    training_module_version, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::library::StoredChecklist;
use super::outbox::{self, Notices, To};
use super::stats::{ItemResult, Tally};
use super::{StoreError, StoreResult, begin_write};
use crate::domain::access::Role;
use crate::domain::actions::{self, NewAction};
use crate::domain::clock::{self, ShiftPeriod};
use crate::domain::notify::{EventName, MailKind};
use crate::domain::scoring::{
    Answers, Context, Outcome, Problem, Scorecard, Subject, resolve_context, score,
};
use crate::domain::training::Module;

pub fn version_conflict(started_on: i32, sent: i32) -> Message {
    Message::new("refuse-started-on-other-version")
        .arg("had", started_on)
        .arg("sent", sent)
}

/// Only the inspector who started a draft saves or submits it: a row's inspector is
/// never rewritten.
pub(super) fn not_their_draft() -> StoreError {
    StoreError::Forbidden(Message::new("refuse-other-inspector"))
}

/// The in-progress state of a draft, kept as JSON on the inspection row (here, below
/// `inspections`, because the writer reads it too).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DraftState {
    #[serde(default)]
    pub answers: Answers,
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
    #[serde(default)]
    pub photos: BTreeMap<String, String>,
    /// The re-check this draft does, if it is one.
    #[serde(default)]
    pub recheck: Option<i32>,
}

impl DraftState {
    pub fn of(row: &inspection::Model) -> DraftState {
        row.draft
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Submission {
    pub id: Uuid,
    pub site_id: i32,
    pub shift_date: NaiveDate,
    pub shift_period: ShiftPeriod,
    pub subject_id: i32,
    pub inspector_id: i32,
    pub context: Context,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    pub submitted_at: DateTime<Utc>,
    pub recheck_of: Option<Uuid>,
    /// Photo file names by item key (stored under the data directory).
    pub photos: BTreeMap<String, String>,
    /// The re-check this spot-check does, if it is one.
    pub recheck: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub inspection: inspection::Model,
    /// False when this UUID was already submitted: nothing new was stored.
    pub created: bool,
    pub scorecard: Option<Scorecard>,
}

/// A submission that has been validated and scored, ready to be written.
#[derive(Debug, Clone)]
pub struct Scored {
    submission: Submission,
    version_id: i32,
    context: Context,
    card: Scorecard,
    /// The subject's position id, if the caller has already read it.
    position: Option<Option<i32>>,
    /// The site's time zone as stored (empty for the default), if the caller has read it.
    time_zone: Option<String>,
    follow_up: FollowUp,
}

/// What a spot-check leaves to be done after it: its corrective actions, and its
/// signatures when its checklist asks for them.
#[derive(Debug, Clone, Default)]
pub struct FollowUp {
    pub actions: Vec<NewAction>,
    /// The signature files, already written beside the photos: the person's (`None`
    /// when they declined) and the inspector's.
    pub sign_off: Option<(Option<String>, String)>,
}

impl Scored {
    /// The subject's position as the caller read it (to check the checklist is for it),
    /// so the writer does not read it again inside the write transaction.
    pub fn with_position(mut self, position_id: Option<i32>) -> Scored {
        self.position = Some(position_id);
        self
    }

    /// The site's time zone as the caller read it (its stored value, empty for the
    /// default), so training due dates need not read it again.
    pub fn with_time_zone(mut self, zone: &str) -> Scored {
        self.time_zone = Some(zone.to_string());
        self
    }

    /// The actions and signatures the form gave, in place of the actions the checklist
    /// raises by itself.
    pub fn with_follow_up(mut self, follow_up: FollowUp) -> Scored {
        self.follow_up = follow_up;
        self
    }
}

/// Why a spot-check with no answer that counts (everything excluded, N/A or unanswered)
/// is refused: it would otherwise be stored as a pass at 100 % on nothing.
/// The message id of the rule that a card with nothing counted is refused.
pub const NOTHING_SCORED: &str = "refuse-nothing-scored";

/// Check and score a submission against its checklist version; nothing is written.
pub fn prepare(
    version: &StoredChecklist,
    subject: &Subject,
    submission: Submission,
) -> StoreResult<Scored> {
    let checklist = &version.checklist;
    let (context, problems) = resolve_context(checklist, &submission.context);
    let card = score(checklist, subject, &context, &submission.answers);
    prepare_scored(version, submission, context, &problems, card)
}

/// [`prepare`] for a caller that has already resolved the context (with its `problems`)
/// and scored the answers, as the web form does to explain what is missing: the same
/// checks, without scoring twice.
pub fn prepare_scored(
    version: &StoredChecklist,
    submission: Submission,
    context: Context,
    context_problems: &[Problem],
    card: Scorecard,
) -> StoreResult<Scored> {
    // The first problem is the one the person is told about; the form shows them all.
    if let Some(problem) = context_problems.iter().chain(&card.problems).next() {
        return Err(StoreError::Invalid(problem.message()));
    }
    if !card.unanswered.is_empty() {
        return Err(StoreError::Invalid(
            Message::new("refuse-unanswered")
                .count("count", card.unanswered.len())
                .arg("items", card.unanswered.join(", ")),
        ));
    }
    if card.percent.is_none() {
        return Err(StoreError::Invalid(Message::new(NOTHING_SCORED)));
    }
    // The actions the checklist raises by itself (its `action` tables, and every
    // critical failure); the form's requests replace them through `with_follow_up`.
    let actions = actions::plan(
        &version.checklist,
        &card,
        &[],
        submission.submitted_at.date_naive(),
    )
    .unwrap_or_default();
    Ok(Scored {
        submission,
        version_id: version.version_id,
        context,
        card,
        position: None,
        time_zone: None,
        follow_up: FollowUp {
            actions,
            sign_off: None,
        },
    })
}

/// Score and store one finished spot-check in its own transaction.
pub async fn submit(
    db: &DatabaseConnection,
    version: &StoredChecklist,
    subject: &Subject,
    submission: Submission,
) -> StoreResult<Submitted> {
    let scored = prepare(version, subject, submission)?;
    store_batch(db, vec![scored])
        .await
        .pop()
        .expect("one result per submission")
}

/// Store scored submissions in one transaction; one result per submission, in order.
/// When the batch cannot be written, each submission is tried again on its own.
pub async fn store_batch(
    db: &DatabaseConnection,
    batch: Vec<Scored>,
) -> Vec<StoreResult<Submitted>> {
    match write_in_transaction(db, &batch).await {
        Ok(results) => results,
        Err(e) if batch.len() == 1 => vec![settle_race(db, &batch[0], e).await],
        Err(_) => {
            let mut out = Vec::with_capacity(batch.len());
            for one in batch {
                out.extend(Box::pin(store_batch(db, vec![one])).await);
            }
            out
        }
    }
}

/// After a failed single write: if another request stored the same UUID at the same
/// moment, that is a retry, not an error.
async fn settle_race(
    db: &DatabaseConnection,
    scored: &Scored,
    error: StoreError,
) -> StoreResult<Submitted> {
    let unique = matches!(&error, StoreError::Db(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))));
    if !unique {
        return Err(error);
    }
    match inspection::Entity::find_by_id(scored.submission.id)
        .one(db)
        .await?
    {
        Some(existing) if existing.status != InspectionStatus::Draft => Ok(Submitted {
            inspection: existing,
            created: false,
            scorecard: None,
        }),
        Some(_) => Err(StoreError::Conflict(Message::new("refuse-being-saved"))),
        // Not a race on this UUID: a retry would fail the same way.
        None => Err(error),
    }
}

async fn write_in_transaction(
    db: &DatabaseConnection,
    batch: &[Scored],
) -> StoreResult<Vec<StoreResult<Submitted>>> {
    let txn = begin_write(db).await?;
    let results = write(&txn, batch).await?;
    txn.commit().await?;
    Ok(results)
}

/// What happens to one submission of a batch.
enum Plan {
    /// Stored now, replacing its draft if it had one.
    Store {
        started_at: DateTime<Utc>,
        draft: bool,
        /// The photos its draft holds (the form sends answers, not the photos taken
        /// while it was a draft), beside those the submission names.
        draft_photos: BTreeMap<String, String>,
    },
    /// Already stored (earlier, or by the same UUID earlier in this batch).
    Stored(usize),
    Known(Box<inspection::Model>),
    Refused(StoreError),
}

/// Write a batch inside an open transaction. Rules a submission breaks are its own
/// result; a database error fails the whole batch.
async fn write(
    db: &sea_orm::DatabaseTransaction,
    batch: &[Scored],
) -> StoreResult<Vec<StoreResult<Submitted>>> {
    let ids: Vec<Uuid> = batch.iter().map(|s| s.submission.id).collect();
    let mut existing: HashMap<Uuid, inspection::Model> = inspection::Entity::find()
        .filter(inspection::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let recheck_ids: Vec<i32> = batch.iter().filter_map(|s| s.submission.recheck).collect();
    let open_rechecks: HashMap<i32, recheck::Model> = if recheck_ids.is_empty() {
        HashMap::new()
    } else {
        recheck::Entity::find()
            .filter(recheck::Column::Id.is_in(recheck_ids))
            .filter(recheck::Column::Status.eq(RecheckStatus::Open))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect()
    };
    let mut first_of: HashMap<Uuid, usize> = HashMap::new();
    let mut rechecks_taken: HashSet<i32> = HashSet::new();
    let mut plans = Vec::with_capacity(batch.len());
    for (n, scored) in batch.iter().enumerate() {
        let s = &scored.submission;
        // A UUID seen earlier in the batch gets what its first copy got.
        let plan = if let Some(&first) = first_of.get(&s.id) {
            match &plans[first] {
                Plan::Store { .. } => Plan::Stored(first),
                Plan::Known(row) => Plan::Known(row.clone()),
                Plan::Refused(e) => Plan::Refused(StoreError::Conflict(e.message())),
                Plan::Stored(original) => Plan::Stored(*original),
            }
        } else {
            first_of.insert(s.id, n);
            match existing.remove(&s.id) {
                Some(row) if row.status != InspectionStatus::Draft => Plan::Known(Box::new(row)),
                Some(row) if row.inspector_id != s.inspector_id => Plan::Refused(not_their_draft()),
                Some(row) if row.checklist_version_id != scored.version_id => {
                    Plan::Refused(StoreError::Conflict(version_conflict(
                        row.checklist_version_id,
                        scored.version_id,
                    )))
                }
                draft => {
                    let recheck_open = s.recheck.is_none_or(|id| {
                        open_rechecks
                            .get(&id)
                            .is_some_and(|r| r.subject_id == s.subject_id)
                            && rechecks_taken.insert(id)
                    });
                    if recheck_open {
                        Plan::Store {
                            started_at: draft.as_ref().map_or(s.submitted_at, |d| d.started_at),
                            draft: draft.is_some(),
                            draft_photos: draft
                                .as_ref()
                                .map(|d| DraftState::of(d).photos)
                                .unwrap_or_default(),
                        }
                    } else {
                        Plan::Refused(StoreError::Conflict(Message::new("refuse-recheck-closed")))
                    }
                }
            }
        };
        plans.push(plan);
    }

    let to_store: Vec<(usize, &Scored, DateTime<Utc>)> = plans
        .iter()
        .enumerate()
        .filter_map(|(n, p)| match p {
            Plan::Store { started_at, .. } => Some((n, &batch[n], *started_at)),
            _ => None,
        })
        .collect();
    let no_photos = BTreeMap::new();
    let draft_photos = |n: usize| match &plans[n] {
        Plan::Store { draft_photos, .. } => draft_photos,
        _ => &no_photos,
    };
    let mut rows: HashMap<usize, inspection::Model> = HashMap::new();
    if !to_store.is_empty() {
        let drafts: Vec<Uuid> = plans
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p, Plan::Store { draft: true, .. }))
            .map(|(n, _)| batch[n].submission.id)
            .collect();
        if !drafts.is_empty() {
            inspection::Entity::delete_many()
                .filter(inspection::Column::Id.is_in(drafts))
                .exec(db)
                .await?;
        }
        let unread: Vec<i32> = to_store
            .iter()
            .filter(|(_, s, _)| s.position.is_none())
            .map(|(_, s, _)| s.submission.subject_id)
            .collect();
        let positions: HashMap<i32, Option<i32>> = if unread.is_empty() {
            HashMap::new()
        } else {
            user::Entity::find()
                .filter(user::Column::Id.is_in(unread))
                .all(db)
                .await?
                .into_iter()
                .map(|u| (u.id, u.position_id))
                .collect()
        };
        let mut responses = Vec::new();
        let mut tally = Tally::default();
        let mut audit = Vec::new();
        for &(n, scored, started_at) in &to_store {
            let s = &scored.submission;
            let position = scored
                .position
                .unwrap_or_else(|| positions.get(&s.subject_id).copied().flatten());
            let (row, stored, results) = scored.rows_with(started_at, position, draft_photos(n));
            tally.add(&row, &results, 1);
            responses.extend(stored);
            audit.push(super::audit::entry(
                Some(s.inspector_id),
                "submit",
                "inspection",
                s.id,
                None,
                Some(json!({
                    "percent": scored.card.percent,
                    "passed": scored.card.passed,
                    "version": scored.version_id,
                })),
            ));
            rows.insert(n, row);
        }
        let heads = to_store.iter().map(|(n, _, _)| fresh(rows[n].clone()));
        inspection::Entity::insert_many(heads)
            .exec_without_returning(db)
            .await?;
        // SQLite allows 32,766 bound values in a statement; a response row binds nine.
        for chunk in responses.chunks(2_000) {
            inspection_response::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        tally.save(db).await?;
        let failures: Vec<(&Scored, &inspection::Model)> = to_store
            .iter()
            .map(|(n, scored, _)| (*scored, &rows[n]))
            .collect();
        let assigned = assign_failure_training(db, &failures).await?;
        // Every notification of the batch is gathered and queued in a few statements.
        let mut notices = Notices::default();
        notify_stored(&mut notices, &failures, &assigned);
        for (n, scored, _) in &to_store {
            if let Some(id) = scored.submission.recheck {
                let mut done: recheck::ActiveModel = open_rechecks[&id].clone().into();
                done.status = Set(RecheckStatus::Done);
                done.done_inspection_id = Set(Some(scored.submission.id));
                done.after_percent = Set(rows[n].percent);
                done.after_passed = Set(rows[n].passed);
                let done = done.update(db).await?;
                notices.event(
                    EventName::RecheckCompleted,
                    json!({
                        "recheck_id": done.id,
                        "inspection_id": scored.submission.id,
                        "original_inspection_id": done.inspection_id,
                        "subject_id": done.subject_id,
                        "site_id": done.site_id,
                        "passed": scored.card.passed,
                        "percent": scored.card.percent,
                    }),
                );
            }
        }
        let raised: Vec<(super::actions::RaisedBy, &[NewAction])> = to_store
            .iter()
            .map(|&(_, scored, _)| {
                let s = &scored.submission;
                let by = super::actions::RaisedBy {
                    inspection: s.id,
                    version: scored.version_id,
                    site: s.site_id,
                    inspector: s.inspector_id,
                    at: s.submitted_at,
                };
                (by, scored.follow_up.actions.as_slice())
            })
            .collect();
        super::actions::insert_raised_gathered(db, &raised, &mut notices, &mut audit).await?;
        outbox::enqueue_notices(db, notices).await?;
        super::audit::record_all(db, audit).await?;
        for &(_, scored, _) in &to_store {
            let s = &scored.submission;
            if let Some((subject, inspector)) = &scored.follow_up.sign_off {
                super::actions::insert_sign_off(
                    db,
                    s.id,
                    subject.clone(),
                    inspector.clone(),
                    s.submitted_at,
                )
                .await?;
            }
        }
    }

    let mut out: Vec<StoreResult<Submitted>> = Vec::with_capacity(batch.len());
    for (n, plan) in plans.into_iter().enumerate() {
        out.push(match plan {
            Plan::Store { .. } => Ok(Submitted {
                inspection: rows[&n].clone(),
                created: true,
                scorecard: Some(batch[n].card.clone()),
            }),
            Plan::Stored(first) => Ok(Submitted {
                inspection: rows[&first].clone(),
                created: false,
                scorecard: None,
            }),
            Plan::Known(row) => Ok(Submitted {
                inspection: *row,
                created: false,
                scorecard: None,
            }),
            Plan::Refused(e) => Err(e),
        });
    }
    Ok(out)
}

impl Scored {
    /// The rows this submission is stored as: the inspection (started at `started_at`,
    /// for a person in position `position_id`), its responses, and the item results the
    /// quality aggregates count.
    pub fn rows(
        &self,
        started_at: DateTime<Utc>,
        position_id: Option<i32>,
    ) -> (
        inspection::Model,
        Vec<inspection_response::ActiveModel>,
        Vec<ItemResult>,
    ) {
        self.rows_with(started_at, position_id, &BTreeMap::new())
    }

    /// [`Scored::rows`], with the photos its draft holds for items the submission names
    /// no photo for.
    fn rows_with(
        &self,
        started_at: DateTime<Utc>,
        position_id: Option<i32>,
        draft_photos: &BTreeMap<String, String>,
    ) -> (
        inspection::Model,
        Vec<inspection_response::ActiveModel>,
        Vec<ItemResult>,
    ) {
        let (responses, results) = self.responses(draft_photos);
        (self.inspection(started_at, position_id), responses, results)
    }

    fn inspection(&self, started_at: DateTime<Utc>, position_id: Option<i32>) -> inspection::Model {
        let s = &self.submission;
        let card = &self.card;
        inspection::Model {
            id: s.id,
            checklist_version_id: self.version_id,
            site_id: s.site_id,
            shift_date: s.shift_date,
            shift_period: s.shift_period,
            subject_id: s.subject_id,
            position_id,
            inspector_id: s.inspector_id,
            context: serde_json::to_value(&self.context).unwrap_or_default(),
            status: InspectionStatus::Submitted,
            score: Some(card.score),
            max_score: Some(card.max_score),
            percent: card.percent,
            passed: Some(card.passed),
            critical_failure: !card.critical_failures.is_empty(),
            recheck_of: s.recheck_of,
            void_reason: None,
            started_at,
            updated_at: s.submitted_at,
            submitted_at: Some(s.submitted_at),
            acknowledged_at: None,
            draft: None,
        }
    }

    fn responses(
        &self,
        draft_photos: &BTreeMap<String, String>,
    ) -> (Vec<inspection_response::ActiveModel>, Vec<ItemResult>) {
        let s = &self.submission;
        let mut rows = Vec::new();
        let mut results = Vec::new();
        for result in &self.card.items {
            let Some(answer) = s.answers.get(&result.key) else {
                continue;
            };
            if result.outcome == Outcome::Excluded {
                continue;
            }
            let outcome = result.outcome;
            results.extend(ItemResult::of(
                &result.key,
                outcome,
                result.points,
                result.max,
            ));
            let photo = s
                .photos
                .get(&result.key)
                .or_else(|| draft_photos.get(&result.key));
            rows.push(inspection_response::ActiveModel {
                inspection_id: Set(s.id),
                item_key: Set(result.key.clone()),
                value: Set(serde_json::to_value(answer).unwrap_or_default()),
                outcome: Set(outcome),
                points: Set(result.points),
                max_points: Set(result.max),
                note: Set(s
                    .notes
                    .get(&result.key)
                    .filter(|n| !n.trim().is_empty())
                    .cloned()),
                photo: Set(photo.cloned()),
                photo_type: Set(photo.map(|f| super::files::type_of(f).to_string())),
                ..Default::default()
            });
        }
        (rows, results)
    }
}

/// A model as a row to insert, every column set.
pub fn fresh<A: ActiveModelTrait, M: sea_orm::IntoActiveModel<A>>(row: M) -> A {
    row.into_active_model().reset_all()
}

/// Assign the modules the failures call for. A module already open for the person is
/// not assigned twice: the new failures are added to its reasons, and its due date
/// comes forward if the new one is sooner.
async fn assign_failure_training<C: ConnectionTrait>(
    db: &C,
    stored: &[(&Scored, &inspection::Model)],
) -> StoreResult<Vec<NewAssignment>> {
    let keys: HashSet<&str> = stored
        .iter()
        .flat_map(|(s, _)| s.card.training.iter().map(|c| c.module.as_str()))
        .collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // The modules and their versions in one query, newest version first; the newest
    // definition of each module gives its due days.
    let version_of_module = training_module_version::Entity::belongs_to(training_module::Entity)
        .from(training_module_version::Column::ModuleId)
        .to(training_module::Column::Id)
        .into();
    let mut modules: HashMap<String, training_module::Model> = HashMap::new();
    let mut due_days: HashMap<i32, Module> = HashMap::new();
    for (row, module) in training_module_version::Entity::find()
        .join(JoinType::InnerJoin, version_of_module)
        .filter(training_module::Column::Key.is_in(keys.iter().copied()))
        .order_by_desc(training_module_version::Column::Version)
        .select_also(training_module::Entity)
        .all(db)
        .await?
    {
        let Some(module) = module else { continue };
        if due_days.contains_key(&row.module_id) {
            continue;
        }
        let definition: Module = serde_json::from_str(&row.definition).map_err(|e| {
            StoreError::Invalid(
                Message::new("refuse-module-unreadable")
                    .arg("id", row.id)
                    .arg("detail", e),
            )
        })?;
        due_days.insert(row.module_id, definition);
        modules.insert(module.key.clone(), module);
    }
    if let Some(missing) = keys.iter().find(|k| !modules.contains_key(**k)) {
        return Err(StoreError::Invalid(
            Message::new("refuse-module-not-imported").arg("key", missing),
        ));
    }
    let module_ids: Vec<i32> = modules.values().map(|m| m.id).collect();
    let people: HashSet<i32> = stored.iter().map(|(_, r)| r.subject_id).collect();
    // Due dates count from the day at the site, not the UTC date; the zones the caller
    // did not give are read.
    let unread: Vec<i32> = stored
        .iter()
        .filter(|(s, _)| s.time_zone.is_none())
        .map(|(_, r)| r.site_id)
        .collect();
    let mut zones = if unread.is_empty() {
        HashMap::new()
    } else {
        super::org::time_zones(db, &unread).await?
    };
    for (scored, row) in stored {
        if let Some(zone) = &scored.time_zone {
            zones.insert(row.site_id, zone.clone());
        }
    }
    let mut open: HashMap<(i32, i32), training_assignment::Model> = HashMap::new();
    for a in training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.is_in(people))
        .filter(training_assignment::Column::ModuleId.is_in(module_ids))
        .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
        .order_by_asc(training_assignment::Column::Id)
        .all(db)
        .await?
    {
        open.entry((a.user_id, a.module_id)).or_insert(a);
    }
    let before: HashMap<(i32, i32), training_assignment::Model> = open.clone();
    let mut new: Vec<(i32, i32)> = Vec::new();
    for (scored, row) in stored {
        for call in &scored.card.training {
            let module = &modules[&call.module];
            let definition = due_days.get(&module.id).ok_or_else(|| {
                StoreError::NotFound(format!("a version of training module {}", module.id))
            })?;
            let days = if call.critical {
                definition.due_days_critical
            } else {
                definition.due_days
            };
            let assigned_at = row.submitted_at.unwrap_or(row.updated_at);
            let zone = clock::zone_or(
                zones.get(&row.site_id).map_or("", String::as_str),
                clock::DEFAULT_TIME_ZONE,
            );
            let due = clock::local_date(zone, assigned_at) + Duration::days(days as i64);
            let key = (row.subject_id, module.id);
            match open.get_mut(&key) {
                Some(a) => {
                    let mut items: Vec<String> =
                        serde_json::from_value(a.failed_items.clone()).unwrap_or_default();
                    for k in &call.items {
                        if !items.contains(k) {
                            items.push(k.clone());
                        }
                    }
                    a.failed_items = json!(items);
                    a.critical = a.critical || call.critical;
                    a.due_date = a.due_date.min(due);
                    if a.inspection_id.is_none() {
                        a.inspection_id = Some(row.id);
                    }
                }
                None => {
                    open.insert(
                        key,
                        training_assignment::Model {
                            id: 0,
                            user_id: row.subject_id,
                            module_id: module.id,
                            reason: AssignmentReason::Failure,
                            inspection_id: Some(row.id),
                            failed_items: json!(call.items),
                            critical: call.critical,
                            status: AssignmentStatus::Assigned,
                            due_date: due,
                            assigned_by: None,
                            completed_version_id: None,
                            quiz_percent: None,
                            attempts: 0,
                            assigned_at,
                            completed_at: None,
                        },
                    );
                    new.push(key);
                }
            }
        }
    }
    for (key, a) in &open {
        // Only what changed is written: repeated failures of the same items change nothing.
        if let Some(was) = before.get(key)
            && was != a
        {
            let mut changed: training_assignment::ActiveModel = was.clone().into();
            changed.failed_items = Set(a.failed_items.clone());
            changed.critical = Set(a.critical);
            changed.due_date = Set(a.due_date);
            changed.inspection_id = Set(a.inspection_id);
            // One statement: the row is not read back (SQLite has no RETURNING here).
            training_assignment::Entity::update_many()
                .set(changed)
                .filter(training_assignment::Column::Id.eq(was.id))
                .exec(db)
                .await?;
        }
    }
    if !new.is_empty() {
        let rows = new.iter().map(|key| {
            let mut row = fresh(open[key].clone());
            row.id = sea_orm::ActiveValue::NotSet;
            row
        });
        training_assignment::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(new
        .iter()
        .map(|key| {
            let a = &open[key];
            let module = modules
                .values()
                .find(|m| m.id == a.module_id)
                .map_or_else(String::new, |m| m.key.clone());
            NewAssignment {
                user_id: a.user_id,
                module,
                due: a.due_date,
                inspection_id: a.inspection_id,
                critical: a.critical,
            }
        })
        .collect())
}

/// A training assignment a submission made, for its notifications.
pub struct NewAssignment {
    pub user_id: i32,
    pub module: String,
    pub due: NaiveDate,
    pub inspection_id: Option<Uuid>,
    pub critical: bool,
}

impl NewAssignment {
    /// The `training.assigned` payload (and the mail's).
    pub fn payload(&self, reason: AssignmentReason) -> serde_json::Value {
        json!({
            "user_id": self.user_id,
            "module": self.module,
            "due_date": self.due,
            "reason": reason,
            "inspection_id": self.inspection_id,
            "critical": self.critical,
        })
    }
}

/// The notifications of stored submissions, gathered for their transaction: the
/// webhooks' events (submitted, critical failure, training assigned), the mails of new
/// training to the people trained, and the critical-failure alert to the managers of the
/// site.
fn notify_stored(
    notices: &mut Notices,
    stored: &[(&Scored, &inspection::Model)],
    assigned: &[NewAssignment],
) {
    for (scored, row) in stored {
        let data = json!({
            "inspection_id": row.id,
            "site_id": row.site_id,
            "subject_id": row.subject_id,
            "inspector_id": row.inspector_id,
            "checklist_version_id": row.checklist_version_id,
            "shift_date": row.shift_date,
            "shift_period": row.shift_period,
            "percent": row.percent,
            "passed": row.passed,
            "critical_failure": row.critical_failure,
            "critical_items": scored.card.critical_failures,
            "recheck_of": row.recheck_of,
            "submitted_at": row.submitted_at,
        });
        notices.event(EventName::InspectionSubmitted, data.clone());
        if row.critical_failure {
            let managers = To::Holders {
                site: row.site_id,
                role: Role::Manager.as_str().to_string(),
                except: None,
            };
            notices.mail(MailKind::CriticalAlert, managers, data.clone());
            notices.event(EventName::InspectionCriticalFailure, data);
        }
    }
    for a in assigned {
        let data = a.payload(AssignmentReason::Failure);
        notices.event(EventName::TrainingAssigned, data.clone());
        notices.mail(
            MailKind::TrainingAssigned,
            To::People(vec![a.user_id]),
            data,
        );
    }
}

/// One job for the writer: a scored submission and where to send its result.
type Job = (Scored, oneshot::Sender<StoreResult<Submitted>>);

/// Largest batch written in one transaction.
const MAX_BATCH: usize = 64;

/// The group-commit writer: one task per app instance that stores the submissions
/// waiting for it together. Dropping the last handle ends the task.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
    batches: Arc<BatchSizes>,
}

/// How many transactions the writer has written of each size (submissions in one
/// transaction, 1 to [`MAX_BATCH`]) since it started: how much group commit is sharing.
/// Counted in memory, an atomic increment a batch.
pub struct BatchSizes([AtomicU64; MAX_BATCH + 1]);

impl BatchSizes {
    fn new() -> BatchSizes {
        BatchSizes(std::array::from_fn(|_| AtomicU64::new(0)))
    }

    fn record(&self, size: usize) {
        self.0[size.min(MAX_BATCH)].fetch_add(1, Ordering::Relaxed);
    }

    /// (size, transactions of that size), for the sizes that occurred, smallest first.
    pub fn counts(&self) -> Vec<(usize, u64)> {
        self.0
            .iter()
            .enumerate()
            .map(|(size, n)| (size, n.load(Ordering::Relaxed)))
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

impl GroupCommit {
    /// Start the writer on the current tokio runtime.
    pub fn start(db: DatabaseConnection) -> GroupCommit {
        let (jobs, mut queue) = mpsc::channel::<Job>(1024);
        let batches = Arc::new(BatchSizes::new());
        let sizes = batches.clone();
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut waiting = vec![first];
                while waiting.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(job) => waiting.push(job),
                        Err(_) => break,
                    }
                }
                sizes.record(waiting.len());
                let (batch, replies): (Vec<Scored>, Vec<_>) = waiting.into_iter().unzip();
                // Its own task, so a panic fails this batch's requests, not the writer.
                let db = db.clone();
                let written = tokio::spawn(async move { store_batch(&db, batch).await }).await;
                let results = written.unwrap_or_else(|_| {
                    (0..replies.len())
                        .map(|_| {
                            Err(StoreError::Db(sea_orm::DbErr::Custom(
                                "the spot-check could not be stored; try again".into(),
                            )))
                        })
                        .collect()
                });
                for (reply, result) in replies.into_iter().zip(results) {
                    // A request that gave up waiting does not stop the others.
                    let _ = reply.send(result);
                }
            }
        });
        GroupCommit { jobs, batches }
    }

    /// The sizes of the transactions written so far.
    pub fn batch_sizes(&self) -> Vec<(usize, u64)> {
        self.batches.counts()
    }

    /// Store a scored submission with whatever else is waiting; resolves once it is
    /// committed (or refused).
    pub async fn submit(&self, scored: Scored) -> StoreResult<Submitted> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Db(sea_orm::DbErr::Custom("the writer has stopped".into()));
        self.jobs
            .send((scored, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}
