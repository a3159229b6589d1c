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
        inspection_response::Entity::delete_many()
            .filter(inspection_response::Column::InspectionId.eq(submission.id))
            .exec(&txn)
            .await?;
        inspection::Entity::delete_by_id(submission.id)
            .exec(&txn)
            .await?;
    }
    let row = inspection::ActiveModel {
        id: Set(submission.id),
        checklist_version_id: Set(version.version_id),
        site_id: Set(submission.site_id),
        shift_date: Set(submission.shift_date),
        shift_period: Set(submission.shift_period.clone()),
        subject_id: Set(submission.subject_id),
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
        started_at: Set(submission.submitted_at),
        updated_at: Set(submission.submitted_at),
        submitted_at: Set(Some(submission.submitted_at)),
        acknowledged_at: Set(None),
    }
    .insert(&txn)
    .await?;

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
                photo: Set(None),
                ..Default::default()
            })
        })
        .collect();
    if !responses.is_empty() {
        inspection_response::Entity::insert_many(responses)
            .exec(&txn)
            .await?;
    }
    assign_failure_training(&txn, &card, &row).await?;
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
        if let Some(open) = open {
            let mut items: Vec<String> =
                serde_json::from_value(open.failed_items.clone()).unwrap_or_default();
            for key in &call.items {
                if !items.contains(key) {
                    items.push(key.clone());
                }
            }
            let critical = open.critical || call.critical;
            let mut open: training_assignment::ActiveModel = open.into();
            open.failed_items = Set(json!(items));
            open.critical = Set(critical);
            open.update(db).await?;
            continue;
        }
        let definition = latest_module(db, module.id).await?;
        let days = if call.critical {
            definition.due_days_critical
        } else {
            definition.due_days
        };
        let assigned_at = inspection.submitted_at.unwrap_or(inspection.updated_at);
        training_assignment::ActiveModel {
            user_id: Set(inspection.subject_id),
            module_id: Set(module.id),
            reason: Set("failure".into()),
            inspection_id: Set(Some(inspection.id)),
            failed_items: Set(json!(call.items)),
            critical: Set(call.critical),
            status: Set("assigned".into()),
            due_date: Set(assigned_at.date_naive() + Duration::days(days as i64)),
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
