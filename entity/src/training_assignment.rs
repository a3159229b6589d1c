//! A training module assigned to a person: after a failed item, as their new-hire
//! curriculum, or by hand.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "training_assignment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub module_id: i32,
    pub reason: crate::states::AssignmentReason,
    /// The inspection whose failure assigned it.
    pub inspection_id: Option<Uuid>,
    /// Item keys whose failures call for it (JSON list), growing as new failures add up.
    pub failed_items: Json,
    pub critical: bool,
    pub status: crate::states::AssignmentStatus,
    pub due_date: Date,
    pub assigned_by: Option<i32>,
    pub completed_version_id: Option<i32>,
    pub quiz_percent: Option<f64>,
    pub attempts: i32,
    pub assigned_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::training_module::Entity",
        from = "Column::ModuleId",
        to = "super::training_module::Column::Id"
    )]
    Module,
}

impl Related<super::training_module::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Module.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
