//! Append-only record of every change: who, when, what, before and after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// `None` for changes made from the command line.
    pub actor_id: Option<i32>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
