//! The signatures that end a spot-check: the person checked (or their refusal) and the
//! inspector, as PNG files stored beside the spot-check's photos.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_signoff")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub inspection_id: Uuid,
    /// `None` when the person declined to sign.
    pub subject_file: Option<String>,
    pub subject_declined: bool,
    pub inspector_file: String,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
