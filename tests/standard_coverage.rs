//! The shipped library covers the whole source standard: every clause the foundation
//! issue lists maps to at least one checklist item, the scripts are `script` items, the
//! women's and men's standards are conditional, and the client-visit caps are data.

mod common;

use std::collections::BTreeMap;

use decorum::domain::Lang;
use decorum::domain::library::Library;
use decorum::domain::scoring::{Gender, Subject, applies};
use decorum::domain::{Checklist, Field, ItemKind, Test, Value};
use decorum::library_files;

fn library() -> Library {
    library_files::load(&common::repo_path("checklists")).unwrap_or_else(|problems| {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        panic!("the shipped library has problems:\n{}", list.join("\n"))
    })
}

fn required_clauses() -> Vec<String> {
    let mut ids = Vec::new();
    ids.extend((1..=7).map(|n| format!("FD.{n}")));
    ids.extend((1..=8).map(|n| format!("FD.A{n}")));
    for (section, count) in [(1, 7), (2, 5), (3, 9), (4, 10), (5, 6)] {
        ids.extend((1..=count).map(|n| format!("4.{section}.{n}")));
    }
    ids.extend((1..=14).map(|n| format!("CV.{n}")));
    ids.extend(["a", "b", "c", "d", "e"].map(|l| format!("CV.2.1.{l}")));
    ids.extend(["a", "b", "c", "d", "e", "f", "g"].map(|l| format!("CV.2.2.{l}")));
    ids.extend(["a", "b", "c", "d", "f", "g"].map(|l| format!("CV.2.3.{l}")));
    ids
}

fn items_for<'a>(
    library: &'a Library,
    clause: &str,
) -> Vec<(&'a Checklist, &'a decorum::domain::Item)> {
    library
        .checklists
        .iter()
        .flat_map(|c| c.items().map(move |(_, i)| (c, i)))
        .filter(|(_, i)| i.clause == clause)
        .collect()
}

#[test]
fn every_listed_clause_is_registered_and_traced_by_an_item() {
    let library = library();
    let mut missing = Vec::new();
    for id in required_clauses() {
        match library.clause(&id) {
            None => missing.push(format!("{id}: not in the standard register")),
            Some(c) if !c.inspect => missing.push(format!("{id}: marked inspect = false")),
            Some(_) if items_for(&library, &id).is_empty() => {
                missing.push(format!("{id}: no checklist item traces it"))
            }
            Some(_) => {}
        }
    }
    assert!(
        missing.is_empty(),
        "clauses not covered:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_eight_checklists_of_the_standard_are_shipped() {
    let library = library();
    for key in [
        "front-desk-reception",
        "front-desk-appearance",
        "service-dress",
        "service-conduct",
        "lobby-reception",
        "sales-hall-reception",
        "show-flat-reception",
        "client-visit",
    ] {
        let checklist = library
            .checklist(key)
            .unwrap_or_else(|| panic!("checklist {key} is missing"));
        for position in &checklist.positions {
            assert!(
                library.position(position).is_some(),
                "{key}: unknown position {position}"
            );
        }
    }
}

#[test]
fn greeting_and_farewell_scripts_are_script_items() {
    let library = library();
    for clause in ["4.3.4", "4.3.8", "4.4.3", "4.4.9", "4.5.1", "4.5.6"] {
        let scripts: Vec<_> = items_for(&library, clause)
            .into_iter()
            .filter(|(_, i)| matches!(i.kind, ItemKind::Script { .. }))
            .collect();
        assert!(!scripts.is_empty(), "clause {clause} has no script item");
    }
    let lobby = library.checklist("lobby-reception").unwrap();
    let greeting = lobby
        .items()
        .map(|(_, i)| i)
        .find(|i| i.clause == "4.3.4" && matches!(i.kind, ItemKind::Script { .. }))
        .unwrap();
    let ItemKind::Script {
        script, phrases, ..
    } = &greeting.kind
    else {
        unreachable!()
    };
    assert!(
        script.get(Lang::Zh).contains("歡迎光臨君林天下"),
        "{}",
        script.get(Lang::Zh)
    );
    assert!(phrases.len() >= 3);
}

#[test]
fn women_and_men_have_their_own_conditional_standards() {
    let library = library();
    let woman = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let man = Subject {
        gender: Some(Gender::Male),
        position: Some("lobby-concierge".into()),
    };
    for clause in ["4.1.5", "4.1.6", "4.2.1", "4.2.2"] {
        let items = items_for(&library, clause);
        let gendered = items.iter().any(|(_, i)| {
            i.when.iter().any(|c| {
                c.field == Field::SubjectGender && matches!(&c.test, Test::Is(Value::Text(_)))
            })
        });
        assert!(gendered, "clause {clause} has no gender-conditional item");
    }
    let conduct = library.checklist("service-conduct").unwrap();
    let ctx = BTreeMap::new();
    let for_women: Vec<_> = conduct
        .items()
        .filter(|(_, i)| i.clause == "4.2.1" && applies(i, &woman, &ctx))
        .collect();
    let for_men: Vec<_> = conduct
        .items()
        .filter(|(_, i)| i.clause == "4.2.1" && applies(i, &man, &ctx))
        .collect();
    assert!(!for_women.is_empty() && !for_men.is_empty());
    assert_ne!(
        for_women.iter().map(|(_, i)| &i.key).collect::<Vec<_>>(),
        for_men.iter().map(|(_, i)| &i.key).collect::<Vec<_>>(),
        "women and men see different stance items"
    );
}

#[test]
fn client_visit_caps_are_data_and_compute_as_the_standard_says() {
    let library = library();
    let visit = library.checklist("client-visit").unwrap();
    let caps = |clause_prefix: &str, level: &str, guests: f64| -> Vec<f64> {
        let ctx = BTreeMap::from([
            ("reception_level".to_string(), Value::Text(level.into())),
            ("guests".to_string(), Value::Number(guests)),
        ]);
        visit
            .items()
            .filter(|(_, i)| i.clause.starts_with(clause_prefix))
            .filter_map(|(_, i)| match &i.kind {
                ItemKind::Limit { limit, .. } if applies(i, &Subject::default(), &ctx) => {
                    limit.cap(&ctx)
                }
                _ => None,
            })
            .collect()
    };
    let limits = visit
        .items()
        .filter(|(_, i)| matches!(i.kind, ItemKind::Limit { .. }))
        .count();
    assert!(
        limits >= 3,
        "lunch, dinner and entertainment caps are limit items"
    );
    // Ordinary lunch 300 and dinner 400, +50 a guest above two: four guests → 400 and 500.
    let mut ordinary = caps("CV.2.1", "ordinary", 4.0);
    ordinary.extend(caps("CV.2", "ordinary", 4.0));
    assert!(
        ordinary.contains(&400.0) && ordinary.contains(&500.0),
        "{ordinary:?}"
    );
    // Senior dinner 500 + 2 × 100 = 700; entertainment 700 + 2 × 200 = 1100.
    let senior = caps("CV.2", "senior", 4.0);
    assert!(
        senior.contains(&700.0) && senior.contains(&1100.0),
        "{senior:?}"
    );
    // Special: meals 1000 + 100 a guest, entertainment 1200 + 250 a guest above two.
    let special = caps("CV.2", "special", 3.0);
    assert!(
        special.contains(&1100.0) && special.contains(&1450.0),
        "{special:?}"
    );
}

#[test]
fn every_module_is_used_and_every_section_teaches_one() {
    let library = library();
    for module in &library.modules {
        let linked = library
            .checklists
            .iter()
            .any(|c| c.items().any(|(_, i)| i.training.contains(&module.key)));
        let in_curriculum = library
            .positions
            .iter()
            .any(|p| p.curriculum.contains(&module.key));
        assert!(
            linked || in_curriculum,
            "module {} is not linked from any item or curriculum",
            module.key
        );
        assert!(
            module.pages.len() >= 2 && !module.questions.is_empty(),
            "module {} is too thin",
            module.key
        );
    }
    for checklist in &library.checklists {
        for section in &checklist.sections {
            assert!(
                section.items.iter().any(|i| !i.training.is_empty()),
                "{}/{} teaches nothing",
                checklist.key,
                section.key
            );
        }
    }
}

#[test]
fn machine_conversion_slips_are_corrected() {
    for path in library_files::toml_files(&[common::repo_path("checklists")]).0 {
        let text = std::fs::read_to_string(&path).unwrap();
        // Comments may name the slips they corrected; the content may not contain them.
        let content = text.lines().filter(|l| !l.trim_start().starts_with('#'));
        for line in content {
            for (slip, right) in [("壹", "一"), ("某場", "市場"), ("淡汝", "淡妝")] {
                assert!(
                    !line.contains(slip),
                    "{}: `{line}` still has {slip} (write {right})",
                    path.display()
                );
            }
        }
    }
}

// ── The shipped standard, corrected (issue 18) ────────────────────────────────────────

fn ctx(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// Every text a module shows, in one language: summary, pages, diagram captions,
/// questions, options and explanations.
fn module_texts(module: &decorum::domain::training::Module, lang: Lang) -> Vec<String> {
    let mut out = vec![module.summary.get(lang).to_string()];
    for page in &module.pages {
        out.push(page.body.get(lang).to_string());
        out.extend(
            page.diagrams
                .iter()
                .map(|d| d.caption.get(lang).to_string()),
        );
    }
    for q in &module.questions {
        out.push(q.text.get(lang).to_string());
        out.extend(q.options.iter().map(|o| o.text.get(lang).to_string()));
        out.extend(q.explanation.iter().map(|e| e.get(lang).to_string()));
    }
    out
}

/// Every English and Chinese text of the library's checklists, modules and register.
fn all_texts(library: &Library, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for checklist in &library.checklists {
        for (_, item) in checklist.items() {
            out.push(item.text.get(lang).to_string());
            out.push(item.guidance.get(lang).to_string());
            match &item.kind {
                ItemKind::Script {
                    script, phrases, ..
                } => {
                    out.push(script.get(lang).to_string());
                    out.extend(phrases.iter().map(|p| p.get(lang).to_string()));
                }
                ItemKind::Steps { steps, .. } => {
                    out.extend(steps.iter().map(|s| s.get(lang).to_string()))
                }
                _ => {}
            }
        }
    }
    for module in &library.modules {
        out.extend(module_texts(module, lang));
    }
    for clause in &library.clauses {
        out.push(clause.text.get(lang).to_string());
    }
    out
}

#[test]
fn a_mans_hands_are_judged_by_the_situation_observed_so_one_observation_cannot_fail_both() {
    let library = library();
    let conduct = library.checklist("service-conduct").unwrap();
    let man = Subject {
        gender: Some(Gender::Male),
        position: Some("lobby-concierge".into()),
    };
    let woman = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let hands = |subject: &Subject, situation: &str| -> Vec<String> {
        let c = ctx(&[("situation", text(situation))]);
        conduct
            .items()
            .filter(|(_, i)| i.key.starts_with("hands-") && i.key != "hands-out-of-pockets")
            .filter(|(_, i)| applies(i, subject, &c))
            .map(|(_, i)| i.key.clone())
            .collect()
    };
    // Standing on post a man keeps his hands behind his back (4.2.2)…
    assert_eq!(hands(&man, "on-post"), ["hands-behind"]);
    // …greeting, he holds them over his abdomen (4.3.2, 4.4.2): nothing in the conduct
    // checklist then asks for them behind his back.
    assert!(
        hands(&man, "greeting").is_empty(),
        "{:?}",
        hands(&man, "greeting")
    );
    // A woman's hands are on her abdomen in both situations.
    assert_eq!(hands(&woman, "on-post"), ["hands-front"]);
    assert_eq!(hands(&woman, "greeting"), ["hands-front"]);
    assert!(
        conduct.context_field("situation").is_some(),
        "the inspector says which situation was observed"
    );
    // The reception checklists judge hands only while facing a guest, and say that a man
    // standing on post with his hands behind his back is not failed there.
    for key in ["lobby-reception", "sales-hall-reception"] {
        let checklist = library.checklist(key).unwrap();
        let item = checklist.item("hands-folded").unwrap();
        assert!(item.text.get(Lang::Zh).contains("面迎客人"), "{key}");
        assert!(item.guidance.get(Lang::Zh).contains("4.2.2"), "{key}");
        assert!(
            item.guidance.get(Lang::En).contains("standing on post"),
            "{key}"
        );
    }
    // The quizzes agree: "behind the back" is right only for standing on post, "over the
    // abdomen" for greeting.
    for module in &library.modules {
        for q in &module.questions {
            let options: Vec<&str> = q.options.iter().map(|o| o.text.get(Lang::Zh)).collect();
            let behind = options.iter().any(|o| o.contains("背後"));
            let abdomen = options
                .iter()
                .any(|o| o.contains("小腹") || o.contains("腹部"));
            if !(behind && abdomen) {
                continue;
            }
            let asked = q.text.get(Lang::Zh);
            for o in q.options.iter().filter(|o| o.correct) {
                let answer = o.text.get(Lang::Zh);
                if answer.contains("背後") {
                    assert!(asked.contains("在崗"), "{}/{}: {asked}", module.key, q.key);
                } else {
                    assert!(
                        asked.contains("面迎客人") || asked.contains("迎接"),
                        "{}/{}: {asked}",
                        module.key,
                        q.key
                    );
                }
            }
        }
    }
}

#[test]
fn the_spending_caps_trace_to_their_level_and_ordinary_entertainment_is_recordable_and_fails() {
    use decorum::domain::scoring::{Answer, score};
    let library = library();
    let visit = library.checklist("client-visit").unwrap();
    let levels = [
        ("ordinary", "CV.2.1"),
        ("senior", "CV.2.2"),
        ("special", "CV.2.3"),
    ];
    let mut seen = BTreeMap::new();
    for (_, item) in visit.items() {
        if !matches!(item.kind, ItemKind::Limit { .. }) {
            continue;
        }
        // One level per cap item, traced to that level's clause, never to CV.2 itself.
        let applies_at: Vec<&str> = levels
            .iter()
            .filter(|(level, _)| {
                applies(
                    item,
                    &Subject::default(),
                    &ctx(&[
                        ("reception_level", text(level)),
                        ("guests", Value::Number(2.0)),
                    ]),
                )
            })
            .map(|(level, _)| *level)
            .collect();
        assert_eq!(applies_at.len(), 1, "{}: {applies_at:?}", item.key);
        let prefix = levels.iter().find(|(l, _)| *l == applies_at[0]).unwrap().1;
        assert!(
            item.clause == prefix || item.clause.starts_with(&format!("{prefix}.")),
            "{} ({}) traces {}, not its level's clause",
            item.key,
            applies_at[0],
            item.clause
        );
        seen.insert(item.key.clone(), item.clause.clone());
    }
    assert_eq!(seen["lunch-cap-senior"], "CV.2.2.b");
    assert_eq!(seen["dinner-cap-ordinary"], "CV.2.1.b");
    assert_eq!(seen["entertainment-cap-special"], "CV.2.3.f");

    // Ordinary-level entertainment: recordable, and any spending on it fails, assigning the
    // modules that teach it as a mistake; none arranged is n/a.
    let ordinary = ctx(&[
        ("reception_level", text("ordinary")),
        ("guests", Value::Number(2.0)),
    ]);
    let item = visit.item("entertainment-cap-ordinary").unwrap();
    assert!(applies(item, &Subject::default(), &ordinary));
    assert!(item.na, "none arranged is not applicable");
    let answers = BTreeMap::from([(item.key.clone(), Answer::Amount(350.0))]);
    let card = score(visit, &Subject::default(), &ordinary, &answers);
    assert!(card.failed.contains(&item.key), "{:?}", card.failed);
    assert!(
        card.training
            .iter()
            .any(|t| t.module == "visit-levels-and-budgets"),
        "{:?}",
        card.training
    );
    let none = BTreeMap::from([(item.key.clone(), Answer::Na)]);
    let card = score(visit, &Subject::default(), &ordinary, &none);
    assert!(!card.failed.contains(&item.key));
    // The modules that call it a mistake are the ones it assigns.
    for key in &item.training {
        let module = library.module(key).unwrap();
        assert!(
            module_texts(module, Lang::Zh)
                .iter()
                .any(|t| t.contains("普通") && (t.contains("娛樂") || t.contains("遊玩"))),
            "{key} does not teach the ordinary level's entertainment rule"
        );
    }
}

#[test]
fn every_position_takes_every_module_its_checklists_inspect() {
    let library = library();
    let for_position = |item: &decorum::domain::Item, position: &str| {
        item.when.iter().all(|c| match (&c.field, &c.test) {
            (Field::SubjectPosition, Test::Is(Value::Text(p))) => p == position,
            (Field::SubjectPosition, Test::In(list)) => list.contains(&text(position)),
            _ => true,
        })
    };
    for position in &library.positions {
        for checklist in library
            .checklists
            .iter()
            .filter(|c| c.positions.contains(&position.key))
        {
            for (_, item) in checklist.items() {
                if !for_position(item, &position.key) {
                    continue;
                }
                for module in &item.training {
                    assert!(
                        position.curriculum.contains(module),
                        "{}: {}/{} inspects {module}, which the curriculum leaves out",
                        position.key,
                        checklist.key,
                        item.key
                    );
                }
            }
        }
    }
    for key in [
        "lobby-concierge",
        "sales-hall-host",
        "show-flat-host",
        "cart-driver",
    ] {
        let curriculum = &library.position(key).unwrap().curriculum;
        for module in ["dress-service-spirit", "conduct-manners"] {
            assert!(curriculum.iter().any(|m| m == module), "{key}: {module}");
        }
    }
}

#[test]
fn module_texts_say_what_the_source_says() {
    let library = library();
    // fd-visitor-registration: staff never fill in a departure time themselves, and the
    // page and the quiz agree.
    let registration = library.module("fd-visitor-registration").unwrap();
    for t in module_texts(registration, Lang::En) {
        assert!(
            !t.contains("fill in any missing departure times"),
            "fd-visitor-registration: {t}"
        );
    }
    assert!(
        module_texts(registration, Lang::Zh)
            .iter()
            .all(|t| !t.contains("補齊缺漏的離開時間"))
    );
    let q = registration
        .questions
        .iter()
        .find(|q| q.key == "missing-departure")
        .expect("a question on a missing departure time");
    let right = q.options.iter().find(|o| o.correct).unwrap();
    assert!(right.text.get(Lang::Zh).contains("不代填"));

    // fd-grooming: a ring is the only jewellery (FD.A6); no watch exception.
    let grooming = library.module("fd-grooming").unwrap();
    for (lang, word) in [(Lang::Zh, "手錶"), (Lang::En, "watch")] {
        for t in module_texts(grooming, lang) {
            assert!(!t.contains(word), "fd-grooming: {t}");
        }
    }
    assert!(
        library
            .clause("FD.A6")
            .unwrap()
            .text
            .get(Lang::Zh)
            .contains("除戒指外")
    );

    // 內務部 is the general affairs department, not "internal affairs".
    let en = all_texts(&library, Lang::En);
    assert!(
        en.iter()
            .all(|t| !t.to_lowercase().contains("internal affairs"))
    );
    assert!(en.iter().any(|t| t.contains("general affairs department")));

    // 請稍候 is "please wait a moment", not a promise about the lift.
    let lobby = library.checklist("lobby-reception").unwrap();
    let phrase = lobby
        .items()
        .filter_map(|(_, i)| match &i.kind {
            ItemKind::Script { phrases, .. } => {
                phrases.iter().find(|p| p.get(Lang::Zh) == "請稍候")
            }
            _ => None,
        })
        .next()
        .expect("請稍候 is a key phrase");
    assert_eq!(phrase.get(Lang::En), "Please wait a moment");
    for t in &en {
        assert!(!t.contains("lift will be here in a moment"), "{t}");
    }
}

#[test]
fn dyed_hair_and_outlandish_dress_are_checked_for_men_too() {
    let library = library();
    let man = Subject {
        gender: Some(Gender::Male),
        position: Some("lobby-concierge".into()),
    };
    let checked: Vec<_> = items_for(&library, "4.1.5")
        .into_iter()
        .filter(|(_, i)| applies(i, &man, &BTreeMap::new()))
        .filter(|(_, i)| i.text.get(Lang::Zh).contains("染髮"))
        .collect();
    assert!(!checked.is_empty(), "4.1.5's dyed hair is checked for men");
}

#[test]
fn the_presentation_threshold_is_marked_as_company_practice() {
    use decorum::domain::Basis;
    let library = library();
    let visit = library.checklist("client-visit").unwrap();
    let item = visit.item("presentation-points").unwrap();
    let ItemKind::Steps { pass_at, steps, .. } = &item.kind else {
        panic!("presentation-points is a steps item")
    };
    assert!((*pass_at as usize) < steps.len());
    assert_eq!(item.basis, Basis::CompanyPractice);
    assert!(item.guidance.get(Lang::En).contains("company practice"));
    // Every other threshold below "all of them" on a script or steps item is either the
    // source's or marked.
    for checklist in &library.checklists {
        for (_, i) in checklist.items() {
            if let ItemKind::Steps { pass_at, steps, .. } = &i.kind
                && (*pass_at as usize) < steps.len()
            {
                assert_eq!(
                    i.basis,
                    Basis::CompanyPractice,
                    "{}/{}",
                    checklist.key,
                    i.key
                );
            }
        }
    }
}

#[test]
fn every_quiz_has_five_questions_a_fair_pass_mark_and_distractors_that_test_something() {
    let library = library();
    for module in &library.modules {
        let n = module.questions.len();
        assert!(n >= 5, "{}: {n} questions", module.key);
        // Correct answers needed to pass: at least one mistake is allowed, and a pass
        // still needs more than half right.
        let needed = (module.pass_mark * n as f64 / 100.0).ceil() as usize;
        assert!(
            needed < n && needed * 2 > n,
            "{}: pass mark {} needs {needed} of {n}",
            module.key,
            module.pass_mark
        );
        for q in &module.questions {
            assert!(
                q.options.len() >= 3,
                "{}/{}: too few options",
                module.key,
                q.key
            );
        }
    }
    let en = all_texts(&library, Lang::En);
    for throwaway in [
        "personal finances",
        "Cigarettes and an ashtray",
        "private lives",
        "visitors' income",
    ] {
        assert!(
            en.iter().all(|t| !t.contains(throwaway)),
            "a distractor that tests nothing: {throwaway}"
        );
    }
    // The order of the 14 visit steps is asked.
    let order = library
        .modules
        .iter()
        .flat_map(|m| &m.questions)
        .find(|q| q.key == "fourteen-steps-order")
        .expect("a question on the order of the 14 visit steps");
    let right = order.options.iter().find(|o| o.correct).unwrap();
    let steps = ["營銷中心參觀", "領導接見", "餐飲安排", "提出、收集合作事項"];
    let at: Vec<usize> = steps
        .iter()
        .map(|s| right.text.get(Lang::Zh).find(s).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
}

#[test]
fn supervisors_assign_training() {
    use decorum::domain::access::{Role, Scope};
    assert!(Role::Supervisor.assigns_training());
    let supervisor = Scope {
        user_id: 1,
        role: Role::Supervisor,
        sites: vec![7],
    };
    assert!(supervisor.can_assign_training_to(Role::Staff, &[7]));
    assert!(!supervisor.can_assign_training_to(Role::Staff, &[8]));
}

#[test]
fn the_modules_on_stance_bowing_gestures_and_the_badge_carry_their_diagrams() {
    let library = library();
    for (module, keys) in [
        ("conduct-standard-stance", &["t-stance", "v-stance"][..]),
        ("lobby-greeting", &["bow-30", "gesture-45"]),
        ("sales-hall-welcome", &["bow-30", "gesture-45"]),
        ("showflat-welcome", &["bow-30", "gesture-45"]),
        ("dress-uniform", &["badge-10cm"]),
    ] {
        let m = library.module(module).unwrap();
        let diagrams: Vec<_> = m.pages.iter().flat_map(|p| &p.diagrams).collect();
        for key in keys {
            let d = diagrams
                .iter()
                .find(|d| d.key == *key)
                .unwrap_or_else(|| panic!("{module}: no diagram {key}"));
            assert!(
                d.svg.starts_with("<svg"),
                "{module}/{key}: the drawing is filled in"
            );
            assert_eq!(decorum::domain::library::svg_problem(&d.svg), None);
            assert!(!d.caption.get(Lang::ZhHans).is_empty());
        }
    }
    // What each diagram measures is drawn in it.
    for (key, figure) in [
        ("bow-30", "30°"),
        ("gesture-45", "45°"),
        ("t-stance", "45°"),
        ("v-stance", "45°"),
        ("badge-10cm", "10 cm"),
    ] {
        assert!(library.diagrams[key].contains(figure), "{key}");
    }
}

#[test]
fn a_page_naming_a_missing_or_unsafe_diagram_is_refused_at_its_line() {
    use decorum::domain::library::{SourceFile, parse_library};
    let dir = common::repo_path("checklists");
    let mut files: Vec<SourceFile> = library_files::toml_files(&[dir])
        .0
        .into_iter()
        .map(|path| SourceFile {
            text: std::fs::read_to_string(&path).unwrap(),
            path,
        })
        .collect();
    let module = files
        .iter_mut()
        .find(|f| f.path.ends_with("training/dress-uniform.toml"))
        .unwrap();
    module.text = module
        .text
        .replace("key = \"badge-10cm\"", "key = \"badge-12cm\"");
    let line = module
        .text
        .lines()
        .position(|l| l.contains("badge-12cm"))
        .unwrap()
        + 1;
    let (_, problems) = parse_library(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.path_ends("training/dress-uniform.toml")
                && p.line == line
                && p.message.to_string() == "unknown diagram `badge-12cm`"),
        "{problems:#?}"
    );
    let svg = files
        .iter_mut()
        .find(|f| f.path.ends_with("diagrams/bow-30.svg"))
        .unwrap();
    svg.text = svg
        .text
        .replace("<line ", "<line onmouseover=\"alert(1)\" ");
    let (_, problems) = parse_library(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.path_ends("diagrams/bow-30.svg")
                && p.message.to_string().contains("onmouseover")),
        "{problems:#?}"
    );
}

trait PathEnds {
    fn path_ends(&self, tail: &str) -> bool;
}

impl PathEnds for decorum::domain::library::Diagnostic {
    fn path_ends(&self, tail: &str) -> bool {
        self.file.ends_with(tail)
    }
}
