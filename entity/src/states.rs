//! The states rows move through, as types: stored as the same lowercase words as before
//! (string columns, no database enum), read and compared as enums, so a typo in a state
//! is a compile error and a state the code does not know is a read error, not a silent
//! "no match".

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a spot-check is: being scored, stored, or taken out of the figures.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    /// In progress on a tablet; its inspector's alone.
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "submitted")]
    Submitted,
    /// Voided by the quality department: kept, shown struck out, counted nowhere.
    #[sea_orm(string_value = "void")]
    Void,
}

/// Where a training assignment is (overdue is read from its due date, not stored).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    #[sea_orm(string_value = "assigned")]
    Assigned,
    /// Opened at least once.
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "completed")]
    Completed,
}

/// Whether a re-check is still waiting on the supervisor's list.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RecheckStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "done")]
    Done,
}

/// Where a corrective action is: with its owner, closed and waiting on its check, or
/// checked (overdue is read from its due date, not stored).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "closed")]
    Closed,
    #[sea_orm(string_value = "verified")]
    Verified,
}

/// How urgent a corrective action is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ActionPriority {
    #[sea_orm(string_value = "low")]
    Low,
    #[sea_orm(string_value = "normal")]
    Normal,
    #[sea_orm(string_value = "high")]
    High,
}

impl ActionStatus {
    /// The word stored, and shown in exports and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Closed => "closed",
            ActionStatus::Verified => "verified",
        }
    }
}

impl InspectionStatus {
    /// The word stored, and shown in exports and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InspectionStatus::Draft => "draft",
            InspectionStatus::Submitted => "submitted",
            InspectionStatus::Void => "void",
        }
    }
}

impl AssignmentStatus {
    /// The word stored, and shown in exports and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Assigned => "assigned",
            AssignmentStatus::InProgress => "in_progress",
            AssignmentStatus::Completed => "completed",
        }
    }
}

impl RecheckStatus {
    /// The word stored, and shown in exports and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RecheckStatus::Open => "open",
            RecheckStatus::Done => "done",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ActiveEnum, Iterable};

    /// The word a state is written as is the word stored.
    #[test]
    fn each_state_is_written_as_it_is_stored() {
        for s in InspectionStatus::iter() {
            assert_eq!(s.as_str(), s.to_value());
        }
        for s in AssignmentStatus::iter() {
            assert_eq!(s.as_str(), s.to_value());
        }
        for s in RecheckStatus::iter() {
            assert_eq!(s.as_str(), s.to_value());
        }
    }
}

/// What a proposal changes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    #[sea_orm(string_value = "checklist")]
    Checklist,
    #[sea_orm(string_value = "module")]
    Module,
}

/// Where a proposal is in its review.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for a reviewer.
    #[sea_orm(string_value = "proposed")]
    Proposed,
    /// Approved and published as a new version.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Sent back to its author with a comment.
    #[sea_orm(string_value = "sent_back")]
    SentBack,
}
