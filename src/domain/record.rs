//! What was recorded, read back for showing: one submitted spot-check (which the result
//! page and the PDF report both render, so the two never walk the rows two different
//! ways), a person's record over a period, and a site's period. Plain values the store
//! fills (`store::reports`) and the pages and reports render. Nothing here is in a
//! language yet: names and text stay as stored (bilingual where the library is).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use states::{AssignmentReason, AssignmentStatus, InspectionStatus};

use super::clock::{ShiftPeriod, Tz};
use super::scoring::{Answer, Outcome};
use super::stats::{Granularity, Points, Sample, StaffCut};
use super::{Checklist, Item, Lang, Section, Text};

/// One inspection with everything its result shows.
#[derive(Debug, Clone)]
pub struct InspectionRecord {
    pub id: uuid::Uuid,
    pub site_id: i32,
    pub site: String,
    /// The site's IANA time zone; empty when none is recorded (the configured default).
    pub site_time_zone: String,
    pub subject_id: i32,
    pub subject: String,
    /// The subject's position, when they have one.
    pub position: Option<Text>,
    pub inspector_id: i32,
    pub inspector: String,
    pub shift_date: NaiveDate,
    pub shift_period: ShiftPeriod,
    pub status: InspectionStatus,
    pub void_reason: Option<String>,
    /// A re-check after training, rather than a spot-check.
    pub recheck: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub critical_failure: bool,
    /// The checklist version it was scored on.
    pub checklist: Checklist,
    pub checklist_version: i32,
    pub responses: Vec<RecordedResponse>,
    /// Training its failures assigned, in the order assigned.
    pub training: Vec<AssignedModule>,
    /// Per failed item, each module it calls for and how that stood once the spot-check
    /// was stored: newly assigned by it, or already open from before (see [`training_calls`]).
    pub calls: Vec<TrainingCall>,
}

/// One stored answer.
#[derive(Debug, Clone)]
pub struct RecordedResponse {
    pub item_key: String,
    pub outcome: Outcome,
    pub points: f64,
    pub max_points: f64,
    /// `None` when the stored value no longer reads as an answer.
    pub answer: Option<Answer>,
    pub note: Option<String>,
    /// The photo's file name in the inspection's photo folder.
    pub photo: Option<String>,
}

/// A training module assigned by the inspection.
#[derive(Debug, Clone)]
pub struct AssignedModule {
    pub key: String,
    /// The module's current title; `None` when its definition cannot be read.
    pub title: Option<Text>,
    pub due: NaiveDate,
    pub critical: bool,
    pub status: AssignmentStatus,
}

impl AssignedModule {
    /// The title in `lang`, or the key when the definition does not read.
    pub fn title_in(&self, lang: Lang) -> String {
        self.title
            .as_ref()
            .map_or_else(|| self.key.clone(), |t| t.get(lang).to_string())
    }
}

/// One of the subject's assignments of a module that a failed item calls for, as stored.
#[derive(Debug, Clone)]
pub struct HeldAssignment {
    pub module: AssignedModule,
    pub reason: AssignmentReason,
    pub inspection_id: Option<uuid::Uuid>,
    pub assigned_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// How a module a failed item calls for stood once the spot-check was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// This spot-check assigned it.
    NewlyAssigned,
    /// The person already had it open (an earlier failure, their curriculum, a manager).
    AlreadyOpen,
    /// Neither: no assignment was open at the time (a re-check, or a module since removed).
    NotAssigned,
}

impl CallState {
    /// The message id of its name for people (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            CallState::NewlyAssigned => "polish-staff-call-newly-assigned",
            CallState::AlreadyOpen => "polish-staff-call-already-open",
            CallState::NotAssigned => "polish-staff-call-not-assigned",
        }
    }
}

/// A module a failed item calls for, and what became of it.
#[derive(Debug, Clone)]
pub struct TrainingCall {
    pub item_key: String,
    pub module_key: String,
    pub state: CallState,
    /// The assignment open at the time, when there was one.
    pub assignment: Option<AssignedModule>,
}

impl TrainingCall {
    /// The module's title in `lang`, or its key.
    pub fn title_in(&self, lang: Lang) -> String {
        self.assignment
            .as_ref()
            .map_or_else(|| self.module_key.clone(), |a| a.title_in(lang))
    }

    /// "Module — newly assigned, due 2026-12-07", as the result page and the PDF say it.
    pub fn describe(&self, lang: Lang) -> String {
        use crate::i18n::Localize;
        let state = lang.t(self.state.label());
        match &self.assignment {
            Some(a) => lang.t_args(
                "polish-staff-call-line",
                &[
                    ("module", self.title_in(lang).into()),
                    ("state", state.into()),
                    ("due", a.due.to_string().into()),
                ],
            ),
            None => format!("{} — {state}", self.title_in(lang)),
        }
    }
}

/// Timestamps written from the same instant may differ by the database's precision.
const SAME_INSTANT: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

/// For each failed item (its key and the modules it calls for), what became of each
/// module: an assignment this spot-check made (`inspection`, reason `failure`, assigned
/// when it was submitted) is newly assigned; one open at that moment and made before is
/// already open; otherwise none was. An assignment that a later failure joined still
/// counts as made by the first.
pub fn training_calls(
    inspection: uuid::Uuid,
    submitted_at: Option<DateTime<Utc>>,
    failed: &[(String, Vec<String>)],
    held: &[HeldAssignment],
) -> Vec<TrainingCall> {
    let mut calls = Vec::new();
    for (item, modules) in failed {
        for key in modules {
            let open_then: Vec<&HeldAssignment> = match submitted_at {
                Some(at) => held
                    .iter()
                    .filter(|a| a.module.key == *key)
                    .filter(|a| a.assigned_at <= at + SAME_INSTANT)
                    .filter(|a| a.completed_at.is_none_or(|c| c + SAME_INSTANT >= at))
                    .collect(),
                None => Vec::new(),
            };
            let made_here = |a: &&HeldAssignment| {
                a.reason == AssignmentReason::Failure
                    && a.inspection_id == Some(inspection)
                    && submitted_at.is_some_and(|at| (a.assigned_at - at).abs() <= SAME_INSTANT)
            };
            let (state, assignment) = match open_then.iter().copied().find(made_here) {
                Some(a) => (CallState::NewlyAssigned, Some(a.module.clone())),
                None => match open_then.first() {
                    Some(a) => (CallState::AlreadyOpen, Some(a.module.clone())),
                    None => (CallState::NotAssigned, None),
                },
            };
            calls.push(TrainingCall {
                item_key: item.clone(),
                module_key: key.clone(),
                state,
                assignment,
            });
        }
    }
    calls
}

/// A section of the checklist with the items the inspection answered in it.
pub struct AnsweredSection<'a> {
    pub section: &'a Section,
    pub items: Vec<(&'a Item, &'a RecordedResponse)>,
    pub points: Points,
}

/// A section's title (in a language) and the points its answered items earned: the
/// per-section score the result page and the report both show.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionScore {
    pub title: String,
    pub score: f64,
    pub max: f64,
}

impl AnsweredSection<'_> {
    pub fn score_in(&self, lang: Lang) -> SectionScore {
        SectionScore {
            title: self.section.title.get(lang).to_string(),
            score: self.points.score,
            max: self.points.max,
        }
    }
}

impl InspectionRecord {
    /// The sections with at least one answered item, in checklist order, each with its
    /// answered items and the points they earned.
    pub fn answered_sections(&self) -> Vec<AnsweredSection<'_>> {
        self.checklist
            .sections
            .iter()
            .filter_map(|section| {
                let items: Vec<(&Item, &RecordedResponse)> = section
                    .items
                    .iter()
                    .filter_map(|item| {
                        self.responses
                            .iter()
                            .find(|r| r.item_key == item.key)
                            .map(|r| (item, r))
                    })
                    .collect();
                if items.is_empty() {
                    return None;
                }
                let mut points = Points::default();
                for (_, r) in &items {
                    points.add(r.points, r.max_points);
                }
                Some(AnsweredSection {
                    section,
                    items,
                    points,
                })
            })
            .collect()
    }

    /// The training this spot-check assigned: its failures' modules that were not open
    /// already (an open curriculum module a failure joined is named under the item, not
    /// listed as assigned here).
    pub fn newly_assigned(&self) -> Vec<&AssignedModule> {
        self.training
            .iter()
            .filter(|a| {
                let mut calls = self
                    .calls
                    .iter()
                    .filter(|c| c.module_key == a.key)
                    .peekable();
                calls.peek().is_none() || calls.any(|c| c.state == CallState::NewlyAssigned)
            })
            .collect()
    }

    /// A draft has no result yet: it is still being filled in.
    pub fn is_draft(&self) -> bool {
        self.status == InspectionStatus::Draft
    }
}

/// A person's record over a period: who they are, their spot-checks and their training.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub name: String,
    pub email: String,
    pub position: Option<Text>,
    /// The names of their sites (those shown), sorted.
    pub sites: Vec<String>,
    pub hire_date: Option<NaiveDate>,
    /// The zone of their (first) site: training dates are days there.
    pub time_zone: Tz,
    /// Submitted and voided spot-checks, oldest first.
    pub inspections: Vec<PersonInspection>,
    /// The submitted ones, as statistics samples.
    pub samples: Vec<Sample>,
    /// Every assignment, in the order assigned.
    pub training: Vec<TrainingHistory>,
    /// Items failed in the submitted spot-checks of the period, most failures first.
    pub failures: Vec<ItemFailed>,
}

/// An item a person failed, and how often in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFailed {
    pub clause: String,
    pub text: Text,
    pub times: usize,
}

#[derive(Debug, Clone)]
pub struct PersonInspection {
    pub shift_date: NaiveDate,
    pub shift_period: ShiftPeriod,
    pub site: String,
    /// The checklist's title; `None` when its version cannot be read.
    pub checklist: Option<Text>,
    pub inspector: String,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub critical_failure: bool,
    pub recheck: bool,
    /// Submitted or void.
    pub status: InspectionStatus,
}

#[derive(Debug, Clone)]
pub struct TrainingHistory {
    pub module: Text,
    pub reason: AssignmentReason,
    pub assigned_at: DateTime<Utc>,
    pub due: NaiveDate,
    pub completed_at: Option<DateTime<Utc>>,
    pub quiz_percent: Option<f64>,
    pub status: AssignmentStatus,
}

/// A site's period (or every site in a scope together), from the kept aggregates:
/// the period is widened to whole weeks or months. Re-checks are left out.
#[derive(Debug, Clone)]
pub struct SitePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    /// Per site and checklist version in each half of the period (before the halfway
    /// split, and from it on): the headline figures and the sites table.
    pub site_samples: Vec<Sample>,
    /// Per period over every site together: the trend.
    pub period_samples: Vec<Sample>,
    /// The printed staff's spot-checks, before the split and from it on.
    pub staff: Vec<Sample>,
    /// Who is printed, in print order (`stats::printed_staff`).
    pub printed_staff: Vec<i32>,
    /// How many staff were spot-checked in the period, printed or not.
    pub staff_total: usize,
    /// How the staff list was cut (several sites), or `None` (one site: everyone).
    pub staff_cut: Option<StaffCut>,
    /// Where each printed person was spot-checked: (person, site).
    pub staff_sites: Vec<(i32, i32)>,
    /// Per checklist version and item.
    pub items: Vec<ItemTally>,
    /// The checklist versions the items were scored on, by version id.
    pub checklists: HashMap<i32, Checklist>,
    /// The titles of the training modules that failed items call for, by key (a
    /// module that does not read is left out and shown by its key).
    pub modules: HashMap<String, Text>,
    /// The names of the printed staff.
    pub names: HashMap<i32, String>,
    /// How many staff the sites in view have.
    pub roster: usize,
    /// Who on the roster was not checked in the coverage window, and when each of
    /// them last was.
    pub uncovered: Vec<i32>,
    pub last_checked: HashMap<i32, NaiveDate>,
    /// The names and positions of the uncovered the report may print
    /// (`stats::uncovered_candidates`): all of them, or with a staff cut the longest
    /// unchecked and those tied with the last of them.
    pub uncovered_people: HashMap<i32, RosterPerson>,
    /// The training of the roster, as days at the site.
    pub training: TrainingCounts,
    /// The site's name, when one site was asked for.
    pub site: Option<String>,
    /// Whether the scope spans every site (when no one site was asked for).
    pub all_sites: bool,
    /// The names of the sites in the samples and where the printed staff were checked.
    pub site_names: HashMap<i32, String>,
}

/// How often an item was checked and failed, and the points it earned: per site (or
/// every site together, under the store's group id) and checklist version.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTally {
    pub site: i32,
    pub version: i32,
    pub item_key: String,
    pub checked: usize,
    pub failed: usize,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Debug, Clone)]
pub struct RosterPerson {
    pub name: String,
    pub position: Option<Text>,
}

/// The training of a roster over a period, counted in days at the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrainingCounts {
    /// Assigned during the period.
    pub assigned: usize,
    /// Completed during the period.
    pub completed: usize,
    /// Past their due date and not completed at the end of the period.
    pub overdue: usize,
}

#[cfg(test)]
mod call_tests {
    use super::*;
    use chrono::TimeZone;

    fn held(
        key: &str,
        reason: AssignmentReason,
        from: Option<uuid::Uuid>,
        at: DateTime<Utc>,
    ) -> HeldAssignment {
        HeldAssignment {
            module: AssignedModule {
                key: key.into(),
                title: None,
                due: at.date_naive(),
                critical: false,
                status: AssignmentStatus::Assigned,
            },
            reason,
            inspection_id: from,
            assigned_at: at,
            completed_at: None,
        }
    }

    #[test]
    fn new_open_and_missing_training_are_told_apart() {
        let id = uuid::Uuid::from_u128(7);
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let earlier = at - chrono::TimeDelta::days(3);
        let failed = vec![
            ("a".to_string(), vec!["m-new".to_string()]),
            (
                "b".to_string(),
                vec!["m-open".to_string(), "m-gone".to_string()],
            ),
        ];
        let mut finished = held("m-gone", AssignmentReason::Failure, None, earlier);
        finished.completed_at = Some(earlier + chrono::TimeDelta::days(1));
        let rows = vec![
            held("m-new", AssignmentReason::Failure, Some(id), at),
            // A curriculum assignment this check joined: already open, not new.
            held("m-open", AssignmentReason::Curriculum, Some(id), earlier),
            finished,
        ];
        let calls = training_calls(id, Some(at), &failed, &rows);
        let states: Vec<(&str, CallState)> = calls
            .iter()
            .map(|c| (c.module_key.as_str(), c.state))
            .collect();
        assert_eq!(
            states,
            vec![
                ("m-new", CallState::NewlyAssigned),
                ("m-open", CallState::AlreadyOpen),
                ("m-gone", CallState::NotAssigned),
            ]
        );
        // A later spot-check of the same failure finds the first one's assignment open.
        let later = at + chrono::TimeDelta::days(1);
        let again = training_calls(uuid::Uuid::from_u128(8), Some(later), &failed[..1], &rows);
        assert_eq!(again[0].state, CallState::AlreadyOpen);
    }
}
