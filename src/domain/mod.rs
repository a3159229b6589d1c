//! Pure domain logic: the checklist model and its file format, lint, scoring and
//! training rules. Nothing in here knows about the database or HTTP, so all of it is
//! tested directly (unit and property tests) and reused by the web layer, the CLI and
//! the reports.

pub mod access;
pub mod actions;
pub mod audit;
pub mod authoring;
pub mod checklist;
pub mod clock;
pub mod diff;
pub mod form;
pub mod library;
pub mod notify;
pub mod org;
pub mod record;
pub mod sampling;
pub mod schedule;
pub mod scoring;
pub mod simplified;
pub mod spreadsheet;
pub mod stats;
pub mod text;
pub mod training;
pub mod versions;
pub mod workbook;

pub use checklist::*;
/// The stored words a spot-check and its training move through, as enums (the `states`
/// crate, which the entities store).
pub use states::{AssignmentReason, AssignmentStatus, InspectionStatus, Outcome, ShiftPeriod};
pub use text::{Lang, Text};
