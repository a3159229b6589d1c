//! Item results per week or month, kept on write (see migrations 000005 and 000006): one
//! row per period, site, checklist version, position and item, and the same for every
//! site together under site 0.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_item")]
pub struct Model {
    /// week | month
    #[sea_orm(primary_key, auto_increment = false)]
    pub grain: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: Date,
    /// The site, or 0 for every site together.
    #[sea_orm(primary_key, auto_increment = false)]
    pub site_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub checklist_version_id: i32,
    /// The staff member's position at the time; 0 for none.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_key: String,
    /// Responses scored passed or failed (not N/A, not left out).
    pub checked: i32,
    pub failed: i32,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
