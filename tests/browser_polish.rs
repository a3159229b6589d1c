//! Every role, polished (issue 21: phones, staff and training, admin), in a real headless
//! Chromium where the layout matters and over HTTP where it does not:
//! - on a 390×844 phone, a 768×1024 tablet and a 1366×768 desktop, in 繁體, 简体 and
//!   English, no page a role reaches scrolls sideways
//!   (`document.scrollingElement.scrollWidth ≤ innerWidth`);
//! - My training puts overdue work first, then what is due soon, then what was started,
//!   completed modules folded away, each with its progress;
//! - a failed quiz names each wrong answer, the right one and the page that teaches it —
//!   only after the attempt;
//! - the result page names, per failed item, the module it calls for and whether this
//!   spot-check assigned it or it was already open; the inspection PDF says the same
//!   (read back with lopdf) and no longer says "no training" when the modules were open;
//! - adding a person confirms it, and a blank password never silently makes someone who
//!   cannot sign in: a generated password shown once, one typed, or "no sign-in" chosen.
//!
//! The browser part needs `chromedriver` and `chromium` (as tests/browser_tablet.rs); where
//! they are missing it prints a SKIP line (and fails under CI).

mod common;

use chrono::Local;
use common::{BACKENDS, Backend, TestApp, World, seed_world};
use decorum::domain::Lang;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Context, Gender, Subject};
use decorum::store::training;
use entity::states::AssignmentStatus;
use entity::{position, training_assignment, user};
use fantoccini::{Client, Locator};
use reqwest::Client as Http;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

// ── Fixtures ────────────────────────────────────────────────────────────────

/// Two failed items of the lobby checklist for staff A (a female lobby concierge): one
/// whose module she has completed (so the spot-check assigns it again) and one whose
/// module is open in her new-hire curriculum (already open).
struct Failures {
    fresh: String,
    open: String,
}

async fn failing_items(app: &TestApp, w: &World) -> Failures {
    let db = &app.test_db.db;
    let lobby = common::lobby(db).await;
    let subject = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
    let checks: Vec<&decorum::domain::Item> = lobby
        .checklist
        .items()
        .map(|(_, i)| i)
        .filter(|i| {
            matches!(i.kind, decorum::domain::ItemKind::Check)
                && !i.critical
                && answers.contains_key(&i.key)
                && !i.training.is_empty()
        })
        .collect();
    let concierge = position::Entity::find()
        .filter(position::Column::Key.eq("lobby-concierge"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let curriculum: Vec<String> =
        serde_json::from_value(concierge.curriculum.clone().unwrap()).unwrap();
    let open = checks
        .iter()
        .find(|i| i.training.iter().all(|m| curriculum.contains(m)))
        .expect("an item whose modules are in the curriculum");
    let fresh = checks
        .iter()
        .find(|i| i.training.iter().all(|m| !open.training.contains(m)))
        .expect("two items calling for different modules");
    // Staff A has done the first item's modules: nothing of them is open.
    let done = entity::training_module::Entity::find()
        .filter(entity::training_module::Column::Key.is_in(fresh.training.clone()))
        .all(db)
        .await
        .unwrap();
    for module in done {
        for row in training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.eq(w.staff_a))
            .filter(training_assignment::Column::ModuleId.eq(module.id))
            .all(db)
            .await
            .unwrap()
        {
            let mut a: training_assignment::ActiveModel = row.into();
            a.status = Set(AssignmentStatus::Completed);
            a.quiz_percent = Set(Some(100.0));
            a.completed_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(1)));
            a.update(db).await.unwrap();
        }
    }
    Failures {
        fresh: fresh.key.clone(),
        open: open.key.clone(),
    }
}

/// A lobby spot-check of staff A by supervisor A failing `failed`; returns its id.
async fn submit_failing(app: &TestApp, w: &World, failed: &[&str]) -> uuid::Uuid {
    let (sup, csrf) = app.sign_in("supervisor.a@t.test").await;
    let lobby = common::lobby(&app.test_db.db).await;
    let subject = Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    };
    let mut answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
    for key in failed {
        answers.insert(key.to_string(), Answer::Fail);
    }
    let id = uuid::Uuid::new_v4();
    let mut body = vec![
        ("_csrf".to_string(), csrf),
        ("version".into(), lobby.version_id.to_string()),
        ("site".into(), w.site_a.to_string()),
        ("subject".into(), w.staff_a.to_string()),
        ("shift_date".into(), common::recent_shift_date()),
        ("shift_period".into(), "morning".into()),
    ];
    body.extend(to_fields(&answers, &Default::default(), &Context::new()));
    let reply = sup
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{}", reply.text().await.unwrap());
    id
}

async fn signed_in(app: &TestApp, email: &str, lang: Lang) -> (Http, String) {
    let (client, csrf) = app.sign_in(email).await;
    let chosen = client
        .post(app.url("/settings/lang"))
        .form(&[("_csrf", csrf.as_str()), ("lang", lang.code())])
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
    (client, csrf)
}

async fn get(client: &Http, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Text without white space, so words a PDF line break split still match.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

// ── HTTP: the training each failure calls for; adding a person ──────────────

#[tokio::test]
async fn each_failure_names_its_training_on_the_page_and_in_the_pdf() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_training_calls").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let items = failing_items(&app, &w).await;
        let first = submit_failing(&app, &w, &[&items.fresh, &items.open]).await;
        // The same failures again: every module is open by now, none is new.
        let second = submit_failing(&app, &w, &[&items.fresh, &items.open]).await;

        let (staff, _) = signed_in(&app, "staff.a@t.test", Lang::En).await;
        let (status, page) = get(&staff, &app, &format!("/inspections/{first}")).await;
        assert_eq!(status, 200, "{backend:?}");
        assert!(
            page.contains("newly assigned by this spot-check"),
            "{backend:?}: the new module is named as new"
        );
        assert!(
            page.contains("already open before this spot-check"),
            "{backend:?}: the curriculum module is named as already open"
        );
        let (_, again) = get(&staff, &app, &format!("/inspections/{second}")).await;
        assert!(
            !again.contains("newly assigned by this spot-check"),
            "{backend:?}"
        );
        assert_eq!(
            again.matches("already open before this spot-check").count(),
            2,
            "{backend:?}: both failures' modules were already open"
        );

        for (id, new, open) in [(first, 1, 1), (second, 0, 2)] {
            let pdf = staff
                .get(app.url(&format!("/inspections/{id}/report.pdf")))
                .send()
                .await
                .unwrap();
            assert_eq!(pdf.status(), 200);
            let text = squeeze(&common::pdf::text(&pdf.bytes().await.unwrap(), None));
            assert_eq!(
                text.matches(&squeeze("newly assigned by this spot-check"))
                    .count(),
                new,
                "{backend:?} {id}: {text}"
            );
            assert_eq!(
                text.matches(&squeeze("already open before this spot-check"))
                    .count(),
                open,
                "{backend:?} {id}: {text}"
            );
            assert!(
                !text.contains(&squeeze("This spot-check assigned no training")),
                "{backend:?}: no false \"no training\": {text}"
            );
        }
        // In Chinese too.
        let (staff_zh, _) = signed_in(&app, "staff.a@t.test", Lang::Zh).await;
        let (_, zh) = get(&staff_zh, &app, &format!("/inspections/{first}")).await;
        assert!(zh.contains("由本次抽查新指派") && zh.contains("本次抽查前已在進行"));
    }
}

async fn add_person(
    app: &TestApp,
    (admin, csrf): (&Http, &str),
    email: &str,
    signin: &str,
    password: &str,
) -> reqwest::Response {
    admin
        .post(app.url("/admin/people"))
        .form(&[
            ("_csrf", csrf),
            ("name", "陳美玲"),
            ("email", email),
            ("role", "quality"),
            ("gender", "female"),
            ("signin", signin),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn person(app: &TestApp, email: &str) -> Option<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn adding_a_person_confirms_and_never_leaves_them_silently_locked_out() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_add_person").await else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        let (admin, csrf) = signed_in(&app, "admin@t.test", Lang::En).await;
        let admin = (&admin, csrf.as_str());

        // "Set a password" with none typed: refused, on the form, nobody stored.
        let r = add_person(&app, admin, "blank@t.test", "password", "").await;
        assert_eq!(r.status(), 422, "{backend:?}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Enter a password of at least 8 characters"),
            "{body}"
        );
        assert!(person(&app, "blank@t.test").await.is_none());

        // Generated: shown once on the answer, and it signs in.
        let r = add_person(&app, admin, "gen@t.test", "generate", "").await;
        assert_eq!(r.status(), 200, "{backend:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Added 陳美玲 (gen@t.test)."), "{body}");
        let at = body
            .find("class=\"generated-password\">")
            .expect("the password")
            + 27;
        let password: String = body[at..].chars().take_while(|c| *c != '<').collect();
        assert_eq!(password.len(), 16, "{password}");
        assert!(
            person(&app, "gen@t.test")
                .await
                .unwrap()
                .password_hash
                .is_some()
        );
        let fresh = app.new_client();
        let signin_page = app.sign_in_page(&fresh, "").await;
        let signed = fresh
            .post(app.url("/signin"))
            .form(&[
                ("_csrf", common::csrf_in(&signin_page).as_str()),
                ("email", "gen@t.test"),
                ("password", password.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            signed.status(),
            303,
            "{backend:?}: the generated password signs in"
        );
        // Never again: the people list does not show it.
        let (_, list) = get(admin.0, &app, "/admin/people").await;
        assert!(!list.contains(&password));

        // No sign-in, chosen: confirmed, and said plainly.
        let r = add_person(&app, admin, "none@t.test", "none", "").await;
        assert_eq!(r.status(), 303, "{backend:?}");
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/admin/people?added="), "{to}");
        let (_, page) = get(admin.0, &app, &to).await;
        assert!(page.contains("Added 陳美玲 (none@t.test)."));
        assert!(page.contains("They have no password and cannot sign in."));
        assert!(
            person(&app, "none@t.test")
                .await
                .unwrap()
                .password_hash
                .is_none()
        );
        // …but not with a password typed as well.
        let r = add_person(&app, admin, "both@t.test", "none", "long-enough-1").await;
        assert_eq!(r.status(), 422);

        // A password typed: confirmed.
        let r = add_person(&app, admin, "typed@t.test", "password", "long-enough-1").await;
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let (_, page) = get(admin.0, &app, &to).await;
        assert!(page.contains("They sign in with the password you set."));
    }
}

// ── The browser ─────────────────────────────────────────────────────────────

const VIEWPORTS: &[(u32, u32)] = &[(390, 844), (768, 1024), (1366, 768)];

/// A headless Chromium, or `None` (a SKIP line; a failure under CI).
async fn browser() -> Option<common::browser::Chromium> {
    common::browser::start(
        &["--window-size=390,844", "--lang=en-US", "--hide-scrollbars"],
        serde_json::json!({ "prefs": { "intl.accept_languages": "en-US,en" } }),
    )
    .await
}

/// Make the page's inner width `width` (the window's frame, if any, added).
async fn viewport(browser: &Client, (width, height): (u32, u32)) {
    browser.set_window_size(width, height).await.unwrap();
    let inner = browser
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap() as u32;
    if inner != width {
        browser
            .set_window_size(width + (width - inner.min(width)), height)
            .await
            .unwrap();
    }
    let inner = browser
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap() as u32;
    assert_eq!(inner, width, "the viewport is {width} px wide");
}

/// Choose the language as the switch in the top bar does.
async fn choose_language(browser: &Client, lang: Lang) {
    let status = browser
        .execute(
            "const csrf = document.querySelector('input[name=_csrf]').value;
             return fetch('/settings/lang', { method: 'POST', redirect: 'manual',
               headers: { 'content-type': 'application/x-www-form-urlencoded' },
               body: '_csrf=' + encodeURIComponent(csrf) + '&lang=' + encodeURIComponent(arguments[0]) })
               .then(r => r.type === 'opaqueredirect' ? 303 : r.status);",
            vec![serde_json::json!(lang.code())],
        )
        .await
        .unwrap();
    assert_eq!(status, serde_json::json!(303), "the language is chosen");
}

/// Open `path` and wait for the page (its script has run once the document is complete).
async fn open(browser: &Client, base: &str, path: &str) {
    browser.goto(&format!("{base}{path}")).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css("body"))
        .await
        .unwrap();
}

/// `None` when the page fits its width; else the widths and the elements that stick out.
async fn sideways(browser: &Client) -> Option<String> {
    let found = browser
        .execute(
            "const w = window.innerWidth, s = document.scrollingElement.scrollWidth;
             if (s <= w) return null;
             const out = [];
             for (const el of document.querySelectorAll('body *')) {
               const r = el.getBoundingClientRect();
               if (r.right > w + 1 && r.width > 0) {
                 out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '') + ' (' + Math.round(r.right) + ')');
                 if (out.length >= 6) break;
               }
             }
             return s + ' > ' + w + ': ' + out.join(', ');",
            vec![],
        )
        .await
        .unwrap();
    found.as_str().map(str::to_string)
}

/// Attribute values of the elements matching `css`, in document order.
async fn attributes(browser: &Client, css: &str, attribute: &str) -> Vec<String> {
    let found = browser
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]) || e.textContent.trim());",
            vec![serde_json::json!(css), serde_json::json!(attribute)],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Staff A's curriculum in every state My training sorts: overdue, due soon, started,
/// later and completed (the order a fixture would never produce by itself).
async fn spread_assignments(app: &TestApp, w: &World) -> Vec<training_assignment::Model> {
    let db = &app.test_db.db;
    let today = Local::now().date_naive();
    let mut rows = training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.eq(w.staff_a))
        .filter(training_assignment::Column::Reason.eq("curriculum"))
        .all(db)
        .await
        .unwrap();
    rows.sort_by_key(|a| a.id);
    assert!(rows.len() >= 5, "the curriculum has at least five modules");
    // In id order: completed, later, started, due soon, overdue — the reverse of the page.
    let plan: [(AssignmentStatus, i64, i32); 5] = [
        (AssignmentStatus::Completed, -10, 1),
        (AssignmentStatus::Assigned, 30, 0),
        (AssignmentStatus::InProgress, 25, 1),
        (AssignmentStatus::Assigned, 3, 0),
        (AssignmentStatus::InProgress, -2, 0),
    ];
    for (row, (status, days, attempts)) in rows.iter().zip(plan) {
        let mut a: training_assignment::ActiveModel = row.clone().into();
        a.status = Set(status);
        a.due_date = Set(today + chrono::Duration::days(days));
        a.attempts = Set(attempts);
        a.quiz_percent = Set((attempts > 0).then_some(50.0));
        if status == AssignmentStatus::Completed {
            a.quiz_percent = Set(Some(100.0));
            a.completed_at = Set(Some(chrono::Utc::now()));
        }
        a.update(db).await.unwrap();
    }
    rows
}

#[tokio::test]
async fn every_role_on_phone_tablet_and_desktop_in_three_languages() {
    let Some(chromium) = browser().await else {
        return;
    };
    let browser = &chromium.client;
    let app = TestApp::spawn(Backend::Sqlite, "browser_polish")
        .await
        .expect("SQLite");
    let w = seed_world(&app.test_db.db).await;
    let items = failing_items(&app, &w).await;
    let inspection = submit_failing(&app, &w, &[&items.fresh, &items.open]).await;
    let curriculum = spread_assignments(&app, &w).await;
    // The quiz taken in the browser: the last curriculum module (left as it was).
    let quiz = curriculum.last().unwrap().clone();
    let module = training::module(&app.test_db.db, quiz.module_id)
        .await
        .unwrap()
        .module;
    let base = app.base.clone();

    let a = w.site_a;
    let staff = w.staff_a;
    let ins = inspection;
    let common_pages = vec![
        "/".to_string(),
        "/inspections".into(),
        format!("/inspections/{ins}"),
        "/training".into(),
        "/kept".into(),
    ];
    let roles: Vec<(&str, Vec<String>)> = vec![
        (
            "staff.a@t.test",
            [common_pages.clone(), vec![format!("/training/{}", quiz.id)]].concat(),
        ),
        (
            "supervisor.a@t.test",
            [
                common_pages.clone(),
                vec![
                    format!("/spotchecks/new?site={a}"),
                    format!("/spotchecks/start?site={a}&subject={staff}&checklist=lobby-reception"),
                    "/plan".into(),
                ],
            ]
            .concat(),
        ),
        (
            "manager.a@t.test",
            [
                common_pages.clone(),
                vec![
                    "/training/assign".into(),
                    "/training/effectiveness".into(),
                    "/quality".into(),
                    format!("/quality?site={a}"),
                    "/plan".into(),
                ],
            ]
            .concat(),
        ),
        (
            "quality@t.test",
            [
                common_pages.clone(),
                vec![
                    "/quality".into(),
                    format!("/quality?site={a}"),
                    "/plan".into(),
                    "/audit".into(),
                    "/training/effectiveness".into(),
                ],
            ]
            .concat(),
        ),
        (
            "admin@t.test",
            vec![
                "/".into(),
                "/admin".into(),
                "/admin/people".into(),
                "/admin/people/new".into(),
                format!("/admin/people/{staff}"),
                format!("/admin/people?added={staff}"),
                "/admin/sites".into(),
                "/admin/sites/new".into(),
                format!("/admin/sites/{a}"),
                "/admin/positions".into(),
                "/admin/checklists".into(),
                "/admin/checklists/lobby-reception".into(),
                "/admin/checklists/lobby-reception/diff".into(),
                "/audit".into(),
                "/inspections".into(),
                format!("/inspections/{ins}"),
            ],
        ),
    ];

    let mut too_wide = Vec::new();
    let mut checked = 0;
    for (email, pages) in &roles {
        common::browser::sign_in(browser, &base, email).await;
        for lang in Lang::ALL {
            choose_language(browser, lang).await;
            for &size in VIEWPORTS {
                viewport(browser, size).await;
                for path in pages {
                    open(browser, &base, path).await;
                    checked += 1;
                    if let Some(why) = sideways(browser).await {
                        too_wide.push(format!(
                            "{email} {} {}×{} {path}: {why}",
                            lang.tag(),
                            size.0,
                            size.1
                        ));
                    }
                }
                if *email == "staff.a@t.test" {
                    staff_pages(browser, &base, lang, size, inspection, &quiz, &module).await;
                }
            }
        }
    }
    assert!(checked > 300, "{checked} pages looked at");
    assert!(
        too_wide.is_empty(),
        "pages that scroll sideways:\n{}",
        too_wide.join("\n")
    );
}

/// What staff A sees, in one language and one viewport: My training in order, the
/// training each failure called for, and the quiz's feedback after an attempt.
async fn staff_pages(
    browser: &Client,
    base: &str,
    lang: Lang,
    size: (u32, u32),
    inspection: uuid::Uuid,
    quiz: &training_assignment::Model,
    module: &decorum::domain::training::Module,
) {
    let at = format!("{} {}×{}", lang.tag(), size.0, size.1);

    // My training: overdue, due soon, started, later; completed folded away.
    open(browser, base, "/training").await;
    let groups = attributes(browser, "section.todo-group", "data-group").await;
    assert_eq!(
        groups,
        ["overdue", "due-soon", "in-progress", "later"],
        "{at}: My training's groups"
    );
    let order = attributes(browser, "li.todo", "data-todo").await;
    let rank = |g: &str| {
        ["overdue", "due-soon", "in-progress", "later", "completed"]
            .iter()
            .position(|x| *x == g)
            .unwrap()
    };
    assert!(
        order.windows(2).all(|p| rank(&p[0]) <= rank(&p[1])),
        "{at}: {order:?}"
    );
    assert_eq!(order.last().map(String::as_str), Some("completed"));
    let folded = browser
        .execute(
            "const d = document.querySelector('details.todo-done');
             const done = d.querySelector('li.todo');
             return [d.open, done.checkVisibility(),
                     document.querySelectorAll('li.todo progress').length,
                     document.querySelectorAll('li.todo').length];",
            vec![],
        )
        .await
        .unwrap();
    let folded = folded.as_array().unwrap();
    assert_eq!(
        folded[0],
        serde_json::json!(false),
        "{at}: completed folded"
    );
    assert_eq!(
        folded[1],
        serde_json::json!(false),
        "{at}: completed hidden"
    );
    assert_eq!(folded[2], folded[3], "{at}: a progress bar per module");

    // The result: each failed item names its module, new or already open.
    open(browser, base, &format!("/inspections/{inspection}")).await;
    let states = attributes(browser, "p.training-call", "data-state").await;
    assert!(
        states.contains(&"polish-staff-call-newly-assigned".to_string())
            && states.contains(&"polish-staff-call-already-open".to_string()),
        "{at}: {states:?}"
    );
    let calls = attributes(browser, "p.training-call", "text")
        .await
        .join("\n");
    let (new, open_words) = match lang {
        Lang::Zh => ("由本次抽查新指派", "本次抽查前已在進行"),
        Lang::ZhHans => ("由本次抽查新指派", "本次抽查前已在进行"),
        Lang::En => (
            "newly assigned by this spot-check",
            "already open before this spot-check",
        ),
    };
    assert!(
        calls.contains(new) && calls.contains(open_words),
        "{at}: {calls}"
    );

    // The quiz: no answers on the page before an attempt; after a wrong one, each wrong
    // answer, the right one and the page that teaches it.
    if size.0 != 390 {
        return;
    }
    open(browser, base, &format!("/training/{}", quiz.id)).await;
    assert!(
        attributes(browser, ".quiz-review, .right-answer", "class")
            .await
            .is_empty(),
        "{at}: no answers before the attempt"
    );
    let wrong: Vec<(usize, usize)> = module
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| (q, question.options.iter().position(|o| !o.correct).unwrap()))
        .collect();
    let picks: Vec<String> = wrong
        .iter()
        .map(|(q, o)| format!("input[name='q.{q}'][value='{o}']"))
        .collect();
    browser
        .execute(
            "for (const css of arguments[0]) document.querySelector(css).checked = true;
             document.querySelector('form[action$=\"/quiz\"] button[type=submit]').click();",
            vec![serde_json::json!(picks)],
        )
        .await
        .unwrap();
    browser
        .wait()
        .for_element(Locator::Css(".quiz-review"))
        .await
        .unwrap();
    let reviewed = attributes(browser, ".wrong-answer", "data-question").await;
    assert_eq!(
        reviewed.len(),
        module.questions.len(),
        "{at}: every answer was wrong"
    );
    let right = attributes(browser, ".wrong-answer .right-answer", "text").await;
    for (q, question) in module.questions.iter().enumerate() {
        for option in question.options.iter().filter(|o| o.correct) {
            assert!(
                right[q].contains(option.text.get(lang)),
                "{at}: {}",
                right[q]
            );
        }
    }
    let links = attributes(browser, ".teaching-page a", "href").await;
    assert!(!links.is_empty(), "{at}: the pages to read again");
    for link in &links {
        let n: usize = link.trim_start_matches("#page-").parse().unwrap();
        assert!((1..=module.pages.len()).contains(&n), "{link}");
        assert_eq!(
            attributes(browser, link, "id").await,
            [link[1..].to_string()]
        );
    }
    assert!(
        sideways(browser).await.is_none(),
        "{at}: the quiz's feedback fits"
    );
}
