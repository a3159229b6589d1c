//! The tablet's scoring engine (static/engine.js, run here by node) against the server's
//! (src/domain/form.rs + scoring.rs): the same random cards — every shipped checklist,
//! people with and without the attributes conditions test, any context, answers valid,
//! invalid, out of range, doubled and missing — must give the same score, pass, caps,
//! exclusions, "not answered yet" and section progress, item by item.

mod common;

use std::process::Command;

use decorum::domain::scoring::{Gender, Subject, resolve_context, score};
use decorum::domain::{Checklist, ContextKind, ItemKind, form};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// Cards per run: every shipped checklist many times over, within a few seconds.
const CASES: usize = 600;

fn pick<'a>(rng: &mut StdRng, options: &[&'a str]) -> &'a str {
    options.choose(rng).copied().unwrap_or_default()
}

/// A number near the interesting edges of `lo..=hi`, sometimes far outside or not one.
fn number_near(rng: &mut StdRng, lo: f64, hi: f64) -> String {
    match rng.random_range(0..10) {
        0 => pick(
            rng,
            &[
                "abc", "1e12", "-5", "3,5", "+7", ".5", "1e300", "0x10", "inf",
            ],
        )
        .into(),
        1 => lo.to_string(),
        2 => hi.to_string(),
        3 => (lo - 1.0).to_string(),
        4 => (hi + 1.0).to_string(),
        5 => format!("{:.1}", rng.random_range(lo..=hi)),
        _ => format!("{}", rng.random_range(lo.floor() as i64..=hi.ceil() as i64)),
    }
}

fn ticks(rng: &mut StdRng, len: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..=len).filter(|_| rng.random_bool(0.6)).collect();
    if rng.random_bool(0.5) {
        out.retain(|&i| i < len);
    }
    // Shuffle: the order they were seen in.
    for i in (1..out.len()).rev() {
        let j = rng.random_range(0..=i);
        out.swap(i, j);
    }
    out
}

/// The form fields a tablet might post for this checklist.
fn random_pairs(rng: &mut StdRng, checklist: &Checklist) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut push = |name: String, value: String| pairs.push((name, value));
    for field in &checklist.context {
        let name = format!("ctx.{}", field.key);
        match (&field.kind, rng.random_range(0..6)) {
            (_, 0) => {}
            (ContextKind::Choice { .. }, 1) => push(name, "bogus".into()),
            (ContextKind::Choice { options, .. }, _) => {
                push(name, options.choose(rng).unwrap().value.clone())
            }
            (ContextKind::Number { min, max, .. }, _) => push(name, number_near(rng, *min, *max)),
        }
    }
    for (_, item) in checklist.items() {
        let key = &item.key;
        let a = format!("a.{key}");
        if rng.random_bool(0.1) {
            push(format!("n.{key}"), "tie crooked".into());
        }
        if rng.random_bool(0.15) {
            continue; // not answered yet
        }
        if rng.random_bool(0.08) {
            push(a.clone(), "na".into());
            continue;
        }
        if rng.random_bool(0.03) {
            push(format!("na.{key}"), "1".into());
            continue;
        }
        match &item.kind {
            ItemKind::Check => {
                push(
                    a.clone(),
                    pick(rng, &["pass", "pass", "fail", "maybe"]).into(),
                );
                if rng.random_bool(0.03) {
                    push(a, "fail".into());
                }
            }
            ItemKind::Scale { max, .. } => {
                let v = rng.random_range(0..=max + 1);
                push(
                    a,
                    if rng.random_bool(0.05) {
                        "x".into()
                    } else {
                        v.to_string()
                    },
                );
            }
            ItemKind::Measure { allowed, .. } => {
                let (lo, hi) = allowed.bounds();
                let (lo, hi) = (lo.unwrap_or(0.0), hi.unwrap_or(100.0));
                let (lo, hi) = item.kind.input_range().map_or((lo, hi), |(a, b)| {
                    if rng.random_bool(0.3) {
                        (a, b)
                    } else {
                        (lo, hi)
                    }
                });
                push(a, number_near(rng, lo, hi));
            }
            ItemKind::Limit { .. } => push(a, number_near(rng, 0.0, 2000.0)),
            ItemKind::Script { phrases, .. } => {
                let heard = ticks(rng, phrases.len());
                if heard.is_empty() {
                    push(a, "none".into());
                }
                for i in heard {
                    push(format!("h.{key}"), i.to_string());
                }
            }
            ItemKind::Steps { steps, .. } => {
                let done = ticks(rng, steps.len());
                if done.is_empty() {
                    push(a, "none".into());
                }
                let order: Vec<String> = done.iter().map(|i| i.to_string()).collect();
                for i in &done {
                    push(format!("s.{key}"), i.to_string());
                }
                if rng.random_bool(0.8) {
                    push(format!("o.{key}"), order.join(","));
                } else if rng.random_bool(0.5) {
                    push(format!("o.{key}"), "9,x".into());
                }
            }
        }
    }
    if rng.random_bool(0.05) {
        push("a.no-such-item".into(), "pass".into());
    }
    pairs
}

fn random_subject(rng: &mut StdRng, checklist: &Checklist) -> Subject {
    Subject {
        gender: match rng.random_range(0..5) {
            0 => None,
            1 | 2 => Some(Gender::Female),
            _ => Some(Gender::Male),
        },
        position: match rng.random_range(0..6) {
            0 => None,
            1 => Some("someone-else".into()),
            _ => checklist.positions.choose(rng).cloned(),
        },
    }
}

/// What the server makes of a card, in the shape engine_corpus.js compares.
fn server_card(checklist: &Checklist, subject: &Subject, pairs: &[(String, String)]) -> Value {
    let input = form::parse(checklist, pairs);
    let (context, context_problems) = resolve_context(checklist, &input.context);
    let card = score(checklist, subject, &context, &input.answers);
    json!({
        "percent": card.percent,
        "passed": card.passed,
        "score": card.score,
        "max_score": card.max_score,
        "answered": card.answered,
        "applicable": card.applicable,
        "unanswered": card.unanswered,
        "failed": card.failed,
        "critical_failures": card.critical_failures,
        "form_problems": input.problems.len(),
        "context_problems": context_problems,
        "problems": card.problems,
        "items": card.items,
        "sections": card.sections,
    })
}

#[test]
fn the_device_engine_scores_every_card_as_the_server_does() {
    let Ok(node) = Command::new("node").arg("--version").output() else {
        common::skip_or_fail(
            "device engine",
            "node is not installed (apt-get install nodejs)",
        );
        return;
    };
    assert!(node.status.success());
    let library = decorum::library_files::load(&common::repo_path("checklists"))
        .expect("the shipped library lints clean");
    let checklists = &library.checklists;
    let seed: u64 = std::env::var("DECORUM_ENGINE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261130);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut cases = Vec::new();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let mut kinds_scored = std::collections::BTreeSet::new();
    for n in 0..CASES {
        let index = n % checklists.len();
        let checklist = &checklists[index];
        let subject = random_subject(&mut rng, checklist);
        let pairs = random_pairs(&mut rng, checklist);
        let expected = server_card(checklist, &subject, &pairs);
        for item in expected["items"].as_array().unwrap() {
            let outcome = item["outcome"].as_str().unwrap().to_string();
            if matches!(outcome.as_str(), "passed" | "failed")
                && let Some(i) = checklist.item(item["key"].as_str().unwrap())
            {
                kinds_scored.insert(i.kind_name());
            }
            *outcomes.entry(outcome).or_default() += 1;
        }
        *outcomes.entry("problems".into()).or_default() +=
            expected["problems"].as_array().unwrap().len();
        cases.push(json!({
            "checklist": index,
            "subject": { "gender": subject.gender.map(|g| g.as_str()), "position": subject.position },
            "pairs": pairs,
            "expected": expected,
        }));
    }
    // The corpus exercises what it claims to: every outcome, every kind of item scored,
    // and refused answers.
    for outcome in [
        "passed",
        "failed",
        "not_applicable",
        "excluded",
        "unanswered",
        "problems",
    ] {
        assert!(
            outcomes.get(outcome).copied().unwrap_or(0) > 0,
            "no {outcome} in {outcomes:?}"
        );
    }
    assert_eq!(
        kinds_scored.len(),
        ItemKind::NAMES.len(),
        "every kind of item is scored: {kinds_scored:?}"
    );

    let corpus = json!({
        "checklists": checklists.iter().map(Checklist::for_device).collect::<Vec<_>>(),
        "cases": cases,
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), corpus.to_string()).unwrap();
    let out = Command::new("node")
        .arg(common::repo_path("tests/js/engine_corpus.js"))
        .arg(file.path())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("the runner's JSON");
    eprintln!(
        "device engine: {} cards (seed {seed}), {:.3} ms to rescore the largest; outcomes {outcomes:?}",
        report["checked"],
        report["ms_per_rescore"].as_f64().unwrap_or(f64::NAN)
    );
    assert_eq!(report["checked"], CASES);
    assert_eq!(
        report["mismatch_count"], 0,
        "the device and the server disagree: {:#}",
        report["mismatches"]
    );
}
