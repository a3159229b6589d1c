//! The scoring engine: given a checklist, the person inspected, the context and the
//! answers, work out every item's points, the section and total scores, pass or fail,
//! the critical failures and the training the failures call for.
//!
//! It is total: invalid answers never panic, they come back as `problems` (and count as
//! unanswered), so the same function serves the live score of a half-filled draft and the
//! final score of a submission.

use crate::i18n::{Localize, Message};
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::checklist::*;
use super::form::{context_problem, item_problem};
use super::text::Lang;

/// What the inspector recorded for one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Pass,
    Fail,
    /// Not applicable: leaves the item out of the score.
    Na,
    /// Points on a `scale` item.
    Scale(u32),
    /// The number measured on a `measure` item.
    Measure(f64),
    /// Indexes of the key phrases heard, for a `script` item.
    Heard(Vec<usize>),
    /// Indexes of the steps done, in the order they were seen, for a `steps` item.
    Done(Vec<usize>),
    /// The amount spent or used, for a `limit` item.
    Amount(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
        }
    }

    pub fn parse(s: &str) -> Option<Gender> {
        match s {
            "female" => Some(Gender::Female),
            "male" => Some(Gender::Male),
            _ => None,
        }
    }
}

/// The attributes of the person inspected that conditions may test.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subject {
    pub gender: Option<Gender>,
    pub position: Option<String>,
}

pub type Context = BTreeMap<String, Value>;
pub type Answers = BTreeMap<String, Answer>;

/// Something wrong with the context or the answers, named precisely.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    UnknownContext {
        key: String,
    },
    MissingContext {
        key: String,
    },
    BadContext {
        key: String,
        #[serde(serialize_with = "in_english")]
        message: Message,
    },
    UnknownItem {
        key: String,
    },
    BadAnswer {
        key: String,
        #[serde(serialize_with = "in_english")]
        message: Message,
    },
}

impl Problem {
    /// What the person is told, naming the item or field.
    pub fn message(&self) -> Message {
        match self {
            Problem::UnknownContext { key } => {
                Message::new("problem-unknown-context").arg("key", key)
            }
            Problem::MissingContext { key } => {
                Message::new("problem-missing-context").arg("key", key)
            }
            Problem::BadContext { key, message } => context_problem(key, message.clone()),
            Problem::UnknownItem { key } => Message::new("refuse-not-an-item").arg("key", key),
            Problem::BadAnswer { key, message } => item_problem(key, message.clone()),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

fn in_english<S: serde::Serializer>(message: &Message, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&message.to_string())
}

/// Check the context the inspector gave and fill in defaults. Missing values without a
/// default are reported as `MissingContext`, which a draft may ignore but a submission not.
pub fn resolve_context(checklist: &Checklist, given: &Context) -> (Context, Vec<Problem>) {
    let mut problems = Vec::new();
    for key in given.keys() {
        if checklist.context_field(key).is_none() {
            problems.push(Problem::UnknownContext { key: key.clone() });
        }
    }
    let mut resolved = Context::new();
    for field in &checklist.context {
        let key = field.key.clone();
        let bad = |message: Message| Problem::BadContext {
            key: field.key.clone(),
            message,
        };
        match (&field.kind, given.get(&field.key)) {
            (ContextKind::Choice { options, .. }, Some(v)) => {
                match v
                    .as_text()
                    .filter(|t| options.iter().any(|o| o.value == *t))
                {
                    Some(_) => {
                        resolved.insert(key, v.clone());
                    }
                    None => {
                        let names: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
                        problems.push(bad(Message::new("problem-not-one-of")
                            .arg("value", v)
                            .arg("options", names.join(", "))));
                    }
                }
            }
            (ContextKind::Number { min, max, .. }, Some(v)) => match v.as_number() {
                Some(n) => match count_problem(n, *min, *max) {
                    None => {
                        resolved.insert(key, v.clone());
                    }
                    Some(message) => problems.push(bad(message)),
                },
                None => problems.push(bad(Message::new("problem-not-a-number").arg("value", v))),
            },
            (
                ContextKind::Choice {
                    default: Some(d), ..
                },
                None,
            ) => {
                resolved.insert(key, Value::Text(d.clone()));
            }
            (
                ContextKind::Number {
                    default: Some(d), ..
                },
                None,
            ) => {
                resolved.insert(key, Value::Number(*d));
            }
            (_, None) => problems.push(Problem::MissingContext { key }),
        }
    }
    (resolved, problems)
}

/// The attributes of the person that the conditions of these items test and the record
/// lacks, each once, in checklist order. Without them those items would silently drop
/// out of the score (a condition on an unknown value never holds), so a spot-check
/// cannot start until they are recorded.
pub fn missing_attributes(checklist: &Checklist, subject: &Subject) -> Vec<Field> {
    let mut missing = Vec::new();
    for (_, item) in checklist.items() {
        for condition in &item.when {
            let lacks = match condition.field {
                Field::SubjectGender => subject.gender.is_none(),
                Field::SubjectPosition => subject.position.is_none(),
                Field::Context(_) => false,
            };
            if lacks && !missing.contains(&condition.field) {
                missing.push(condition.field.clone());
            }
        }
    }
    missing
}

/// Whether an item applies to this subject and context.
pub fn applies(item: &Item, subject: &Subject, context: &Context) -> bool {
    item.when.iter().all(|condition| {
        let value = match &condition.field {
            Field::SubjectGender => subject.gender.map(|g| Value::Text(g.as_str().to_string())),
            Field::SubjectPosition => subject.position.clone().map(Value::Text),
            Field::Context(key) => context.get(key).cloned(),
        };
        condition.test.holds(value.as_ref())
    })
}

/// What became of an item on the card: the stored word lives with the other states.
pub use states::Outcome;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub key: String,
    pub section: String,
    pub outcome: Outcome,
    pub points: f64,
    /// The item's weight when it counts, else 0.
    pub max: f64,
    /// The cap computed for a `limit` item in this context.
    pub cap: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionResult {
    pub key: String,
    pub score: f64,
    pub max: f64,
    pub percent: Option<f64>,
    pub answered: usize,
    pub applicable: usize,
}

/// Modules to assign because items failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingCall {
    pub module: String,
    /// The failed items that call for it, in checklist order.
    pub items: Vec<String>,
    /// Whether any of them is critical (a shorter due date).
    pub critical: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub items: Vec<ItemResult>,
    pub sections: Vec<SectionResult>,
    pub score: f64,
    pub max_score: f64,
    /// `None` until an answer counts (every item that applies is excluded, N/A or
    /// unanswered): a card with nothing scored has no percent and never passes.
    pub percent: Option<f64>,
    pub passed: bool,
    pub critical_failures: Vec<String>,
    pub failed: Vec<String>,
    /// Required items that apply and have no valid answer yet.
    pub unanswered: Vec<String>,
    pub answered: usize,
    pub applicable: usize,
    pub training: Vec<TrainingCall>,
    pub problems: Vec<Problem>,
}

impl Scorecard {
    /// Ready to submit: every required item answered and nothing invalid.
    pub fn is_complete(&self) -> bool {
        self.unanswered.is_empty() && self.problems.is_empty()
    }

    pub fn item(&self, key: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.key == key)
    }
}

/// Score a set of answers. `context` should come from [`resolve_context`].
pub fn score(
    checklist: &Checklist,
    subject: &Subject,
    context: &Context,
    answers: &Answers,
) -> Scorecard {
    let mut problems: Vec<Problem> = answers
        .keys()
        .filter(|k| checklist.item(k).is_none())
        .map(|k| Problem::UnknownItem { key: k.clone() })
        .collect();
    let mut items = Vec::new();
    let mut sections = Vec::new();
    let mut unanswered = Vec::new();
    let mut training: Vec<TrainingCall> = Vec::new();

    for section in &checklist.sections {
        let mut sum = SectionResult {
            key: section.key.clone(),
            score: 0.0,
            max: 0.0,
            percent: None,
            answered: 0,
            applicable: 0,
        };
        for item in &section.items {
            let result = score_item(
                item,
                &section.key,
                subject,
                context,
                answers.get(&item.key),
                &mut problems,
            );
            if result.outcome != Outcome::Excluded {
                sum.applicable += 1;
            }
            match result.outcome {
                Outcome::Unanswered if item.required => unanswered.push(item.key.clone()),
                Outcome::NotApplicable | Outcome::Passed | Outcome::Failed => sum.answered += 1,
                _ => {}
            }
            if result.outcome == Outcome::Failed {
                for module in &item.training {
                    match training.iter_mut().find(|t| t.module == *module) {
                        Some(call) => {
                            call.items.push(item.key.clone());
                            call.critical |= item.critical;
                        }
                        None => training.push(TrainingCall {
                            module: module.clone(),
                            items: vec![item.key.clone()],
                            critical: item.critical,
                        }),
                    }
                }
            }
            sum.score += result.points;
            sum.max += result.max;
            items.push(result);
        }
        sum.percent = (sum.max > 0.0).then(|| percent_of(sum.score, sum.max));
        sections.push(sum);
    }

    let score: f64 = items.iter().map(|i| i.points).sum();
    let max_score: f64 = items.iter().map(|i| i.max).sum();
    let percent = (max_score > 0.0).then(|| percent_of(score, max_score));
    let failed: Vec<String> = items
        .iter()
        .filter(|i| i.outcome == Outcome::Failed)
        .map(|i| i.key.clone())
        .collect();
    let critical_failures: Vec<String> = failed
        .iter()
        .filter(|k| checklist.item(k).is_some_and(|i| i.critical))
        .cloned()
        .collect();
    Scorecard {
        passed: percent.is_some_and(|p| p >= checklist.pass_mark) && critical_failures.is_empty(),
        answered: sections.iter().map(|s| s.answered).sum(),
        applicable: sections.iter().map(|s| s.applicable).sum(),
        items,
        sections,
        score,
        max_score,
        percent,
        critical_failures,
        failed,
        unanswered,
        training,
        problems,
    }
}

fn percent_of(score: f64, max: f64) -> f64 {
    (score / max * 100.0).clamp(0.0, 100.0)
}

fn score_item(
    item: &Item,
    section: &str,
    subject: &Subject,
    context: &Context,
    answer: Option<&Answer>,
    problems: &mut Vec<Problem>,
) -> ItemResult {
    let cap = match &item.kind {
        ItemKind::Limit { limit, .. } => limit.cap(context),
        _ => None,
    };
    let mut result = ItemResult {
        key: item.key.clone(),
        section: section.to_string(),
        outcome: Outcome::Unanswered,
        points: 0.0,
        max: 0.0,
        cap,
    };
    if !applies(item, subject, context) {
        result.outcome = Outcome::Excluded;
        return result;
    }
    let Some(answer) = answer else {
        return result;
    };
    match judge(item, cap, answer) {
        Ok(None) => result.outcome = Outcome::NotApplicable,
        Ok(Some((fraction, passed))) => {
            result.max = item.weight;
            result.points = item.weight * fraction;
            result.outcome = if passed {
                Outcome::Passed
            } else {
                Outcome::Failed
            };
        }
        Err(message) => problems.push(Problem::BadAnswer {
            key: item.key.clone(),
            message,
        }),
    }
    result
}

/// The share of the item's weight earned and whether the item passed; `None` for N/A.
fn judge(item: &Item, cap: Option<f64>, answer: &Answer) -> Result<Option<(f64, bool)>, Message> {
    let all_or_nothing = |ok: bool| Ok(Some((if ok { 1.0 } else { 0.0 }, ok)));
    match (&item.kind, answer) {
        (_, Answer::Na) if item.na => Ok(None),
        (_, Answer::Na) => Err(Message::new("problem-na-not-allowed")),
        (ItemKind::Check, Answer::Pass) => all_or_nothing(true),
        (ItemKind::Check, Answer::Fail) => all_or_nothing(false),
        (ItemKind::Scale { max, pass_at, .. }, Answer::Scale(v)) => {
            if v > max {
                return Err(Message::new("problem-above-scale")
                    .arg("value", v)
                    .arg("max", max));
            }
            Ok(Some((*v as f64 / *max as f64, v >= pass_at)))
        }
        (kind @ ItemKind::Measure { allowed, .. }, Answer::Measure(v)) => {
            if let Some(problem) = measure_input_problem(kind, *v) {
                return Err(problem);
            }
            all_or_nothing(allowed.contains(*v))
        }
        (
            ItemKind::Script {
                phrases, pass_at, ..
            },
            Answer::Heard(heard),
        ) => {
            distinct_indexes(heard, phrases.len(), "phrase")?;
            Ok(Some((
                heard.len() as f64 / phrases.len() as f64,
                heard.len() as u32 >= *pass_at,
            )))
        }
        (
            ItemKind::Steps {
                steps,
                in_order,
                pass_at,
            },
            Answer::Done(done),
        ) => {
            distinct_indexes(done, steps.len(), "step")?;
            let counted = if *in_order {
                longest_in_order_run(done)
            } else {
                done.len()
            };
            Ok(Some((
                counted as f64 / steps.len() as f64,
                counted as u32 >= *pass_at,
            )))
        }
        (ItemKind::Limit { .. }, Answer::Amount(v)) => {
            finite(*v)?;
            if *v < 0.0 {
                return Err(Message::new("problem-amount-negative"));
            }
            let cap = cap.ok_or_else(|| Message::new("problem-limit-context-missing"))?;
            all_or_nothing(*v <= cap + 1e-9)
        }
        (kind, _) => Err(Message::new(expected_answer(kind))),
    }
}

/// The message id saying what answer an item of this kind takes.
fn expected_answer(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::Check => "problem-expects-check",
        ItemKind::Scale { .. } => "problem-expects-scale",
        ItemKind::Measure { .. } => "problem-expects-measure",
        ItemKind::Script { .. } => "problem-expects-script",
        ItemKind::Steps { .. } => "problem-expects-steps",
        ItemKind::Limit { .. } => "problem-expects-limit",
    }
}

/// An amount spent: finite and below a billion (no spend on a visit comes near).
fn finite(v: f64) -> Result<(), Message> {
    if !v.is_finite() {
        Err(Message::new("problem-not-usable"))
    } else if v.abs() >= 1e9 {
        Err(Message::new("problem-amount-too-large"))
    } else {
        Ok(())
    }
}

fn distinct_indexes(list: &[usize], len: usize, what: &str) -> Result<(), Message> {
    let mut seen = vec![false; len];
    for &i in list {
        if i >= len {
            return Err(Message::new("problem-no-such-entry")
                .arg("what", what)
                .arg("n", i + 1)
                .arg("len", len));
        }
        if std::mem::replace(&mut seen[i], true) {
            return Err(Message::new("problem-entry-twice")
                .arg("what", what)
                .arg("n", i + 1));
        }
    }
    Ok(())
}

/// The most steps that were done in the right order: the longest increasing
/// subsequence of the observed order. A step done out of turn does not count.
pub fn longest_in_order_run(done: &[usize]) -> usize {
    // Patience sorting: tails[k] is the smallest last step of a run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    for &step in done {
        let at = tails.partition_point(|&t| t < step);
        if at == tails.len() {
            tails.push(step);
        } else {
            tails[at] = step;
        }
    }
    tails.len()
}

/// An answer as people read it on the result page and in the PDF: `pass`, `3 / 5`,
/// `42 °C`, `said 2/3`, `done 3/4 (1→3→2)`.
pub fn describe_answer(l: Lang, kind: &ItemKind, answer: &Answer) -> String {
    match (kind, answer) {
        (_, Answer::Pass) => l.t("common-pass"),
        (_, Answer::Fail) => l.t("common-fail"),
        (_, Answer::Na) => l.t("common-n-a"),
        (ItemKind::Scale { max, .. }, Answer::Scale(v)) => format!("{v} / {max}"),
        (ItemKind::Measure { unit, .. }, Answer::Measure(v)) => format!("{v} {unit}"),
        (ItemKind::Limit { unit, .. }, Answer::Amount(v)) => format!("{v} {unit}"),
        (ItemKind::Script { phrases, .. }, Answer::Heard(h)) => {
            format!("{} {}/{}", l.t("common-said"), h.len(), phrases.len())
        }
        (ItemKind::Steps { steps, .. }, Answer::Done(d)) => {
            let order: Vec<String> = d.iter().map(|i| (i + 1).to_string()).collect();
            format!(
                "{} {}/{} ({})",
                l.t("common-done"),
                d.len(),
                steps.len(),
                order.join("→")
            )
        }
        (_, other) => format!("{other:?}"),
    }
}

/// What a measure item expects, for people: `target 30 ° ± 5 °` or `allowed 400 – 700 ml`
/// (`…` for an open end); `None` for other kinds.
pub fn describe_expected(l: Lang, kind: &ItemKind) -> Option<String> {
    let ItemKind::Measure { unit, allowed, .. } = kind else {
        return None;
    };
    Some(match (allowed.target, allowed.tolerance) {
        (Some(target), Some(tol)) => l.t_args(
            "polish-quality-expected-target",
            &[
                ("target", format!("{target} {unit}").into()),
                ("tolerance", format!("{tol} {unit}").into()),
            ],
        ),
        _ => {
            let (lo, hi) = allowed.bounds();
            let end = |v: Option<f64>| v.map_or("…".to_string(), |v| v.to_string());
            l.t_args(
                "polish-quality-expected-range",
                &[
                    ("low", end(lo).into()),
                    ("high", end(hi).into()),
                    ("unit", unit.as_str().into()),
                ],
            )
        }
    })
}

#[cfg(test)]
mod tests;
