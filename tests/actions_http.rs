//! Corrective actions and sign-off over HTTP on SQLite and PostgreSQL, with a library
//! whose lobby checklist asks for sign-off and gives one item an `action` table:
//! a spot-check posted as the offline outbox sends it raises the inspector's action, the
//! checklist's and the critical failure's; its signatures show on the result and in the
//! PDF; owners see and close their actions (a photo where asked), the inspector or a
//! manager verifies or reopens, never the closer; another site's supervisor neither sees
//! nor closes; overdue actions count per site on the manager's home and in the site PDF;
//! every step is audited.

mod common;

use base64::Engine;
use common::{BACKENDS, TestApp, World, recent_shift_date, seed_world};
use decorum::domain::notify::EventName;
use decorum::domain::scoring::Gender;
use entity::states::ActionStatus;
use entity::{audit_log, corrective_action, inspection_signoff};
use reqwest::Client;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// A 1×1 PNG, as a drawn signature arrives (a data URL) and as evidence.
const PNG_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(PNG_B64)
        .unwrap()
}

/// The repository's library with sign-off on the lobby checklist and an `action` table
/// (owner: the site's supervisor, photo required) on its `ready-appearance` item.
fn library(dir: &std::path::Path) {
    common::copy_dir(&common::repo_path("checklists"), dir);
    let path = dir.join("lobby-reception.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let source = "source = \"客戶接待工作流程2 §4.3\"\n";
    let at = text.find(source).expect("the lobby head's source") + source.len();
    text.insert_str(at, "sign_off = true\n");
    let item = text.find("key = \"ready-appearance\"").unwrap();
    let next = item + text[item..].find("\n[[section.item]]").unwrap();
    text.insert_str(
        next,
        "\n[section.item.action]\nowner = \"supervisor\"\ndue_days = 2\ntext = { zh = \"更換破損制服\", en = \"Replace the torn uniform\" }\nphoto = true\n",
    );
    std::fs::write(&path, text).unwrap();
}

async fn spawn(backend: common::Backend, test: &str) -> Option<(TestApp, tempfile::TempDir)> {
    spawn_with(backend, test, |_| {}).await
}

/// [`spawn`] with the configuration adjusted too (mail to a test SMTP server…).
async fn spawn_with(
    backend: common::Backend,
    test: &str,
    configure: impl FnOnce(&mut decorum::config::Config),
) -> Option<(TestApp, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    library(dir.path());
    let checklists = dir.path().to_path_buf();
    let app = TestApp::spawn_with(backend, test, move |c| {
        c.checklists_dir = checklists;
        configure(c);
    })
    .await?;
    Some((app, dir))
}

/// The lobby form for staff A with perfect answers, then `changes` (replacing fields of
/// the same name, or added).
async fn form(
    app: &TestApp,
    w: &World,
    csrf: &str,
    changes: &[(&str, String)],
) -> Vec<(String, String)> {
    let mut body = common::perfect_lobby_form(
        &app.test_db.db,
        csrf,
        (w.site_a, w.staff_a),
        Gender::Female,
        (&recent_shift_date(), "morning"),
    )
    .await;
    for (name, value) in changes {
        body.retain(|(n, _)| n != name);
        body.push((name.to_string(), value.clone()));
    }
    body
}

fn signatures(declined: bool) -> Vec<(&'static str, String)> {
    let url = format!("data:image/png;base64,{PNG_B64}");
    let mut v = vec![("sig.inspector", url.clone())];
    if declined {
        v.push(("sig.declined", "1".into()));
    } else {
        v.push(("sig.subject", url));
    }
    v
}

/// Post a spot-check as the outbox does (JSON accepted); the status and body.
async fn post(
    app: &TestApp,
    client: &Client,
    id: Uuid,
    body: &[(String, String)],
) -> (u16, String) {
    let reply = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(body)
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

async fn get(app: &TestApp, client: &Client, path: &str) -> (u16, Vec<u8>) {
    let reply = client.get(app.url(path)).send().await.unwrap();
    (
        reply.status().as_u16(),
        reply.bytes().await.unwrap().to_vec(),
    )
}

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    let (status, body) = get(app, client, path).await;
    assert_eq!(status, 200, "GET {path}");
    String::from_utf8(body).unwrap()
}

async fn close(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    id: i32,
    note: &str,
    photo: Option<Vec<u8>>,
) -> u16 {
    let mut parts = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_string())
        .text("note", note.to_string());
    if let Some(bytes) = photo {
        parts = parts.part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name("evidence.png"),
        );
    }
    client
        .post(app.url(&format!("/actions/{id}/close")))
        .multipart(parts)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn step(app: &TestApp, client: &Client, csrf: &str, id: i32, what: &str) -> u16 {
    client
        .post(app.url(&format!("/actions/{id}/{what}")))
        .form(&[("_csrf", csrf), ("note", "still torn at the cuff")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn actions_of(app: &TestApp, inspection: Uuid) -> Vec<corrective_action::Model> {
    corrective_action::Entity::find()
        .filter(corrective_action::Column::InspectionId.eq(inspection))
        .order_by_asc(corrective_action::Column::Id)
        .all(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn actions_are_raised_closed_verified_and_counted_when_overdue() {
    for backend in BACKENDS {
        let Some((app, _dir)) = spawn(backend, "actions_flow").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;
        // A receiver subscribed to actions: raising and closing one are webhook events.
        decorum::store::outbox::add_endpoint(
            db,
            w.admin,
            "https://hooks.example.com/decorum",
            "a secret of sixteen characters",
            &[EventName::ActionRaised, EventName::ActionClosed],
        )
        .await
        .unwrap();
        let (supervisor, s_csrf) = app.sign_in("supervisor.a@t.test").await;
        let (manager, m_csrf) = app.sign_in("manager.a@t.test").await;
        let (other, o_csrf) = app.sign_in("supervisor.b@t.test").await;

        // The form offers the action fields and the sign-off pads.
        let start = supervisor
            .get(app.url(&format!(
                "/spotchecks/start?site={}&subject={}&checklist=lobby-reception",
                w.site_a, w.staff_a
            )))
            .send()
            .await
            .unwrap();
        let form_page = match start.headers().get("location") {
            Some(to) => page(&app, &supervisor, to.to_str().unwrap()).await,
            None => start.text().await.unwrap(),
        };
        for field in [
            "act.hands-folded.owner",
            "name=\"sig.subject\"",
            "name=\"sig.declined\"",
        ] {
            assert!(form_page.contains(field), "{field} missing from the form");
        }

        // Three failures: a critical item, an item with an action table, and one the
        // inspector raises an action for (owner: the site's manager, high priority).
        let due = (chrono::Local::now().date_naive() + chrono::Duration::days(5)).to_string();
        let mut changes = vec![
            ("a.back-to-post", "fail".to_string()),
            ("a.ready-appearance", "fail".to_string()),
            ("a.hands-folded", "fail".to_string()),
            ("act.hands-folded", "1".to_string()),
            (
                "act.hands-folded.text",
                "Practise the standing posture".to_string(),
            ),
            ("act.hands-folded.owner", "manager".to_string()),
            ("act.hands-folded.due", due.clone()),
            ("act.hands-folded.priority", "high".to_string()),
        ];

        // Sign-off is required by this checklist: without it the post is refused.
        let id = Uuid::new_v4();
        let body = form(&app, &w, &s_csrf, &changes).await;
        let (status, text) = post(&app, &supervisor, id, &body).await;
        assert_eq!(status, 422, "{text}");
        // Said in the viewer's language now (it was an English literal in every one).
        assert!(text.contains("sign") || text.contains("簽名確認"), "{text}");

        // An action for an item that passed, and a due date in the past, are refused.
        let mut wrong = changes.clone();
        wrong.push(("act.greeting-name", "1".to_string()));
        wrong.extend(signatures(false));
        let (status, text) = post(
            &app,
            &supervisor,
            id,
            &form(&app, &w, &s_csrf, &wrong).await,
        )
        .await;
        assert_eq!(status, 422, "{text}");
        assert!(text.contains("greeting-name"), "{text}");

        changes.extend(signatures(false));
        let body = form(&app, &w, &s_csrf, &changes).await;
        let (status, text) = post(&app, &supervisor, id, &body).await;
        assert_eq!(status, 200, "{text}");
        // A retry (the outbox sending again) stores nothing twice.
        let (status, _) = post(&app, &supervisor, id, &body).await;
        assert_eq!(status, 200);

        let raised = actions_of(&app, id).await;
        let by_item = |key: &str| raised.iter().find(|a| a.item_key == key).unwrap().clone();
        assert_eq!(raised.len(), 3, "{raised:?}");
        let mine = by_item("hands-folded");
        assert_eq!(mine.origin, "inspector");
        assert_eq!(mine.owner_role.as_deref(), Some("manager"));
        assert_eq!(mine.due_date.to_string(), due);
        assert_eq!(mine.text.as_deref(), Some("Practise the standing posture"));
        let rule = by_item("ready-appearance");
        assert_eq!(
            (rule.origin.as_str(), rule.owner_role.as_deref()),
            ("checklist", Some("supervisor"))
        );
        assert!(rule.photo_required);
        let critical = by_item("back-to-post");
        assert_eq!(
            (critical.origin.as_str(), critical.owner_role.as_deref()),
            ("critical", Some("manager"))
        );
        let signed = inspection_signoff::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(!signed.subject_declined && signed.subject_file.is_some());

        // The result shows the actions and both signatures, which are served.
        let result = page(&app, &manager, &format!("/inspections/{id}")).await;
        assert!(
            result.contains("result-actions") && result.contains("Practise the standing posture")
        );
        assert!(result.contains(&format!("/photos/{id}/signature-subject.png")));
        let (status, bytes) = get(
            &app,
            &manager,
            &format!("/photos/{id}/signature-inspector.png"),
        )
        .await;
        assert_eq!((status, bytes), (200, png()));

        // Owners see their open actions on their home page.
        let home = page(&app, &manager, "/").await;
        assert!(home.contains("my-actions") && home.contains("Practise the standing posture"));
        assert!(
            page(&app, &supervisor, "/")
                .await
                .contains(&format!("/actions/{}", rule.id))
        );

        // Another site's supervisor neither sees nor closes them.
        for a in &raised {
            assert_eq!(
                get(&app, &other, &format!("/actions/{}", a.id)).await.0,
                403
            );
            assert_eq!(close(&app, &other, &o_csrf, a.id, "done", None).await, 403);
        }
        assert!(
            !page(&app, &other, "/actions")
                .await
                .contains("Practise the standing posture")
        );
        // A missing CSRF token or note is refused.
        assert_eq!(
            close(&app, &manager, "forged", critical.id, "done", None).await,
            400
        );
        assert_eq!(
            close(&app, &manager, &m_csrf, critical.id, "  ", None).await,
            422
        );

        // The manager closes the critical one; they cannot verify their own closure; the
        // inspector does.
        assert_eq!(
            close(
                &app,
                &manager,
                &m_csrf,
                critical.id,
                "Rota changed: the post is never left empty",
                None
            )
            .await,
            303
        );
        assert_eq!(
            step(&app, &manager, &m_csrf, critical.id, "verify").await,
            403
        );
        assert_eq!(
            step(&app, &supervisor, &s_csrf, critical.id, "verify").await,
            303
        );
        // One delivery per action raised and one for the closing, written with them.
        let deliveries = |event: &'static str| async move {
            entity::outbox::Entity::find()
                .filter(entity::outbox::Column::Event.eq(event))
                .all(db)
                .await
                .unwrap()
        };
        let raised_events = deliveries("action.raised").await;
        assert_eq!(
            raised_events.len(),
            actions_of(&app, id).await.len(),
            "{backend:?}"
        );
        let critical_id = format!("\"action_id\":{}", critical.id);
        assert!(
            raised_events
                .iter()
                .any(|d| d.payload.contains(&critical_id))
        );
        assert_eq!(deliveries("action.closed").await.len(), 1, "{backend:?}");
        let done = corrective_action::Entity::find_by_id(critical.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.status, ActionStatus::Verified);
        assert_eq!(done.verified_by, Some(w.supervisor_a));

        // The checklist's action needs a photo: refused without, closed with one.
        assert_eq!(
            close(
                &app,
                &supervisor,
                &s_csrf,
                rule.id,
                "New uniform issued",
                None
            )
            .await,
            422
        );
        assert_eq!(
            close(
                &app,
                &supervisor,
                &s_csrf,
                rule.id,
                "New uniform issued",
                Some(png())
            )
            .await,
            303
        );
        let (status, bytes) = get(&app, &manager, &format!("/actions/{}/photo", rule.id)).await;
        assert_eq!((status, bytes), (200, png()));
        assert_eq!(
            get(&app, &other, &format!("/actions/{}/photo", rule.id))
                .await
                .0,
            403
        );
        // The manager reopens it: it is open again, with its owner.
        assert_eq!(step(&app, &manager, &m_csrf, rule.id, "reopen").await, 303);
        let reopened = corrective_action::Entity::find_by_id(rule.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reopened.status, ActionStatus::Open);
        // Verifying an open action is refused.
        assert_eq!(step(&app, &manager, &m_csrf, rule.id, "verify").await, 403);

        // Overdue: the inspector's action is past its date. The manager's home and the
        // site report count it.
        let mut late: corrective_action::ActiveModel = mine.clone().into();
        late.due_date = Set(chrono::Local::now().date_naive() - chrono::Duration::days(10));
        late.update(db).await.unwrap();
        let home = page(&app, &manager, "/").await;
        assert!(home.contains("overdue-actions"), "{home}");
        let (quality, _) = app.sign_in("quality@t.test").await;
        let dashboard = page(&app, &quality, "/quality").await;
        let card = &dashboard[dashboard.find("overdue-actions-card").unwrap()..];
        let row = &card[..card.find("</table>").unwrap()];
        assert!(row.contains("大堂 A Lobby") && row.contains(">1<"), "{row}");
        let (status, pdf) = get(
            &app,
            &manager,
            &format!("/reports/site.pdf?site={}&lang=en", w.site_a),
        )
        .await;
        assert_eq!(status, 200);
        let text = common::pdf::text(&pdf, None);
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.contains("Overdueactionspersite(1)"), "{text}");
        assert!(flat.contains("Practisethestandingposture"), "{text}");

        // The inspection PDF carries the actions and both signatures (as images).
        let (status, pdf) = get(
            &app,
            &manager,
            &format!("/inspections/{id}/report.pdf?lang=en"),
        )
        .await;
        assert_eq!(status, 200);
        let text = common::pdf::text(&pdf, None);
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for wanted in [
            "Correctiveactionsraised",
            "Signatureofthepersonchecked",
            "Signatureoftheinspector",
        ] {
            assert!(flat.contains(wanted), "`{wanted}` missing:\n{text}");
        }
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let images = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|n| n == b"Image")
            })
            .count();
        assert!(images >= 2, "{images} images in the inspection PDF");

        // Every step is in the audit log.
        let audited: Vec<String> = audit_log::Entity::find()
            .filter(audit_log::Column::Entity.eq("corrective_action"))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        for verb in ["raise", "close", "verify", "reopen"] {
            assert!(
                audited.iter().any(|a| a == verb),
                "no `{verb}` in {audited:?}"
            );
        }
        assert_eq!(audited.iter().filter(|a| *a == "raise").count(), 3);
    }
}

#[tokio::test]
async fn a_person_who_declines_to_sign_is_recorded() {
    for backend in BACKENDS {
        let Some((app, _dir)) = spawn(backend, "actions_declined").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (supervisor, csrf) = app.sign_in("supervisor.a@t.test").await;
        let id = Uuid::new_v4();
        let body = form(&app, &w, &csrf, &signatures(true)).await;
        let (status, text) = post(&app, &supervisor, id, &body).await;
        assert_eq!(status, 200, "{text}");
        let signed = inspection_signoff::Entity::find_by_id(id)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert!(signed.subject_declined && signed.subject_file.is_none());
        // A perfect spot-check raises no action.
        assert!(actions_of(&app, id).await.is_empty());
        let result = page(&app, &supervisor, &format!("/inspections/{id}")).await;
        assert!(result.contains("id=\"declined\""), "{result}");
        // A signature that is not a PNG is refused.
        let bad = form(
            &app,
            &w,
            &csrf,
            &[
                (
                    "sig.subject",
                    "data:image/png;base64,PHNjcmlwdD4=".to_string(),
                ),
                ("sig.inspector", format!("data:image/png;base64,{PNG_B64}")),
            ],
        )
        .await;
        let (status, text) = post(&app, &supervisor, Uuid::new_v4(), &bad).await;
        assert_eq!(status, 422, "{text}");
    }
}

async fn element(b: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    let found = b
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"));
    b.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&found).unwrap()],
    )
    .await
    .unwrap();
    found
}

async fn tap(b: &fantoccini::Client, css: &str) {
    element(b, css).await.click().await.unwrap();
}

async fn browser_sign_in(b: &fantoccini::Client, app: &TestApp, email: &str) {
    b.delete_all_cookies().await.unwrap();
    b.goto(&app.url("/signin")).await.unwrap();
    element(b, "input[name=email]")
        .await
        .send_keys(email)
        .await
        .unwrap();
    element(b, "input[name=password]")
        .await
        .send_keys(common::PASSWORD)
        .await
        .unwrap();
    tap(b, "form button[type=submit]").await;
    element(b, "body[data-user]").await;
}

/// Draw a stroke across a sign-off pad with the mouse, as a finger would.
async fn sign(b: &fantoccini::Client, pad: &str) {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let canvas = element(b, &format!("[data-signature='{pad}'] canvas")).await;
    let stroke = MouseActions::new(format!("pen-{pad}"))
        .then(PointerAction::MoveToElement {
            element: canvas,
            duration: None,
            x: -60.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(std::time::Duration::from_millis(150)),
            x: 60.0,
            y: 20.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(std::time::Duration::from_millis(150)),
            x: 60.0,
            y: -25.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    b.perform_actions(stroke).await.unwrap();
}

/// In Chromium: a supervisor fails a critical item and raises an action on it, the
/// staff member signs on the tablet (and the supervisor), the site manager closes the
/// action with a photo, the supervisor verifies it.
#[tokio::test]
async fn in_chromium_a_critical_failure_is_fixed_and_verified() {
    let Some(chromium) = common::browser::start(
        &["--window-size=768,1024", "--lang=en-US"],
        serde_json::json!({ "prefs": { "intl.accept_languages": "en-US,en" } }),
    )
    .await
    else {
        return;
    };
    let b = chromium.client.clone();
    // A real SMTP server, and the outbox worker running as under `decorum serve`.
    let mailbox = tempfile::tempdir().unwrap();
    let Some(smtp) = common::smtp::Smtp::start("actions_browser", mailbox.path()) else {
        return;
    };
    let port = smtp.port;
    let Some((app, dir)) = spawn_with(common::Backend::Sqlite, "actions_browser", move |c| {
        c.mail = Some(common::smtp::mail_config(port));
        c.outbox_tick = std::time::Duration::from_millis(200);
    })
    .await
    else {
        return;
    };
    let w = seed_world(&app.test_db.db).await;
    let db = &app.test_db.db;
    let worker = decorum::notify::start(
        decorum::app::AppState::new(app.test_db.db.clone(), app.test_db.config.clone())
            .expect("the app's state"),
    );

    browser_sign_in(&b, &app, "supervisor.a@t.test").await;
    b.goto(&app.url(&format!(
        "/spotchecks/start?site={}&subject={}&checklist=lobby-reception",
        w.site_a, w.staff_a
    )))
    .await
    .unwrap();
    element(&b, "form#spotcheck").await;
    // Every other item is answered as passed by script (the tablet test taps through
    // every kind of item); the failure, the action and the signatures are done by hand.
    let answers: Vec<(String, String)> = form(&app, &w, "", &[])
        .await
        .into_iter()
        .filter(|(n, _)| ["a.", "h.", "s.", "o."].iter().any(|p| n.starts_with(p)))
        .collect();
    b.execute(
        "for (const [n, v] of arguments[0]) {
           for (const el of document.getElementsByName(n)) {
             if (el.type === 'radio' || el.type === 'checkbox') { if (el.value === v) el.checked = true; }
             else el.value = v;
             el.dispatchEvent(new Event('change', { bubbles: true }));
           }
         }",
        vec![serde_json::to_value(&answers).unwrap()],
    )
    .await
    .unwrap();
    tap(&b, "input[name='a.back-to-post'][value=fail]").await;
    tap(&b, "details[data-action-for='back-to-post'] summary").await;
    tap(&b, "input[name='act.back-to-post']").await;
    element(&b, "textarea[name='act.back-to-post.text']")
        .await
        .send_keys("Put a relief concierge on the rota")
        .await
        .unwrap();
    sign(&b, "sig.subject").await;
    sign(&b, "sig.inspector").await;
    tap(&b, "#submit-button").await;
    element(&b, "#sign-off img.signature").await;

    let id: Uuid = b
        .current_url()
        .await
        .unwrap()
        .path()
        .trim_start_matches("/inspections/")
        .parse()
        .unwrap();
    let raised = actions_of(&app, id).await;
    let action = raised
        .iter()
        .find(|a| a.item_key == "back-to-post")
        .expect("the critical failure's action")
        .clone();
    assert_eq!(action.origin, "inspector");
    assert_eq!(
        action.text.as_deref(),
        Some("Put a relief concierge on the rota")
    );
    let signed = inspection_signoff::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .expect("the sign-off is stored");
    assert!(signed.subject_file.is_some());

    // The site's manager gets the critical alert by mail within the flow (and, as the
    // action's owner by role, the new action with it: one mail, the alert leading).
    let mut alert = None;
    for _ in 0..150 {
        if let Some(m) = smtp.to("manager.a@t.test").into_iter().next() {
            alert = Some(m);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let alert = alert.expect("the manager's alert mail within 15 s");
    assert_eq!(alert["to"], serde_json::json!(["manager.a@t.test"]));
    let subject = alert["subject"].as_str().unwrap();
    assert!(
        (subject.contains("出現關鍵項不合格") || subject.contains("Critical failure at"))
            && subject.contains("大堂 A Lobby"),
        "the subject names the critical failure and the site: {subject}"
    );
    let body = alert["text"].as_str().unwrap();
    assert!(body.contains(&format!("/inspections/{id}")), "{body}");
    assert!(body.contains(&format!("/actions/{}", action.id)), "{body}");
    assert!(
        smtp.to("supervisor.b@t.test")
            .iter()
            .all(|m| !m["text"].as_str().unwrap().contains(&id.to_string())),
        "no alert to another site's people (their week's plan may come)"
    );

    // The site manager (the owner) closes it from their home page with a photo.
    browser_sign_in(&b, &app, "manager.a@t.test").await;
    b.goto(&app.url("/")).await.unwrap();
    tap(&b, &format!("#my-actions a[href='/actions/{}']", action.id)).await;
    element(&b, "form#close-action textarea[name=note]")
        .await
        .send_keys("Relief concierge added to every shift")
        .await
        .unwrap();
    let photo = dir.path().join("evidence.png");
    std::fs::write(&photo, png()).unwrap();
    element(&b, "form#close-action input[name=photo]")
        .await
        .send_keys(&photo.display().to_string())
        .await
        .unwrap();
    tap(&b, "form#close-action button[type=submit]").await;
    element(&b, "img.evidence").await;

    // The supervisor verifies the closure.
    browser_sign_in(&b, &app, "supervisor.a@t.test").await;
    b.goto(&app.url(&format!("/actions/{}", action.id)))
        .await
        .unwrap();
    tap(&b, "form#verify-action button[type=submit]").await;
    element(&b, "#verified-by").await;
    let done = corrective_action::Entity::find_by_id(action.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.status, ActionStatus::Verified);
    assert_eq!(done.closed_by, Some(w.manager_a));
    assert_eq!(done.verified_by, Some(w.supervisor_a));
    assert!(done.close_photo.is_some());
    worker.abort();
    b.close().await.unwrap();
}
