//! A person: staff inspected and trained, and the supervisors, managers, quality
//! department and admins who use Decorum.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// argon2id PHC string; `None` for staff who have no sign-in yet.
    pub password_hash: Option<String>,
    /// admin | quality | manager | supervisor | staff
    pub role: String,
    pub position_id: Option<i32>,
    /// female | male, used by conditional checklist items.
    pub gender: Option<String>,
    pub hire_date: Option<Date>,
    /// Preferred UI language (zh | en); `None` follows the browser.
    pub locale: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::position::Entity",
        from = "Column::PositionId",
        to = "super::position::Column::Id"
    )]
    Position,
    #[sea_orm(has_many = "super::user_site::Entity")]
    Memberships,
}

impl Related<super::position::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Position.def()
    }
}

impl Related<super::user_site::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Memberships.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
