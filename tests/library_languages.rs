//! The library's languages: every shipped text reads in Traditional Chinese, Simplified
//! Chinese and English once loaded (Simplified made from Traditional unless a file writes
//! it), a Simplified text written in a file wins, and checklist versions stored before
//! texts were keyed by language tag (`{ zh, en }`) still load, in all three.

mod common;

use common::{BACKENDS, TestDb};
use decorum::domain::library::{Library, SourceFile, parse_library};
use decorum::domain::simplified::from_traditional;
use decorum::domain::text::{EN, ZH_HANS, ZH_HANT};
use decorum::domain::{Checklist, Lang};
use decorum::library_files;
use decorum::store::library::{current_checklists, import};
use entity::{checklist, checklist_version};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

fn shipped() -> Library {
    library_files::load(&common::repo_path("checklists")).expect("the shipped library loads")
}

/// Every text in a serialized library part: the objects keyed by language tag.
fn texts(value: &Value, out: &mut Vec<serde_json::Map<String, Value>>) {
    match value {
        Value::Object(map) if map.contains_key(EN) || map.contains_key(ZH_HANT) => {
            out.push(map.clone())
        }
        Value::Object(map) => map.values().for_each(|v| texts(v, out)),
        Value::Array(list) => list.iter().for_each(|v| texts(v, out)),
        _ => {}
    }
}

fn all_texts(library: &Library) -> Vec<serde_json::Map<String, Value>> {
    let parts = serde_json::json!({
        "checklists": library.checklists,
        "modules": library.modules,
        "positions": library.positions,
        "clauses": library.clauses,
    });
    let mut out = Vec::new();
    texts(&parts, &mut out);
    out
}

#[test]
fn every_shipped_text_reads_in_traditional_simplified_and_english() {
    let library = shipped();
    let texts = all_texts(&library);
    assert!(texts.len() > 1500, "only {} texts found", texts.len());
    for text in &texts {
        for tag in [ZH_HANT, ZH_HANS, EN] {
            let value = text.get(tag).and_then(Value::as_str).unwrap_or_default();
            assert!(!value.trim().is_empty(), "no {tag} in {text:?}");
        }
        // Where Traditional and Simplified differ, the Simplified is not a copy of the
        // Traditional (a hand-written override pasted from the wrong column).
        let traditional = text[ZH_HANT].as_str().unwrap();
        if from_traditional(traditional) != traditional {
            assert_ne!(text[ZH_HANS].as_str().unwrap(), traditional, "{text:?}");
        }
        // Spot checks of mainland usage, each once wrong in the made Simplified (fixed by
        // the conversion's usage table or by a zh-Hans written in the file).
        for not_mainland in ["著装", "甚么", "讯息", "公分", "订制", "影片", "擡"] {
            assert!(
                !text[ZH_HANS].as_str().unwrap().contains(not_mainland),
                "{not_mainland} in {text:?}"
            );
        }
    }
}

#[test]
fn a_simplified_text_written_in_the_file_wins_over_the_made_one() {
    let file = |path: &str| SourceFile {
        path: path.into(),
        text: std::fs::read_to_string(common::repo_path(path)).unwrap(),
    };
    let mut good = file("tests/fixtures/lint/library/good.toml");
    good.text = good.text.replacen(
        "title = { zh = \"迎客檢查\"",
        "title = { zh-Hans = \"迎宾检查\", zh = \"迎客檢查\"",
        1,
    );
    assert!(good.text.contains("迎宾检查"));
    let mut files = vec![good];
    for path in [
        "tests/fixtures/lint/library/positions.toml",
        "tests/fixtures/lint/library/standard/mini.toml",
        "tests/fixtures/lint/library/training/greeting.toml",
    ] {
        files.push(file(path));
    }
    let (library, problems) = parse_library(&files);
    assert!(
        problems.is_empty(),
        "one Simplified override is not a missing language elsewhere: {problems:?}"
    );
    let checklist = &library.checklists[0];
    assert_eq!(checklist.title.get_tag(ZH_HANS), "迎宾检查");
    assert_eq!(checklist.title.get(Lang::Zh), "迎客檢查");
    let section = &checklist.sections[0];
    assert_eq!(
        section.title.get_tag(ZH_HANS),
        from_traditional(section.title.get(Lang::Zh))
    );
}

/// The checklist as it was stored before texts were keyed by language tag.
fn old_shape(value: &mut Value) {
    match value {
        Value::Object(map) if map.contains_key(EN) && map.contains_key(ZH_HANT) => {
            let zh = map[ZH_HANT].clone();
            let en = map[EN].clone();
            map.clear();
            map.insert("zh".into(), zh);
            map.insert("en".into(), en);
        }
        Value::Object(map) => map.values_mut().for_each(old_shape),
        Value::Array(list) => list.iter_mut().for_each(old_shape),
        _ => {}
    }
}

#[tokio::test]
async fn a_version_stored_in_the_old_shape_loads_in_all_three_languages() {
    let library = shipped();
    let lobby = library.checklist("lobby-reception").unwrap().clone();
    let mut old = serde_json::to_value(&lobby).unwrap();
    old_shape(&mut old);
    let old = old.to_string();
    assert!(old.contains("\"zh\":") && !old.contains(ZH_HANS));
    let read: Checklist = serde_json::from_str(&old).unwrap();
    assert_eq!(read, lobby, "read back with Simplified made again");

    for backend in BACKENDS {
        let Some(t) = TestDb::new(backend, "old_shape_versions_load").await else {
            continue;
        };
        import(&t.db, &library).await.unwrap();
        let parent = checklist::Entity::find()
            .filter(checklist::Column::Key.eq("lobby-reception"))
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        let row = checklist_version::Entity::find()
            .filter(checklist_version::Column::ChecklistId.eq(parent.id))
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        let mut row: checklist_version::ActiveModel = row.into();
        row.definition = Set(old.clone());
        row.update(&t.db).await.unwrap();

        let current = current_checklists(&t.db).await.unwrap();
        let stored = current
            .iter()
            .find(|c| c.checklist.key == "lobby-reception")
            .unwrap();
        assert_eq!(stored.checklist, lobby, "{backend:?}");
        let item = stored.checklist.items().next().unwrap().1;
        assert_eq!(
            item.text.get_tag(ZH_HANS),
            from_traditional(item.text.get(Lang::Zh))
        );
    }
}

#[test]
fn position_names_read_in_simplified_from_their_traditional_column() {
    let row = entity::position::Model {
        id: 1,
        key: "lobby-concierge".into(),
        name_zh: "大堂接待員".into(),
        name_en: "Lobby concierge".into(),
        curriculum: None,
        curriculum_due_days: 14,
    };
    let name = decorum::store::org::position_name(&row);
    assert_eq!(name.get(Lang::Zh), "大堂接待員");
    assert_eq!(name.get(Lang::En), "Lobby concierge");
    assert_eq!(name.get_tag(ZH_HANS), "大堂接待员");
}
