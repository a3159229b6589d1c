//! The library lint speaks the author's language (issue 17): broken checklists and
//! modules, one per family of diagnostics, posted to the authoring editor's lint
//! endpoint in 繁體, 简体 and English, on SQLite and PostgreSQL. Every message is said in
//! full (no ⟦id⟧ marker, no unfilled argument), the Chinese ones in Chinese, Simplified
//! told apart from Traditional; the refusal page and the admin's list of library
//! problems say them in the viewer's language too.

mod common;

use common::{BACKENDS, TestApp, seed_world};
use decorum::domain::text::is_han;
use reqwest::Client;

/// The Accept-Language sent and the catalog it picks, in the order of `Case::expect`.
const LANGS: [(&str, &str); 3] = [("en", "en"), ("zh-TW", "zh-Hant"), ("zh-CN", "zh-Hans")];

fn shipped(path: &str) -> String {
    std::fs::read_to_string(common::repo_path(path)).unwrap()
}

/// `text` with `from` replaced by `to` (once, and it must be there).
fn with(text: &str, edits: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (from, to) in edits {
        assert!(out.contains(from), "the fixture holds {from:?}");
        out = out.replacen(from, to, 1);
    }
    out
}

/// One broken file: where it is edited, its text, and a fragment each language's
/// answer must hold (en, zh-Hant, zh-Hans).
struct Case {
    name: &'static str,
    editor: &'static str,
    source: String,
    expect: [&'static str; 3],
}

fn cases() -> Vec<Case> {
    let lobby = shipped("checklists/lobby-reception.toml");
    let manners = shipped("checklists/training/conduct-manners.toml");
    const LOBBY: &str = "/authoring/checklists/lobby-reception";
    const MANNERS: &str = "/authoring/modules/conduct-manners";
    vec![
        Case {
            name: "TOML syntax",
            editor: LOBBY,
            source: format!("{lobby}\n[[section.item\n"),
            expect: ["", "TOML 語法", "TOML 语法"],
        },
        Case {
            name: "head: percent and source",
            editor: LOBBY,
            source: with(
                &lobby,
                &[
                    ("pass_mark = 80", "pass_mark = 180"),
                    ("source = \"客戶接待工作流程2 §4.3\"", "source = \" \""),
                ],
            ),
            expect: [
                "must be a percent between 0 and 100, not 180",
                "百分比",
                "百分比",
            ],
        },
        Case {
            name: "keys",
            editor: LOBBY,
            source: with(
                &lobby,
                &[("key = \"ready-spirit\"", "key = \"Ready Spirit\"")],
            ),
            expect: [
                "item key `Ready Spirit` is not valid",
                "項目代碼",
                "项目代码",
            ],
        },
        Case {
            name: "texts and languages",
            editor: LOBBY,
            source: with(
                &lobby,
                &[
                    (
                        "text = { zh = \"等候時儀容儀表整潔得體\"",
                        "text = { zh = \"Smart\"",
                    ),
                    (
                        ", en = \"Hands folded over the lower abdomen when facing guests\" }",
                        " }",
                    ),
                ],
            ),
            expect: ["has no Chinese characters", "沒有中文字", "没有汉字"],
        },
        Case {
            name: "item kinds",
            editor: LOBBY,
            source: with(
                &lobby,
                &[
                    ("kind = \"check\"", "kind = \"tick\""),
                    ("max = 4\npass_at = 3", "pass_at = 3"),
                ],
            ),
            expect: [
                "unknown item kind `tick`",
                "未知的項目類型",
                "未知的项目类型",
            ],
        },
        Case {
            name: "context and conditions",
            editor: LOBBY,
            source: with(
                &lobby,
                &[
                    ("kind = \"choice\"", "kind = \"colour\""),
                    (
                        "training = [\"lobby-greeting\"]",
                        "training = [\"lobby-greeting\"]\nwhen = { field = \"subject.height\", is = \"tall\" }",
                    ),
                ],
            ),
            expect: [
                "condition on unknown field `subject.height`",
                "條件的欄位",
                "条件的字段",
            ],
        },
        Case {
            name: "references",
            editor: LOBBY,
            source: with(
                &lobby,
                &[
                    (
                        "training = [\"lobby-greeting\"]",
                        "training = [\"no-such-module\"]",
                    ),
                    (
                        "positions = [\"lobby-concierge\"]",
                        "positions = [\"nobody\"]",
                    ),
                ],
            ),
            expect: [
                "unknown training module `no-such-module`",
                "培訓課程",
                "培训课程",
            ],
        },
        Case {
            name: "the file must define its key",
            editor: LOBBY,
            source: with(
                &lobby,
                &[("key = \"lobby-reception\"", "key = \"lobby-other\"")],
            ),
            expect: [
                "this file must define the checklist `lobby-reception`",
                "此檔案須定義",
                "此文件必须定义",
            ],
        },
        Case {
            name: "modules and quizzes",
            editor: MANNERS,
            source: with(
                &manners,
                &[
                    ("due_days = 7", "due_days = 0"),
                    ("kind = \"single\"", "kind = \"essay\""),
                ],
            ),
            expect: [
                "unknown question kind `essay`",
                "未知的題目類型",
                "未知的题目类型",
            ],
        },
    ]
}

async fn lint_in(
    client: &Client,
    app: &TestApp,
    csrf: &str,
    (editor, source): (&str, &str),
    accept_language: &str,
) -> Vec<String> {
    let r = client
        .post(app.url(&format!("{editor}/lint")))
        .header("accept-language", accept_language)
        .header("accept", "application/json")
        .form(&[("_csrf", csrf), ("source", source)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let answer: serde_json::Value = r.json().await.unwrap();
    assert_eq!(answer["clean"], false);
    answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect()
}

fn said_in_full(message: &str) {
    assert!(
        !message.contains('⟦'),
        "a message id not in the catalog: {message}"
    );
    assert!(
        !message.contains("{ $") && !message.contains("{$"),
        "an argument left unfilled: {message}"
    );
    assert!(!message.trim().is_empty());
}

#[tokio::test]
async fn the_authoring_lint_speaks_the_authors_language() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "lint_languages").await else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        for case in cases() {
            let mut said = Vec::new();
            for (i, (header, tag)) in LANGS.iter().enumerate() {
                let messages =
                    lint_in(&quality, &app, &csrf, (case.editor, &case.source), header).await;
                assert!(
                    !messages.is_empty(),
                    "{backend:?} {}: no problems",
                    case.name
                );
                for m in &messages {
                    said_in_full(m);
                    if *tag != "en" {
                        assert!(
                            m.chars().any(is_han),
                            "{backend:?} {} {tag}: not in Chinese: {m}",
                            case.name
                        );
                    }
                }
                let joined = messages.join("\n");
                assert!(
                    joined.contains(case.expect[i]),
                    "{backend:?} {} {tag}: {:?} not in {joined}",
                    case.name,
                    case.expect[i]
                );
                said.push(joined);
            }
            assert_ne!(
                said[1], said[2],
                "{}: Simplified is not Traditional",
                case.name
            );
            assert_ne!(said[0], said[1], "{}", case.name);
        }
    }
}

/// What the command line says is the English, as before: the same problems as the
/// English endpoint, with their places.
#[test]
fn the_command_line_still_speaks_english() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    let lobby = shipped("checklists/lobby-reception.toml");
    std::fs::write(
        &broken,
        with(&lobby, &[("pass_mark = 80", "pass_mark = 180")]),
    )
    .unwrap();
    let (code, out, err) =
        common::run_decorum(None, &["checklists", "lint", broken.to_str().unwrap()]);
    assert_ne!(code, 0);
    let said = format!("{out}{err}");
    assert!(
        said.contains("`pass_mark` must be a percent between 0 and 100, not 180"),
        "{said}"
    );
    assert!(!said.chars().any(is_han) || said.contains("客戶"), "{said}");
}

/// A proposal refused for its problems shows them in the author's language, and the
/// admin's list of the library's broken files says them in the admin's.
#[tokio::test]
async fn refusals_and_library_problems_are_said_in_the_viewers_language() {
    for backend in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().join("checklists");
        common::copy_dir(&common::repo_path("checklists"), &library);
        let dir_for_app = library.clone();
        let Some(app) = TestApp::spawn_with(backend, "lint_languages_pages", move |c| {
            c.checklists_dir = dir_for_app;
        })
        .await
        else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        // A module file broken after the import: the admin's page reads the files anew.
        let manners = library.join("training/conduct-manners.toml");
        let text = std::fs::read_to_string(&manners).unwrap();
        std::fs::write(&manners, with(&text, &[("due_days = 7", "due_days = 0")])).unwrap();

        let (quality, csrf) = app.sign_in("quality@t.test").await;
        let lobby = shipped("checklists/lobby-reception.toml");
        let broken = with(&lobby, &[("pass_mark = 80", "pass_mark = 180")]);
        let refused = quality
            .post(app.url("/authoring/checklists/lobby-reception"))
            .header("accept-language", "zh-CN")
            .form(&[
                ("_csrf", csrf.as_str()),
                ("source", broken.as_str()),
                ("reason", "测试"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422, "{backend:?}");
        let page = refused.text().await.unwrap();
        assert!(
            page.contains("必须是 0 到 100 之间的百分比，而不是 180"),
            "{backend:?}: the refusal in Simplified"
        );
        assert!(!page.contains("must be a percent"), "{backend:?}");

        let (admin, _) = app.sign_in("admin@t.test").await;
        for (header, expected, not) in [
            ("zh-TW", "`due_days` 至少須為 1", "must be at least 1"),
            ("zh-CN", "`due_days` 至少为 1", "must be at least 1"),
            ("en", "`due_days` must be at least 1", "至少"),
        ] {
            let page = admin
                .get(app.url("/admin/checklists"))
                .header("accept-language", header)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                page.contains("conduct-manners.toml"),
                "{backend:?} {header}"
            );
            assert!(page.contains(expected), "{backend:?} {header}: {expected}");
            assert!(!page.contains(not), "{backend:?} {header}");
        }
    }
}
