//! An immutable snapshot of a checklist definition; inspections point at the version
//! they were scored on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checklist_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub checklist_id: i32,
    /// 1, 2, 3… per checklist.
    pub version: i32,
    /// SHA-256 of the canonical JSON definition.
    pub content_hash: String,
    pub title_zh: String,
    pub title_en: String,
    /// Canonical JSON of the parsed definition (`domain::Checklist`).
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::checklist::Entity",
        from = "Column::ChecklistId",
        to = "super::checklist::Column::Id"
    )]
    Checklist,
}

impl Related<super::checklist::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Checklist.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
