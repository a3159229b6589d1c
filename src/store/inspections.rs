//! Storing spot-checks. A submission writes the inspection, its responses and the
//! training its failures call for in one transaction, and is idempotent on the
//! client-chosen UUID: a retried or doubled submission never stores a second inspection.

use crate::i18n::Message;
use entity::states::{InspectionStatus, Outcome};
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use entity::{inspection, inspection_response, training_module_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::filter::{CheckKind, ListFilter, narrowed};
use super::library::StoredChecklist;
use super::stats::{Tally, stored_results};
use super::{StoreError, StoreResult, audit};
use crate::domain::access::InspectionRef;
use crate::domain::clock::ShiftPeriod;
use crate::domain::scoring::{Answers, Context};
use crate::domain::training::Module;

pub use super::submit::{DraftState, Submission, Submitted, submit};
use super::submit::{not_their_draft, version_conflict};

/// What the access rules (domain::access) need to know of a stored spot-check.
pub fn access_ref(row: &inspection::Model) -> InspectionRef {
    InspectionRef {
        site: row.site_id,
        subject: row.subject_id,
        inspector: row.inspector_id,
        draft: row.status == InspectionStatus::Draft,
    }
}

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: Uuid,
    pub site_id: i32,
    pub shift_date: NaiveDate,
    pub shift_period: ShiftPeriod,
    pub subject_id: i32,
    pub inspector_id: i32,
    pub context: Context,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    pub recheck_of: Option<Uuid>,
    pub recheck: Option<i32>,
}

/// A spot-check by its id, in any state.
pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<Option<inspection::Model>> {
    Ok(inspection::Entity::find_by_id(id).one(db).await?)
}

/// An inspector's drafts, the most recently touched first.
pub async fn drafts_of<C: ConnectionTrait>(
    db: &C,
    inspector_id: i32,
) -> StoreResult<Vec<inspection::Model>> {
    Ok(inspection::Entity::find()
        .filter(inspection::Column::InspectorId.eq(inspector_id))
        .filter(inspection::Column::Status.eq(InspectionStatus::Draft))
        .order_by_desc(inspection::Column::UpdatedAt)
        .all(db)
        .await?)
}

/// Save a spot-check in progress. A draft stays on the checklist version it started on,
/// and a submitted inspection is never turned back into a draft.
pub async fn save_draft(
    db: &DatabaseConnection,
    version: &StoredChecklist,
    draft: Draft,
) -> StoreResult<inspection::Model> {
    let now = Utc::now();
    let txn = crate::store::begin_write(db).await?;
    let existing = inspection::Entity::find_by_id(draft.id).one(&txn).await?;
    let mut state = DraftState::default();
    if let Some(existing) = &existing {
        if existing.status != InspectionStatus::Draft {
            return Err(StoreError::Conflict(Message::new(
                "refuse-already-submitted",
            )));
        }
        if existing.inspector_id != draft.inspector_id {
            return Err(not_their_draft());
        }
        if existing.checklist_version_id != version.version_id {
            return Err(StoreError::Conflict(version_conflict(
                existing.checklist_version_id,
                version.version_id,
            )));
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
        status: Set(InspectionStatus::Draft),
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
    let txn = crate::store::begin_write(db).await?;
    let row = inspection::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("spot-check {id}")))?;
    if row.status != InspectionStatus::Draft {
        return Err(StoreError::Conflict(Message::new(
            "refuse-already-submitted",
        )));
    }
    let mut state = DraftState::of(&row);
    state.photos.insert(item.to_string(), file.to_string());
    let mut active: inspection::ActiveModel = row.into();
    active.draft = Set(Some(serde_json::to_value(&state).unwrap_or_default()));
    active.update(&txn).await?;
    txn.commit().await?;
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
        StoreError::Invalid(
            Message::new("refuse-module-unreadable")
                .arg("id", row.id)
                .arg("detail", e),
        )
    })
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
    use sea_orm::{PaginatorTrait, QuerySelect};

    let mut query = inspection::Entity::find();
    if scope.role == Role::Staff {
        query = query
            .filter(inspection::Column::SubjectId.eq(scope.user_id))
            .filter(inspection::Column::Status.ne(InspectionStatus::Draft));
    } else if let Some(sites) = scope.site_filter() {
        query = query.filter(inspection::Column::SiteId.is_in(sites.to_vec()));
    }
    let mut query = narrowed(
        db,
        query,
        filter.site,
        filter.subject,
        filter.inspector,
        filter.checklist.as_deref(),
    )
    .await?;
    if let Some(from) = filter.from {
        query = query.filter(inspection::Column::ShiftDate.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(inspection::Column::ShiftDate.lte(to));
    }
    if let Some(position) = filter.position {
        query = query.filter(inspection::Column::PositionId.eq(position));
    }
    match filter.kind {
        Some(CheckKind::First) => query = query.filter(inspection::Column::RecheckOf.is_null()),
        Some(CheckKind::Recheck) => {
            query = query.filter(inspection::Column::RecheckOf.is_not_null())
        }
        None => {}
    }
    if let Some(item) = &filter.failed_item {
        let key = item.split_once('/').map_or(item.as_str(), |(_, k)| k);
        let ids: Vec<Uuid> = inspection_response::Entity::find()
            .select_only()
            .column(inspection_response::Column::InspectionId)
            .filter(inspection_response::Column::ItemKey.eq(key))
            .filter(inspection_response::Column::Outcome.eq(Outcome::Failed))
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(inspection::Column::Id.is_in(ids));
    }
    match filter.status {
        Some(status) => query = query.filter(inspection::Column::Status.eq(status)),
        None => query = query.filter(inspection::Column::Status.ne(InspectionStatus::Draft)),
    }
    let paginator = query
        .order_by_desc(inspection::Column::ShiftDate)
        .order_by_desc(inspection::Column::SubmittedAt)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page).await?;
    Ok((rows, total))
}

/// A person's latest submitted results, newest shift first.
pub async fn latest_results_of(
    db: &DatabaseConnection,
    person: i32,
    limit: u64,
) -> StoreResult<Vec<inspection::Model>> {
    use sea_orm::QuerySelect;
    Ok(inspection::Entity::find()
        .filter(inspection::Column::SubjectId.eq(person))
        .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
        .order_by_desc(inspection::Column::ShiftDate)
        .limit(limit)
        .all(db)
        .await?)
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
        .filter(|r| r.subject_id == person && r.status == InspectionStatus::Submitted)
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
        return Err(StoreError::Invalid(Message::new(
            "refuse-void-reason-needed",
        )));
    }
    if reason.chars().count() > 500 {
        return Err(StoreError::Invalid(
            Message::new("refuse-void-reason-too-long").arg("max", 500),
        ));
    }
    let txn = crate::store::begin_write(db).await?;
    let row = inspection::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("inspection {id}")))?;
    if row.status != InspectionStatus::Submitted {
        return Err(StoreError::Conflict(
            Message::new("refuse-only-submitted-voidable").arg("status", row.status.as_str()),
        ));
    }
    let before = json!({ "status": row.status, "percent": row.percent, "passed": row.passed });
    let mut tally = Tally::default();
    tally.add(&row, &stored_results(&txn, id).await?, -1);
    tally.save(&txn).await?;
    let mut active: inspection::ActiveModel = row.into();
    active.status = Set(InspectionStatus::Void);
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
        Some(json!({ "status": InspectionStatus::Void, "reason": reason })),
    )
    .await?;
    super::outbox::enqueue(
        &txn,
        &[super::outbox::Event::new(
            crate::domain::notify::EventName::InspectionVoided,
            json!({
                "inspection_id": row.id,
                "site_id": row.site_id,
                "subject_id": row.subject_id,
                "voided_by": actor,
                "reason": reason,
            }),
        )],
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
