//! The validated checklist model. A `Checklist` is what a checklist file means once the
//! library parser has checked it; its JSON form is the immutable snapshot stored as a
//! checklist version, so inspections are always scored against the text they were shown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::text::Text;
use crate::i18n::Message;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub key: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    pub positions: Vec<String>,
    /// Percent needed to pass, 0–100.
    pub pass_mark: f64,
    /// Which part of the source standard this checklist checks.
    pub source: String,
    #[serde(default)]
    pub context: Vec<ContextField>,
    pub sections: Vec<Section>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.key == key)
    }

    pub fn context_field(&self, key: &str) -> Option<&ContextField> {
        self.context.iter().find(|c| c.key == key)
    }

    /// Canonical JSON of the definition: the snapshot stored with a version.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a checklist always serializes")
    }

    /// Hash of the canonical definition, so an unchanged file (even reformatted or
    /// re-commented) never makes a new version.
    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.to_json().as_bytes()))
    }

    /// The definition the tablet's scoring engine (static/engine.js) reads: the snapshot
    /// with each measure item's input range filled in, so the units' default ranges are
    /// decided here only.
    pub fn for_device(&self) -> Checklist {
        // The engine scores by keys, kinds, counts and ranges: its copy carries no words
        // (the page shows them in the reader's language), which keeps the form small.
        let blank = |t: &mut Text| *t = Text::default();
        let mut device = self.clone();
        blank(&mut device.title);
        device.description = None;
        for field in &mut device.context {
            blank(&mut field.label);
            if let ContextKind::Choice { options, .. } = &mut field.kind {
                options.iter_mut().for_each(|o| blank(&mut o.label));
            }
        }
        for section in &mut device.sections {
            blank(&mut section.title);
            for item in &mut section.items {
                blank(&mut item.text);
                blank(&mut item.guidance);
                let effective = item.kind.input_range();
                match &mut item.kind {
                    ItemKind::Measure { range, .. } => *range = effective,
                    ItemKind::Scale { labels, .. } => labels.iter_mut().for_each(blank),
                    ItemKind::Script {
                        script, phrases, ..
                    } => {
                        blank(script);
                        phrases.iter_mut().for_each(blank);
                    }
                    ItemKind::Steps { steps, .. } => steps.iter_mut().for_each(blank),
                    _ => {}
                }
            }
        }
        device
    }

    /// The same checklist cut down to the given items (a re-check of what failed),
    /// keeping section order and dropping sections left empty.
    pub fn subset(&self, item_keys: &[String]) -> Checklist {
        let mut cut = self.clone();
        for section in &mut cut.sections {
            section.items.retain(|i| item_keys.contains(&i.key));
        }
        cut.sections.retain(|s| !s.items.is_empty());
        cut
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextField {
    pub key: String,
    pub label: Text,
    #[serde(flatten)]
    pub kind: ContextKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContextKind {
    Choice {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
    },
    Number {
        min: f64,
        max: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<f64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Text,
}

/// A value the inspector gave for a context field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(_) => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            Value::Number(_) => None,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub title: Text,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub clause: String,
    pub text: Text,
    pub guidance: Text,
    pub weight: f64,
    pub critical: bool,
    pub required: bool,
    /// Whether "not applicable" is an allowed answer.
    pub na: bool,
    pub training: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Condition>,
    pub kind: ItemKind,
    /// Where the item's figure or threshold comes from: the source standard, or the
    /// company's own practice where the source gives none (`basis = "company-practice"`).
    #[serde(default, skip_serializing_if = "Basis::is_source")]
    pub basis: Basis,
}

impl Item {
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// What an item's figure or threshold rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The clause it traces says so.
    #[default]
    Source,
    /// The source gives no figure; the company set one (e.g. how many of the listed
    /// presentation points are enough).
    CompanyPractice,
}

impl Basis {
    pub const NAMES: [&'static str; 2] = ["source", "company-practice"];

    pub fn parse(s: &str) -> Option<Basis> {
        match s {
            "source" => Some(Basis::Source),
            "company-practice" => Some(Basis::CompanyPractice),
            _ => None,
        }
    }

    pub fn is_source(&self) -> bool {
        *self == Basis::Source
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    Check,
    Scale {
        max: u32,
        pass_at: u32,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        labels: Vec<Text>,
    },
    Measure {
        unit: String,
        allowed: Allowed,
        /// The values the form accepts, when the file gives them; otherwise the unit's
        /// default ([`default_input_range`]). Kept out of the snapshot when not given, so
        /// versions stored before input ranges existed keep their content hash.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        range: Option<(f64, f64)>,
    },
    Script {
        script: Text,
        phrases: Vec<Text>,
        pass_at: u32,
    },
    Steps {
        steps: Vec<Text>,
        in_order: bool,
        pass_at: u32,
    },
    Limit {
        unit: String,
        limit: LimitRule,
    },
}

impl ItemKind {
    /// The values a `measure` item accepts as input, inclusive: the file's `range`, else
    /// the unit's default. `None` for other kinds, and for a measure in a unit with no
    /// default stored before ranges existed (the lint now asks for a `range` there).
    pub fn input_range(&self) -> Option<(f64, f64)> {
        match self {
            ItemKind::Measure { unit, range, .. } => range.or_else(|| default_input_range(unit)),
            _ => None,
        }
    }

    pub const NAMES: [&'static str; 6] = ["check", "scale", "measure", "script", "steps", "limit"];

    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::Check => "check",
            ItemKind::Scale { .. } => "scale",
            ItemKind::Measure { .. } => "measure",
            ItemKind::Script { .. } => "script",
            ItemKind::Steps { .. } => "steps",
            ItemKind::Limit { .. } => "limit",
        }
    }
}

/// What a measure in this unit can plausibly read, so a typo (−5°, 999999999°) is refused
/// at input instead of being scored as a failure:
/// - degrees 0–180: a bow or a gesture is an angle from upright or from the body; more
///   than a half turn is no posture, and a negative angle is a slip of the finger;
/// - centimetres 0–300 and metres 0–100: a length on a person or a desk, and a distance
///   across a lobby or a sales hall (signed measures, such as a hem above or below the
///   knee, give their own `range`);
/// - percent 0–100; minutes 0–1440 (a day); seconds 0–3600 (longer waits are timed in
///   minutes).
///
/// Money and other units have no natural bound: their items must give a `range`.
pub fn default_input_range(unit: &str) -> Option<(f64, f64)> {
    match unit.trim() {
        "°" | "度" | "deg" | "degrees" => Some((0.0, 180.0)),
        "cm" | "公分" | "厘米" => Some((0.0, 300.0)),
        "m" | "米" | "公尺" => Some((0.0, 100.0)),
        "%" => Some((0.0, 100.0)),
        "min" | "minutes" | "分鐘" | "分钟" => Some((0.0, 1440.0)),
        "s" | "sec" | "seconds" | "秒" => Some((0.0, 3600.0)),
        _ => None,
    }
}

/// Why a measured value cannot be used, for a message that names the item; `None` when
/// it is a finite number inside the item's input range.
pub fn measure_input_problem(kind: &ItemKind, value: f64) -> Option<Message> {
    let unit = match kind {
        ItemKind::Measure { unit, .. } => unit.as_str(),
        _ => "",
    };
    if !value.is_finite() {
        return Some(Message::new("problem-not-usable"));
    }
    let (lo, hi) = kind.input_range()?;
    (value < lo || value > hi).then(|| {
        Message::new("problem-measure-out-of-range")
            .arg("value", number(value))
            .arg("unit", unit)
            .arg("low", number(lo))
            .arg("high", number(hi))
    })
}

/// Why a count (a context number such as guests) cannot be used: counts are whole
/// numbers between the field's `min` and `max`.
pub fn count_problem(value: f64, min: f64, max: f64) -> Option<Message> {
    if !value.is_finite() || value < min || value > max {
        Some(
            Message::new("problem-count-out-of-range")
                .arg("value", number(value))
                .arg("low", number(min))
                .arg("high", number(max)),
        )
    } else if value.fract() != 0.0 {
        Some(Message::new("problem-not-whole").arg("value", number(value)))
    } else {
        None
    }
}

/// A number as people write it: `30`, `2.5`, `1000000000000`, never `1e12` or `30.0`.
fn number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The allowed range of a `measure` item: a target ± tolerance, or a min and/or max.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allowed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl Allowed {
    pub fn target(target: f64, tolerance: f64) -> Self {
        Allowed {
            target: Some(target),
            tolerance: Some(tolerance),
            min: None,
            max: None,
        }
    }

    pub fn range(min: Option<f64>, max: Option<f64>) -> Self {
        Allowed {
            target: None,
            tolerance: None,
            min,
            max,
        }
    }

    /// The effective lower and upper bounds (inclusive).
    pub fn bounds(&self) -> (Option<f64>, Option<f64>) {
        match (self.target, self.tolerance) {
            (Some(t), Some(tol)) => (Some(t - tol), Some(t + tol)),
            _ => (self.min, self.max),
        }
    }

    pub fn contains(&self, value: f64) -> bool {
        let (lo, hi) = self.bounds();
        lo.is_none_or(|lo| value >= lo) && hi.is_none_or(|hi| value <= hi)
    }
}

/// A cap that depends on the context: `base[by]`, plus `extra[by]` for every unit of
/// the number context `per` above `above`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitRule {
    pub by: String,
    pub base: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    #[serde(default)]
    pub above: f64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, f64>,
}

impl LimitRule {
    /// The cap for a context, or `None` when the context lacks what the rule needs.
    pub fn cap(&self, context: &BTreeMap<String, Value>) -> Option<f64> {
        let option = context.get(&self.by)?.as_text()?;
        let base = *self.base.get(option)?;
        let Some(per) = &self.per else {
            return Some(base);
        };
        let count = context.get(per)?.as_number()?;
        let extra_units = (count - self.above).max(0.0);
        Some(base + extra_units * self.extra.get(option).copied().unwrap_or(0.0))
    }
}

/// One test an item's `when` makes on the subject or the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub field: Field,
    pub test: Test,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", content = "key", rename_all = "snake_case")]
pub enum Field {
    SubjectGender,
    SubjectPosition,
    Context(String),
}

impl Field {
    pub fn parse(path: &str) -> Option<Field> {
        match path {
            "subject.gender" => Some(Field::SubjectGender),
            "subject.position" => Some(Field::SubjectPosition),
            _ => path
                .strip_prefix("context.")
                .filter(|k| !k.is_empty())
                .map(|k| Field::Context(k.to_string())),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::SubjectGender => f.write_str("subject.gender"),
            Field::SubjectPosition => f.write_str("subject.position"),
            Field::Context(k) => write!(f, "context.{k}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    Is(Value),
    In(Vec<Value>),
    Range {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
}

impl Test {
    /// Whether a known value passes; an unknown value never does.
    pub fn holds(&self, value: Option<&Value>) -> bool {
        let Some(value) = value else { return false };
        match self {
            Test::Is(expected) => value == expected,
            Test::In(list) => list.contains(value),
            Test::Range { min, max } => value
                .as_number()
                .is_some_and(|n| min.is_none_or(|lo| n >= lo) && max.is_none_or(|hi| n <= hi)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(level: &str, guests: f64) -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("level".to_string(), Value::Text(level.into())),
            ("guests".to_string(), Value::Number(guests)),
        ])
    }

    fn lunch() -> LimitRule {
        LimitRule {
            by: "level".into(),
            base: BTreeMap::from([("ordinary".into(), 300.0), ("senior".into(), 500.0)]),
            per: Some("guests".into()),
            above: 2.0,
            extra: BTreeMap::from([("ordinary".into(), 50.0), ("senior".into(), 100.0)]),
        }
    }

    #[test]
    fn limit_adds_the_surcharge_per_guest_above_the_base() {
        assert_eq!(lunch().cap(&ctx("ordinary", 2.0)), Some(300.0));
        assert_eq!(lunch().cap(&ctx("ordinary", 1.0)), Some(300.0));
        assert_eq!(lunch().cap(&ctx("ordinary", 4.0)), Some(400.0));
        assert_eq!(lunch().cap(&ctx("senior", 5.0)), Some(800.0));
    }

    #[test]
    fn limit_is_unknown_without_its_context() {
        assert_eq!(lunch().cap(&ctx("special", 2.0)), None);
        assert_eq!(lunch().cap(&BTreeMap::new()), None);
    }

    #[test]
    fn allowed_target_and_tolerance_are_inclusive() {
        let bow = Allowed::target(30.0, 5.0);
        assert!(bow.contains(25.0) && bow.contains(35.0) && bow.contains(30.0));
        assert!(!bow.contains(24.9) && !bow.contains(35.1));
        let hem = Allowed::range(None, Some(3.0));
        assert!(hem.contains(-10.0) && hem.contains(3.0) && !hem.contains(3.5));
    }

    #[test]
    fn measures_outside_their_input_range_are_named_and_refused() {
        let bow = ItemKind::Measure {
            unit: "°".into(),
            allowed: Allowed::target(30.0, 5.0),
            range: None,
        };
        assert_eq!(bow.input_range(), Some((0.0, 180.0)));
        assert!(measure_input_problem(&bow, 0.0).is_none());
        assert!(measure_input_problem(&bow, 180.0).is_none());
        let low = measure_input_problem(&bow, -5.0).unwrap().to_string();
        assert!(
            low.contains("-5 ° is out of range") && low.contains("0 to 180"),
            "{low}"
        );
        assert!(measure_input_problem(&bow, 999_999_999.0).is_some());
        assert!(measure_input_problem(&bow, f64::NAN).is_some());
        let hem = ItemKind::Measure {
            unit: "cm".into(),
            allowed: Allowed::range(None, Some(3.0)),
            range: Some((-60.0, 60.0)),
        };
        assert!(measure_input_problem(&hem, -10.0).is_none());
        assert!(measure_input_problem(&hem, 61.0).is_some());
        let money = ItemKind::Measure {
            unit: "元".into(),
            allowed: Allowed::range(Some(400.0), Some(700.0)),
            range: None,
        };
        assert_eq!(money.input_range(), None);
    }

    #[test]
    fn counts_are_whole_numbers_in_range() {
        assert_eq!(count_problem(3.0, 1.0, 20.0), None);
        let huge = count_problem(1e12, 1.0, 20.0).unwrap().to_string();
        assert!(huge.contains("1000000000000 is out of range"), "{huge}");
        assert!(
            count_problem(0.0, 1.0, 20.0)
                .unwrap()
                .to_string()
                .contains("out of range")
        );
        assert!(
            count_problem(2.5, 1.0, 20.0)
                .unwrap()
                .to_string()
                .contains("not a whole number")
        );
    }

    #[test]
    fn conditions_on_unknown_values_do_not_hold() {
        let test = Test::Is(Value::Text("female".into()));
        assert!(test.holds(Some(&Value::Text("female".into()))));
        assert!(!test.holds(Some(&Value::Text("male".into()))));
        assert!(!test.holds(None));
        let range = Test::Range {
            min: Some(3.0),
            max: None,
        };
        assert!(range.holds(Some(&Value::Number(3.0))));
        assert!(!range.holds(Some(&Value::Number(2.0))));
        assert!(!range.holds(Some(&Value::Text("3".into()))));
    }

    #[test]
    fn field_paths_parse() {
        assert_eq!(Field::parse("subject.gender"), Some(Field::SubjectGender));
        assert_eq!(
            Field::parse("context.guests"),
            Some(Field::Context("guests".into()))
        );
        assert_eq!(Field::parse("context."), None);
        assert_eq!(Field::parse("subject.age"), None);
    }
}
