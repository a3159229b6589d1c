//! Spot-check counts and item points per week or month, kept on write (see migration
//! 000006): one row per period, site, checklist version and position — the roll-up the
//! group-wide dashboard panels read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_site")]
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
    pub inspections: i32,
    pub passed: i32,
    pub critical: i32,
    pub percent_sum: f64,
    /// Points and maximum points of the passed and failed items.
    pub points: f64,
    pub max_points: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
