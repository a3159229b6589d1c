//! Each grain's frontier (see migration 000020): the last period `stat_running` has rows
//! for. Writers read it shared and move it exclusively, so no period is opened twice.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_frontier")]
pub struct Model {
    /// week | month
    #[sea_orm(primary_key, auto_increment = false)]
    pub grain: String,
    pub period: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
