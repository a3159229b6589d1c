//! Which dates each kept window covers now (see migration 000007): its rows in
//! `stat_inspection` are the counts of those dates, per half. A window is rebuilt when a
//! new week or month moves it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_window")]
pub struct Model {
    /// The window's name, as in `stat_inspection.grain`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// The grain of the periods it adds up: week | month.
    pub grain: String,
    pub period_from: Date,
    /// The first day of the second half.
    pub split: Date,
    pub period_to: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
