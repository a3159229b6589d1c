//! Input that must be refused, not stored (issue 15, points 7 and 8), over HTTP on SQLite
//! and PostgreSQL: measures outside their input range, shift dates far from today, counts
//! out of range, NUL bytes and invalid UTF-8, an item answered twice, training due dates
//! out of range, staff without a site; a person whose record lacks what a checklist's
//! conditions test, a card on which nothing counts, and the live score before anything
//! counts. Each refusal names what is wrong and leaves the database unchanged.

mod common;

use chrono::{Duration, NaiveDate};
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::auth::Role;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Answers, Context, Gender, Subject};
use decorum::store::library::{StoredChecklist, current_checklists};
use decorum::store::users::{NewUser, add_atomic};
use entity::states::InspectionStatus;
use entity::{inspection, training_assignment, user};
use reqwest::Client;
use sea_orm::{EntityTrait, PaginatorTrait};
use uuid::Uuid;

/// The site's today (the app judges shift dates by it), not this machine's.
fn today() -> NaiveDate {
    common::site_today()
}

struct Probe {
    app: TestApp,
    world: World,
}

async fn probe(backend: common::Backend, name: &str) -> Option<Probe> {
    let app = TestApp::spawn(backend, name).await?;
    let world = seed_world(&app.test_db.db).await;
    Some(Probe { app, world })
}

impl Probe {
    async fn checklist(&self, key: &str) -> StoredChecklist {
        current_checklists(&self.app.test_db.db)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.checklist.key == key)
            .unwrap_or_else(|| panic!("the library has `{key}`"))
    }

    /// A staff member at site A, added as the CLI or the admin page would.
    async fn person(&self, email: &str, position: Option<&str>, gender: Option<Gender>) -> i32 {
        add_atomic(
            &self.app.test_db.db,
            NewUser {
                email: email.into(),
                name: email.split('@').next().unwrap().into(),
                role: Role::Staff,
                password: None,
                position: position.map(Into::into),
                gender,
                hire_date: None,
                sites: vec!["A".into()],
            },
            None,
        )
        .await
        .unwrap()
        .id
    }

    /// The fields of a spot-check form for `subject` at site A.
    fn body(
        &self,
        csrf: &str,
        version: &StoredChecklist,
        subject: i32,
        shift_date: NaiveDate,
        answers: &Answers,
    ) -> Vec<(String, String)> {
        let mut fields = vec![
            ("_csrf".to_string(), csrf.to_string()),
            ("version".into(), version.version_id.to_string()),
            ("site".into(), self.world.site_a.to_string()),
            ("subject".into(), subject.to_string()),
            ("shift_date".into(), shift_date.to_string()),
            ("shift_period".into(), "afternoon".into()),
        ];
        fields.extend(to_fields(answers, &Default::default(), &Context::new()));
        fields
    }

    /// POST a form (asking for JSON): status and body.
    async fn post(&self, client: &Client, path: &str, body: &[(String, String)]) -> (u16, String) {
        let response = client
            .post(self.app.url(path))
            .header("accept", "application/json")
            .header("accept-language", "en")
            .form(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// POST the same form to the draft and the submit route of a new spot-check.
    async fn both_routes(&self, client: &Client, body: &[(String, String)]) -> Vec<(u16, String)> {
        let id = Uuid::new_v4();
        let mut out = Vec::new();
        for route in ["draft", "submit"] {
            out.push(
                self.post(client, &format!("/spotchecks/{id}/{route}"), body)
                    .await,
            );
        }
        out
    }

    async fn inspections(&self) -> u64 {
        inspection::Entity::find()
            .count(&self.app.test_db.db)
            .await
            .unwrap()
    }

    async fn get(&self, client: &Client, path: &str) -> (u16, String) {
        let response = client
            .get(self.app.url(path))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The lobby checklist's form for a new spot-check of staff A, as the tablet opens it.
    async fn lobby_form(&self, client: &Client) -> String {
        let path = format!(
            "/spotchecks/{}?site={}&subject={}&checklist=lobby-reception",
            Uuid::new_v4(),
            self.world.site_a,
            self.world.staff_a
        );
        self.get(client, &path).await.1
    }
}

fn lobby_subject() -> Subject {
    Subject {
        gender: Some(Gender::Female),
        position: Some("lobby-concierge".into()),
    }
}

#[tokio::test]
async fn a_bow_outside_its_input_range_is_refused_naming_the_item() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_measure").await else {
            continue;
        };
        let lobby = p.checklist("lobby-reception").await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;
        for typo in ["-5", "999999999"] {
            let answers =
                common::perfect_answers(&lobby.checklist, &lobby_subject(), &Context::new());
            let mut body = p.body(&csrf, &lobby, p.world.staff_a, today(), &answers);
            for field in body.iter_mut().filter(|(k, _)| k == "a.greeting-bow") {
                field.1 = typo.to_string();
            }
            for (status, reply) in p.both_routes(&sup, &body).await {
                assert_eq!(status, 422, "{backend:?} bow {typo}: {reply}");
                assert!(
                    reply.contains("greeting-bow") && reply.contains("out of range"),
                    "{backend:?} the refusal names the item and says why: {reply}"
                );
            }
        }
        assert_eq!(p.inspections().await, 0, "{backend:?}: nothing stored");

        // The form's field carries the range, so the tablet offers only plausible values.
        let form = p.lobby_form(&sup).await;
        let field = form
            .split("name=\"a.greeting-bow\"")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .expect("the bow has a number field");
        assert!(
            field.contains("min=\"0\"") && field.contains("max=\"180\""),
            "{backend:?}: {field}"
        );
    }
}

#[tokio::test]
async fn a_shift_date_far_from_today_is_refused() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_shift_date").await else {
            continue;
        };
        let lobby = p.checklist("lobby-reception").await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;
        let answers = common::perfect_answers(&lobby.checklist, &lobby_subject(), &Context::new());
        for date in [
            today() + Duration::days(73 * 365),
            today() - Duration::days(61),
        ] {
            let body = p.body(&csrf, &lobby, p.world.staff_a, date, &answers);
            for (status, reply) in p.both_routes(&sup, &body).await {
                assert_eq!(status, 422, "{backend:?} {date}: {reply}");
                assert!(
                    reply.contains(&format!(
                        "The shift date {date} is outside the accepted range"
                    )),
                    "{backend:?}: {reply}"
                );
            }
        }
        assert_eq!(p.inspections().await, 0, "{backend:?}: nothing stored");
        // The form's date field offers only the window.
        let form = p.lobby_form(&sup).await;
        let window = format!(
            "min=\"{}\" max=\"{}\"",
            today() - Duration::days(60),
            today() + Duration::days(1)
        );
        assert!(form.contains(&window), "{backend:?}: {window}");
        // Inside the window (yesterday, today, tomorrow) is accepted.
        let body = p.body(
            &csrf,
            &lobby,
            p.world.staff_a,
            today() + Duration::days(1),
            &answers,
        );
        let (status, reply) = p
            .post(
                &sup,
                &format!("/spotchecks/{}/submit", Uuid::new_v4()),
                &body,
            )
            .await;
        assert_eq!(status, 200, "{backend:?}: {reply}");
    }
}

#[tokio::test]
async fn a_trillion_guests_is_out_of_range_not_not_a_number() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_count").await else {
            continue;
        };
        let visit = p.checklist("client-visit").await;
        let host = p
            .person(
                "host@t.test",
                Some("client-visit-host"),
                Some(Gender::Female),
            )
            .await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;
        for (guests, says) in [
            (
                "1e12",
                "1000000000000 is out of range: give a whole number from 1 to 50",
            ),
            ("2.5", "2.5 is not a whole number"),
        ] {
            let mut body = p.body(&csrf, &visit, host, today(), &Answers::new());
            body.push(("ctx.guests".into(), guests.into()));
            for (status, reply) in p.both_routes(&sup, &body).await {
                assert_eq!(status, 422, "{backend:?} {guests}: {reply}");
                assert!(reply.contains(says), "{backend:?} {guests}: {reply}");
                assert!(!reply.contains("not a number"), "{backend:?}: {reply}");
            }
        }
        assert_eq!(p.inspections().await, 0, "{backend:?}: nothing stored");
    }
}

#[tokio::test]
async fn nul_bytes_and_invalid_utf8_are_refused_with_a_clear_message() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_text").await else {
            continue;
        };
        let lobby = p.checklist("lobby-reception").await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;
        let answers = common::perfect_answers(&lobby.checklist, &lobby_subject(), &Context::new());
        let mut body = p.body(&csrf, &lobby, p.world.staff_a, today(), &answers);
        body.push(("n.greeting-bow".into(), "bowed\0 deeply".into()));
        for (status, reply) in p.both_routes(&sup, &body).await {
            assert_eq!(status, 400, "{backend:?}: {reply}");
            assert!(
                reply.contains("`n.greeting-bow` contains a NUL character"),
                "{backend:?}: {reply}"
            );
        }
        // Invalid UTF-8 was decoded lossily (stored as U+FFFD) before: now a 400.
        let id = Uuid::new_v4();
        let mut raw = serde_urlencoded(&p.body(&csrf, &lobby, p.world.staff_a, today(), &answers));
        raw.extend_from_slice(b"&n.greeting-bow=caf%E9");
        let response = sup
            .post(p.app.url(&format!("/spotchecks/{id}/submit")))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("accept-language", "en")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{backend:?}");
        let reply = response.text().await.unwrap();
        assert!(
            reply.contains("`n.greeting-bow` is not valid UTF-8 text"),
            "{backend:?}: {reply}"
        );
        assert_eq!(p.inspections().await, 0, "{backend:?}: nothing stored");

        // A person's name: the admin page refuses it the same way.
        let (admin, admin_csrf) = p.app.sign_in("admin@t.test").await;
        let people = user::Entity::find().count(&p.app.test_db.db).await.unwrap();
        let site = p.world.site_a.to_string();
        let response = admin
            .post(p.app.url("/admin/people"))
            .form(&[
                ("_csrf", admin_csrf.as_str()),
                ("email", "nul@t.test"),
                ("name", "Amy\0"),
                ("role", "staff"),
                ("site", site.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{backend:?}");
        assert!(response.text().await.unwrap().contains("NUL"));
        assert_eq!(
            user::Entity::find().count(&p.app.test_db.db).await.unwrap(),
            people,
            "{backend:?}: nobody added"
        );
    }
}

/// A form body as the browser encodes it.
fn serde_urlencoded(fields: &[(String, String)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
        .into_bytes()
}

#[tokio::test]
async fn an_item_answered_twice_is_refused_not_last_wins() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_duplicate").await else {
            continue;
        };
        let lobby = p.checklist("lobby-reception").await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;
        let answers = common::perfect_answers(&lobby.checklist, &lobby_subject(), &Context::new());
        let check = lobby
            .checklist
            .items()
            .map(|(_, i)| i)
            .find(|i| answers.get(&i.key) == Some(&Answer::Pass))
            .expect("a check item")
            .key
            .clone();
        let mut body = p.body(&csrf, &lobby, p.world.staff_a, today(), &answers);
        body.push((format!("a.{check}"), "fail".into()));
        for (status, reply) in p.both_routes(&sup, &body).await {
            assert_eq!(status, 422, "{backend:?}: {reply}");
            assert!(
                reply.contains(&format!("Item `{check}`: answered 2 times (pass, fail)")),
                "{backend:?}: {reply}"
            );
        }
        assert_eq!(p.inspections().await, 0, "{backend:?}: nothing stored");
    }
}

#[tokio::test]
async fn training_due_dates_are_today_to_two_years_ahead() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_due").await else {
            continue;
        };
        let (manager, csrf) = p.app.sign_in("manager.a@t.test").await;
        let staff = p.world.staff_a.to_string();
        let assignments = || async {
            training_assignment::Entity::find()
                .count(&p.app.test_db.db)
                .await
                .unwrap()
        };
        let before = assignments().await;
        let yesterday = (today() - Duration::days(1)).to_string();
        let far = (today() + Duration::days(3 * 365)).to_string();
        for (due, says) in [
            (yesterday.as_str(), "The due date cannot be in the past."),
            (far.as_str(), "The due date can be at most two years ahead"),
        ] {
            let response = manager
                .post(p.app.url("/training/assign"))
                .header("accept-language", "en")
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("module", "lobby-greeting"),
                    ("target", "person"),
                    ("person", staff.as_str()),
                    ("due", due),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 422, "{backend:?} {due}");
            let page = response.text().await.unwrap();
            assert!(page.contains(says), "{backend:?} {due}: {page}");
        }
        assert_eq!(assignments().await, before, "{backend:?}: nothing assigned");
    }
}

#[tokio::test]
async fn a_staff_member_without_a_site_is_refused() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_staff_site").await else {
            continue;
        };
        let (admin, csrf) = p.app.sign_in("admin@t.test").await;
        let people = user::Entity::find().count(&p.app.test_db.db).await.unwrap();
        let response = admin
            .post(p.app.url("/admin/people"))
            .header("accept-language", "en")
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", "nosite@t.test"),
                ("name", "No Site"),
                ("role", "staff"),
                ("position", "lobby-concierge"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{backend:?}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("A staff member needs at least one site."),
            "{backend:?}: {page}"
        );
        assert_eq!(
            user::Entity::find().count(&p.app.test_db.db).await.unwrap(),
            people,
            "{backend:?}: nobody added"
        );
    }
}

#[test]
fn the_cli_refuses_a_staff_member_without_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = common::run_decorum(Some(dir.path()), &["migrate"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = common::run_decorum(
        Some(dir.path()),
        &[
            "user",
            "add",
            "--email",
            "amy@t.test",
            "--name",
            "Amy",
            "--role",
            "staff",
            "--no-login",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("A staff member needs at least one site"),
        "{err}"
    );
}

#[tokio::test]
async fn a_person_without_gender_cannot_be_checked_on_gendered_items() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_gender").await else {
            continue;
        };
        let conduct = p.checklist("service-conduct").await;
        let unknown = p
            .person("unknown@t.test", Some("lobby-concierge"), None)
            .await;
        let no_position = p
            .person("noposition@t.test", None, Some(Gender::Male))
            .await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;

        // The checklist is offered, but blocked with the reason, not silently cut down.
        let (status, choose) = p
            .get(
                &sup,
                &format!("/spotchecks/new?site={}&subject={unknown}", p.world.site_a),
            )
            .await;
        assert_eq!(status, 200);
        assert!(
            !choose.contains("checklist=service-conduct"),
            "{backend:?}: no link to start it"
        );
        assert!(
            choose.contains("data-checklist=\"service-conduct\""),
            "{backend:?}: {choose}"
        );
        let (_, for_admin) = p
            .get(
                &p.app.sign_in("admin@t.test").await.0,
                &format!("/spotchecks/new?site={}&subject={unknown}", p.world.site_a),
            )
            .await;
        assert!(
            for_admin.contains(&format!("href=\"/admin/people/{unknown}\"")),
            "{backend:?}: an admin gets the link to complete the record"
        );

        let (status, page) = p
            .get(
                &sup,
                &format!(
                    "/spotchecks/start?site={}&subject={unknown}&checklist=service-conduct",
                    p.world.site_a
                ),
            )
            .await;
        assert_eq!(status, 409, "{backend:?}");
        assert!(
            page.contains("gender") || page.contains("性別"),
            "{backend:?}: {page}"
        );

        // Posting answers anyway (a stale tablet, a hand-made request) is refused too.
        let subject = Subject {
            gender: None,
            position: Some("lobby-concierge".into()),
        };
        let answers = common::perfect_answers(&conduct.checklist, &subject, &Context::new());
        let body = p.body(&csrf, &conduct, unknown, today(), &answers);
        for (status, reply) in p.both_routes(&sup, &body).await {
            assert_eq!(status, 409, "{backend:?}: {reply}");
            assert!(reply.contains("has no gender"), "{backend:?}: {reply}");
        }

        // Without a position, the sales-hall checklist (items on the position) is refused.
        let (status, _) = p
            .get(
                &sup,
                &format!(
                    "/spotchecks/start?site={}&subject={no_position}&checklist=sales-hall-reception",
                    p.world.site_a
                ),
            )
            .await;
        assert_eq!(status, 409, "{backend:?}");
        assert_eq!(p.inspections().await, 0, "{backend:?}: nothing stored");
    }
}

#[tokio::test]
async fn a_card_on_which_nothing_counts_is_refused_and_the_score_shows_a_dash() {
    for backend in BACKENDS {
        let Some(p) = probe(backend, "plausible_nothing_scored").await else {
            continue;
        };
        let lobby = p.checklist("lobby-reception").await;
        let (sup, csrf) = p.app.sign_in("supervisor.a@t.test").await;
        let id = Uuid::new_v4();

        // Before any answer the form shows no percent, not 100 %.
        let (_, form) = p
            .get(
                &sup,
                &format!(
                    "/spotchecks/{id}?site={}&subject={}&checklist=lobby-reception",
                    p.world.site_a, p.world.staff_a
                ),
            )
            .await;
        let live = form
            .split("id=\"live-percent\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the live score");
        assert_eq!(live, "—", "{backend:?}");

        let all_na: Answers = lobby
            .checklist
            .items()
            .map(|(_, i)| (i.key.clone(), Answer::Na))
            .collect();
        let body = p.body(&csrf, &lobby, p.world.staff_a, today(), &all_na);
        // A draft may be all N/A (work in progress); its live score is null, not 100.
        let (status, reply) = p
            .post(&sup, &format!("/spotchecks/{id}/draft"), &body)
            .await;
        assert_eq!(status, 200, "{backend:?}: {reply}");
        let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
        assert!(reply["percent"].is_null(), "{backend:?}: {reply}");
        assert_eq!(reply["passed"], false, "{backend:?}");

        let (status, reply) = p
            .post(&sup, &format!("/spotchecks/{id}/submit"), &body)
            .await;
        assert_eq!(status, 422, "{backend:?}: {reply}");
        assert!(
            reply.contains("Nothing on this spot-check counts toward a score"),
            "{backend:?}: {reply}"
        );
        let stored = inspection::Entity::find_by_id(id)
            .one(&p.app.test_db.db)
            .await
            .unwrap()
            .expect("the draft");
        assert_eq!(
            stored.status,
            InspectionStatus::Draft,
            "{backend:?}: not submitted"
        );
        assert_eq!(stored.percent, None, "{backend:?}");

        // The plain form (no JavaScript) gets the page back with the message.
        let response = sup
            .post(p.app.url(&format!("/spotchecks/{id}/submit")))
            .header("accept-language", "en")
            .form(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{backend:?}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Nothing on this spot-check counts toward a score")
        );
        assert_eq!(p.inspections().await, 1, "{backend:?}: only the draft");
    }
}
