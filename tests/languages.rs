//! Every page, PDF and CSV speaks the viewer's language and no other: for each role and
//! each language (zh-Hant, zh-Hans, en) the pages below are rendered and read for a
//! missing-message marker (`⟦id⟧`), an unfilled argument (`{$name}`) and words of
//! another language — in English no CJK characters, in Simplified Chinese none of a list
//! of Traditional-only characters, in Traditional Chinese none of their Simplified forms.
//!
//! Names and data are not the UI's: people are seeded with ASCII names, and the texts of
//! the shipped library (checklists, modules, positions: one language per text until the
//! library keys its texts by language tag) and the sites' names are taken out of what is
//! read, as are the language switch's own names of the languages.
//!
//! The page list is explicit: a page added to the app is added here.

mod common;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use common::{BACKENDS, TestApp, seed_world};
use decorum::domain::Lang;
use decorum::domain::text::is_cjk;

/// Characters Simplified Chinese does not use (their Simplified forms differ).
const TRADITIONAL_ONLY: &str =
    "們該檢員這個項與時從為說請會點發裡後單開關顯級標準設記錄選擇確認報數據歷總計進變應樣";
/// The Simplified forms of [`TRADITIONAL_ONLY`] that Traditional Chinese does not use
/// (里, 后 and 准 are left out: Traditional writes them too, in other words).
const SIMPLIFIED_ONLY: &str =
    "们该检员这个项与时从为说请会点发单开关显级标设记录选择确认报数据历总计进变应样";

/// The signed-in pages, `{a}` standing for site A, `{staff}` for a staff member there,
/// `{ins}` for a submitted spot-check. Pages a role may not see answer 403/404 and are
/// skipped for it; each role also follows its navigation links.
const PAGES: &[&str] = &[
    // Layout and home, spot-checks, the kept page
    "/",
    "/spotchecks/new",
    "/spotchecks/new?site={a}",
    "/spotchecks/chooser?site={a}",
    "/spotchecks/start?site={a}&subject={staff}&checklist=lobby-reception",
    "/spotchecks/{ins}",
    "/kept",
    // Inspections
    "/inspections",
    "/inspections/{ins}",
    // Corrective actions
    "/actions",
    "/actions/{action}",
    // Training
    "/training",
    "/training/{assignment}",
    "/training/assign",
    "/training/effectiveness",
    // Quality, plan, audit
    "/quality",
    "/quality?site={a}",
    "/plan",
    "/audit",
    // Notifications
    "/admin/webhooks",
    "/settings/mail",
    "/inspections/{ins}/email",
    // Admin
    "/admin",
    "/admin/people",
    "/admin/people/new",
    "/admin/people?added={staff}",
    "/admin/people/{staff}",
    "/admin/sites",
    "/admin/sites/new",
    "/admin/sites/{a}",
    "/admin/positions",
    "/admin/checklists",
    "/admin/checklists/lobby-reception",
    // Authoring the standard
    "/authoring",
    "/authoring/checklists/lobby-reception",
];

/// The downloads, read as text (PDFs through their text layer). CSV headers are column
/// names for programs (the same in every language); their cells are checked all the same.
const DOWNLOADS: &[&str] = &[
    "/inspections/{ins}/report.pdf",
    "/reports/site.pdf?site={a}",
    "/reports/staff/{staff}.pdf",
    "/quality/inspections.csv",
    "/quality/responses.csv",
];

/// Error pages, read whatever their status: an unknown address, a value that cannot be
/// read, a form field missing.
const ERROR_PAGES: &[&str] = &["/no-such-page", "/audit?page=x", "/inspections?from=x"];

const ROLES: &[&str] = &[
    "admin@t.test",
    "quality@t.test",
    "manager.a@t.test",
    "supervisor.a@t.test",
    "staff.a@t.test",
];

/// What a text says outside the data: `text` with every data string taken out, and all
/// whitespace (PDF lines break data in the middle).
fn outside_data(text: &str, data: &[String]) -> String {
    let mut text: String = html_unescape(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for d in data {
        text = text.replace(d.as_str(), " ");
    }
    text
}

fn html_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The strings of the shipped library and the seeded sites, whitespace removed, longest
/// first (so a text is taken out before a shorter one inside it).
fn data_strings() -> Vec<String> {
    fn collect(value: &toml::Value, out: &mut Vec<String>) {
        match value {
            toml::Value::String(s) => {
                // Page bodies are shown a paragraph or a "- " bullet at a time.
                out.extend(
                    s.lines()
                        .map(|line| line.trim().trim_start_matches("- ").to_string()),
                );
                out.push(s.clone());
            }
            toml::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            toml::Value::Table(table) => table.values().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = vec!["大堂 A Lobby".to_string(), "大堂 B Lobby".to_string()];
    out.extend(Lang::ALL.iter().map(|l| l.endonym().to_string()));
    let mut dirs = vec![common::repo_path("checklists")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let source = std::fs::read_to_string(&path).unwrap();
                // The editor shows the file itself, comments and all.
                out.extend(source.lines().map(str::to_string));
                let table: toml::Table = toml::from_str(&source).unwrap();
                collect(&toml::Value::Table(table), &mut out);
            }
        }
    }
    let mut out: Vec<String> = out
        .into_iter()
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|s: &String| s.chars().any(is_cjk))
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    out.dedup();
    out
}

/// What is wrong with a text shown in `lang`, if anything.
fn foreign_words(lang: Lang, text: &str, data: &[String]) -> Option<String> {
    if let Some(at) = text.find('⟦') {
        return Some(format!("a missing message: {}", excerpt(text, at)));
    }
    if let Some(at) = text.find("{$") {
        return Some(format!("an unfilled argument: {}", excerpt(text, at)));
    }
    let text = outside_data(text, data);
    let wrong: &dyn Fn(char) -> bool = match lang {
        Lang::En => &|c: char| is_cjk(c),
        Lang::ZhHans => &|c: char| TRADITIONAL_ONLY.contains(c),
        Lang::Zh => &|c: char| SIMPLIFIED_ONLY.contains(c),
    };
    let at = text.char_indices().find(|(_, c)| wrong(*c))?.0;
    Some(format!("another language's words: {}", excerpt(&text, at)))
}

fn excerpt(text: &str, at: usize) -> String {
    let start = text.floor_char_boundary(at.saturating_sub(120));
    let end = text.ceil_char_boundary((at + 120).min(text.len()));
    text[start..end].to_string()
}

/// The main navigation's links in a page.
fn nav_links(page: &str) -> Vec<String> {
    let Some(nav) = page.split("<nav class=\"mainnav\">").nth(1) else {
        return Vec::new();
    };
    let nav = nav.split("</nav>").next().unwrap_or_default();
    nav.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(html_unescape)
        .collect()
}

/// An open corrective action on the spot-check `ins`, owned by its site's manager.
async fn raise_action(app: &TestApp, ins: uuid::Uuid, site: i32, inspector: i32) -> i32 {
    use sea_orm::{ActiveModelTrait, Set};
    let row = entity::inspection::Entity::find_by_id(ins)
        .one(&app.test_db.db)
        .await
        .unwrap()
        .unwrap();
    entity::corrective_action::ActiveModel {
        inspection_id: Set(ins),
        checklist_version_id: Set(row.checklist_version_id),
        item_key: Set("back-to-post".into()),
        site_id: Set(site),
        text: Set(None),
        owner_id: Set(None),
        owner_role: Set(Some("manager".into())),
        due_date: Set(chrono::Utc::now().date_naive()),
        priority: Set(entity::states::ActionPriority::High),
        origin: Set("critical".into()),
        photo_required: Set(true),
        status: Set(entity::states::ActionStatus::Open),
        raised_by: Set(inspector),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.test_db.db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn every_page_speaks_one_language() {
    let backend = BACKENDS[0];
    let Some(app) = TestApp::spawn(backend, "languages").await else {
        return;
    };
    let w = seed_world(&app.test_db.db).await;
    let (supervisor, csrf) = app.sign_in("supervisor.a@t.test").await;
    let ins = common::submit_perfect_lobby(&app, (&supervisor, &csrf), (w.site_a, w.staff_a)).await;
    let assignment = entity::training_assignment::Entity::find()
        .filter(entity::training_assignment::Column::UserId.eq(w.staff_a))
        .one(&app.test_db.db)
        .await
        .unwrap()
        .expect("staff A has training to do (the new-hire curriculum)")
        .id;
    let action = raise_action(&app, ins, w.site_a, w.supervisor_a).await;
    let data = data_strings();
    let fill = |path: &str| {
        path.replace("{a}", &w.site_a.to_string())
            .replace("{staff}", &w.staff_a.to_string())
            .replace("{ins}", &ins.to_string())
            .replace("{assignment}", &assignment.to_string())
            .replace("{action}", &action.to_string())
    };
    let mut problems = Vec::new();
    let mut read = 0;
    for lang in Lang::ALL {
        // Signed out: the sign-in page, in the browser's language.
        let request = app.new_client().get(app.url("/signin"));
        let reply = request.header("accept-language", lang.tag()).send().await;
        let signin = reply.unwrap().text().await.unwrap();
        assert!(signin.contains(&format!("lang=\"{}\"", lang.tag())));
        if let Some(p) = foreign_words(lang, &signin, &data) {
            problems.push(format!("{} /signin: {p}", lang.tag()));
        }
        for email in ROLES {
            let (client, csrf) = app.sign_in(email).await;
            let chosen = client
                .post(app.url("/settings/lang"))
                .form(&[("_csrf", csrf.as_str()), ("lang", lang.code())])
                .send()
                .await
                .unwrap();
            assert_eq!(chosen.status(), 303);
            let home = common::page_text(&client, &app.url("/")).await;
            let mut paths: Vec<String> = PAGES.iter().map(|p| fill(p)).collect();
            paths.extend(nav_links(&home));
            paths.extend(DOWNLOADS.iter().map(|p| fill(p)));
            paths.extend(ERROR_PAGES.iter().map(|p| p.to_string()));
            // The page script's words.
            paths.push(format!("/i18n/{}.json", lang.tag()));
            paths.sort();
            paths.dedup();
            for path in paths {
                let mut reply = client.get(app.url(&path)).send().await.unwrap();
                if reply.status().is_redirection() {
                    let to = reply.headers()["location"].to_str().unwrap().to_string();
                    reply = client.get(app.url(&to)).send().await.unwrap();
                }
                let error_page = ERROR_PAGES.contains(&path.as_str());
                if matches!(reply.status().as_u16(), 403 | 404) && !error_page {
                    continue;
                }
                let status = reply.status();
                let kind = reply.headers()[reqwest::header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .to_string();
                let body = reply.bytes().await.unwrap();
                let text = if kind.starts_with("application/pdf") {
                    common::pdf::text(&body, None)
                } else {
                    String::from_utf8_lossy(&body).into_owned()
                };
                let where_ = format!("{} {email} {path} ({status})", lang.tag());
                if !status.is_success() && !error_page {
                    problems.push(format!("{where_}: not shown"));
                    continue;
                }
                if kind.starts_with("text/html")
                    && !text.contains(&format!("lang=\"{}\"", lang.tag()))
                {
                    problems.push(format!("{where_}: <html lang> is not {}", lang.tag()));
                }
                if let Some(p) = foreign_words(lang, &text, &data) {
                    problems.push(format!("{where_}: {p}"));
                }
                read += 1;
            }
        }
    }
    assert!(read > 200, "read {read} pages");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checks_find_what_they_look_for() {
    let data = vec!["大堂".to_string()];
    assert!(foreign_words(Lang::En, "Lobby 大堂", &data).is_none());
    assert!(foreign_words(Lang::En, "Lobby 開始", &data).is_some());
    assert!(foreign_words(Lang::ZhHans, "开始检查", &data).is_none());
    assert!(foreign_words(Lang::ZhHans, "開始檢查", &data).is_some());
    assert!(foreign_words(Lang::Zh, "開始檢查", &data).is_none());
    assert!(foreign_words(Lang::Zh, "开始检查", &data).is_some());
    assert!(foreign_words(Lang::En, "⟦nav-home⟧", &data).is_some());
    assert!(foreign_words(Lang::En, "Hello {$name}", &data).is_some());
}
