//! An immutable snapshot of a training module; a completion records the version taken.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_module_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub module_id: i32,
    pub version: i32,
    pub content_hash: String,
    pub title_zh: String,
    pub title_en: String,
    /// Canonical JSON of the parsed module (`domain::training::Module`).
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
