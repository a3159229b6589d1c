//! When each scheduled job is next due for each active person (in the zone of their
//! primary site), so the minute tick reads only the rows whose time came. A person's
//! rows are dropped when what they were worked out from changes (their role, sites,
//! preferences, being active; their site's zone) and the next tick plans them again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheduled_due")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// The job (`mail.training_overdue`, `mail.weekly_plan`…).
    #[sea_orm(primary_key, auto_increment = false)]
    pub job: String,
    /// The instant the tick next looks at this job for this person.
    pub next_due: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
