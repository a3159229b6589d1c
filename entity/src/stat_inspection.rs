//! Spot-check counts per week or month, kept on write (see migration 000005): one row per
//! period, site, checklist version, position, staff member and inspector. Rows of a kept
//! window (see `stat_window`) hold the same counts per half of the window.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_inspection")]
pub struct Model {
    /// week | month, or a kept window's name
    #[sea_orm(primary_key, auto_increment = false)]
    pub grain: String,
    /// The first day of the period (a Monday, or the 1st), or of the window's half.
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
