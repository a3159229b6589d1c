//! A proposed change to a checklist or a training module: the TOML written in the browser
//! or uploaded, its author and reason, and how its review ended.

use sea_orm::entity::prelude::*;

use crate::states::{ProposalKind, ProposalStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: ProposalKind,
    /// The checklist's or module's key.
    pub key: String,
    /// The proposed file, as TOML.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub status: ProposalStatus,
    pub author_id: i32,
    /// The published version the change was written against (none for a new key).
    pub base_version: Option<i32>,
    pub reviewer_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_comment: Option<String>,
    /// The version approving it published.
    pub published_version: Option<i32>,
    pub created_at: DateTimeUtc,
    pub reviewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
