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
