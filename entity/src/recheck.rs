//! A re-check owed: the items a person failed, to be spot-checked again now that they
//! have finished the training the failure assigned.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "recheck")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub assignment_id: i32,
    /// The spot-check whose failures led to the training.
    pub inspection_id: Uuid,
    pub subject_id: i32,
    pub site_id: i32,
    /// The item keys to check again (JSON list).
    pub items: Json,
    pub status: crate::states::RecheckStatus,
    pub due_date: Date,
    pub done_inspection_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// Percent on these items in the spot-check that failed them (0 when none scored).
    pub before_percent: Option<f64>,
    /// The module the training was in (the assignment's), kept for the effectiveness
    /// figures.
    pub module_id: Option<i32>,
    /// The re-check spot-check's percent and result, once done.
    pub after_percent: Option<f64>,
    pub after_passed: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::training_assignment::Entity",
        from = "Column::AssignmentId",
        to = "super::training_assignment::Column::Id"
    )]
    Assignment,
    /// The re-check spot-check, once done.
    #[sea_orm(
        belongs_to = "super::inspection::Entity",
        from = "Column::DoneInspectionId",
        to = "super::inspection::Column::Id"
    )]
    Done,
    #[sea_orm(
        belongs_to = "super::training_module::Entity",
        from = "Column::ModuleId",
        to = "super::training_module::Column::Id"
    )]
    Module,
}

impl ActiveModelBehavior for ActiveModel {}
