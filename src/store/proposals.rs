//! Proposed changes to checklists and training modules: filed with their author and
//! reason, reviewed by another person, and on approval published as a new immutable
//! version through the library's import path, audited at each step.

use crate::i18n::Message;
use chrono::Utc;
use entity::proposal;
use entity::states::{ProposalKind, ProposalStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::{StoreError, StoreResult, audit, library};
use crate::domain::Checklist;
use crate::domain::authoring::Editable;
use crate::domain::training::Module;

pub use proposal::Model as Proposal;

/// The stored kind of an editable file.
pub fn kind_of(kind: Editable) -> ProposalKind {
    match kind {
        Editable::Checklist => ProposalKind::Checklist,
        Editable::Module => ProposalKind::Module,
    }
}

/// The editable file kind a proposal is about.
pub fn editable(kind: ProposalKind) -> Editable {
    match kind {
        ProposalKind::Checklist => Editable::Checklist,
        ProposalKind::Module => Editable::Module,
    }
}

/// The newest published version of a checklist or module.
pub async fn published_version<C: ConnectionTrait>(
    db: &C,
    kind: Editable,
    key: &str,
) -> StoreResult<Option<i32>> {
    match kind {
        Editable::Checklist => library::latest_checklist_version(db, key).await,
        Editable::Module => library::latest_module_version(db, key).await,
    }
}

/// A change to file for review.
pub struct NewProposal {
    pub kind: Editable,
    pub key: String,
    pub source: String,
    pub reason: String,
    pub author_id: i32,
}

pub async fn create(db: &DatabaseConnection, new: NewProposal) -> StoreResult<Proposal> {
    let txn = super::begin_write(db).await?;
    let base = published_version(&txn, new.kind, &new.key).await?;
    let row = proposal::ActiveModel {
        kind: Set(kind_of(new.kind)),
        key: Set(new.key),
        source: Set(new.source),
        reason: Set(new.reason),
        status: Set(ProposalStatus::Proposed),
        author_id: Set(new.author_id),
        base_version: Set(base),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(row.author_id),
        "propose",
        "proposal",
        row.id,
        None,
        Some(
            json!({ "kind": row.kind, "key": row.key, "reason": row.reason, "base_version": base }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i32) -> StoreResult<Proposal> {
    proposal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("proposal {id}")))
}

/// Every proposal, newest first (the review queue shows the open ones on top).
pub async fn all(db: &DatabaseConnection) -> StoreResult<Vec<Proposal>> {
    Ok(proposal::Entity::find()
        .order_by_desc(proposal::Column::Id)
        .all(db)
        .await?)
}

/// The text the editor opens for a key: the newest approved proposal's, when it is what
/// is published now (its version is the newest), else `None` (the library file's).
pub async fn published_source(
    db: &DatabaseConnection,
    kind: Editable,
    key: &str,
) -> StoreResult<Option<String>> {
    let Some(latest) = published_version(db, kind, key).await? else {
        return Ok(None);
    };
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Kind.eq(kind_of(kind)))
        .filter(proposal::Column::Key.eq(key))
        .filter(proposal::Column::Status.eq(ProposalStatus::Approved))
        .filter(proposal::Column::PublishedVersion.eq(latest))
        .order_by_desc(proposal::Column::Id)
        .one(db)
        .await?
        .map(|p| p.source))
}

/// What approving publishes: the proposal's text, linted clean.
pub enum Content<'a> {
    Checklist(&'a Checklist),
    Module(&'a Module),
}

/// Approve a proposal still open: publish its content as the next version and record who
/// approved it, in one transaction. Returns the published version.
pub async fn approve(
    db: &DatabaseConnection,
    id: i32,
    reviewer: i32,
    content: Content<'_>,
) -> StoreResult<i32> {
    let txn = super::begin_write(db).await?;
    let row = open(&txn, id).await?;
    let version = match content {
        Content::Checklist(c) => library::publish_checklist(&txn, c).await?,
        Content::Module(m) => library::publish_module(&txn, m).await?,
    };
    let key = row.key.clone();
    let mut active: proposal::ActiveModel = row.into();
    active.status = Set(ProposalStatus::Approved);
    active.reviewer_id = Set(Some(reviewer));
    active.reviewed_at = Set(Some(Utc::now()));
    active.published_version = Set(Some(version));
    active.update(&txn).await?;
    audit::record(
        &txn,
        Some(reviewer),
        "approve",
        "proposal",
        id,
        None,
        Some(json!({ "key": key, "version": version })),
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}

/// Send an open proposal back to its author with a comment.
pub async fn send_back(
    db: &DatabaseConnection,
    id: i32,
    reviewer: i32,
    comment: &str,
) -> StoreResult<()> {
    let txn = super::begin_write(db).await?;
    let row = open(&txn, id).await?;
    let mut active: proposal::ActiveModel = row.into();
    active.status = Set(ProposalStatus::SentBack);
    active.reviewer_id = Set(Some(reviewer));
    active.review_comment = Set(Some(comment.to_string()));
    active.reviewed_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    audit::record(
        &txn,
        Some(reviewer),
        "send_back",
        "proposal",
        id,
        None,
        Some(json!({ "comment": comment })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The proposal, if it is still waiting for review.
async fn open<C: ConnectionTrait>(db: &C, id: i32) -> StoreResult<Proposal> {
    let row = get(db, id).await?;
    if row.status != ProposalStatus::Proposed {
        return Err(StoreError::Conflict(
            Message::new("authoring-already-reviewed").arg("id", id),
        ));
    }
    Ok(row)
}

/// Publish an earlier version's content (`from`) as the next version of its checklist
/// or module, audited as a rollback. Returns the version published.
pub async fn roll_back(
    db: &DatabaseConnection,
    by: i32,
    content: Content<'_>,
    from: i32,
) -> StoreResult<i32> {
    let txn = super::begin_write(db).await?;
    let (version, table, key) = match content {
        Content::Checklist(c) => (
            library::publish_checklist(&txn, c).await?,
            "checklist",
            &c.key,
        ),
        Content::Module(m) => (
            library::publish_module(&txn, m).await?,
            "training_module",
            &m.key,
        ),
    };
    audit::record(
        &txn,
        Some(by),
        "rollback",
        table,
        key,
        None,
        Some(json!({ "from": from, "version": version })),
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}
