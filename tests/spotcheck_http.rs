//! The spot-check flow over HTTP on SQLite and PostgreSQL: sign-in, start, answer, save a
//! draft, submit twice with the same UUID (one inspection), results, acknowledgement,
//! and the bad input that must get a clear 4xx and leave stored data unchanged.

mod common;

use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::Lang;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Answers, Context, Gender, Subject};
use decorum::store::library::{StoredChecklist, current_checklists};
use entity::states::InspectionStatus;
use entity::{inspection, training_assignment};
use reqwest::Client;
use sea_orm::{EntityTrait, PaginatorTrait};
use uuid::Uuid;

struct Flow {
    app: TestApp,
    world: World,
    lobby: StoredChecklist,
}

async fn flow(backend: common::Backend, name: &str) -> Option<Flow> {
    let app = TestApp::spawn(backend, name).await?;
    let world = seed_world(&app.test_db.db).await;
    let lobby = current_checklists(&app.test_db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    Some(Flow { app, world, lobby })
}

fn staff_a() -> Subject {
    Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    }
}

impl Flow {
    /// Tap the person, tap the checklist: the redirect gives the new spot-check's URL.
    async fn start(&self, client: &Client) -> (Uuid, String) {
        let w = &self.world;
        let response = client
            .get(self.app.url(&format!(
                "/spotchecks/start?site={}&subject={}&checklist=lobby-reception",
                w.site_a, w.staff_a
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let id = location
            .trim_start_matches("/spotchecks/")
            .split('?')
            .next()
            .unwrap();
        (Uuid::parse_str(id).unwrap(), location)
    }

    fn body(&self, csrf: &str, answers: &Answers, notes: &[(&str, &str)]) -> Vec<(String, String)> {
        let w = &self.world;
        let mut fields = vec![
            ("_csrf".to_string(), csrf.to_string()),
            ("version".into(), self.lobby.version_id.to_string()),
            ("site".into(), w.site_a.to_string()),
            ("subject".into(), w.staff_a.to_string()),
            ("shift_date".into(), common::recent_shift_date()),
            ("shift_period".into(), "afternoon".into()),
        ];
        let notes = notes
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fields.extend(to_fields(answers, &notes, &Context::new()));
        fields
    }

    fn perfect(&self) -> Answers {
        common::perfect_answers(&self.lobby.checklist, &staff_a(), &Context::new())
    }

    async fn post(&self, client: &Client, path: &str, body: &[(String, String)]) -> (u16, String) {
        self.post_in("en", client, path, body).await
    }

    /// [`Self::post`] from a browser that reads `lang`.
    async fn post_in(
        &self,
        lang: &str,
        client: &Client,
        path: &str,
        body: &[(String, String)],
    ) -> (u16, String) {
        let response = client
            .post(self.app.url(path))
            .header("accept", "application/json")
            .header("accept-language", lang)
            .form(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn inspections(&self) -> u64 {
        inspection::Entity::find()
            .count(&self.app.test_db.db)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_supervisor_scores_a_spot_check_from_home_to_result() {
    for backend in BACKENDS {
        let Some(f) = flow(backend, "spotcheck_flow").await else {
            continue;
        };
        let w = &f.world;
        let (sup, csrf) = f.app.sign_in("supervisor.a@t.test").await;

        // Home lists the staff on duty at the supervisor's site: the first tap.
        let home = sup
            .get(f.app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            home.contains(&format!(
                "/spotchecks/new?site={}&amp;subject={}",
                w.site_a, w.staff_a
            )),
            "{backend:?}"
        );
        assert!(
            !home.contains("staff.b"),
            "staff of another site are not offered"
        );
        let choose = sup
            .get(f.app.url(&format!(
                "/spotchecks/new?site={}&subject={}",
                w.site_a, w.staff_a
            )))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(choose.contains("checklist=lobby-reception"));
        assert!(
            !choose.contains("checklist=client-visit"),
            "only checklists for the person's position"
        );

        // The second tap opens the form.
        let (id, location) = f.start(&sup).await;
        let form = sup
            .get(f.app.url(&location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(form.contains("id=\"spotcheck\""));
        for (_, item) in f.lobby.checklist.items() {
            assert!(
                form.contains(&format!("id=\"item-{}\"", item.key)),
                "item {} is on the form",
                item.key
            );
        }

        // Part of the answers: a draft with a live score.
        let mut answers = f.perfect();
        let first_key = answers.keys().next().unwrap().clone();
        let partial: Answers = answers
            .iter()
            .take(3)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (status, live) = f
            .post(
                &sup,
                &format!("/spotchecks/{id}/draft"),
                &f.body(&csrf, &partial, &[]),
            )
            .await;
        assert_eq!(status, 200, "{live}");
        let live: serde_json::Value = serde_json::from_str(&live).unwrap();
        assert_eq!(live["answered"], 3);
        assert!(live["applicable"].as_u64().unwrap() > 3);
        assert_eq!(f.inspections().await, 1, "the draft is stored");

        // The form reloads with the draft's answers.
        let again = sup
            .get(f.app.url(&format!("/spotchecks/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(again.contains("checked"), "saved answers come back");

        // Submitting with items missing names them and stores nothing new.
        let (status, reply) = f
            .post(
                &sup,
                &format!("/spotchecks/{id}/submit"),
                &f.body(&csrf, &partial, &[]),
            )
            .await;
        assert_eq!(status, 422);
        let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
        assert!(reply["missing"].as_array().unwrap().len() > 1);
        assert!(
            reply["messages"].to_string().contains("§"),
            "the message names the items with their clauses"
        );

        // One failed item, a hostile note, and submit — twice.
        answers.insert(first_key.clone(), fail(&f.lobby, &first_key));
        let body = f.body(
            &csrf,
            &answers,
            &[(&first_key, "<script>alert('x')</script> 微笑不足")],
        );
        let (status, first) = f
            .post(&sup, &format!("/spotchecks/{id}/submit"), &body)
            .await;
        assert_eq!(status, 200, "{first}");
        let first: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert_eq!(first["created"], true);
        let (status, second) = f
            .post(&sup, &format!("/spotchecks/{id}/submit"), &body)
            .await;
        assert_eq!(status, 200);
        let second: serde_json::Value = serde_json::from_str(&second).unwrap();
        assert_eq!(second["created"], false, "a double tap stores nothing new");
        assert_eq!(
            f.inspections().await,
            1,
            "{backend:?}: exactly one inspection"
        );
        let stored = inspection::Entity::find_by_id(id)
            .one(&f.app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, InspectionStatus::Submitted);
        assert_eq!(stored.inspector_id, w.supervisor_a);
        assert!(stored.percent.unwrap() < 100.0);
        // Stored with the position the person holds (the quality figures count by it).
        let subject = entity::user::Entity::find_by_id(stored.subject_id)
            .one(&f.app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert!(subject.position_id.is_some());
        assert_eq!(stored.position_id, subject.position_id, "{backend:?}");
        let for_failure = training_assignment::Entity::find()
            .all(&f.app.test_db.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.inspection_id == Some(id))
            .count();
        assert_eq!(
            for_failure,
            f.lobby.checklist.item(&first_key).unwrap().training.len()
        );

        // The result page: score, the failed item with its clause, the note escaped.
        let result = sup
            .get(f.app.url(&format!("/inspections/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let item = f.lobby.checklist.item(&first_key).unwrap();
        assert!(result.contains(&format!("§{}", item.clause)));
        assert!(
            result.contains(item.text.get(Lang::Zh)) || result.contains(item.text.get(Lang::En))
        );
        assert!(result.contains("&lt;script&gt;"), "notes are escaped");
        assert!(!result.contains("<script>alert"), "no script injected");

        // The staff member sees it, acknowledges it; a colleague may not see it.
        let (staff, staff_csrf) = f.app.sign_in("staff.a@t.test").await;
        let mine = staff
            .get(f.app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(mine.contains(&format!("/inspections/{id}")));
        let ack = staff
            .post(f.app.url(&format!("/inspections/{id}/acknowledge")))
            .form(&[("_csrf", staff_csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(ack.status(), 303);
        let stored = inspection::Entity::find_by_id(id)
            .one(&f.app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.acknowledged_at.is_some());
        let (colleague, _) = f.app.sign_in("staff.a2@t.test").await;
        let refused = colleague
            .get(f.app.url(&format!("/inspections/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
    }
}

fn fail(version: &StoredChecklist, key: &str) -> Answer {
    use decorum::domain::ItemKind;
    match &version.checklist.item(key).unwrap().kind {
        ItemKind::Check => Answer::Fail,
        ItemKind::Scale { .. } => Answer::Scale(0),
        ItemKind::Measure { allowed, .. } => {
            // Just past the allowed range: a failure, still inside the input range.
            Answer::Measure(allowed.bounds().1.unwrap_or(0.0) + 1.0)
        }
        ItemKind::Script { .. } => Answer::Heard(vec![]),
        ItemKind::Steps { .. } => Answer::Done(vec![]),
        ItemKind::Limit { .. } => Answer::Amount(1e7),
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    for backend in BACKENDS {
        let Some(f) = flow(backend, "spotcheck_bad_input").await else {
            continue;
        };
        let (sup, csrf) = f.app.sign_in("supervisor.a@t.test").await;
        let (id, _) = f.start(&sup).await;
        let perfect = f.perfect();
        let measure_key = f
            .lobby
            .checklist
            .items()
            .find(|(_, i)| matches!(i.kind, decorum::domain::ItemKind::Measure { .. }))
            .map(|(_, i)| i.key.clone())
            .unwrap();
        let draft = format!("/spotchecks/{id}/draft");
        let submit = format!("/spotchecks/{id}/submit");

        let with = |extra: &[(&str, &str)], drop: &[&str]| {
            let mut body = f.body(&csrf, &perfect, &[]);
            // A field given replaces the perfect answer (two answers to an item are refused).
            body.retain(|(n, _)| {
                !drop.contains(&n.as_str()) && !extra.iter().any(|(name, _)| name == n)
            });
            body.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
            body
        };
        // (what, form body, expected status, expected message)
        type Case<'a> = (&'a str, Vec<(String, String)>, u16, String);
        let cases: Vec<Case> = vec![
            (
                "not a number",
                with(&[(&format!("a.{measure_key}"), "thirty")], &[]),
                422,
                format!("Item `{measure_key}`: `thirty` is not a number"),
            ),
            (
                "unknown item",
                with(&[("a.dance-move", "pass")], &[]),
                422,
                "`dance-move` is not an item of this checklist".into(),
            ),
            (
                "huge number",
                with(&[(&format!("a.{measure_key}"), "1e300")], &[]),
                422,
                "is out of range".into(),
            ),
            (
                "a measure out of range",
                with(&[(&format!("a.{measure_key}"), "1e12")], &[]),
                422,
                format!("Item `{measure_key}`: 1000000000000 m is out of range"),
            ),
            (
                "bad shift",
                with(&[("shift_period", "lunchtime")], &[]),
                422,
                "`lunchtime` is not a shift".into(),
            ),
            (
                "bad date",
                with(&[("shift_date", "yesterday")], &[]),
                422,
                "is not a date".into(),
            ),
            (
                "missing site",
                with(&[], &["site"]),
                400,
                "`site` is missing".into(),
            ),
            ("no csrf", with(&[], &["_csrf"]), 400, "expired".into()),
            (
                "wrong version",
                with(&[("version", "99999")], &[]),
                400,
                "no checklist version".into(),
            ),
            (
                "foreign site",
                with(&[("site", &f.world.site_b.to_string())], &[]),
                403,
                "".into(),
            ),
            (
                "person from another site",
                with(&[("subject", &f.world.staff_b.to_string())], &[]),
                403,
                "".into(),
            ),
        ];
        for (name, body, status, message) in cases {
            for path in [&draft, &submit] {
                let (got, text) = f.post(&sup, path, &body).await;
                assert_eq!(got, status, "{backend:?} {name} on {path}: {text}");
                assert!(text.contains(&message), "{name}: `{message}` not in {text}");
                assert!(!text.contains("panicked"));
            }
        }
        // The same refusals in the viewer's language.
        let thirty = with(&[(&format!("a.{measure_key}"), "thirty")], &[]);
        for (lang, message) in [
            (
                "zh-TW",
                format!("項目「{measure_key}」：「thirty」不是數字。"),
            ),
            ("zh-CN", format!("项目“{measure_key}”：“thirty”不是数字。")),
        ] {
            let (got, text) = f.post_in(lang, &sup, &submit, &thirty).await;
            assert_eq!(got, 422, "{text}");
            assert!(text.contains(&message), "{lang}: `{message}` not in {text}");
        }
        let (_, text) = f
            .post_in(
                "zh-TW",
                &sup,
                &submit,
                &with(&[("shift_period", "lunchtime")], &[]),
            )
            .await;
        assert!(text.contains("「lunchtime」不是班次"), "{text}");
        // Ten thousand unknown fields: ten messages and a count of the rest.
        let mut flood = with(&[], &[]);
        flood.extend((0..10_000).map(|i| (format!("a.ghost-{i}"), "pass".to_string())));
        for path in [&draft, &submit] {
            let (got, text) = f.post_in("zh-TW", &sup, path, &flood).await;
            assert_eq!(got, 422, "{backend:?} flood on {path}");
            let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
            let messages = reply["messages"].as_array().unwrap();
            assert_eq!(messages.len(), 11, "{path}: {text}");
            assert_eq!(messages[0], "「ghost-0」不是這份檢查表的項目。");
            assert_eq!(messages[10], "另有 9990 項問題未列出。");
        }
        assert_eq!(f.inspections().await, 0, "{backend:?}: nothing was stored");

        // A draft on one version refuses a post claiming another.
        let (status, _) = f
            .post(&sup, &draft, &f.body(&csrf, &Answers::new(), &[]))
            .await;
        assert_eq!(status, 200);
        let other_version = {
            let mut lib =
                decorum::library_files::load(&f.app.test_db.config.checklists_dir).unwrap();
            let lobby = lib
                .checklists
                .iter_mut()
                .find(|c| c.key == "lobby-reception")
                .unwrap();
            lobby.pass_mark = 85.0;
            decorum::store::library::import(&f.app.test_db.db, &lib)
                .await
                .unwrap();
            current_checklists(&f.app.test_db.db)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.checklist.key == "lobby-reception")
                .unwrap()
        };
        let mut body = f.body(&csrf, &perfect, &[]);
        body.retain(|(n, _)| n != "version");
        body.push(("version".into(), other_version.version_id.to_string()));
        let (status, text) = f.post(&sup, &submit, &body).await;
        assert_eq!(status, 409, "{text}");
        assert!(text.contains("another version"));
        let stored = inspection::Entity::find_by_id(id)
            .one(&f.app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, InspectionStatus::Draft);
        assert_eq!(stored.checklist_version_id, f.lobby.version_id);

        // Uploads: a non-image is refused; an oversized file is a 413 naming the 4 MB
        // limit, whether it is caught while reading (5 MB) or after (4 MB and a byte).
        for (bytes, expect_status, expect) in [
            (
                b"<html>not an image</html>".to_vec(),
                400,
                "不是 JPEG、PNG 或 WebP 圖片",
            ),
            (vec![0xFF; 5 * 1024 * 1024], 413, "相片超過 4 MB 的上限。"),
            (
                vec![0xFF; 4 * 1024 * 1024 + 1],
                413,
                "相片超過 4 MB 的上限。",
            ),
        ] {
            let part = reqwest::multipart::Part::bytes(bytes).file_name("x.jpg");
            let response = sup
                .post(f.app.url(&format!("/spotchecks/{id}/photos/{measure_key}")))
                .header("x-csrf-token", &csrf)
                .multipart(reqwest::multipart::Form::new().part("photo", part))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert_eq!(status, expect_status, "{text}");
            assert!(text.contains(expect), "{text}");
        }
        // A real (tiny) JPEG is kept and served back only to those who may see it.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0,
            0, 0xFF, 0xD9,
        ];
        let part = reqwest::multipart::Part::bytes(jpeg.to_vec()).file_name("x.jpg");
        let response = sup
            .post(f.app.url(&format!("/spotchecks/{id}/photos/{measure_key}")))
            .header("x-csrf-token", &csrf)
            .multipart(reqwest::multipart::Form::new().part("photo", part))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let url = response.json::<serde_json::Value>().await.unwrap()["url"]
            .as_str()
            .unwrap()
            .to_string();
        let photo = sup.get(f.app.url(&url)).send().await.unwrap();
        assert_eq!(photo.status(), 200);
        assert_eq!(photo.headers()["content-type"], "image/jpeg");
        let (other, _) = f.app.sign_in("supervisor.b@t.test").await;
        assert_eq!(
            other.get(f.app.url(&url)).send().await.unwrap().status(),
            403
        );
        let traversal = sup
            .get(f.app.url(&format!("/photos/{id}/..%2F..%2Fdecorum.db")))
            .send()
            .await
            .unwrap();
        assert_eq!(traversal.status(), 403);
    }
}

#[tokio::test]
async fn sign_in_is_throttled_and_rotates_the_session() {
    let Some(app) = TestApp::spawn(common::Backend::Sqlite, "sign_in").await else {
        return;
    };
    seed_world(&app.test_db.db).await;
    let client = app.new_client();
    let page = client
        .get(app.url("/signin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::csrf_in(&page);
    // A sign-in form without its token is refused.
    let response = client
        .post(app.url("/signin"))
        .form(&[
            ("email", "staff.a@t.test"),
            ("password", common::PASSWORD),
            ("_csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    for _ in 0..5 {
        let response = client
            .post(app.url("/signin"))
            .form(&[
                ("email", "staff.a@t.test"),
                ("password", "wrong-password"),
                ("_csrf", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.text().await.unwrap().contains("alert"));
    }
    let response = client
        .post(app.url("/signin"))
        .form(&[
            ("email", "staff.a@t.test"),
            ("password", common::PASSWORD),
            ("_csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        429,
        "the right password is refused while throttled"
    );

    // Another account signs in; its cookie is new, HttpOnly and SameSite.
    let response = client
        .post(app.url("/signin"))
        .form(&[
            ("email", "staff.b@t.test"),
            ("password", common::PASSWORD),
            ("_csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("decorum_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let sessions = entity::session::Entity::find()
        .all(&app.test_db.db)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    let token_in_cookie = cookie
        .trim_start_matches("decorum_session=")
        .split(';')
        .next()
        .unwrap();
    assert_ne!(
        sessions[0].id, token_in_cookie,
        "the database keeps only a hash of the token"
    );

    // Secure headers are on every page.
    let page = client.get(app.url("/")).send().await.unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");

    // Signing out ends the session in the database.
    let html = page.text().await.unwrap();
    let csrf = common::csrf_in(&html);
    let out = client
        .post(app.url("/signout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(
        entity::session::Entity::find()
            .count(&app.test_db.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn the_ui_speaks_the_persons_language() {
    let Some(app) = TestApp::spawn(common::Backend::Sqlite, "language").await else {
        return;
    };
    seed_world(&app.test_db.db).await;
    let client = app.new_client();
    let en = client
        .get(app.url("/signin"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Sign in") && en.contains("lang=\"en\""));
    let zh = client
        .get(app.url("/signin"))
        .header("accept-language", "zh-TW,zh;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("登入"));

    let (sup, csrf) = app.sign_in("supervisor.a@t.test").await;
    let page = sup
        .get(app.url("/inspections"))
        .header("accept-language", "zh-TW")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("檢查記錄"));
    let switched = sup
        .post(app.url("/settings/lang"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("lang", "en"),
            ("next", "/inspections"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 303);
    let page = sup
        .get(app.url("/inspections"))
        .header("accept-language", "zh-TW")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Inspections") && page.contains("lang=\"en\""),
        "the choice beats the browser"
    );
}
