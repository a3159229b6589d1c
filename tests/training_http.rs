//! The training loop over HTTP on SQLite and PostgreSQL: a new hire gets their position's
//! curriculum; a failed spot-check assigns the linked modules (none twice); a failed quiz
//! does not complete, a passed one does; completion puts a re-check on the supervisor's
//! list; the re-check's result feeds the effectiveness figures; staff see only their own.

mod common;

use common::{BACKENDS, TestApp, seed_world};
use decorum::domain::Lang;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Context, Gender, Subject};
use decorum::store::library::current_checklists;
use decorum::store::training;
use entity::states::AssignmentStatus;
use entity::{position, recheck, training_assignment, user};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn assignments_of(app: &TestApp, user_id: i32) -> Vec<training_assignment::Model> {
    training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.eq(user_id))
        .all(&app.test_db.db)
        .await
        .unwrap()
}

/// Quiz answers: the correct options, or for `wrong` the first incorrect option of each.
async fn quiz_body(
    app: &TestApp,
    assignment: &training_assignment::Model,
    csrf: &str,
    wrong: bool,
) -> Vec<(String, String)> {
    let module = training::module(&app.test_db.db, assignment.module_id)
        .await
        .unwrap();
    let mut body = vec![("_csrf".to_string(), csrf.to_string())];
    for (q, question) in module.module.questions.iter().enumerate() {
        for (o, option) in question.options.iter().enumerate() {
            if option.correct != wrong {
                body.push((format!("q.{q}"), o.to_string()));
                if wrong {
                    break;
                }
            }
        }
    }
    body
}

async fn get(client: &Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_training_loop_from_failure_to_effectiveness() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "training_loop").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;

        // A new hire (seed_world created staff.a as a lobby concierge) has the curriculum.
        let concierge = position::Entity::find()
            .filter(position::Column::Key.eq("lobby-concierge"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let curriculum: Vec<String> =
            serde_json::from_value(concierge.curriculum.clone().unwrap()).unwrap();
        let mine = assignments_of(&app, w.staff_a).await;
        assert_eq!(
            mine.len(),
            curriculum.len(),
            "{backend:?}: the whole curriculum is assigned"
        );
        assert!(
            mine.iter()
                .all(|a| a.reason == entity::states::AssignmentReason::Curriculum
                    && a.status == AssignmentStatus::Assigned)
        );
        let today = common::site_today();
        assert!(
            mine.iter().all(|a| a.due_date
                == today + chrono::Duration::days(concierge.curriculum_due_days as i64))
        );

        // A supervisor fails one item whose module is NOT in the curriculum... and one that is.
        let lobby = current_checklists(db)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.checklist.key == "lobby-reception")
            .unwrap();
        let subject = Subject {
            gender: Some(Gender::Female),
            position: Some("lobby-concierge".into()),
        };
        let mut answers = common::perfect_answers(&lobby.checklist, &subject, &Context::new());
        let failing = lobby
            .checklist
            .items()
            .map(|(_, i)| i)
            .find(|i| {
                matches!(i.kind, decorum::domain::ItemKind::Check)
                    && !i.critical
                    && answers.contains_key(&i.key)
            })
            .unwrap();
        answers.insert(failing.key.clone(), Answer::Fail);
        let (sup, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let submit_once = async |answers: &decorum::domain::scoring::Answers| {
            let id = uuid::Uuid::new_v4();
            let mut body = vec![
                ("_csrf".to_string(), sup_csrf.clone()),
                ("version".into(), lobby.version_id.to_string()),
                ("site".into(), w.site_a.to_string()),
                ("subject".into(), w.staff_a.to_string()),
                ("shift_date".into(), today.to_string()),
                ("shift_period".into(), "morning".into()),
            ];
            body.extend(to_fields(answers, &Default::default(), &Context::new()));
            let r = sup
                .post(app.url(&format!("/spotchecks/{id}/submit")))
                .header("accept", "application/json")
                .form(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
            id
        };
        let first = submit_once(&answers).await;
        let linked = &failing.training;
        let for_failure: Vec<training_assignment::Model> = assignments_of(&app, w.staff_a)
            .await
            .into_iter()
            .filter(|a| a.inspection_id == Some(first))
            .collect();
        assert_eq!(
            for_failure.len(),
            linked.len(),
            "exactly the linked modules"
        );
        // The same failure again adds no assignment.
        let before = assignments_of(&app, w.staff_a).await.len();
        submit_once(&answers).await;
        assert_eq!(
            assignments_of(&app, w.staff_a).await.len(),
            before,
            "none twice"
        );

        // The staff member opens the module and fails the quiz: not completed.
        let (staff, staff_csrf) = app.sign_in("staff.a@t.test").await;
        let target = for_failure[0].clone();
        let (status, page) = get(&staff, &app, &format!("/training/{}", target.id)).await;
        assert_eq!(status, 200);
        assert!(page.contains("name=\"q.0\""), "the quiz is on the page");
        let opened = training_assignment::Entity::find_by_id(target.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(opened.status, AssignmentStatus::InProgress);
        let wrong = quiz_body(&app, &target, &staff_csrf, true).await;
        let r = staff
            .post(app.url(&format!("/training/{}/quiz", target.id)))
            .form(&wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("role=\"alert\""));
        let after_fail = training_assignment::Entity::find_by_id(target.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (after_fail.status.as_str(), after_fail.attempts),
            ("in_progress", 1)
        );
        assert!(
            recheck::Entity::find().all(db).await.unwrap().is_empty(),
            "no re-check before passing"
        );

        // A colleague cannot see or take it.
        let (colleague, colleague_csrf) = app.sign_in("staff.a2@t.test").await;
        assert_eq!(
            get(&colleague, &app, &format!("/training/{}", target.id))
                .await
                .0,
            403
        );
        let stolen = quiz_body(&app, &target, &colleague_csrf, false).await;
        let r = colleague
            .post(app.url(&format!("/training/{}/quiz", target.id)))
            .form(&stolen)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The retake passes: completed with the version taken, and a re-check goes on the list.
        let right = quiz_body(&app, &target, &staff_csrf, false).await;
        let r = staff
            .post(app.url(&format!("/training/{}/quiz", target.id)))
            .form(&right)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let done = training_assignment::Entity::find_by_id(target.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.status, AssignmentStatus::Completed);
        assert_eq!(done.attempts, 2);
        assert!(done.completed_version_id.is_some() && done.completed_at.is_some());
        let rechecks = recheck::Entity::find().all(db).await.unwrap();
        assert_eq!(rechecks.len(), 1);
        let recheck_row = &rechecks[0];
        assert_eq!(
            training::recheck_items(recheck_row),
            vec![failing.key.clone()]
        );

        // The supervisor sees it at home, starts it, and the form has only that item.
        let (_, home) = get(&sup, &app, "/").await;
        assert!(home.contains(&format!("/spotchecks/start?recheck={}", recheck_row.id)));
        let r = sup
            .get(app.url(&format!("/spotchecks/start?recheck={}", recheck_row.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let id = uuid::Uuid::parse_str(
            location
                .trim_start_matches("/spotchecks/")
                .split('?')
                .next()
                .unwrap(),
        )
        .unwrap();
        let (_, form) = get(&sup, &app, &location).await;
        assert_eq!(
            form.matches("class=\"item").count(),
            1,
            "a re-check shows only the failed item"
        );
        assert!(form.contains(&format!("id=\"item-{}\"", failing.key)));

        // Supervisor B may not do site A's re-check.
        let (sup_b, _) = app.sign_in("supervisor.b@t.test").await;
        assert_eq!(
            sup_b
                .get(app.url(&format!("/spotchecks/start?recheck={}", recheck_row.id)))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );

        // The re-check works offline too: its form is in the supervisor's kit (for its
        // person already, only the failed item), and in nobody else's.
        let offline_form = format!("/spotchecks/template?recheck={}", recheck_row.id);
        let kit = |client: reqwest::Client| {
            let url = app.url("/offline/urls.json");
            async move {
                let urls: Vec<String> = client.get(url).send().await.unwrap().json().await.unwrap();
                urls
            }
        };
        assert!(kit(sup.clone()).await.contains(&offline_form));
        assert!(!kit(sup_b.clone()).await.contains(&offline_form));
        let (status, template) = get(&sup, &app, &offline_form).await;
        assert_eq!(status, 200);
        assert_eq!(template.matches("class=\"item").count(), 1);
        assert!(template.contains(&format!("name=\"recheck\" value=\"{}\"", recheck_row.id)));
        assert!(template.contains(&format!("name=\"subject\" value=\"{}\"", w.staff_a)));
        assert!(template.contains("data-template=\"true\""));
        assert_eq!(get(&sup_b, &app, &offline_form).await.0, 403);

        let mut body = vec![
            ("_csrf".to_string(), sup_csrf.clone()),
            ("version".into(), lobby.version_id.to_string()),
            ("site".into(), w.site_a.to_string()),
            ("subject".into(), w.staff_a.to_string()),
            ("shift_date".into(), today.to_string()),
            ("shift_period".into(), "afternoon".into()),
            ("recheck".into(), recheck_row.id.to_string()),
        ];
        body.push((format!("a.{}", failing.key), "pass".into()));
        let r = sup
            .post(app.url(&format!("/spotchecks/{id}/submit")))
            .header("accept", "application/json")
            .form(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let reply: serde_json::Value = r.json().await.unwrap();
        assert_eq!(status, 200, "{reply}");
        assert_eq!(reply["percent"], 100.0);
        let closed = recheck::Entity::find_by_id(recheck_row.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (closed.status.as_str(), closed.done_inspection_id),
            ("done", Some(id))
        );
        let stored = entity::inspection::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.recheck_of, Some(first));

        // Effectiveness: one re-check, passed, from 0% to 100% on that item.
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (status, page) = get(&quality, &app, "/training/effectiveness").await;
        assert_eq!(status, 200);
        let module = training::module(db, target.module_id).await.unwrap();
        assert!(
            page.contains(module.module.title.get(Lang::Zh))
                || page.contains(module.module.title.get(Lang::En))
        );
        assert!(
            page.contains("100.0%") && page.contains("0.0%") && page.contains("+100.0"),
            "{page}"
        );
        let (supervisor_status, _) = get(&sup, &app, "/training/effectiveness").await;
        assert_eq!(supervisor_status, 403);

        // Staff see only their own training; the team view is scoped.
        let (_, my_page) = get(&colleague, &app, "/training").await;
        assert!(!my_page.contains(&format!("/training/{}\"", target.id)));
        let (_, team) = get(&sup_b, &app, "/training").await;
        assert!(
            !team.contains("staff.a<") && !team.contains(">staff.a "),
            "site B does not see site A's people"
        );
    }
}

#[tokio::test]
async fn managers_assign_by_hand_within_their_sites() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "training_assign").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;
        let (manager, csrf) = app.sign_in("manager.a@t.test").await;
        let (status, page) = get(&manager, &app, "/training/assign").await;
        assert_eq!(status, 200);
        assert!(page.contains("visit-planning"));
        // The people to choose from: the manager's site's staff, each once, with the site.
        let option = |id: i32| format!("<option value=\"{id}\">");
        for id in [w.staff_a, w.staff_a2] {
            assert_eq!(page.matches(&option(id)).count(), 1, "{backend:?}: {page}");
        }
        assert!(page.contains("· 大堂 A Lobby"), "{backend:?}");
        assert!(
            !page.contains(&option(w.staff_b)),
            "{backend:?}: not site B's staff"
        );
        let due = (chrono::Local::now().date_naive() + chrono::Duration::days(5)).to_string();
        // Everyone at site A gets a module nobody has yet.
        let form = [
            ("_csrf", csrf.as_str()),
            ("module", "visit-planning"),
            ("target", "site"),
            ("site", &w.site_a.to_string()),
            ("due", &due),
        ];
        let r = manager
            .post(app.url("/training/assign"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let visit = training::module_by_key(db, "visit-planning").await.unwrap();
        let assigned: Vec<_> = training_assignment::Entity::find()
            .filter(training_assignment::Column::ModuleId.eq(visit.id))
            .all(db)
            .await
            .unwrap();
        let mut people: Vec<i32> = assigned.iter().map(|a| a.user_id).collect();
        people.sort();
        assert_eq!(
            people,
            vec![w.staff_a, w.staff_a2],
            "{backend:?}: the staff of site A"
        );
        assert!(
            assigned
                .iter()
                .all(|a| a.reason == entity::states::AssignmentReason::Manual
                    && a.assigned_by == Some(w.manager_a))
        );
        // Again: nobody gets it twice.
        manager
            .post(app.url("/training/assign"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            training_assignment::Entity::find()
                .filter(training_assignment::Column::ModuleId.eq(visit.id))
                .all(db)
                .await
                .unwrap()
                .len(),
            2
        );

        // Site B is not theirs; a past date and a missing module are refused with a message.
        let other = [
            ("_csrf", csrf.as_str()),
            ("module", "visit-planning"),
            ("target", "site"),
            ("site", &w.site_b.to_string()),
            ("due", &due),
        ];
        assert_eq!(
            manager
                .post(app.url("/training/assign"))
                .form(&other)
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let staff_b_form = [
            ("_csrf", csrf.as_str()),
            ("module", "visit-planning"),
            ("target", "person"),
            ("person", &w.staff_b.to_string()),
            ("due", &due),
        ];
        assert_eq!(
            manager
                .post(app.url("/training/assign"))
                .form(&staff_b_form)
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        // A fellow manager at the same site, and the site's supervisor: only the
        // supervisor is below the manager, and only their training is the manager's to set.
        let fellow = decorum::store::users::add_atomic(
            db,
            decorum::store::users::NewUser {
                email: "manager.a2@t.test".into(),
                name: "manager.a2".into(),
                role: decorum::auth::Role::Manager,
                password: None,
                position: None,
                gender: None,
                hire_date: None,
                sites: vec!["A".into()],
            },
            None,
        )
        .await
        .unwrap()
        .id;
        for (person, status) in [(fellow, 403), (w.supervisor_a, 200), (999_999, 403)] {
            let form = [
                ("_csrf", csrf.as_str()),
                ("module", "visit-planning"),
                ("target", "person"),
                ("person", &person.to_string()),
                ("due", &due),
            ];
            let r = manager
                .post(app.url("/training/assign"))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), status, "{backend:?}: assigning to {person}");
        }
        assert!(
            assignments_of(&app, fellow).await.is_empty(),
            "{backend:?}: nothing assigned to a fellow manager"
        );
        assert_eq!(assignments_of(&app, w.supervisor_a).await.len(), 1);
        let bad = [
            ("_csrf", csrf.as_str()),
            ("module", ""),
            ("target", "site"),
            ("site", &w.site_a.to_string()),
            ("due", "2001-01-01"),
        ];
        let r = manager
            .post(app.url("/training/assign"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        assert!(
            text.contains("Choose a module") || text.contains("請選擇課程"),
            "{text}"
        );

        // A supervisor assigns to the staff of their own site (the source makes the
        // supervisor responsible for training the staff they inspect), and to nobody else.
        let (supervisor, sup_csrf) = app.sign_in("supervisor.a@t.test").await;
        let (status, page) = get(&supervisor, &app, "/training/assign").await;
        assert_eq!(status, 200, "{backend:?}");
        assert!(page.contains(&option(w.staff_a)), "{backend:?}: {page}");
        assert!(!page.contains(&option(w.staff_b)), "{backend:?}");
        for (target, id, status) in [
            ("person", w.staff_a, 200),
            ("site", w.site_a, 200),
            ("site", w.site_b, 403),
            ("person", w.staff_b, 403),
            ("person", w.supervisor_b, 403),
            ("person", w.manager_a, 403),
        ] {
            let id = id.to_string();
            let form = [
                ("_csrf", sup_csrf.as_str()),
                ("module", "visit-follow-up"),
                ("target", target),
                (target, id.as_str()),
                ("due", due.as_str()),
            ];
            let r = supervisor
                .post(app.url("/training/assign"))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                status,
                "{backend:?}: supervisor → {target} {id}"
            );
        }
        let follow_up = training::module_by_key(db, "visit-follow-up")
            .await
            .unwrap();
        let mut people: Vec<(i32, Option<i32>)> = training_assignment::Entity::find()
            .filter(training_assignment::Column::ModuleId.eq(follow_up.id))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.user_id, a.assigned_by))
            .collect();
        people.sort();
        assert_eq!(
            people,
            vec![
                (w.staff_a, Some(w.supervisor_a)),
                (w.staff_a2, Some(w.supervisor_a))
            ],
            "{backend:?}: site A's staff, assigned by their supervisor"
        );

        // Staff cannot assign.
        for who in ["staff.a@t.test"] {
            let (client, csrf) = app.sign_in(who).await;
            assert_eq!(get(&client, &app, "/training/assign").await.0, 403);
            let form = [
                ("_csrf", csrf.as_str()),
                ("module", "visit-planning"),
                ("target", "site"),
                ("site", &w.site_a.to_string()),
                ("due", &due),
            ];
            assert_eq!(
                client
                    .post(app.url("/training/assign"))
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status(),
                403
            );
        }

        // Site B's staff got their own curriculum when they were added.
        let person = user::Entity::find_by_id(w.staff_b)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            assignments_of(&app, person.id)
                .await
                .iter()
                .all(|a| a.reason == entity::states::AssignmentReason::Curriculum)
        );
    }
}

/// A module page shows its diagrams inline (an `<svg>` in the page, sharp on a phone and
/// printed with it) with their captions, as the library draws them.
#[tokio::test]
async fn module_pages_show_their_diagrams_inline() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "training_diagrams").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;
        let (staff, _) = app.sign_in("staff.a@t.test").await;
        let uniform = training::module_by_key(db, "dress-uniform").await.unwrap();
        let assignment = assignments_of(&app, w.staff_a)
            .await
            .into_iter()
            .find(|a| a.module_id == uniform.id)
            .expect("dress-uniform is in the lobby concierge's curriculum");
        let (status, page) = get(&staff, &app, &format!("/training/{}", assignment.id)).await;
        assert_eq!(status, 200, "{backend:?}");
        let at = page
            .find("data-diagram=\"badge-10cm\"")
            .unwrap_or_else(|| panic!("{backend:?}: no badge diagram in {page}"));
        let figure = &page[at..];
        let end = figure.find("</figure>").unwrap();
        let figure = &figure[..end];
        assert!(figure.contains("<svg"), "{backend:?}: drawn inline");
        assert!(figure.contains("10 cm"), "{backend:?}");
        assert!(
            figure.contains("<figcaption>工卡佩戴在左胸")
                || figure.contains("<figcaption>The name badge on the left chest"),
            "{backend:?}: {figure}"
        );
        assert!(!figure.contains("<script"), "{backend:?}");
    }
}
