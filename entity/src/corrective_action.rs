//! A corrective action: what a failed item calls for, who answers for it by when, and
//! its closing and checking.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "corrective_action")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The spot-check whose failure raised it.
    pub inspection_id: Uuid,
    /// The checklist version the item's words are read from.
    pub checklist_version_id: i32,
    pub item_key: String,
    pub site_id: i32,
    /// What to fix as the inspector wrote it; `None` shows the checklist's words.
    pub text: Option<String>,
    /// The person who owns it, or else…
    pub owner_id: Option<i32>,
    /// …the role at the site that does (`manager`, `supervisor`).
    pub owner_role: Option<String>,
    pub due_date: Date,
    pub priority: crate::states::ActionPriority,
    /// `inspector`, `checklist` or `critical`.
    pub origin: String,
    pub photo_required: bool,
    pub status: crate::states::ActionStatus,
    pub raised_by: i32,
    pub created_at: DateTimeUtc,
    pub close_note: Option<String>,
    /// The evidence photo's file name (stored beside the spot-check's photos).
    pub close_photo: Option<String>,
    pub closed_by: Option<i32>,
    pub closed_at: Option<DateTimeUtc>,
    pub verified_by: Option<i32>,
    pub verified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
