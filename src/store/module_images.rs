//! Who may see an image an author uploaded for module pages, and the earlier versions
//! of a module an author rolls back to. The images' bytes live in [`super::files`]
//! (`module-images/<sha256>.<ext>`); this module answers from the database which
//! published modules show one.

use entity::{training_assignment, training_module, training_module_version};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{StoreError, StoreResult, training};
use crate::domain::training::Module;
use crate::i18n::Message;

/// Whether the module page a person may open (one assigned to them, as the training
/// page shows it: its newest version) shows the image `file`.
pub async fn shown_to<C: ConnectionTrait>(db: &C, user_id: i32, file: &str) -> StoreResult<bool> {
    let module_ids: Vec<i32> = training_assignment::Entity::find()
        .select_only()
        .column(training_assignment::Column::ModuleId)
        .filter(training_assignment::Column::UserId.eq(user_id))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    for id in module_ids {
        let stored = training::module(db, id).await?;
        if stored.module.image_files().contains(file) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The version numbers of a module, newest first (none for a key never published).
pub async fn module_versions<C: ConnectionTrait>(db: &C, key: &str) -> StoreResult<Vec<i32>> {
    let Some(parent) = training_module::Entity::find()
        .filter(training_module::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    Ok(training_module_version::Entity::find()
        .select_only()
        .column(training_module_version::Column::Version)
        .filter(training_module_version::Column::ModuleId.eq(parent.id))
        .order_by_desc(training_module_version::Column::Version)
        .into_tuple()
        .all(db)
        .await?)
}

/// A module as it was published in `version`.
pub async fn module_at<C: ConnectionTrait>(db: &C, key: &str, version: i32) -> StoreResult<Module> {
    let not_found = || StoreError::NotFound(format!("version {version} of module {key}"));
    let parent = training_module::Entity::find()
        .filter(training_module::Column::Key.eq(key))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let row = training_module_version::Entity::find()
        .filter(training_module_version::Column::ModuleId.eq(parent.id))
        .filter(training_module_version::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    serde_json::from_str(&row.definition).map_err(|e| {
        StoreError::Invalid(
            Message::new("refuse-module-unreadable")
                .arg("id", row.id)
                .arg("detail", e),
        )
    })
}
