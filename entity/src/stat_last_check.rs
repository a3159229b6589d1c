//! When each key (site, checklist version, position, staff member, inspector) was last
//! spot-checked, counting what the quality figures count (see migration 000020): the
//! dashboard's and the site report's coverage.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_last_check")]
pub struct Model {
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
    pub last_date: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
