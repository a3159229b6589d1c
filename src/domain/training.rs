//! Training content and rules: modules with pages and a quiz, positions with their
//! new-hire curricula, the clause register of the source standard, and quiz grading.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::text::Text;
pub use states::{AssignmentReason, AssignmentStatus};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub key: String,
    pub title: Text,
    pub summary: Text,
    pub clauses: Vec<String>,
    pub minutes: u32,
    /// Quiz percent needed to pass.
    pub pass_mark: f64,
    pub due_days: u32,
    pub due_days_critical: u32,
    pub pages: Vec<Page>,
    pub questions: Vec<Question>,
}

impl Module {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a module always serializes")
    }

    /// The uploaded images its pages show, each once.
    pub fn image_files(&self) -> BTreeSet<&str> {
        self.pages
            .iter()
            .flat_map(|p| &p.images)
            .map(|i| i.file.as_str())
            .collect()
    }

    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.to_json().as_bytes()))
    }

    /// Grade a quiz: `chosen[q]` holds the option indexes picked for question `q`.
    /// A question scores only when exactly its correct options are picked.
    pub fn grade(&self, chosen: &[BTreeSet<usize>]) -> QuizResult {
        let correct = self
            .questions
            .iter()
            .enumerate()
            .filter(|(q, question)| chosen.get(*q).is_some_and(|c| *c == question.correct()))
            .count();
        let total = self.questions.len();
        let percent = if total == 0 {
            100.0
        } else {
            correct as f64 * 100.0 / total as f64
        };
        QuizResult {
            correct,
            total,
            percent,
            passed: percent >= self.pass_mark,
        }
    }
}

/// Pairs of neighbouring characters (CJK) and lower-case words (Latin) in a text: what
/// [`Module::teaching_page`] compares.
fn shingles(text: &str, into: &mut BTreeSet<String>) {
    let chars: Vec<char> = text.chars().collect();
    for pair in chars.windows(2) {
        if pair.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
            into.insert(pair.iter().collect());
        }
    }
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3 && w.is_ascii())
    {
        into.insert(word.to_lowercase());
    }
}

impl Module {
    /// The page that teaches what question `q` asks: the one sharing the most words with
    /// the question, its right answers and its explanation (in both languages), the
    /// first such page on a tie. `None` when no page shares anything.
    pub fn teaching_page(&self, q: usize) -> Option<usize> {
        let question = self.questions.get(q)?;
        let mut asked = BTreeSet::new();
        let mut texts = vec![&question.text];
        texts.extend(
            question
                .options
                .iter()
                .filter(|o| o.correct)
                .map(|o| &o.text),
        );
        texts.extend(question.explanation.as_ref());
        for text in texts {
            shingles(text.get(super::Lang::Zh), &mut asked);
            shingles(text.get(super::Lang::En), &mut asked);
        }
        let mut best: Option<(usize, usize)> = None;
        for (n, page) in self.pages.iter().enumerate() {
            let mut taught = BTreeSet::new();
            for text in [&page.title, &page.body] {
                shingles(text.get(super::Lang::Zh), &mut taught);
                shingles(text.get(super::Lang::En), &mut taught);
            }
            let shared = asked.intersection(&taught).count();
            if shared > 0 && best.is_none_or(|(_, most)| shared > most) {
                best = Some((n, shared));
            }
        }
        best.map(|(n, _)| n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuizResult {
    pub correct: usize,
    pub total: usize,
    pub percent: f64,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub title: Text,
    pub body: Text,
    /// Diagrams shown after the body, drawn as SVG in the library (`checklists/diagrams`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagrams: Vec<Diagram>,
    /// Images the author uploaded (`[[page.image]]`), shown after the diagrams.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

/// A picture an author uploaded for a module page, kept in the file storage under its
/// content's name (see [`is_image_file`]), with what it shows in words per language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// `<sha256 of the bytes>.<jpg|png|webp>`.
    pub file: String,
    /// Its alternative text (what a screen reader says, and what print shows when the
    /// image cannot be loaded).
    pub alt: Text,
}

/// The image types an author may upload, by the extension their stored name ends in.
pub const IMAGE_EXTENSIONS: [&str; 3] = ["jpg", "png", "webp"];

/// Whether `name` is an uploaded image's stored name: 64 lower-case hex digits (the
/// SHA-256 of its bytes), a dot, and `jpg`, `png` or `webp`.
pub fn is_image_file(name: &str) -> bool {
    match name.split_once('.') {
        Some((hash, ext)) => {
            hash.len() == 64
                && hash
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
                && IMAGE_EXTENSIONS.contains(&ext)
        }
        None => false,
    }
}

/// A vector diagram of what the standard measures (the 30° bow, the badge 10 cm below the
/// shoulder), kept with the module's version so a published module shows what it showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagram {
    /// The file's name in the library without `.svg` (`bow-30`).
    pub key: String,
    /// What the diagram shows, in words: its caption and its accessible name.
    pub caption: Text,
    /// The SVG itself, checked by the lint to hold only drawing elements
    /// ([`crate::domain::library::svg_problem`]), so it can be put in a page as it is.
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub multiple: bool,
    pub text: Text,
    pub options: Vec<QuizOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Text>,
}

impl Question {
    pub fn correct(&self) -> BTreeSet<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizOption {
    pub text: Text,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub key: String,
    pub name: Text,
    pub curriculum: Vec<String>,
    pub curriculum_due_days: u32,
}

/// One clause of the source standard, as registered for traceability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    pub id: String,
    /// The register file's `[source] key`.
    pub source: String,
    pub title: Option<Text>,
    pub text: Text,
    /// False for context-only clauses that no item needs to check.
    pub inspect: bool,
}

/// The message id (crate::i18n) of why an assignment was made, as the training pages and
/// the staff report say it.
pub fn reason_label(reason: AssignmentReason) -> &'static str {
    match reason {
        AssignmentReason::Failure => "training-after-a-failed-item",
        AssignmentReason::Curriculum => "training-new-hire-curriculum",
        AssignmentReason::Manual => "training-assigned-by-a-manager",
    }
}

/// Where an assignment stands. Overdue is derived from the due date each time it is
/// shown, so it never depends on a job having run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentState {
    Assigned,
    InProgress,
    Overdue,
    Completed,
}

impl AssignmentState {
    /// From the stored status and due date, as of `today`.
    pub fn derive(status: AssignmentStatus, due: NaiveDate, today: NaiveDate) -> AssignmentState {
        match status {
            AssignmentStatus::Completed => AssignmentState::Completed,
            _ if due < today => AssignmentState::Overdue,
            AssignmentStatus::InProgress => AssignmentState::InProgress,
            AssignmentStatus::Assigned => AssignmentState::Assigned,
        }
    }

    /// The message id of its name for people (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            AssignmentState::Assigned => "assignment-assigned",
            AssignmentState::InProgress => "assignment-in-progress",
            AssignmentState::Overdue => "assignment-overdue",
            AssignmentState::Completed => "assignment-completed",
        }
    }
}

/// The due dates a manager may set by hand: from today to two years ahead. A date in the
/// past is overdue on arrival; one further off is a typo (2062 for 2026), and would keep
/// the assignment out of every overdue list for decades.
pub fn manual_due_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let latest = today
        .checked_add_months(chrono::Months::new(24))
        .unwrap_or(NaiveDate::MAX);
    (today, latest)
}

/// Assignments due within this many days are "due soon" on a person's list.
pub const DUE_SOON_DAYS: i64 = 7;

/// Where an assignment goes on the person's own list: what needs doing first comes first
/// (overdue, then due soon, then what they have started, then the rest), and completed
/// work last, folded away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TodoGroup {
    Overdue,
    DueSoon,
    InProgress,
    Later,
    Completed,
}

impl TodoGroup {
    pub fn of(state: AssignmentState, due: NaiveDate, today: NaiveDate) -> TodoGroup {
        match state {
            AssignmentState::Completed => TodoGroup::Completed,
            AssignmentState::Overdue => TodoGroup::Overdue,
            _ if due <= today + Duration::days(DUE_SOON_DAYS) => TodoGroup::DueSoon,
            AssignmentState::InProgress => TodoGroup::InProgress,
            AssignmentState::Assigned => TodoGroup::Later,
        }
    }

    /// The message id of the group's heading (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            TodoGroup::Overdue => "polish-staff-group-overdue",
            TodoGroup::DueSoon => "polish-staff-group-due-soon",
            TodoGroup::InProgress => "polish-staff-group-in-progress",
            TodoGroup::Later => "polish-staff-group-later",
            TodoGroup::Completed => "polish-staff-group-completed",
        }
    }

    /// A name for the page's markup and its tests.
    pub fn key(self) -> &'static str {
        match self {
            TodoGroup::Overdue => "overdue",
            TodoGroup::DueSoon => "due-soon",
            TodoGroup::InProgress => "in-progress",
            TodoGroup::Later => "later",
            TodoGroup::Completed => "completed",
        }
    }
}

/// How far a person is with a module: opened, quiz tried, passed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    NotOpened,
    Opened,
    /// Tried the quiz, not passed yet: attempts so far and the last score.
    Tried {
        attempts: u32,
        last: f64,
    },
    Passed {
        score: Option<f64>,
    },
}

impl Progress {
    pub fn of(status: AssignmentStatus, attempts: i32, quiz_percent: Option<f64>) -> Progress {
        match status {
            AssignmentStatus::Completed => Progress::Passed {
                score: quiz_percent,
            },
            _ if attempts > 0 => Progress::Tried {
                attempts: attempts.unsigned_abs(),
                last: quiz_percent.unwrap_or(0.0),
            },
            AssignmentStatus::InProgress => Progress::Opened,
            AssignmentStatus::Assigned => Progress::NotOpened,
        }
    }

    /// Steps done of [`Progress::STEPS`].
    pub fn steps(self) -> u32 {
        match self {
            Progress::NotOpened => 0,
            Progress::Opened => 1,
            Progress::Tried { .. } => 2,
            Progress::Passed { .. } => 3,
        }
    }

    pub const STEPS: u32 = 3;
}

/// When a new hire's curriculum is due: within their first weeks, counted from the hire
/// date — or from today for someone hired long ago who moves to a new position.
pub fn curriculum_due(
    position: &Position,
    hire_date: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    let days = Duration::days(position.curriculum_due_days as i64);
    let from_hire = hire_date.map(|h| h + days);
    match from_hire {
        Some(due) if due >= today => due,
        _ => today + days,
    }
}

/// The curriculum modules still to assign: those not already open or completed.
pub fn curriculum_to_assign<'a>(
    position: &'a Position,
    already: &BTreeSet<String>,
) -> Vec<&'a str> {
    position
        .curriculum
        .iter()
        .filter(|m| !already.contains(*m))
        .map(String::as_str)
        .collect()
}

/// One completed re-check, for the effectiveness figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RecheckOutcome {
    pub module: String,
    /// Percent on the re-checked items in the spot-check that failed them.
    pub before: f64,
    /// Percent of the re-check.
    pub after: f64,
    pub passed: bool,
}

/// How well a module works: of the people who completed it after a failure and were
/// re-checked, how many passed, and how the score on those items moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleEffect {
    pub module: String,
    pub rechecks: usize,
    pub passed: usize,
    /// passed / rechecks, 0–100.
    pub pass_rate: f64,
    pub mean_before: f64,
    pub mean_after: f64,
    /// mean_after − mean_before, in percentage points.
    pub change: f64,
}

/// Re-check outcomes of one module added up (by the database, or by [`effectiveness`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleTotals {
    pub module: String,
    pub rechecks: usize,
    pub passed: usize,
    pub before_sum: f64,
    pub after_sum: f64,
}

impl ModuleTotals {
    /// The module's figures; `None` for a module with no re-check.
    pub fn effect(self) -> Option<ModuleEffect> {
        if self.rechecks == 0 {
            return None;
        }
        let n = self.rechecks as f64;
        let mean_before = self.before_sum / n;
        let mean_after = self.after_sum / n;
        Some(ModuleEffect {
            module: self.module,
            rechecks: self.rechecks,
            passed: self.passed,
            pass_rate: self.passed as f64 * 100.0 / n,
            mean_before,
            mean_after,
            change: mean_after - mean_before,
        })
    }
}

pub fn effectiveness(outcomes: &[RecheckOutcome]) -> Vec<ModuleEffect> {
    let mut by_module: BTreeMap<&str, ModuleTotals> = BTreeMap::new();
    for o in outcomes {
        let t = by_module
            .entry(o.module.as_str())
            .or_insert_with(|| ModuleTotals {
                module: o.module.clone(),
                rechecks: 0,
                passed: 0,
                before_sum: 0.0,
                after_sum: 0.0,
            });
        t.rechecks += 1;
        t.passed += usize::from(o.passed);
        t.before_sum += o.before;
        t.after_sum += o.after;
    }
    by_module
        .into_values()
        .filter_map(ModuleTotals::effect)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_persons_list_puts_what_needs_doing_first() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let day = |n: i64| today + Duration::days(n);
        let group = |status: AssignmentStatus, due| {
            TodoGroup::of(AssignmentState::derive(status, due, today), due, today)
        };
        assert_eq!(
            group(AssignmentStatus::Assigned, day(-1)),
            TodoGroup::Overdue
        );
        assert_eq!(
            group(AssignmentStatus::InProgress, day(-1)),
            TodoGroup::Overdue
        );
        assert_eq!(
            group(AssignmentStatus::Assigned, day(7)),
            TodoGroup::DueSoon
        );
        assert_eq!(
            group(AssignmentStatus::InProgress, day(3)),
            TodoGroup::DueSoon
        );
        assert_eq!(
            group(AssignmentStatus::InProgress, day(20)),
            TodoGroup::InProgress
        );
        assert_eq!(group(AssignmentStatus::Assigned, day(8)), TodoGroup::Later);
        assert_eq!(
            group(AssignmentStatus::Completed, day(-30)),
            TodoGroup::Completed
        );
        assert!(TodoGroup::Overdue < TodoGroup::DueSoon && TodoGroup::Later < TodoGroup::Completed);
        assert_eq!(
            Progress::of(AssignmentStatus::InProgress, 2, Some(50.0)).steps(),
            2
        );
        assert_eq!(
            Progress::of(AssignmentStatus::Assigned, 0, None),
            Progress::NotOpened
        );
    }

    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn position(days: u32) -> Position {
        Position {
            key: "host".into(),
            name: Text::new("接待", "Host"),
            curriculum: vec!["a".into(), "b".into(), "c".into()],
            curriculum_due_days: days,
        }
    }

    #[test]
    fn manual_due_dates_run_from_today_to_two_years_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            manual_due_range(today),
            (today, NaiveDate::from_ymd_opt(2028, 11, 30).unwrap())
        );
    }

    #[test]
    fn overdue_is_derived_from_the_due_date() {
        assert_eq!(
            AssignmentState::derive(AssignmentStatus::Assigned, day(10), day(10)),
            AssignmentState::Assigned
        );
        assert_eq!(
            AssignmentState::derive(AssignmentStatus::Assigned, day(9), day(10)),
            AssignmentState::Overdue
        );
        assert_eq!(
            AssignmentState::derive(AssignmentStatus::InProgress, day(11), day(10)),
            AssignmentState::InProgress
        );
        assert_eq!(
            AssignmentState::derive(AssignmentStatus::InProgress, day(1), day(10)),
            AssignmentState::Overdue
        );
        assert_eq!(
            AssignmentState::derive(AssignmentStatus::Completed, day(1), day(10)),
            AssignmentState::Completed
        );
    }

    #[test]
    fn curriculum_is_due_in_the_first_weeks() {
        assert_eq!(curriculum_due(&position(14), Some(day(5)), day(6)), day(19));
        // Hired long ago and moved to a new position: counted from today.
        assert_eq!(
            curriculum_due(&position(14), Some(day(1) - Duration::days(400)), day(6)),
            day(20)
        );
        assert_eq!(curriculum_due(&position(14), None, day(6)), day(20));
    }

    #[test]
    fn curriculum_skips_what_is_already_there() {
        let already: BTreeSet<String> = ["b".to_string()].into();
        assert_eq!(
            curriculum_to_assign(&position(14), &already),
            vec!["a", "c"]
        );
    }

    #[test]
    fn effectiveness_by_hand() {
        let o = |module: &str, before: f64, after: f64, passed: bool| RecheckOutcome {
            module: module.into(),
            before,
            after,
            passed,
        };
        let figures = effectiveness(&[
            o("greet", 0.0, 100.0, true),
            o("greet", 50.0, 70.0, false),
            o("bow", 20.0, 90.0, true),
        ]);
        assert_eq!(figures.len(), 2);
        let greet = figures.iter().find(|f| f.module == "greet").unwrap();
        assert_eq!((greet.rechecks, greet.passed), (2, 1));
        assert_eq!(greet.pass_rate, 50.0);
        assert_eq!(
            (greet.mean_before, greet.mean_after, greet.change),
            (25.0, 85.0, 60.0)
        );
        let bow = figures.iter().find(|f| f.module == "bow").unwrap();
        assert_eq!((bow.pass_rate, bow.change), (100.0, 70.0));
        assert!(effectiveness(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn effectiveness_rates_stay_in_range(list in proptest::collection::vec((0.0..=100.0f64, 0.0..=100.0f64, any::<bool>()), 1..40)) {
            let outcomes: Vec<RecheckOutcome> = list.iter().map(|(b, a, p)| RecheckOutcome { module: "m".into(), before: *b, after: *a, passed: *p }).collect();
            let f = &effectiveness(&outcomes)[0];
            prop_assert_eq!(f.rechecks, outcomes.len());
            prop_assert!((0.0..=100.0).contains(&f.pass_rate));
            prop_assert!((0.0..=100.0).contains(&f.mean_before) && (0.0..=100.0).contains(&f.mean_after));
            prop_assert!((f.change - (f.mean_after - f.mean_before)).abs() < 1e-9);
        }
    }

    fn question(multiple: bool, correct: &[usize]) -> Question {
        Question {
            key: "q".into(),
            multiple,
            text: Text::new("問", "Q"),
            options: (0..3)
                .map(|i| QuizOption {
                    text: Text::new(i.to_string(), i.to_string()),
                    correct: correct.contains(&i),
                })
                .collect(),
            explanation: None,
        }
    }

    fn module(questions: Vec<Question>) -> Module {
        Module {
            key: "m".into(),
            title: Text::new("模", "M"),
            summary: Text::new("摘", "S"),
            clauses: vec![],
            minutes: 5,
            pass_mark: 80.0,
            due_days: 7,
            due_days_critical: 2,
            pages: vec![],
            questions,
        }
    }

    fn picks(list: &[&[usize]]) -> Vec<BTreeSet<usize>> {
        list.iter().map(|p| p.iter().copied().collect()).collect()
    }

    #[test]
    fn quiz_needs_exactly_the_correct_options() {
        let m = module(vec![question(false, &[1]), question(true, &[0, 2])]);
        let all_right = m.grade(&picks(&[&[1], &[0, 2]]));
        assert_eq!((all_right.correct, all_right.passed), (2, true));
        let partial = m.grade(&picks(&[&[1], &[0]]));
        assert_eq!(
            (partial.correct, partial.percent, partial.passed),
            (1, 50.0, false)
        );
        let too_many = m.grade(&picks(&[&[1, 2], &[0, 2]]));
        assert_eq!(too_many.correct, 1);
        let unanswered = m.grade(&[]);
        assert_eq!((unanswered.correct, unanswered.passed), (0, false));
    }
}
