//! One answered item of an inspection.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_response")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: Uuid,
    pub item_key: String,
    /// The answer as `domain::scoring::Answer` JSON.
    pub value: Json,
    /// passed | failed | not_applicable | unanswered | excluded
    pub outcome: crate::states::Outcome,
    pub points: f64,
    pub max_points: f64,
    pub note: Option<String>,
    /// File name of a photo under the data directory.
    pub photo: Option<String>,
    /// MIME type of the photo.
    pub photo_type: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::inspection::Entity",
        from = "Column::InspectionId",
        to = "super::inspection::Column::Id"
    )]
    Inspection,
}

impl Related<super::inspection::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inspection.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
