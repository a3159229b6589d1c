//! Scoring engine tests: every item kind, conditions, critical items, N/A, and
//! property tests over random checklists and answers.

use super::*;
use crate::domain::library::{SourceFile, parse_library};
use proptest::prelude::*;

/// A checklist with one item of each kind, conditions and a critical item.
const FIXTURE: &str = r#"
[checklist]
key = "fixture"
title = { zh = "測試", en = "Fixture" }
positions = ["front-desk"]
pass_mark = 80
source = "test"

[[context]]
key = "level"
label = { zh = "級別", en = "Level" }
kind = "choice"
options = [{ value = "ordinary", zh = "普通", en = "Ordinary" }, { value = "senior", zh = "高級", en = "Senior" }]
default = "ordinary"

[[context]]
key = "guests"
label = { zh = "人數", en = "Guests" }
kind = "number"
min = 1
max = 20
default = 2

[[section]]
key = "a"
title = { zh = "甲", en = "A" }

[[section.item]]
key = "smile"
clause = "x"
kind = "check"
text = { zh = "微笑", en = "Smile" }
guidance = { zh = "看", en = "Look" }
training = ["m-smile"]

[[section.item]]
key = "spirit"
clause = "x"
kind = "scale"
max = 4
pass_at = 3
weight = 2
text = { zh = "精神", en = "Spirit" }
guidance = { zh = "看", en = "Look" }
training = ["m-spirit"]

[[section.item]]
key = "bow"
clause = "x"
kind = "measure"
unit = "°"
target = 30
tolerance = 5
text = { zh = "鞠躬", en = "Bow" }
guidance = { zh = "看", en = "Look" }
training = ["m-bow"]

[[section.item]]
key = "hem"
clause = "x"
kind = "measure"
unit = "cm"
max = 3
text = { zh = "裙長", en = "Hem" }
guidance = { zh = "看", en = "Look" }
training = ["m-dress"]
when = { field = "subject.gender", is = "female" }

[[section.item]]
key = "beard"
clause = "x"
kind = "check"
text = { zh = "不留鬍子", en = "Clean-shaven" }
guidance = { zh = "看", en = "Look" }
training = ["m-dress"]
when = { field = "subject.gender", is = "male" }

[[section]]
key = "b"
title = { zh = "乙", en = "B" }

[[section.item]]
key = "greeting"
clause = "x"
kind = "script"
script = { zh = "您好！歡迎光臨", en = "Hello! Welcome" }
phrases = [{ zh = "您好", en = "Hello" }, { zh = "歡迎光臨", en = "Welcome" }, { zh = "有什麼", en = "How can" }, { zh = "幫到您", en = "I help" }]
pass_at = 3
weight = 2
text = { zh = "問候", en = "Greeting" }
guidance = { zh = "聽", en = "Listen" }
training = ["m-greeting"]

[[section.item]]
key = "escort"
clause = "x"
kind = "steps"
in_order = true
steps = [{ zh = "一", en = "one" }, { zh = "二", en = "two" }, { zh = "三", en = "three" }, { zh = "四", en = "four" }]
text = { zh = "引領", en = "Escort" }
guidance = { zh = "看", en = "Look" }
training = ["m-greeting"]

[[section.item]]
key = "lunch"
clause = "x"
kind = "limit"
unit = "元"
limit = { by = "level", base = { ordinary = 300, senior = 500 }, per = "guests", above = 2, extra = { ordinary = 50, senior = 100 } }
text = { zh = "午餐", en = "Lunch" }
guidance = { zh = "看", en = "Look" }
training = ["m-budget"]

[[section.item]]
key = "no-smoking"
clause = "x"
kind = "check"
critical = true
na = false
text = { zh = "不吸煙", en = "No smoking" }
guidance = { zh = "看", en = "Look" }
training = ["m-conduct"]

[[section.item]]
key = "entertainment"
clause = "x"
kind = "check"
required = false
text = { zh = "娛樂", en = "Entertainment" }
guidance = { zh = "看", en = "Look" }
training = ["m-budget"]
when = [{ field = "context.level", is = "senior" }, { field = "context.guests", min = 3 }]
"#;

fn fixture() -> Checklist {
    let (library, _unresolved_refs) = parse_library(&[SourceFile {
        path: "fixture.toml".into(),
        text: FIXTURE.into(),
    }]);
    library
        .checklists
        .into_iter()
        .next()
        .expect("fixture parses")
}

fn woman() -> Subject {
    Subject {
        gender: Some(Gender::Female),
        position: Some("front-desk".into()),
    }
}

fn context(level: &str, guests: f64) -> Context {
    let given = Context::from([
        ("level".to_string(), Value::Text(level.into())),
        ("guests".to_string(), Value::Number(guests)),
    ]);
    let (resolved, problems) = resolve_context(&fixture(), &given);
    assert!(problems.is_empty(), "{problems:?}");
    resolved
}

fn answers(list: &[(&str, Answer)]) -> Answers {
    list.iter()
        .map(|(k, a)| (k.to_string(), a.clone()))
        .collect()
}

/// Every applicable item answered perfectly for a woman at the ordinary level.
fn perfect() -> Answers {
    answers(&[
        ("smile", Answer::Pass),
        ("spirit", Answer::Scale(4)),
        ("bow", Answer::Measure(30.0)),
        ("hem", Answer::Measure(2.0)),
        ("greeting", Answer::Heard(vec![0, 1, 2, 3])),
        ("escort", Answer::Done(vec![0, 1, 2, 3])),
        ("lunch", Answer::Amount(300.0)),
        ("no-smoking", Answer::Pass),
    ])
}

#[test]
fn perfect_answers_score_full_marks() {
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &perfect());
    assert!(card.problems.is_empty(), "{:?}", card.problems);
    assert_eq!(
        card.max_score,
        1.0 + 2.0 + 1.0 + 1.0 + 2.0 + 1.0 + 1.0 + 1.0
    );
    assert_eq!(card.score, card.max_score);
    assert_eq!(card.percent, Some(100.0));
    assert!(card.passed && card.is_complete());
    assert!(card.training.is_empty() && card.failed.is_empty());
    assert_eq!((card.answered, card.applicable), (8, 8));
}

#[test]
fn gender_conditions_pick_the_right_items() {
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &perfect());
    assert_eq!(card.item("hem").unwrap().outcome, Outcome::Passed);
    assert_eq!(card.item("beard").unwrap().outcome, Outcome::Excluded);

    let man = Subject {
        gender: Some(Gender::Male),
        position: None,
    };
    let card = score(&fixture(), &man, &context("ordinary", 2.0), &perfect());
    assert_eq!(card.item("hem").unwrap().outcome, Outcome::Excluded);
    assert_eq!(card.item("beard").unwrap().outcome, Outcome::Unanswered);
    assert_eq!(card.unanswered, vec!["beard"]);
    assert!(!card.is_complete());

    let unknown = Subject::default();
    let card = score(&fixture(), &unknown, &context("ordinary", 2.0), &perfect());
    assert_eq!(card.item("hem").unwrap().outcome, Outcome::Excluded);
    assert_eq!(card.item("beard").unwrap().outcome, Outcome::Excluded);
}

#[test]
fn context_conditions_need_every_test_to_hold() {
    let excluded = score(&fixture(), &woman(), &context("senior", 2.0), &perfect());
    assert_eq!(
        excluded.item("entertainment").unwrap().outcome,
        Outcome::Excluded
    );
    let included = score(&fixture(), &woman(), &context("senior", 3.0), &perfect());
    // Optional, so unanswered but not blocking.
    assert_eq!(
        included.item("entertainment").unwrap().outcome,
        Outcome::Unanswered
    );
    assert!(included.unanswered.is_empty());
}

#[test]
fn check_fail_scores_zero_and_calls_its_training() {
    let mut a = perfect();
    a.insert("smile".into(), Answer::Fail);
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.item("smile").unwrap().points, 0.0);
    assert_eq!(card.failed, vec!["smile"]);
    assert_eq!(card.score, 9.0);
    assert!((card.percent.unwrap() - 90.0).abs() < 1e-9);
    assert!(card.passed, "90% is above the 80% pass mark");
    assert_eq!(
        card.training,
        vec![TrainingCall {
            module: "m-smile".into(),
            items: vec!["smile".into()],
            critical: false
        }]
    );
}

#[test]
fn scale_scores_pro_rata_and_fails_below_pass_at() {
    let mut a = perfect();
    a.insert("spirit".into(), Answer::Scale(3));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    let spirit = card.item("spirit").unwrap();
    assert_eq!((spirit.points, spirit.outcome), (1.5, Outcome::Passed));
    a.insert("spirit".into(), Answer::Scale(2));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    let spirit = card.item("spirit").unwrap();
    assert_eq!((spirit.points, spirit.outcome), (1.0, Outcome::Failed));
    a.insert("spirit".into(), Answer::Scale(5));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.item("spirit").unwrap().outcome, Outcome::Unanswered);
    assert!(matches!(&card.problems[..], [Problem::BadAnswer { key, .. }] if key == "spirit"));
}

#[test]
fn measure_passes_inside_target_and_tolerance_only() {
    for (bow, ok) in [(25.0, true), (35.0, true), (24.0, false), (45.0, false)] {
        let mut a = perfect();
        a.insert("bow".into(), Answer::Measure(bow));
        let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
        assert_eq!(
            card.item("bow").unwrap().outcome == Outcome::Passed,
            ok,
            "bow {bow}"
        );
    }
    let mut a = perfect();
    a.insert("hem".into(), Answer::Measure(4.0));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.failed, vec!["hem"]);
    a.insert("hem".into(), Answer::Measure(f64::NAN));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.problems.len(), 1);
}

#[test]
fn script_scores_the_phrases_heard() {
    let mut a = perfect();
    a.insert("greeting".into(), Answer::Heard(vec![0, 2, 3]));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    let g = card.item("greeting").unwrap();
    assert_eq!((g.points, g.outcome), (1.5, Outcome::Passed));
    a.insert("greeting".into(), Answer::Heard(vec![1]));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    let g = card.item("greeting").unwrap();
    assert_eq!((g.points, g.outcome), (0.5, Outcome::Failed));
    for bad in [vec![4], vec![1, 1]] {
        a.insert("greeting".into(), Answer::Heard(bad));
        let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
        assert_eq!(card.problems.len(), 1);
    }
}

#[test]
fn steps_out_of_order_do_not_count() {
    let mut a = perfect();
    a.insert("escort".into(), Answer::Done(vec![0, 2, 1, 3]));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    let e = card.item("escort").unwrap();
    assert_eq!((e.points, e.outcome), (0.75, Outcome::Failed));
    a.insert("escort".into(), Answer::Done(vec![0, 1]));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.item("escort").unwrap().points, 0.5);
    assert_eq!(longest_in_order_run(&[3, 2, 1, 0]), 1);
    assert_eq!(longest_in_order_run(&[]), 0);
    assert_eq!(longest_in_order_run(&[1, 0, 2, 3]), 3);
}

#[test]
fn limit_cap_follows_level_and_guests() {
    let cases = [
        ("ordinary", 2.0, 300.0, true),
        ("ordinary", 2.0, 301.0, false),
        ("ordinary", 4.0, 400.0, true),
        ("senior", 5.0, 800.0, true),
        ("senior", 5.0, 800.5, false),
    ];
    for (level, guests, spent, ok) in cases {
        let mut a = perfect();
        a.insert("lunch".into(), Answer::Amount(spent));
        let card = score(&fixture(), &woman(), &context(level, guests), &a);
        let lunch = card.item("lunch").unwrap();
        assert_eq!(
            lunch.outcome == Outcome::Passed,
            ok,
            "{level} {guests} {spent}"
        );
        assert!(lunch.cap.is_some());
    }
    let mut a = perfect();
    a.insert("lunch".into(), Answer::Amount(-1.0));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.problems.len(), 1);
}

#[test]
fn critical_failure_fails_whatever_the_percent() {
    let mut a = perfect();
    a.insert("no-smoking".into(), Answer::Fail);
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert!(card.percent.unwrap() >= 80.0);
    assert!(!card.passed);
    assert_eq!(card.critical_failures, vec!["no-smoking"]);
    assert!(
        card.training
            .iter()
            .any(|t| t.module == "m-conduct" && t.critical)
    );
}

#[test]
fn not_applicable_leaves_the_denominator_unless_forbidden() {
    let mut a = perfect();
    a.insert("bow".into(), Answer::Na);
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.max_score, 9.0);
    assert_eq!(card.item("bow").unwrap().outcome, Outcome::NotApplicable);
    a.insert("no-smoking".into(), Answer::Na);
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.unanswered, vec!["no-smoking"]);
    assert!(matches!(&card.problems[..], [Problem::BadAnswer { key, .. }] if key == "no-smoking"));
}

#[test]
fn wrong_kind_and_unknown_items_are_problems() {
    let mut a = perfect();
    a.insert("smile".into(), Answer::Scale(1));
    a.insert("nope".into(), Answer::Pass);
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    assert_eq!(card.problems.len(), 2);
    assert!(
        card.problems
            .contains(&Problem::UnknownItem { key: "nope".into() })
    );
    assert!(
        card.problems[1]
            .to_string()
            .contains("this is a check item")
    );
}

#[test]
fn sections_sum_to_the_total() {
    let mut a = perfect();
    a.insert("spirit".into(), Answer::Scale(1));
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
    let a_sec = &card.sections[0];
    assert_eq!((a_sec.score, a_sec.max), (3.5, 5.0));
    assert_eq!(a_sec.percent, Some(70.0));
    let total: f64 = card.sections.iter().map(|s| s.score).sum();
    assert_eq!(total, card.score);
}

#[test]
fn context_is_checked_and_defaults_fill_in() {
    let checklist = fixture();
    let (resolved, problems) = resolve_context(&checklist, &Context::new());
    assert!(problems.is_empty());
    assert_eq!(resolved["level"], Value::Text("ordinary".into()));
    assert_eq!(resolved["guests"], Value::Number(2.0));
    let bad = Context::from([
        ("level".to_string(), Value::Text("royal".into())),
        ("guests".to_string(), Value::Number(99.0)),
        ("weather".to_string(), Value::Text("rain".into())),
    ]);
    let (_, problems) = resolve_context(&checklist, &bad);
    assert_eq!(problems.len(), 3, "{problems:?}");
}

#[test]
fn nothing_scorable_has_no_percent_and_does_not_pass() {
    let all_na: Answers = perfect().into_keys().map(|k| (k, Answer::Na)).collect();
    let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &all_na);
    assert_eq!(card.max_score, 0.0);
    assert_eq!(card.percent, None);
    assert!(!card.passed);
    let nothing = score(
        &fixture(),
        &woman(),
        &context("ordinary", 2.0),
        &Answers::new(),
    );
    assert_eq!((nothing.percent, nothing.passed), (None, false));
}

#[test]
fn missing_attributes_are_the_subject_fields_conditions_test() {
    let checklist = fixture();
    assert_eq!(
        missing_attributes(&checklist, &woman()),
        Vec::<Field>::new()
    );
    let unknown = Subject::default();
    assert_eq!(
        missing_attributes(&checklist, &unknown),
        vec![Field::SubjectGender]
    );
}

#[test]
fn a_measure_outside_its_input_range_is_a_problem_not_a_failure() {
    for typo in [-5.0, 999_999_999.0] {
        let mut a = perfect();
        a.insert("bow".into(), Answer::Measure(typo));
        let card = score(&fixture(), &woman(), &context("ordinary", 2.0), &a);
        assert_eq!(card.item("bow").unwrap().outcome, Outcome::Unanswered);
        assert!(card.failed.is_empty() && card.training.is_empty());
        assert!(
            matches!(&card.problems[..], [Problem::BadAnswer { key, message }] if key == "bow" && message.to_string().contains("out of range"))
        );
    }
}

#[test]
fn answers_round_trip_as_compact_json() {
    let a = answers(&[
        ("a", Answer::Pass),
        ("b", Answer::Heard(vec![0, 2])),
        ("c", Answer::Amount(12.5)),
    ]);
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(
        json,
        r#"{"a":"pass","b":{"heard":[0,2]},"c":{"amount":12.5}}"#
    );
    assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), a);
}

// ---------------------------------------------------------------------------
// Properties over random answers to the fixture.

fn any_answer(item: &Item) -> BoxedStrategy<Answer> {
    let specific = match &item.kind {
        ItemKind::Check => prop_oneof![Just(Answer::Pass), Just(Answer::Fail)].boxed(),
        ItemKind::Scale { max, .. } => (0..=*max).prop_map(Answer::Scale).boxed(),
        ItemKind::Measure { .. } => (-100.0..100.0f64).prop_map(Answer::Measure).boxed(),
        ItemKind::Script { phrases, .. } => {
            proptest::sample::subsequence((0..phrases.len()).collect::<Vec<_>>(), 0..=phrases.len())
                .prop_map(Answer::Heard)
                .boxed()
        }
        ItemKind::Steps { steps, .. } => Just((0..steps.len()).collect::<Vec<_>>())
            .prop_shuffle()
            .prop_flat_map(|order| {
                let n = order.len();
                (0..=n).prop_map(move |k| Answer::Done(order[..k].to_vec()))
            })
            .boxed(),
        ItemKind::Limit { .. } => (0.0..2000.0f64).prop_map(Answer::Amount).boxed(),
    };
    prop_oneof![4 => specific, 1 => Just(Answer::Na)].boxed()
}

fn any_answers() -> impl Strategy<Value = Answers> {
    let checklist = fixture();
    let per_item: Vec<_> = checklist
        .items()
        .map(|(_, item)| {
            (
                Just(item.key.clone()),
                proptest::option::of(any_answer(item)),
            )
        })
        .collect();
    per_item.prop_map(|pairs| {
        pairs
            .into_iter()
            .filter_map(|(k, a)| a.map(|a| (k, a)))
            .collect()
    })
}

fn any_subject() -> impl Strategy<Value = Subject> {
    prop_oneof![
        Just(None),
        Just(Some(Gender::Female)),
        Just(Some(Gender::Male))
    ]
    .prop_map(|gender| Subject {
        gender,
        position: None,
    })
}

fn any_context() -> impl Strategy<Value = Context> {
    (prop_oneof![Just("ordinary"), Just("senior")], 1u32..=20)
        .prop_map(|(level, guests)| context(level, guests as f64))
}

proptest! {
    #[test]
    fn percent_is_always_within_0_and_100(subject in any_subject(), ctx in any_context(), a in any_answers()) {
        let card = score(&fixture(), &subject, &ctx, &a);
        prop_assert!(card.percent.is_none_or(|p| (0.0..=100.0).contains(&p)));
        prop_assert!(card.score <= card.max_score + 1e-9);
        for s in &card.sections {
            prop_assert!(s.percent.is_none_or(|p| (0.0..=100.0).contains(&p)));
        }
    }

    #[test]
    fn a_card_with_no_counted_answer_never_passes(subject in any_subject(), ctx in any_context(), a in any_answers()) {
        // Keep only what cannot count: N/A answers and answers to excluded items.
        let checklist = fixture();
        let (ctx, _) = resolve_context(&checklist, &ctx);
        let uncounted: Answers = a
            .into_iter()
            .filter(|(k, answer)| {
                *answer == Answer::Na
                    || checklist.item(k).is_some_and(|i| !applies(i, &subject, &ctx))
            })
            .collect();
        let card = score(&checklist, &subject, &ctx, &uncounted);
        prop_assert_eq!(card.max_score, 0.0);
        prop_assert!(card.percent.is_none());
        prop_assert!(!card.passed);
    }

    #[test]
    fn adding_a_not_applicable_answer_never_changes_the_percent(
        subject in any_subject(), ctx in any_context(), a in any_answers(), pick in any::<proptest::sample::Index>()
    ) {
        let checklist = fixture();
        let open: Vec<&Item> = checklist.items().map(|(_, i)| i).filter(|i| i.na && !a.contains_key(&i.key)).collect();
        prop_assume!(!open.is_empty());
        let item = pick.get(&open);
        let before = score(&checklist, &subject, &ctx, &a);
        let mut more = a.clone();
        more.insert(item.key.clone(), Answer::Na);
        let after = score(&checklist, &subject, &ctx, &more);
        prop_assert_eq!(before.percent, after.percent);
        prop_assert_eq!(before.score, after.score);
        prop_assert_eq!(before.max_score, after.max_score);
    }

    #[test]
    fn a_critical_failure_always_fails(subject in any_subject(), ctx in any_context(), a in any_answers()) {
        let mut a = a;
        a.insert("no-smoking".into(), Answer::Fail);
        let card = score(&fixture(), &subject, &ctx, &a);
        prop_assert!(!card.passed);
        prop_assert_eq!(card.critical_failures, vec!["no-smoking".to_string()]);
    }

    #[test]
    fn every_failed_item_calls_all_its_modules(subject in any_subject(), ctx in any_context(), a in any_answers()) {
        let checklist = fixture();
        let card = score(&checklist, &subject, &ctx, &a);
        for key in &card.failed {
            for module in &checklist.item(key).unwrap().training {
                prop_assert!(card.training.iter().any(|t| &t.module == module && t.items.contains(key)));
            }
        }
        let called: usize = card.training.iter().map(|t| t.items.len()).sum();
        let expected: usize = card.failed.iter().map(|k| checklist.item(k).unwrap().training.len()).sum();
        prop_assert_eq!(called, expected);
    }

    #[test]
    fn in_order_run_never_exceeds_the_steps_done(order in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle()) {
        let run = longest_in_order_run(&order);
        prop_assert!(run >= 1 && run <= order.len());
    }
}
