//! The quality department's pages in a real Chromium on a 1366×768 desktop, in
//! Traditional and Simplified Chinese and English: the dashboard's staff filter offers
//! the people of the viewer's scope as they type (and only those), and the audit log
//! tells a change as a sentence with its before/after table, the raw record behind a
//! toggle that opens.
//!
//! Needs `chromedriver` and `chromium` (Debian's packages, installed by .ci/run); where
//! they are missing the test prints a SKIP line (and fails under CI=true).

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use decorum::auth::Role;
use decorum::domain::Lang;
use decorum::domain::org::Name;
use decorum::store::admin::{PersonEdit, update_person};
use fantoccini::{Client, Locator};

/// A headless Chromium with a desktop-sized window, in English.
async fn desktop() -> Option<common::browser::Chromium> {
    common::browser::start(
        &["--window-size=1366,768", "--lang=en-US"],
        serde_json::json!({ "prefs": { "intl.accept_languages": "en-US,en" } }),
    )
    .await
}

async fn script(browser: &Client, js: &str) -> serde_json::Value {
    browser.execute(js, vec![]).await.unwrap()
}

/// Wait until `js` (an expression) is true on the page.
async fn until(browser: &Client, js: &str, what: &str) {
    let started = Instant::now();
    loop {
        if script(browser, &format!("return !!({js});")).await == serde_json::json!(true) {
            return;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let body = script(browser, "return document.body.innerText;").await;
            panic!("{what}: not so after 10 s; the page says {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Pick a language with the switch in the top bar (when it is not the page's already).
async fn choose(browser: &Client, lang: Lang) {
    let current = script(browser, "return document.documentElement.lang;").await;
    if current == serde_json::json!(lang.tag()) {
        return;
    }
    browser
        .find(Locator::Css(&format!(
            "form[action='/settings/lang'] button[value='{}']",
            lang.code()
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        browser,
        &format!("document.documentElement.lang === '{}'", lang.tag()),
        "the language switch",
    )
    .await;
}

#[tokio::test]
async fn staff_filter_suggestions_and_audit_sentences_in_a_browser() {
    let Some(app) = TestApp::spawn(Backend::Sqlite, "browser_quality").await else {
        return;
    };
    let Some(chromium) = desktop().await else {
        return;
    };
    let browser = chromium.client.clone();
    let w = common::seed_world(&app.test_db.db).await;
    // staff.a is renamed 張靜怡, then moved from the lobby to the sales hall.
    for position in ["lobby-concierge", "sales-hall-host"] {
        update_person(
            &app.test_db.db,
            w.admin,
            w.staff_a,
            PersonEdit {
                name: Name::parse("張靜怡").unwrap(),
                role: Role::Staff,
                sites: vec![w.site_a],
                position: Some(position.into()),
                gender: Some(decorum::domain::scoring::Gender::Female),
                hire_date: None,
                active: true,
            },
        )
        .await
        .unwrap();
    }

    // A manager of site A: the suggestions are site A's staff, as they type.
    common::browser::sign_in(&browser, &app.url(""), "manager.a@t.test").await;
    browser.goto(&app.url("/quality")).await.unwrap();
    let box_ = browser
        .wait()
        .for_element(Locator::Css("#staff-filter"))
        .await
        .unwrap();
    assert_eq!(
        box_.attr("list").await.unwrap().as_deref(),
        Some("staff-options"),
        "a searchable list, not a dead select"
    );
    box_.send_keys("staff").await.unwrap();
    until(
        &browser,
        "document.querySelectorAll('#staff-options option').length === 1",
        "site A's staff matching `staff`",
    )
    .await;
    let offered = script(
        &browser,
        "return [...document.querySelectorAll('#staff-options option')].map(o => o.value);",
    )
    .await;
    assert_eq!(
        offered,
        serde_json::json!([format!("staff.a2 (#{})", w.staff_a2)]),
        "staff.a is now 張靜怡; site B's staff.b is not offered"
    );
    box_.clear().await.unwrap();
    box_.send_keys("張").await.unwrap();
    until(
        &browser,
        "[...document.querySelectorAll('#staff-options option')].some(o => o.value.startsWith('張靜怡'))",
        "a Chinese name as typed",
    )
    .await;
    // Choosing it filters the dashboard by that person.
    box_.clear().await.unwrap();
    box_.send_keys(&format!("張靜怡 (#{})", w.staff_a))
        .await
        .unwrap();
    browser
        .find(Locator::Css("form.filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &browser,
        &format!("location.search.includes('subject=') && document.querySelector('#staff-filter').value === '張靜怡 (#{})'", w.staff_a),
        "the dashboard filtered by the person chosen",
    )
    .await;

    // The quality department reads the change in each language.
    browser.goto(&app.url("/")).await.unwrap();
    browser
        .find(Locator::Css("form[action='/signout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait()
        .for_element(Locator::Css("input[name=email]"))
        .await
        .unwrap();
    common::browser::sign_in(&browser, &app.url(""), "quality@t.test").await;
    for (lang, sentence, field) in [
        (
            Lang::En,
            "admin changed 張靜怡's position from Lobby concierge to Sales hall host",
            "position",
        ),
        (
            Lang::Zh,
            "admin 將 張靜怡 的職位由「大堂接待員」改為「銷售大廳接待員」",
            "職位",
        ),
        (
            Lang::ZhHans,
            "admin 将 张静怡 的职位由“大堂接待员”改为“销售大厅接待员”",
            "职位",
        ),
    ] {
        browser.goto(&app.url("/audit?entity=user")).await.unwrap();
        choose(&browser, lang).await;
        let sentences = script(
            &browser,
            "return [...document.querySelectorAll('.audit-sentence')].map(s => s.innerText);",
        )
        .await;
        let list: Vec<String> = serde_json::from_value(sentences).unwrap();
        // Names are data: 張靜怡 is shown as stored, in every script.
        let sentence = sentence.replace("张静怡", "張靜怡");
        assert!(
            list.contains(&sentence),
            "{lang:?}: {sentence:?} among {list:?}"
        );
        let entry = format!(
            "[...document.querySelectorAll('.audit-entry')].find(e => e.querySelector('.audit-sentence').innerText === {})",
            serde_json::to_string(&sentence).unwrap()
        );
        let cells = script(
            &browser,
            &format!(
                "return [...{entry}.querySelectorAll('.audit-changes td')].map(c => c.innerText);"
            ),
        )
        .await;
        let cells: Vec<String> = serde_json::from_value(cells).unwrap();
        assert_eq!(
            cells.first().map(String::as_str),
            Some(field),
            "{lang:?}: {cells:?}"
        );
        // The raw record is behind a toggle: hidden, then shown by a click.
        let raw_shown = format!(
            "{entry}.querySelector('.audit-raw').open && {entry}.querySelector('.audit-raw pre').checkVisibility()"
        );
        assert_eq!(
            script(&browser, &format!("return {raw_shown};")).await,
            serde_json::json!(false),
            "{lang:?}: the raw record starts folded"
        );
        script(
            &browser,
            &format!("{entry}.querySelector('.audit-raw summary').click(); return 0;"),
        )
        .await;
        until(&browser, &raw_shown, "the raw record opens").await;
        assert!(
            script(
                &browser,
                &format!("return {entry}.querySelector('.audit-raw pre').innerText;")
            )
            .await
            .as_str()
            .unwrap()
            .contains("\"position\": \"sales-hall-host\""),
        );
        // Nothing scrolls sideways on the desktop.
        assert_eq!(
            script(
                &browser,
                "return document.documentElement.scrollWidth <= window.innerWidth;"
            )
            .await,
            serde_json::json!(true),
            "{lang:?}: the audit log fits the window"
        );
    }
    browser.close().await.unwrap();
}
