//! Importing the checklist library into the database: positions are mirrored, and every
//! checklist or module whose content changed becomes a new immutable version.

use crate::i18n::Message;
use chrono::{DateTime, Utc};
use entity::states::{ProposalKind, ProposalStatus};
use entity::{
    checklist, checklist_version, position, proposal, training_module, training_module_version,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::{StoreError, StoreResult, audit};
use crate::domain::library::Library;
use crate::domain::text::Lang;
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
                if row.name_zh == p.name.get(Lang::Zh)
                    && row.name_en == p.name.get(Lang::En)
                    && row.curriculum == curriculum
                    && row.curriculum_due_days == due_days => {}
            Some(row) => {
                let mut row: position::ActiveModel = row.into();
                row.name_zh = Set(p.name.get(Lang::Zh).to_string());
                row.name_en = Set(p.name.get(Lang::En).to_string());
                row.curriculum = Set(curriculum);
                row.curriculum_due_days = Set(due_days);
                row.update(&txn).await?;
            }
            None => {
                position::ActiveModel {
                    key: Set(p.key.clone()),
                    name_zh: Set(p.name.get(Lang::Zh).to_string()),
                    name_en: Set(p.name.get(Lang::En).to_string()),
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
        tally(&mut report, &c.key, import_file(&txn, c).await?);
    }
    for m in &library.modules {
        tally(&mut report, &m.key, import_file(&txn, m).await?);
    }
    txn.commit().await?;
    Ok(report)
}

fn tally(report: &mut ImportReport, key: &str, new_version: Option<i32>) {
    match new_version {
        Some(version) => report.new_versions.push(format!("{key} v{version}")),
        None => report.unchanged += 1,
    }
}

/// What the library keeps in immutable versions: a checklist or a training module. Each
/// key has a parent row and a list of versions; the import does the same with both (see
/// [`import_versioned`]) and only the tables differ.
trait Versioned {
    /// The version table, as the audit log names it.
    const VERSION_TABLE: &'static str;
    /// What the key is called in the audit log's detail.
    const NOUN: &'static str;

    /// The kind of proposal that publishes it from the browser.
    const PROPOSAL: ProposalKind;

    fn key(&self) -> &str;
    fn hash(&self) -> String;
    /// The parent row's id for `key`, creating it (active) when the key is new.
    async fn parent_id<C: ConnectionTrait>(
        db: &C,
        key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i32>;
    /// The newest version's number and content hash.
    async fn latest<C: ConnectionTrait>(
        db: &C,
        parent_id: i32,
    ) -> StoreResult<Option<(i32, String)>>;
    /// Every version's number and content hash, newest first.
    async fn versions<C: ConnectionTrait>(
        db: &C,
        parent_id: i32,
    ) -> StoreResult<Vec<(i32, String)>>;
    /// Store this content as `version` of the parent; returns the new row's id.
    async fn insert_version<C: ConnectionTrait>(
        &self,
        db: &C,
        parent_id: i32,
        version: i32,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i32>;
}

/// A file of the library on disk, imported unless it is what was last imported from disk
/// and the quality department has since published a newer version in the browser (an
/// approved proposal): a restart must not undo their change with the file it replaced.
/// A file that changed on disk is imported, and its content becomes the newest version.
async fn import_file<C: ConnectionTrait, T: Versioned>(
    db: &C,
    item: &T,
) -> StoreResult<Option<i32>> {
    let from_browser: std::collections::BTreeSet<i32> = proposal::Entity::find()
        .filter(proposal::Column::Kind.eq(T::PROPOSAL))
        .filter(proposal::Column::Key.eq(item.key()))
        .filter(proposal::Column::Status.eq(ProposalStatus::Approved))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.published_version)
        .collect();
    if !from_browser.is_empty() {
        let parent_id = T::parent_id(db, item.key(), Utc::now()).await?;
        let versions = T::versions(db, parent_id).await?;
        let last_from_disk = versions.iter().find(|(v, _)| !from_browser.contains(v));
        let newer_from_browser = versions
            .first()
            .is_some_and(|(newest, _)| from_browser.contains(newest));
        if newer_from_browser && last_from_disk.is_some_and(|(_, hash)| *hash == item.hash()) {
            return Ok(None);
        }
    }
    import_versioned(db, item).await
}

/// Returns the new version number, or `None` when the content is unchanged.
async fn import_versioned<C: ConnectionTrait, T: Versioned>(
    db: &C,
    item: &T,
) -> StoreResult<Option<i32>> {
    let now = Utc::now();
    let parent_id = T::parent_id(db, item.key(), now).await?;
    let latest = T::latest(db, parent_id).await?;
    let hash = item.hash();
    if latest
        .as_ref()
        .is_some_and(|(_, latest_hash)| *latest_hash == hash)
    {
        return Ok(None);
    }
    let version = latest.map_or(1, |(version, _)| version + 1);
    let id = item
        .insert_version(db, parent_id, version, &hash, now)
        .await?;
    let mut detail = json!({ "version": version, "hash": hash });
    detail[T::NOUN] = json!(item.key());
    audit::record(db, None, "import", T::VERSION_TABLE, id, None, Some(detail)).await?;
    Ok(Some(version))
}

/// `Versioned` for a library type kept in `$parent` rows and `$version` rows (linked by
/// `$fk`): checklists and training modules have the same columns under other names, so
/// one body serves both.
macro_rules! versioned_in {
    ($type:ty, $noun:literal, $proposal:expr, $parent:ident, $version:ident, $fk:ident, $fk_column:ident) => {
        impl Versioned for $type {
            const VERSION_TABLE: &'static str = stringify!($version);
            const NOUN: &'static str = $noun;
            const PROPOSAL: ProposalKind = $proposal;

            fn key(&self) -> &str {
                &self.key
            }

            fn hash(&self) -> String {
                self.content_hash()
            }

            async fn parent_id<C: ConnectionTrait>(
                db: &C,
                key: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<i32> {
                let existing = $parent::Entity::find()
                    .filter($parent::Column::Key.eq(key))
                    .one(db)
                    .await?;
                Ok(match existing {
                    Some(row) => row.id,
                    None => {
                        $parent::ActiveModel {
                            key: Set(key.to_string()),
                            active: Set(true),
                            created_at: Set(now),
                            ..Default::default()
                        }
                        .insert(db)
                        .await?
                        .id
                    }
                })
            }

            async fn latest<C: ConnectionTrait>(
                db: &C,
                parent_id: i32,
            ) -> StoreResult<Option<(i32, String)>> {
                Ok($version::Entity::find()
                    .filter($version::Column::$fk_column.eq(parent_id))
                    .order_by_desc($version::Column::Version)
                    .one(db)
                    .await?
                    .map(|v| (v.version, v.content_hash)))
            }

            async fn versions<C: ConnectionTrait>(
                db: &C,
                parent_id: i32,
            ) -> StoreResult<Vec<(i32, String)>> {
                Ok($version::Entity::find()
                    .filter($version::Column::$fk_column.eq(parent_id))
                    .order_by_desc($version::Column::Version)
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|v| (v.version, v.content_hash))
                    .collect())
            }

            async fn insert_version<C: ConnectionTrait>(
                &self,
                db: &C,
                parent_id: i32,
                version: i32,
                hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<i32> {
                let row = $version::ActiveModel {
                    $fk: Set(parent_id),
                    version: Set(version),
                    content_hash: Set(hash.to_string()),
                    title_zh: Set(self.title.get(Lang::Zh).to_string()),
                    title_en: Set(self.title.get(Lang::En).to_string()),
                    definition: Set(self.to_json()),
                    created_at: Set(now),
                    ..Default::default()
                };
                Ok(row.insert(db).await?.id)
            }
        }
    };
}

versioned_in!(
    Checklist,
    "checklist",
    ProposalKind::Checklist,
    checklist,
    checklist_version,
    checklist_id,
    ChecklistId
);
versioned_in!(
    Module,
    "module",
    ProposalKind::Module,
    training_module,
    training_module_version,
    module_id,
    ModuleId
);

/// A stored checklist version with its parsed definition.
#[derive(Debug, Clone)]
pub struct StoredChecklist {
    pub version_id: i32,
    pub version: i32,
    pub checklist: Checklist,
}

fn parse_version(row: checklist_version::Model) -> StoreResult<StoredChecklist> {
    let checklist: Checklist = serde_json::from_str(&row.definition).map_err(|e| {
        StoreError::Invalid(
            Message::new("refuse-checklist-unreadable")
                .arg("id", row.id)
                .arg("detail", e),
        )
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

/// Publish one checklist or module as the next version of its key, inside the caller's
/// transaction, exactly as the import does (audited the same way). Returns the version
/// that now holds this content: the new one, or the latest when nothing changed.
pub async fn publish_checklist<C: ConnectionTrait>(db: &C, c: &Checklist) -> StoreResult<i32> {
    publish(db, c).await
}

/// See [`publish_checklist`].
pub async fn publish_module<C: ConnectionTrait>(db: &C, m: &Module) -> StoreResult<i32> {
    publish(db, m).await
}

async fn publish<C: ConnectionTrait, T: Versioned>(db: &C, item: &T) -> StoreResult<i32> {
    if let Some(version) = import_versioned(db, item).await? {
        return Ok(version);
    }
    let parent_id = T::parent_id(db, item.key(), Utc::now()).await?;
    Ok(T::latest(db, parent_id)
        .await?
        .map_or(1, |(version, _)| version))
}

/// The newest version number of a module, if it has any.
pub async fn latest_module_version<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> StoreResult<Option<i32>> {
    let Some(module) = training_module::Entity::find()
        .filter(training_module::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Module::latest(db, module.id)
        .await?
        .map(|(version, _)| version))
}

/// The newest version number of a checklist, if it has any.
pub async fn latest_checklist_version<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> StoreResult<Option<i32>> {
    Ok(checklist_version::Entity::find()
        .select_only()
        .column(checklist_version::Column::Version)
        .inner_join(checklist::Entity)
        .filter(checklist::Column::Key.eq(key))
        .order_by_desc(checklist_version::Column::Version)
        .into_tuple()
        .one(db)
        .await?)
}

/// The newest version of every active training module, ordered by key (what `decorum
/// checklists export` writes back as files).
pub async fn current_modules<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<Module>> {
    let parents = training_module::Entity::find()
        .filter(training_module::Column::Active.eq(true))
        .order_by_asc(training_module::Column::Key)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for parent in parents {
        let Some(row) = training_module_version::Entity::find()
            .filter(training_module_version::Column::ModuleId.eq(parent.id))
            .order_by_desc(training_module_version::Column::Version)
            .one(db)
            .await?
        else {
            continue;
        };
        out.push(serde_json::from_str(&row.definition).map_err(|e| {
            StoreError::Invalid(
                Message::new("refuse-module-unreadable")
                    .arg("id", row.id)
                    .arg("detail", e),
            )
        })?);
    }
    Ok(out)
}
