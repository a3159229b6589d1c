//! A spot-check of one staff member on one shift, against one checklist version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection")]
pub struct Model {
    /// Chosen by the client (the tablet), so a retried submission is recognised.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub checklist_version_id: i32,
    pub site_id: i32,
    pub shift_date: Date,
    /// morning | afternoon | evening | night
    pub shift_period: crate::states::ShiftPeriod,
    pub subject_id: i32,
    /// The subject's position when checked (kept so figures by position stay put).
    pub position_id: Option<i32>,
    pub inspector_id: i32,
    /// The context values the inspector entered (JSON object).
    pub context: Json,
    pub status: crate::states::InspectionStatus,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub critical_failure: bool,
    /// The inspection whose failures this re-check follows up.
    pub recheck_of: Option<Uuid>,
    pub void_reason: Option<String>,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    /// In-progress form state of a draft (the answers and notes as posted).
    pub draft: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::inspection_response::Entity")]
    Responses,
}

impl Related<super::inspection_response::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Responses.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
