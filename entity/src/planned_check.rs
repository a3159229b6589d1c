//! One spot-check in the weekly sampling plan: whom to check, where and when. It is
//! ticked off by a submitted spot-check of that person at that site in that week.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "planned_check")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The Monday of the week.
    pub week_start: Date,
    pub site_id: i32,
    pub subject_id: i32,
    pub planned_date: Date,
    pub shift_period: crate::states::ShiftPeriod,
    /// due (not checked for weeks) | low_score | random
    pub reason: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
