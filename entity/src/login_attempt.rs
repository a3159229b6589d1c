//! Sign-in attempts, kept to throttle password guessing across all app instances.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub succeeded: bool,
    pub at: DateTimeUtc,
    /// The client's address (IP, no port); `None` for attempts recorded before it was kept.
    pub client: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
