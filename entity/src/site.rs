//! A place where front-of-house staff work: a service centre, lobby, sales hall, show flat…

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// service_centre | lobby | sales_hall | show_flat | office
    pub kind: String,
    pub active: bool,
    /// IANA zone (`Asia/Hong_Kong`); empty means the configured default.
    pub time_zone: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
