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

use std::collections::{BTreeMap, BTreeSet};

use super::checklist::{Checklist, ContextKind, ItemKind, Value};
use super::scoring::{Answer, Answers, Context};

/// Longest note kept, in characters.
pub const MAX_NOTE: usize = 2000;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct FormInput {
    pub context: Context,
    pub answers: Answers,
    pub notes: BTreeMap<String, String>,
    /// Everything that could not be used, as messages naming the field.
    pub problems: Vec<String>,
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
                    input.problems.push(format!("unknown item `{key}`"));
                    continue;
                }
            }
            "ctx" => {
                if checklist.context_field(key).is_none() {
                    input
                        .problems
                        .push(format!("unknown context field `{key}`"));
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
    let one = |prefix: &str, key: &str| -> Option<&str> {
        fields
            .get(&(prefix, key))
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
            ContextKind::Number { .. } => match parse_number(raw, "a number") {
                Ok(n) => {
                    input.context.insert(field.key.clone(), Value::Number(n));
                }
                Err(e) => input.problems.push(format!("context `{}`: {e}", field.key)),
            },
        }
    }

    for (_, item) in checklist.items() {
        let key = item.key.as_str();
        if let Some(note) = one("n", key) {
            if note.chars().count() > MAX_NOTE {
                input.problems.push(format!(
                    "item `{key}`: the note is longer than {MAX_NOTE} characters"
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
                other => Err(format!("`{other}` is not pass, fail or na")),
            }),
            ItemKind::Scale { .. } => a.map(|v| {
                v.parse::<u32>()
                    .map(Answer::Scale)
                    .map_err(|_| format!("`{v}` is not a point on the scale"))
            }),
            ItemKind::Measure { .. } => a.map(|v| parse_number(v, "a number").map(Answer::Measure)),
            ItemKind::Limit { .. } => a.map(|v| parse_number(v, "an amount").map(Answer::Amount)),
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
            Some(Err(message)) => input.problems.push(format!("item `{key}`: {message}")),
            None => {}
        }
    }
    input
}

/// A number as typed on a tablet: `30`, `2.5`, `-1`, with a comma decimal accepted.
/// Largest magnitude a number answer may have (far beyond any real count or amount).
const MAX_NUMBER: f64 = 1e9;

/// A number as typed (a decimal comma allowed). One that parses but is too large — `1e12`
/// guests — is out of range, not "not a number"; `what` names the kind expected.
fn parse_number(raw: &str, what: &str) -> Result<f64, String> {
    let n: f64 = raw
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("`{raw}` is not {what}"))?;
    if n.is_finite() && n.abs() < MAX_NUMBER {
        Ok(n)
    } else {
        Err(format!(
            "`{raw}` is out of range (it must be below 1,000,000,000)"
        ))
    }
}

fn indexes(values: Option<&Vec<&str>>) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for v in values.into_iter().flatten() {
        let i: usize = v
            .trim()
            .parse()
            .map_err(|_| format!("`{v}` is not a step or phrase number"))?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The order the steps were seen in, when the tablet recorded one that matches the
/// ticks; otherwise the ticks in list order.
fn observed_order(order: Option<&str>, done: &[usize]) -> Result<Vec<usize>, String> {
    let Some(order) = order else {
        return Ok(done.to_vec());
    };
    let seen: Result<Vec<usize>, _> = order
        .split(',')
        .map(|s| s.trim().parse::<usize>())
        .collect();
    let seen = seen.map_err(|_| format!("`{order}` is not an order of steps"))?;
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
        let too_many = parse(&checklist(), &pairs(&[("ctx.guests", "1e12")]));
        assert_eq!(
            too_many.problems,
            ["context `guests`: `1e12` is out of range (it must be below 1,000,000,000)"]
        );
        let all = input.problems.join("\n");
        for fragment in [
            "item `smile`: `maybe` is not pass, fail or na",
            "item `bow`: `thirty` is not a number",
            "unknown item `ghost`",
            "context `guests`: `many` is not a number",
            "unknown context field `weather`",
            "item `hello`: `x` is not a step or phrase number",
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
    fn long_notes_are_refused() {
        let long = "長".repeat(MAX_NOTE + 1);
        let input = parse(&checklist(), &pairs(&[("n.smile", &long)]));
        assert!(input.problems[0].contains("longer than"));
    }
}
