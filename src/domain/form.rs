//! Reading a spot-check form: the field names the tablet posts (the same for the plain
//! HTML form, the JavaScript autosave and the offline outbox) turned into context values,
//! answers and notes, with a precise message for every field that cannot be used.
//!
//! Field names, per item key `K`:
//! - `a.K`: `pass` | `fail` | `na` (check); `0`…`max` | `na` (scale); a number (measure,
//!   limit); `none` (script or steps: nothing heard or done)
//! - `na.K`: `1` marks a measure, limit, script or steps item not applicable
//! - `h.K`: a phrase index heard (repeated), for a script
//! - `s.K`: a step index done (repeated), and `o.K`: the order seen, as `2,0,1`
//! - `n.K`: the inspector's note
//! - `ctx.C`: context field `C`
//!
//! Only `h.K` and `s.K` may repeat; any other field given twice (`a.K=pass&a.K=fail`) is
//! refused rather than one of the values silently winning.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};

use super::checklist::{Checklist, ContextKind, ItemKind, Value, count_problem};
use super::scoring::{Answer, Answers, Context};
use crate::i18n::Message;

/// Longest note kept, in characters.
pub const MAX_NOTE: usize = 2000;

/// The shift dates a spot-check may carry, in days around today: a spot-check records
/// what was seen on a recent shift, so a date years away is a typo, not a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftWindow {
    pub days_back: u32,
    pub days_ahead: u32,
}

impl Default for ShiftWindow {
    /// Two months back (a draft finished late, a paper note typed in), one day ahead (a
    /// night shift that started before midnight, a tablet whose clock runs ahead).
    fn default() -> Self {
        ShiftWindow {
            days_back: 60,
            days_ahead: 1,
        }
    }
}

impl ShiftWindow {
    /// The first and last accepted dates, inclusive.
    pub fn bounds(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let back = today.checked_sub_days(Days::new(self.days_back.into()));
        let ahead = today.checked_add_days(Days::new(self.days_ahead.into()));
        (
            back.unwrap_or(NaiveDate::MIN),
            ahead.unwrap_or(NaiveDate::MAX),
        )
    }

    /// `Err` with the accepted bounds when `date` lies outside them.
    pub fn check(&self, date: NaiveDate, today: NaiveDate) -> Result<(), (NaiveDate, NaiveDate)> {
        let (first, last) = self.bounds(today);
        if (first..=last).contains(&date) {
            Ok(())
        } else {
            Err((first, last))
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct FormInput {
    pub context: Context,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    /// Everything that could not be used, as messages naming the field.
    pub problems: Vec<Message>,
}

/// Parse the item and context fields of a posted form. Fields that are not about items
/// or context (`_csrf`, `site`, …) are ignored here.
pub fn parse(checklist: &Checklist, pairs: &[(String, String)]) -> FormInput {
    let mut input = FormInput::default();
    let mut fields: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (name, value) in pairs {
        let Some((prefix, key)) = name.split_once('.') else {
            continue;
        };
        match prefix {
            "a" | "na" | "h" | "s" | "o" | "n" => {
                if checklist.item(key).is_none() {
                    input
                        .problems
                        .push(Message::new("refuse-not-an-item").arg("key", key));
                    continue;
                }
            }
            "ctx" => {
                if checklist.context_field(key).is_none() {
                    input
                        .problems
                        .push(Message::new("problem-unknown-context").arg("key", key));
                    continue;
                }
            }
            _ => continue,
        }
        fields
            .entry((prefix, key))
            .or_default()
            .push(value.as_str());
    }
    for ((prefix, key), values) in &fields {
        if values.len() > 1 && !matches!(*prefix, "h" | "s") {
            let detail = Message::new("problem-answered-more-than-once")
                .count("count", values.len())
                .arg("values", values.join(", "));
            input.problems.push(if *prefix == "ctx" {
                context_problem(key, detail)
            } else {
                item_problem(key, detail)
            });
        }
    }
    let one = |prefix: &str, key: &str| -> Option<&str> {
        fields
            .get(&(prefix, key))
            .filter(|v| v.len() == 1 || matches!(prefix, "h" | "s"))
            .and_then(|v| v.last())
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    };

    for field in &checklist.context {
        let Some(raw) = one("ctx", &field.key) else {
            continue;
        };
        match &field.kind {
            ContextKind::Choice { .. } => {
                input
                    .context
                    .insert(field.key.clone(), Value::Text(raw.to_string()));
            }
            ContextKind::Number { min, max, .. } => match parse_number(raw) {
                Some(n) => match count_problem(n, *min, *max) {
                    None => {
                        input.context.insert(field.key.clone(), Value::Number(n));
                    }
                    Some(message) => input.problems.push(context_problem(&field.key, message)),
                },
                None => input.problems.push(context_problem(
                    &field.key,
                    Message::new("problem-not-a-number").arg("value", raw),
                )),
            },
        }
    }

    for (_, item) in checklist.items() {
        let key = item.key.as_str();
        if let Some(note) = one("n", key) {
            if note.chars().count() > MAX_NOTE {
                input.problems.push(item_problem(
                    key,
                    Message::new("problem-note-too-long").arg("max", MAX_NOTE),
                ));
            } else {
                input.notes.insert(key.to_string(), note.to_string());
            }
        }
        let marked_na = one("na", key).is_some_and(|v| v == "1" || v == "on");
        let a = one("a", key);
        let answer = match &item.kind {
            _ if a == Some("na") || marked_na => Some(Ok(Answer::Na)),
            ItemKind::Check => a.map(|v| match v {
                "pass" => Ok(Answer::Pass),
                "fail" => Ok(Answer::Fail),
                other => Err(Message::new("problem-not-pass-fail").arg("value", other)),
            }),
            ItemKind::Scale { .. } => a.map(|v| {
                v.parse::<u32>()
                    .map(Answer::Scale)
                    .map_err(|_| Message::new("problem-not-a-scale-point").arg("value", v))
            }),
            ItemKind::Measure { .. } => a.map(|v| {
                parse_number(v)
                    .map(Answer::Measure)
                    .ok_or_else(|| Message::new("problem-not-a-number").arg("value", v))
            }),
            ItemKind::Limit { .. } => a.map(|v| {
                parse_number(v)
                    .map(Answer::Amount)
                    .ok_or_else(|| Message::new("problem-not-an-amount").arg("value", v))
            }),
            ItemKind::Script { .. } => match indexes(fields.get(&("h", key))) {
                Err(e) => Some(Err(e)),
                Ok(heard) if !heard.is_empty() => Some(Ok(Answer::Heard(heard))),
                Ok(_) => (a == Some("none")).then(|| Ok(Answer::Heard(Vec::new()))),
            },
            ItemKind::Steps { .. } => match indexes(fields.get(&("s", key))) {
                Err(e) => Some(Err(e)),
                Ok(done) if !done.is_empty() => {
                    Some(observed_order(one("o", key), &done).map(Answer::Done))
                }
                Ok(_) => (a == Some("none")).then(|| Ok(Answer::Done(Vec::new()))),
            },
        };
        match answer {
            Some(Ok(answer)) => {
                input.answers.insert(key.to_string(), answer);
            }
            Some(Err(message)) => input.problems.push(item_problem(key, message)),
            None => {}
        }
    }
    input
}

/// A number as typed on a tablet: `30`, `2.5`, `-1`, with a comma decimal accepted.
/// How big it may be is the item's or the field's business (so `1e12` guests is "out of
/// range", not "not a number"); only what is no number at all is refused here.
fn parse_number(raw: &str) -> Option<f64> {
    let n: f64 = raw.replace(',', ".").parse().ok()?;
    n.is_finite().then_some(n)
}

/// "Item `key`: …", the detail said in the viewer's language.
pub fn item_problem(key: &str, detail: Message) -> Message {
    Message::new("problem-item")
        .arg("key", key)
        .arg_said("detail", detail)
}

/// "Context field `key`: …".
pub fn context_problem(key: &str, detail: Message) -> Message {
    Message::new("problem-context")
        .arg("key", key)
        .arg_said("detail", detail)
}

fn indexes(values: Option<&Vec<&str>>) -> Result<Vec<usize>, Message> {
    let mut out = Vec::new();
    for v in values.into_iter().flatten() {
        let i: usize = v
            .trim()
            .parse()
            .map_err(|_| Message::new("problem-not-an-index").arg("value", v))?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The order the steps were seen in, when the tablet recorded one that matches the
/// ticks; otherwise the ticks in list order.
fn observed_order(order: Option<&str>, done: &[usize]) -> Result<Vec<usize>, Message> {
    let Some(order) = order else {
        return Ok(done.to_vec());
    };
    let seen: Result<Vec<usize>, _> = order
        .split(',')
        .map(|s| s.trim().parse::<usize>())
        .collect();
    let seen = seen.map_err(|_| Message::new("problem-not-an-order").arg("value", order))?;
    let same_set = seen.iter().copied().collect::<BTreeSet<_>>()
        == done.iter().copied().collect::<BTreeSet<_>>();
    Ok(if same_set && seen.len() == done.len() {
        seen
    } else {
        done.to_vec()
    })
}

/// The form fields that reproduce a set of answers, notes and context (to refill a form).
pub fn to_fields(
    answers: &Answers,
    notes: &BTreeMap<String, String>,
    context: &Context,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in context {
        out.push((format!("ctx.{key}"), value.to_string()));
    }
    for (key, answer) in answers {
        match answer {
            Answer::Pass => out.push((format!("a.{key}"), "pass".into())),
            Answer::Fail => out.push((format!("a.{key}"), "fail".into())),
            Answer::Na => out.push((format!("a.{key}"), "na".into())),
            Answer::Scale(v) => out.push((format!("a.{key}"), v.to_string())),
            Answer::Measure(v) | Answer::Amount(v) => out.push((format!("a.{key}"), v.to_string())),
            Answer::Heard(list) if list.is_empty() => out.push((format!("a.{key}"), "none".into())),
            Answer::Done(list) if list.is_empty() => out.push((format!("a.{key}"), "none".into())),
            Answer::Heard(list) => {
                out.extend(list.iter().map(|i| (format!("h.{key}"), i.to_string())))
            }
            Answer::Done(list) => {
                out.extend(list.iter().map(|i| (format!("s.{key}"), i.to_string())));
                let order: Vec<String> = list.iter().map(|i| i.to_string()).collect();
                out.push((format!("o.{key}"), order.join(",")));
            }
        }
    }
    for (key, note) in notes {
        out.push((format!("n.{key}"), note.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::library::{SourceFile, parse_library};

    const LIST: &str = r#"
[checklist]
key = "f"
title = { zh = "表", en = "Form" }
positions = ["p"]
pass_mark = 80
source = "t"

[[context]]
key = "guests"
label = { zh = "人數", en = "Guests" }
kind = "number"
min = 1
max = 9

[[section]]
key = "s"
title = { zh = "節", en = "S" }

[[section.item]]
key = "smile"
clause = "c"
kind = "check"
text = { zh = "笑", en = "Smile" }
guidance = { zh = "看", en = "Look" }
training = ["m"]

[[section.item]]
key = "bow"
clause = "c"
kind = "measure"
unit = "°"
target = 30
tolerance = 5
text = { zh = "鞠躬", en = "Bow" }
guidance = { zh = "看", en = "Look" }
training = ["m"]

[[section.item]]
key = "hello"
clause = "c"
kind = "script"
script = { zh = "您好歡迎", en = "Hello welcome" }
phrases = [{ zh = "您好", en = "Hello" }, { zh = "歡迎", en = "Welcome" }]
text = { zh = "問候", en = "Greet" }
guidance = { zh = "聽", en = "Listen" }
training = ["m"]

[[section.item]]
key = "walk"
clause = "c"
kind = "steps"
in_order = true
steps = [{ zh = "一", en = "1" }, { zh = "二", en = "2" }, { zh = "三", en = "3" }]
text = { zh = "引領", en = "Escort" }
guidance = { zh = "看", en = "Look" }
training = ["m"]
"#;

    fn checklist() -> Checklist {
        let (lib, _) = parse_library(&[SourceFile {
            path: "f.toml".into(),
            text: LIST.into(),
        }]);
        lib.checklists.into_iter().next().unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn reads_every_kind() {
        let input = parse(
            &checklist(),
            &pairs(&[
                ("_csrf", "x"),
                ("ctx.guests", "3"),
                ("a.smile", "fail"),
                ("n.smile", "  frowned at the guest "),
                ("a.bow", "27,5"),
                ("h.hello", "1"),
                ("h.hello", "0"),
                ("s.walk", "0"),
                ("s.walk", "2"),
                ("s.walk", "1"),
                ("o.walk", "0,2,1"),
            ]),
        );
        assert!(input.problems.is_empty(), "{:?}", input.problems);
        assert_eq!(input.context["guests"], Value::Number(3.0));
        assert_eq!(input.answers["smile"], Answer::Fail);
        assert_eq!(input.answers["bow"], Answer::Measure(27.5));
        assert_eq!(input.answers["hello"], Answer::Heard(vec![0, 1]));
        assert_eq!(input.answers["walk"], Answer::Done(vec![0, 2, 1]));
        assert_eq!(input.notes["smile"], "frowned at the guest");
    }

    #[test]
    fn none_and_not_applicable_are_answers_silence_is_not() {
        let input = parse(
            &checklist(),
            &pairs(&[("a.hello", "none"), ("na.walk", "1"), ("a.bow", "")]),
        );
        assert_eq!(input.answers["hello"], Answer::Heard(vec![]));
        assert_eq!(input.answers["walk"], Answer::Na);
        assert!(!input.answers.contains_key("bow") && !input.answers.contains_key("smile"));
    }

    #[test]
    fn bad_fields_are_named() {
        let input = parse(
            &checklist(),
            &pairs(&[
                ("a.smile", "maybe"),
                ("a.bow", "thirty"),
                ("a.ghost", "pass"),
                ("ctx.guests", "many"),
                ("ctx.weather", "rain"),
                ("h.hello", "x"),
            ]),
        );
        let all = input
            .problems
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        for fragment in [
            "Item `smile`: `maybe` is not pass, fail or n/a.",
            "Item `bow`: `thirty` is not a number.",
            "`ghost` is not an item of this checklist.",
            "Context field `guests`: `many` is not a number.",
            "`weather` is not a context field of this checklist.",
            "Item `hello`: `x` is not a step or phrase number.",
        ] {
            assert!(all.contains(fragment), "missing `{fragment}` in:\n{all}");
        }
        assert!(input.answers.is_empty());
    }

    #[test]
    fn a_mismatched_order_falls_back_to_the_ticks() {
        let input = parse(
            &checklist(),
            &pairs(&[("s.walk", "0"), ("s.walk", "1"), ("o.walk", "1,2")]),
        );
        assert_eq!(input.answers["walk"], Answer::Done(vec![0, 1]));
    }

    #[test]
    fn fields_round_trip() {
        let checklist = checklist();
        let first = parse(
            &checklist,
            &pairs(&[
                ("ctx.guests", "2"),
                ("a.smile", "pass"),
                ("a.bow", "31"),
                ("a.hello", "none"),
                ("s.walk", "1"),
                ("s.walk", "0"),
                ("o.walk", "1,0"),
                ("n.bow", "ok"),
            ]),
        );
        let again = parse(
            &checklist,
            &to_fields(&first.answers, &first.notes, &first.context),
        );
        assert_eq!(first, again);
    }

    #[test]
    fn an_item_or_context_given_twice_is_refused_not_last_wins() {
        let input = parse(
            &checklist(),
            &pairs(&[
                ("a.smile", "pass"),
                ("a.smile", "fail"),
                ("ctx.guests", "2"),
                ("ctx.guests", "3"),
                ("h.hello", "0"),
                ("h.hello", "1"),
            ]),
        );
        let all = input
            .problems
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            all.contains("Item `smile`: answered 2 times (pass, fail)"),
            "{all}"
        );
        assert!(
            all.contains("Context field `guests`: answered 2 times"),
            "{all}"
        );
        assert!(!input.answers.contains_key("smile") && !input.context.contains_key("guests"));
        assert_eq!(input.answers["hello"], Answer::Heard(vec![0, 1]));
    }

    #[test]
    fn counts_out_of_range_say_so() {
        let input = parse(&checklist(), &pairs(&[("ctx.guests", "1e12")]));
        assert_eq!(
            input
                .problems
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>(),
            vec![
                "Context field `guests`: 1000000000000 is out of range: give a whole number from 1 to 9."
            ]
        );
        let input = parse(&checklist(), &pairs(&[("ctx.guests", "2.5")]));
        assert!(input.problems[0].to_string().contains("not a whole number"));
    }

    #[test]
    fn shift_dates_are_accepted_only_near_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let window = ShiftWindow::default();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(window.check(today, today).is_ok());
        assert!(window.check(day(2026, 10, 1), today).is_ok());
        assert!(window.check(day(2026, 12, 1), today).is_ok());
        let bounds = (day(2026, 10, 1), day(2026, 12, 1));
        assert_eq!(window.check(day(2026, 9, 30), today), Err(bounds));
        assert_eq!(window.check(day(2099, 11, 30), today), Err(bounds));
        let wide = ShiftWindow {
            days_back: u32::MAX,
            days_ahead: u32::MAX,
        };
        assert!(wide.check(day(1900, 1, 1), today).is_ok());
    }

    #[test]
    fn long_notes_are_refused() {
        let long = "長".repeat(MAX_NOTE + 1);
        let input = parse(&checklist(), &pairs(&[("n.smile", &long)]));
        assert!(input.problems[0].to_string().contains("longer than"));
    }
}
