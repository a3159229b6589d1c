//! One scheduled mail queued: job, person and period (unique together), written in the
//! transaction that queues the mail, so it goes out at most once per person and period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheduled_mail")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The job (`mail.training_overdue`, `mail.weekly_plan`…).
    pub job: String,
    pub user_id: i32,
    /// The period's key in the person's zone: `2026-11-30`, `2026-W49`, `2026-12`.
    pub period: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
