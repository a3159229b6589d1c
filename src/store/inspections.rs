//! Storing spot-checks. A submission writes the inspection, its responses and the
//! training its failures call for in one transaction, and is idempotent on the
//! client-chosen UUID: a retried or doubled submission never stores a second inspection.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{
    inspection, inspection_response, training_assignment, training_module, training_module_version,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::library::StoredChecklist;
use super::stats::{ItemResult, Tally, stored_results};
use super::{StoreError, StoreResult, audit};
use crate::domain::scoring::{
    Answers, Context, Outcome, Scorecard, Subject, resolve_context, score,
};
use crate::domain::training::Module;

#[derive(Debug, Clone)]
pub struct Submission {
    pub id: Uuid,
    pub site_id: i32,
    pub shift_date: NaiveDate,
    pub shift_period: String,
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

pub const PERIODS: [&str; 4] = ["morning", "afternoon", "evening", "night"];

/// Score and store a finished spot-check.
pub async fn submit(
    db: &DatabaseConnection,
    version: &StoredChecklist,
    subject: &Subject,
    submission: Submission,
) -> StoreResult<Submitted> {
    if !PERIODS.contains(&submission.shift_period.as_str()) {
        return Err(StoreError::Invalid(format!(
            "unknown shift period `{}`",
            submission.shift_period
        )));
    }
    let checklist = &version.checklist;
    let (context, mut problems) = resolve_context(checklist, &submission.context);
    let card = score(checklist, subject, &context, &submission.answers);
    problems.extend(card.problems.iter().cloned());
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        return Err(StoreError::Invalid(list.join("; ")));
    }
    if !card.unanswered.is_empty() {
        return Err(StoreError::Invalid(format!(
            "unanswered required items: {}",
            card.unanswered.join(", ")
        )));
    }

    let txn = db.begin().await?;
    let mut started_at = submission.submitted_at;
    if let Some(existing) = inspection::Entity::find_by_id(submission.id)
        .one(&txn)
        .await?
    {
        if existing.status != "draft" {
            txn.commit().await?;
            return Ok(Submitted {
                inspection: existing,
                created: false,
                scorecard: None,
            });
        }
        if existing.checklist_version_id != version.version_id {
            return Err(StoreError::Conflict(version_conflict(&existing, version)));
        }
        started_at = existing.started_at;
        inspection::Entity::delete_by_id(submission.id)
            .exec(&txn)
            .await?;
    }
    let position = entity::user::Entity::find_by_id(submission.subject_id)
        .one(&txn)
        .await?
        .and_then(|u| u.position_id);
    let row = inspection::ActiveModel {
        id: Set(submission.id),
        checklist_version_id: Set(version.version_id),
        site_id: Set(submission.site_id),
        shift_date: Set(submission.shift_date),
        shift_period: Set(submission.shift_period.clone()),
        subject_id: Set(submission.subject_id),
        position_id: Set(position),
        inspector_id: Set(submission.inspector_id),
        context: Set(serde_json::to_value(&context).unwrap_or_default()),
        status: Set("submitted".into()),
        score: Set(Some(card.score)),
        max_score: Set(Some(card.max_score)),
        percent: Set(Some(card.percent)),
        passed: Set(Some(card.passed)),
        critical_failure: Set(!card.critical_failures.is_empty()),
        recheck_of: Set(submission.recheck_of),
        void_reason: Set(None),
        started_at: Set(started_at),
        updated_at: Set(submission.submitted_at),
        submitted_at: Set(Some(submission.submitted_at)),
        acknowledged_at: Set(None),
        draft: Set(None),
    }
    .insert(&txn)
    .await;
    let row = match row {
        Ok(row) => row,
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            // Another request stored this UUID at the same moment: a retry, not an error.
            txn.rollback().await?;
            return match inspection::Entity::find_by_id(submission.id)
                .one(db)
                .await?
            {
                Some(existing) if existing.status != "draft" => Ok(Submitted {
                    inspection: existing,
                    created: false,
                    scorecard: None,
                }),
                _ => Err(StoreError::Conflict(
                    "this spot-check is being saved; try again".into(),
                )),
            };
        }
        Err(e) => return Err(e.into()),
    };

    let responses: Vec<inspection_response::ActiveModel> = card
        .items
        .iter()
        .filter_map(|result| {
            let answer = submission.answers.get(&result.key)?;
            (result.outcome != Outcome::Excluded).then(|| inspection_response::ActiveModel {
                inspection_id: Set(submission.id),
                item_key: Set(result.key.clone()),
                value: Set(serde_json::to_value(answer).unwrap_or_default()),
                outcome: Set(outcome_name(result.outcome).into()),
                points: Set(result.points),
                max_points: Set(result.max),
                note: Set(submission
                    .notes
                    .get(&result.key)
                    .filter(|n| !n.trim().is_empty())
                    .cloned()),
                photo: Set(submission.photos.get(&result.key).cloned()),
                photo_type: Set(submission
                    .photos
                    .get(&result.key)
                    .map(|f| photo_type(f).to_string())),
                ..Default::default()
            })
        })
        .collect();
    let results: Vec<ItemResult> = responses
        .iter()
        .filter_map(|r| {
            ItemResult::of(
                r.item_key.as_ref(),
                r.outcome.as_ref(),
                *r.points.as_ref(),
                *r.max_points.as_ref(),
            )
        })
        .collect();
    if !responses.is_empty() {
        inspection_response::Entity::insert_many(responses)
            .exec(&txn)
            .await?;
    }
    let mut tally = Tally::default();
    tally.add(&row, &results, 1);
    tally.save(&txn).await?;
    assign_failure_training(&txn, &card, &row).await?;
    if let Some(recheck_id) = submission.recheck {
        let open = entity::recheck::Entity::find_by_id(recheck_id)
            .one(&txn)
            .await?
            .filter(|r| r.status == "open" && r.subject_id == submission.subject_id)
            .ok_or_else(|| StoreError::Conflict("this re-check is no longer open".into()))?;
        let mut done: entity::recheck::ActiveModel = open.into();
        done.status = Set("done".into());
        done.done_inspection_id = Set(Some(submission.id));
        done.update(&txn).await?;
    }
    audit::record(
        &txn,
        Some(submission.inspector_id),
        "submit",
        "inspection",
        submission.id,
        None,
        Some(json!({ "percent": card.percent, "passed": card.passed, "version": version.version_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(Submitted {
        inspection: row,
        created: true,
        scorecard: Some(card),
    })
}

fn version_conflict(existing: &inspection::Model, version: &StoredChecklist) -> String {
    format!(
        "this spot-check was started on another version of the checklist (version id {}, not {}); reload it to continue on the version it started on",
        existing.checklist_version_id, version.version_id
    )
}

/// The MIME type of a stored photo, from the extension we gave it.
pub fn photo_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}

/// The in-progress state of a draft, kept as JSON on the inspection row.
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
pub struct Draft {
    pub id: Uuid,
    pub site_id: i32,
    pub shift_date: NaiveDate,
    pub shift_period: String,
    pub subject_id: i32,
    pub inspector_id: i32,
    pub context: Context,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    pub recheck_of: Option<Uuid>,
    pub recheck: Option<i32>,
}

/// Save a spot-check in progress. A draft stays on the checklist version it started on,
/// and a submitted inspection is never turned back into a draft.
pub async fn save_draft(
    db: &DatabaseConnection,
    version: &StoredChecklist,
    draft: Draft,
) -> StoreResult<inspection::Model> {
    if !PERIODS.contains(&draft.shift_period.as_str()) {
        return Err(StoreError::Invalid(format!(
            "unknown shift period `{}`",
            draft.shift_period
        )));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let existing = inspection::Entity::find_by_id(draft.id).one(&txn).await?;
    let mut state = DraftState::default();
    if let Some(existing) = &existing {
        if existing.status != "draft" {
            return Err(StoreError::Conflict(
                "this spot-check has already been submitted".into(),
            ));
        }
        if existing.checklist_version_id != version.version_id {
            return Err(StoreError::Conflict(version_conflict(existing, version)));
        }
        state = DraftState::of(existing);
    }
    state.answers = draft.answers;
    state.notes = draft.notes;
    state.recheck = draft.recheck;
    let values = inspection::ActiveModel {
        id: Set(draft.id),
        checklist_version_id: Set(version.version_id),
        site_id: Set(draft.site_id),
        shift_date: Set(draft.shift_date),
        shift_period: Set(draft.shift_period),
        subject_id: Set(draft.subject_id),
        position_id: Set(None),
        inspector_id: Set(draft.inspector_id),
        context: Set(serde_json::to_value(&draft.context).unwrap_or_default()),
        status: Set("draft".into()),
        score: Set(None),
        max_score: Set(None),
        percent: Set(None),
        passed: Set(None),
        critical_failure: Set(false),
        recheck_of: Set(draft.recheck_of),
        void_reason: Set(None),
        started_at: Set(existing.as_ref().map_or(now, |e| e.started_at)),
        updated_at: Set(now),
        submitted_at: Set(None),
        acknowledged_at: Set(None),
        draft: Set(Some(serde_json::to_value(&state).unwrap_or_default())),
    };
    let row = if existing.is_some() {
        values.update(&txn).await?
    } else {
        values.insert(&txn).await?
    };
    txn.commit().await?;
    Ok(row)
}

/// Record a photo file for an item of a draft.
pub async fn attach_photo(
    db: &DatabaseConnection,
    id: Uuid,
    item: &str,
    file: &str,
) -> StoreResult<()> {
    let txn = db.begin().await?;
    let row = inspection::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("spot-check {id}")))?;
    if row.status != "draft" {
        return Err(StoreError::Conflict(
            "this spot-check has already been submitted".into(),
        ));
    }
    let mut state = DraftState::of(&row);
    state.photos.insert(item.to_string(), file.to_string());
    let mut active: inspection::ActiveModel = row.into();
    active.draft = Set(Some(serde_json::to_value(&state).unwrap_or_default()));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Excluded => "excluded",
        Outcome::Unanswered => "unanswered",
        Outcome::NotApplicable => "not_applicable",
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
    }
}

/// Assign the modules the failures call for. A module already open for the person is
/// not assigned twice: the new failures are added to its reasons.
async fn assign_failure_training<C: ConnectionTrait>(
    db: &C,
    card: &Scorecard,
    inspection: &inspection::Model,
) -> StoreResult<()> {
    for call in &card.training {
        let Some(module) = training_module::Entity::find()
            .filter(training_module::Column::Key.eq(&call.module))
            .one(db)
            .await?
        else {
            return Err(StoreError::Invalid(format!(
                "training module `{}` is not imported",
                call.module
            )));
        };
        let open = training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.eq(inspection.subject_id))
            .filter(training_assignment::Column::ModuleId.eq(module.id))
            .filter(training_assignment::Column::Status.ne("completed"))
            .one(db)
            .await?;
        let definition = latest_module(db, module.id).await?;
        let days = if call.critical {
            definition.due_days_critical
        } else {
            definition.due_days
        };
        let assigned_at = inspection.submitted_at.unwrap_or(inspection.updated_at);
        let due = assigned_at.date_naive() + Duration::days(days as i64);
        if let Some(open) = open {
            // Already open (after an earlier failure, or in the curriculum): add this
            // failure to its reasons, and bring the due date forward if it is sooner.
            let mut items: Vec<String> =
                serde_json::from_value(open.failed_items.clone()).unwrap_or_default();
            for key in &call.items {
                if !items.contains(key) {
                    items.push(key.clone());
                }
            }
            let critical = open.critical || call.critical;
            let sooner = open.due_date.min(due);
            let first_failure = open.inspection_id.is_none();
            let mut open: training_assignment::ActiveModel = open.into();
            open.failed_items = Set(json!(items));
            open.critical = Set(critical);
            open.due_date = Set(sooner);
            if first_failure {
                open.inspection_id = Set(Some(inspection.id));
            }
            open.update(db).await?;
            continue;
        }
        training_assignment::ActiveModel {
            user_id: Set(inspection.subject_id),
            module_id: Set(module.id),
            reason: Set("failure".into()),
            inspection_id: Set(Some(inspection.id)),
            failed_items: Set(json!(call.items)),
            critical: Set(call.critical),
            status: Set("assigned".into()),
            due_date: Set(due),
            assigned_by: Set(None),
            completed_version_id: Set(None),
            quiz_percent: Set(None),
            attempts: Set(0),
            assigned_at: Set(assigned_at),
            completed_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn latest_module<C: ConnectionTrait>(db: &C, module_id: i32) -> StoreResult<Module> {
    let row = training_module_version::Entity::find()
        .filter(training_module_version::Column::ModuleId.eq(module_id))
        .order_by_desc(training_module_version::Column::Version)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("a version of training module {module_id}")))?;
    serde_json::from_str(&row.definition).map_err(|e| {
        StoreError::Invalid(format!(
            "training module version {} is unreadable: {e}",
            row.id
        ))
    })
}

/// Filters for the inspection history; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub site: Option<i32>,
    pub subject: Option<i32>,
    pub inspector: Option<i32>,
    pub checklist: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub status: Option<String>,
    /// `checklist-key/item-key`: only inspections where that item failed.
    pub failed_item: Option<String>,
}

/// One page of inspections the scope may see, newest first, with the total count.
pub async fn list(
    db: &DatabaseConnection,
    scope: &crate::domain::access::Scope,
    filter: &ListFilter,
    page: u64,
    per_page: u64,
) -> StoreResult<(Vec<inspection::Model>, u64)> {
    use crate::domain::access::Role;
    use entity::{checklist, checklist_version};
    use sea_orm::{PaginatorTrait, QuerySelect};

    let mut query = inspection::Entity::find();
    if scope.role == Role::Staff {
        query = query
            .filter(inspection::Column::SubjectId.eq(scope.user_id))
            .filter(inspection::Column::Status.ne("draft"));
    } else if let Some(sites) = scope.site_filter() {
        query = query.filter(inspection::Column::SiteId.is_in(sites.to_vec()));
    }
    if let Some(site) = filter.site {
        query = query.filter(inspection::Column::SiteId.eq(site));
    }
    if let Some(subject) = filter.subject {
        query = query.filter(inspection::Column::SubjectId.eq(subject));
    }
    if let Some(inspector) = filter.inspector {
        query = query.filter(inspection::Column::InspectorId.eq(inspector));
    }
    if let Some(key) = &filter.checklist {
        let versions: Vec<i32> = checklist_version::Entity::find()
            .select_only()
            .column(checklist_version::Column::Id)
            .inner_join(checklist::Entity)
            .filter(checklist::Column::Key.eq(key))
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(inspection::Column::ChecklistVersionId.is_in(versions));
    }
    if let Some(from) = filter.from {
        query = query.filter(inspection::Column::ShiftDate.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(inspection::Column::ShiftDate.lte(to));
    }
    if let Some(item) = &filter.failed_item {
        let key = item.split_once('/').map_or(item.as_str(), |(_, k)| k);
        let ids: Vec<Uuid> = inspection_response::Entity::find()
            .select_only()
            .column(inspection_response::Column::InspectionId)
            .filter(inspection_response::Column::ItemKey.eq(key))
            .filter(inspection_response::Column::Outcome.eq("failed"))
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(inspection::Column::Id.is_in(ids));
    }
    match filter.status.as_deref() {
        Some(status) => query = query.filter(inspection::Column::Status.eq(status)),
        None => query = query.filter(inspection::Column::Status.ne("draft")),
    }
    let paginator = query
        .order_by_desc(inspection::Column::ShiftDate)
        .order_by_desc(inspection::Column::SubmittedAt)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page).await?;
    Ok((rows, total))
}

/// A staff member confirms they have seen their result.
pub async fn acknowledge(
    db: &DatabaseConnection,
    id: Uuid,
    person: i32,
) -> StoreResult<inspection::Model> {
    let row = inspection::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| r.subject_id == person && r.status == "submitted")
        .ok_or_else(|| StoreError::NotFound(format!("inspection {id}")))?;
    if row.acknowledged_at.is_some() {
        return Ok(row);
    }
    let mut active: inspection::ActiveModel = row.into();
    active.acknowledged_at = Set(Some(Utc::now()));
    let row = active.update(db).await?;
    audit::record(
        db,
        Some(person),
        "acknowledge",
        "inspection",
        id,
        None,
        None,
    )
    .await?;
    Ok(row)
}

/// Void a submitted inspection — the only way to undo one. It stays on record, marked
/// void with the reason, and the change is audited with before and after.
pub async fn void(
    db: &DatabaseConnection,
    id: Uuid,
    actor: i32,
    reason: &str,
) -> StoreResult<inspection::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "give a reason for voiding this inspection".into(),
        ));
    }
    if reason.chars().count() > 500 {
        return Err(StoreError::Invalid(
            "the reason is longer than 500 characters".into(),
        ));
    }
    let txn = db.begin().await?;
    let row = inspection::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("inspection {id}")))?;
    if row.status != "submitted" {
        return Err(StoreError::Conflict(format!(
            "only a submitted inspection can be voided (this one is {})",
            row.status
        )));
    }
    let before = json!({ "status": row.status, "percent": row.percent, "passed": row.passed });
    let mut tally = Tally::default();
    tally.add(&row, &stored_results(&txn, id).await?, -1);
    tally.save(&txn).await?;
    let mut active: inspection::ActiveModel = row.into();
    active.status = Set("void".into());
    active.void_reason = Set(Some(reason.to_string()));
    active.updated_at = Set(Utc::now());
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "void",
        "inspection",
        id,
        Some(before),
        Some(json!({ "status": "void", "reason": reason })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
