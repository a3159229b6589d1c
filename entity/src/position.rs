//! A job position, mirrored from the library's positions.toml.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "position")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// Module keys a new hire in this position takes (JSON list), from positions.toml.
    pub curriculum: Option<Json>,
    pub curriculum_due_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
