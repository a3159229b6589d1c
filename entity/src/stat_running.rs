//! Running totals (see migration 000020): per week or month and key (site, checklist
//! version, position, staff member, inspector), the spot-check counts up to and
//! including the period, for every period from the key's first through the grain's
//! frontier (`stat_frontier`). A range is the row at its end less the row before it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_running")]
pub struct Model {
    /// week | month
    #[sea_orm(primary_key, auto_increment = false)]
    pub grain: String,
    /// The first day of the period (a Monday, or the 1st).
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub checklist_version_id: i32,
    /// The staff member's position at the time; 0 for none.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub inspector_id: i32,
    pub inspections: i32,
    pub passed: i32,
    pub critical: i32,
    pub percent_sum: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
