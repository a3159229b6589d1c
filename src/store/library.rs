//! Importing the checklist library into the database: positions are mirrored, and every
//! checklist or module whose content changed becomes a new immutable version.

use chrono::Utc;
use entity::{checklist, checklist_version, position, training_module, training_module_version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::{StoreError, StoreResult, audit};
use crate::domain::library::Library;
use crate::domain::{Checklist, training::Module};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// `key vN` of each checklist or module version created.
    pub new_versions: Vec<String>,
    pub unchanged: usize,
    pub positions: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} new version(s), {} unchanged, {} position(s)",
            self.new_versions.len(),
            self.unchanged,
            self.positions
        )?;
        if !self.new_versions.is_empty() {
            write!(f, ": {}", self.new_versions.join(", "))?;
        }
        Ok(())
    }
}

/// Import everything in one transaction: either the whole library lands or none of it.
pub async fn import(db: &DatabaseConnection, library: &Library) -> StoreResult<ImportReport> {
    let txn = crate::store::begin_write(db).await?;
    let mut report = ImportReport::default();
    for p in &library.positions {
        let existing = position::Entity::find()
            .filter(position::Column::Key.eq(&p.key))
            .one(&txn)
            .await?;
        let curriculum = Some(json!(p.curriculum));
        let due_days = p.curriculum_due_days as i32;
        match existing {
            Some(row)
                if row.name_zh == p.name.zh
                    && row.name_en == p.name.en
                    && row.curriculum == curriculum
                    && row.curriculum_due_days == due_days => {}
            Some(row) => {
                let mut row: position::ActiveModel = row.into();
                row.name_zh = Set(p.name.zh.clone());
                row.name_en = Set(p.name.en.clone());
                row.curriculum = Set(curriculum);
                row.curriculum_due_days = Set(due_days);
                row.update(&txn).await?;
            }
            None => {
                position::ActiveModel {
                    key: Set(p.key.clone()),
                    name_zh: Set(p.name.zh.clone()),
                    name_en: Set(p.name.en.clone()),
                    curriculum: Set(curriculum),
                    curriculum_due_days: Set(due_days),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        report.positions += 1;
    }
    for c in &library.checklists {
        match import_checklist(&txn, c).await? {
            Some(version) => report.new_versions.push(format!("{} v{version}", c.key)),
            None => report.unchanged += 1,
        }
    }
    for m in &library.modules {
        match import_module(&txn, m).await? {
            Some(version) => report.new_versions.push(format!("{} v{version}", m.key)),
            None => report.unchanged += 1,
        }
    }
    txn.commit().await?;
    Ok(report)
}

/// Returns the new version number, or `None` when the content is unchanged.
async fn import_checklist<C: ConnectionTrait>(db: &C, c: &Checklist) -> StoreResult<Option<i32>> {
    let now = Utc::now();
    let parent = match checklist::Entity::find()
        .filter(checklist::Column::Key.eq(&c.key))
        .one(db)
        .await?
    {
        Some(row) => row,
        None => {
            checklist::ActiveModel {
                key: Set(c.key.clone()),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let latest = checklist_version::Entity::find()
        .filter(checklist_version::Column::ChecklistId.eq(parent.id))
        .order_by_desc(checklist_version::Column::Version)
        .one(db)
        .await?;
    let hash = c.content_hash();
    if latest.as_ref().is_some_and(|v| v.content_hash == hash) {
        return Ok(None);
    }
    let version = latest.map_or(1, |v| v.version + 1);
    let row = checklist_version::ActiveModel {
        checklist_id: Set(parent.id),
        version: Set(version),
        content_hash: Set(hash.clone()),
        title_zh: Set(c.title.zh.clone()),
        title_en: Set(c.title.en.clone()),
        definition: Set(c.to_json()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        None,
        "import",
        "checklist_version",
        row.id,
        None,
        Some(json!({ "checklist": c.key, "version": version, "hash": hash })),
    )
    .await?;
    Ok(Some(version))
}

async fn import_module<C: ConnectionTrait>(db: &C, m: &Module) -> StoreResult<Option<i32>> {
    let now = Utc::now();
    let parent = match training_module::Entity::find()
        .filter(training_module::Column::Key.eq(&m.key))
        .one(db)
        .await?
    {
        Some(row) => row,
        None => {
            training_module::ActiveModel {
                key: Set(m.key.clone()),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let latest = training_module_version::Entity::find()
        .filter(training_module_version::Column::ModuleId.eq(parent.id))
        .order_by_desc(training_module_version::Column::Version)
        .one(db)
        .await?;
    let hash = m.content_hash();
    if latest.as_ref().is_some_and(|v| v.content_hash == hash) {
        return Ok(None);
    }
    let version = latest.map_or(1, |v| v.version + 1);
    let row = training_module_version::ActiveModel {
        module_id: Set(parent.id),
        version: Set(version),
        content_hash: Set(hash.clone()),
        title_zh: Set(m.title.zh.clone()),
        title_en: Set(m.title.en.clone()),
        definition: Set(m.to_json()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        None,
        "import",
        "training_module_version",
        row.id,
        None,
        Some(json!({ "module": m.key, "version": version, "hash": hash })),
    )
    .await?;
    Ok(Some(version))
}

/// A stored checklist version with its parsed definition.
#[derive(Debug, Clone)]
pub struct StoredChecklist {
    pub version_id: i32,
    pub version: i32,
    pub checklist: Checklist,
}

fn parse_version(row: checklist_version::Model) -> StoreResult<StoredChecklist> {
    let checklist: Checklist = serde_json::from_str(&row.definition).map_err(|e| {
        StoreError::Invalid(format!("checklist version {} is unreadable: {e}", row.id))
    })?;
    Ok(StoredChecklist {
        version_id: row.id,
        version: row.version,
        checklist,
    })
}

/// The latest version of every active checklist, ordered by key.
pub async fn current_checklists<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<StoredChecklist>> {
    let mut out = Vec::new();
    for id in current_version_ids(db, None).await? {
        out.push(checklist_version(db, id).await?);
    }
    Ok(out)
}

/// The ids of the latest version of every active checklist (or of the one with `key`),
/// ordered by checklist key: one query, for callers that keep parsed versions (see
/// `AppState::checklist_version`).
pub async fn current_version_ids<C: ConnectionTrait>(
    db: &C,
    key: Option<&str>,
) -> StoreResult<Vec<i32>> {
    let mut query = checklist_version::Entity::find()
        .select_only()
        .column(checklist_version::Column::Id)
        .inner_join(checklist::Entity)
        .filter(checklist::Column::Active.eq(true));
    if let Some(key) = key {
        query = query.filter(checklist::Column::Key.eq(key));
    }
    Ok(query
        .filter(Expr::cust(
            "checklist_version.version = (SELECT max(newest.version) FROM checklist_version newest \
             WHERE newest.checklist_id = checklist_version.checklist_id)",
        ))
        .order_by_asc(checklist::Column::Key)
        .into_tuple()
        .all(db)
        .await?)
}

/// One stored version by id.
pub async fn checklist_version<C: ConnectionTrait>(
    db: &C,
    version_id: i32,
) -> StoreResult<StoredChecklist> {
    let row = checklist_version::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("checklist version {version_id}")))?;
    parse_version(row)
}

/// Every version id of a checklist.
pub async fn version_ids(db: &DatabaseConnection, key: &str) -> StoreResult<Vec<i32>> {
    Ok(checklist_version::Entity::find()
        .select_only()
        .column(checklist_version::Column::Id)
        .inner_join(checklist::Entity)
        .filter(checklist::Column::Key.eq(key))
        .into_tuple()
        .all(db)
        .await?)
}
