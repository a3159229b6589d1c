//! The states rows move through, and the words a spot-check is recorded with (its shift
//! period, each response's outcome), as types both the entities and the pure domain use:
//! stored as the same lowercase words as before (string columns, no database enum), read
//! and compared as enums, so a typo in a state is a compile error and a state the code does
//! not know is a read error, not a silent "no match". The words are the API's, the CSV
//! exports' and the webhooks' too (serde writes them the same).
//!
//! With the `sea-orm` feature (the entity crate's) each enum is a string-backed
//! `DeriveActiveEnum`; without it the crate is plain Rust, so src/domain can name these
//! types without naming the database.

#[cfg(feature = "sea-orm")]
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An enum of stored words: declared once, with its derives (the sea-orm ones under the
/// feature), each variant's word for sea-orm and serde alike, and `ALL`, `as_str` (the
/// word stored, and shown in exports and the API), `parse` (the one way back from a word)
/// and `Display` (the word).
macro_rules! states {
    ($(
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)?
        }
    )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "sea-orm", derive(EnumIter, DeriveActiveEnum))]
        #[cfg_attr(
            feature = "sea-orm",
            sea_orm(rs_type = "String", db_type = "String(StringLen::None)")
        )]
        pub enum $ty {
            $(
                $(#[$vmeta])*
                #[serde(rename = $word)]
                #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $word))]
                $variant,
            )+
        }

        impl $ty {
            /// Every value, in order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The word stored, and shown in exports and the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $word),+
                }
            }

            /// The value a stored or posted word names, or `None` for any other text.
            pub fn parse(word: &str) -> Option<$ty> {
                match word {
                    $($word => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

states! {
    /// Where a spot-check is: being scored, stored, or taken out of the figures.
    pub enum InspectionStatus {
        /// In progress on a tablet; its inspector's alone.
        Draft => "draft",
        Submitted => "submitted",
        /// Voided by the quality department: kept, shown struck out, counted nowhere.
        Void => "void",
    }

    /// Where a training assignment is (overdue is read from its due date, not stored).
    pub enum AssignmentStatus {
        Assigned => "assigned",
        /// Opened at least once.
        InProgress => "in_progress",
        Completed => "completed",
    }

    /// Why a training assignment was made.
    pub enum AssignmentReason {
        /// A failed item called for the module.
        Failure => "failure",
        /// The person's position's curriculum (a new hire).
        Curriculum => "curriculum",
        /// A manager or supervisor assigned it.
        Manual => "manual",
    }

    /// Whether a re-check is still waiting on the supervisor's list.
    pub enum RecheckStatus {
        Open => "open",
        Done => "done",
    }

    /// Where a corrective action is: with its owner, closed and waiting on its check, or
    /// checked (overdue is read from its due date, not stored).
    pub enum ActionStatus {
        Open => "open",
        Closed => "closed",
        Verified => "verified",
    }

    /// How urgent a corrective action is.
    pub enum ActionPriority {
        Low => "low",
        Normal => "normal",
        High => "high",
    }

    /// What a proposal changes.
    pub enum ProposalKind {
        Checklist => "checklist",
        Module => "module",
    }

    /// Where a proposal is in its review.
    pub enum ProposalStatus {
        /// Waiting for a reviewer.
        Proposed => "proposed",
        /// Approved and published as a new version.
        Approved => "approved",
        /// Sent back to its author with a comment.
        SentBack => "sent_back",
    }

    /// The shift a spot-check is recorded against, in order through the day.
    pub enum ShiftPeriod {
        Morning => "morning",
        Afternoon => "afternoon",
        Evening => "evening",
        Night => "night",
    }

    /// What became of one item on a scored card, as its response is stored.
    pub enum Outcome {
        /// Left out by its condition (scored, never stored).
        Excluded => "excluded",
        Unanswered => "unanswered",
        NotApplicable => "not_applicable",
        Passed => "passed",
        Failed => "failed",
    }
}

impl Outcome {
    /// The word a stored response records (the same as its serialized form).
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    /// Whether the item counts in the figures: passed or failed (not N/A, unanswered
    /// or left out).
    pub fn is_counted(self) -> bool {
        matches!(self, Outcome::Passed | Outcome::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
        all: &[T],
        word: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) {
        for &value in all {
            assert_eq!(parse(word(value)), Some(value));
            // serde writes the same word (the API, the exports and the webhooks).
            assert_eq!(
                serde_json::to_value(value).unwrap(),
                serde_json::Value::from(word(value))
            );
        }
        assert_eq!(parse("Morning "), None);
    }

    /// Each value's word parses back to it and is the word serde writes.
    #[test]
    fn each_word_parses_back_and_serializes_the_same() {
        round_trips(
            InspectionStatus::ALL,
            InspectionStatus::as_str,
            InspectionStatus::parse,
        );
        round_trips(
            AssignmentStatus::ALL,
            AssignmentStatus::as_str,
            AssignmentStatus::parse,
        );
        round_trips(
            RecheckStatus::ALL,
            RecheckStatus::as_str,
            RecheckStatus::parse,
        );
        round_trips(ActionStatus::ALL, ActionStatus::as_str, ActionStatus::parse);
        round_trips(
            ActionPriority::ALL,
            ActionPriority::as_str,
            ActionPriority::parse,
        );
        round_trips(ProposalKind::ALL, ProposalKind::as_str, ProposalKind::parse);
        round_trips(
            ProposalStatus::ALL,
            ProposalStatus::as_str,
            ProposalStatus::parse,
        );
        round_trips(ShiftPeriod::ALL, ShiftPeriod::as_str, ShiftPeriod::parse);
        round_trips(Outcome::ALL, Outcome::as_str, Outcome::parse);
        round_trips(
            AssignmentReason::ALL,
            AssignmentReason::as_str,
            AssignmentReason::parse,
        );
        assert_eq!(ShiftPeriod::parse("lunchtime"), None);
        assert_eq!(ShiftPeriod::Evening.to_string(), "evening");
    }

    /// The word a state is written as is the word stored.
    #[cfg(feature = "sea-orm")]
    #[test]
    fn each_state_is_written_as_it_is_stored() {
        use sea_orm::{ActiveEnum, Iterable};
        fn same<T: ActiveEnum<Value = String> + Iterable + Copy + std::fmt::Display>() {
            for s in T::iter() {
                assert_eq!(s.to_string(), s.to_value());
            }
        }
        same::<InspectionStatus>();
        same::<AssignmentStatus>();
        same::<RecheckStatus>();
        same::<ActionStatus>();
        same::<ActionPriority>();
        same::<ProposalKind>();
        same::<ProposalStatus>();
        same::<ShiftPeriod>();
        same::<Outcome>();
        same::<AssignmentReason>();
    }
}
