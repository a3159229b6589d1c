//! The admin pages over HTTP on SQLite and PostgreSQL: admins only (403 for every other
//! role, sign-in for no one), creating and editing sites and people with an audit
//! record of each change, bad input answered on the form with a 422 and nothing
//! stored, CSRF, escaping, and what changed between two versions of a checklist.

mod common;

use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::{Lang, Text};
use entity::{audit_log, site, user, user_site};
use reqwest::Client;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

const NON_ADMINS: [&str; 4] = [
    "quality@t.test",
    "manager.a@t.test",
    "supervisor.a@t.test",
    "staff.a@t.test",
];

async fn admin_app(backend: common::Backend, name: &str) -> Option<(TestApp, World)> {
    let app = TestApp::spawn(backend, name).await?;
    let world = seed_world(&app.test_db.db).await;
    Some((app, world))
}

async fn get(client: &Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn post(client: &Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = client
        .post(app.url(path))
        .header("accept-language", "en")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn count_sites(app: &TestApp) -> u64 {
    site::Entity::find().count(&app.test_db.db).await.unwrap()
}

async fn count_people(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.test_db.db).await.unwrap()
}

async fn audit_rows(app: &TestApp, entity: &str, id: i32) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::EntityId.eq(id.to_string()))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.test_db.db)
        .await
        .unwrap()
}

fn get_routes(w: &World) -> Vec<String> {
    vec![
        "/admin".into(),
        "/admin/sites".into(),
        "/admin/sites/new".into(),
        format!("/admin/sites/{}", w.site_a),
        "/admin/people".into(),
        format!("/admin/people?site={}&role=staff", w.site_a),
        "/admin/people/new".into(),
        format!("/admin/people/{}", w.staff_a),
        "/admin/positions".into(),
        "/admin/checklists".into(),
        "/admin/checklists/lobby-reception".into(),
        "/admin/checklists/lobby-reception/diff?from=1&to=1".into(),
    ]
}

#[tokio::test]
async fn admin_pages_are_for_admins_only() {
    for backend in BACKENDS {
        let Some((app, w)) = admin_app(backend, "admin_pages_are_for_admins_only").await else {
            continue;
        };
        let routes = get_routes(&w);
        let (admin, _) = app.sign_in("admin@t.test").await;
        for path in &routes {
            let (status, body) = get(&admin, &app, path).await;
            assert_eq!(status, 200, "admin GET {path} on {backend:?}: {body}");
        }
        for who in NON_ADMINS {
            let (client, csrf) = app.sign_in(who).await;
            let csrf = csrf.as_str();
            for path in &routes {
                let (status, _) = get(&client, &app, path).await;
                assert_eq!(status, 403, "{who} GET {path} on {backend:?}");
            }
            // Writes are refused too, with a valid token, and store nothing.
            let (sites, people) = (count_sites(&app).await, count_people(&app).await);
            let site_edit = format!("/admin/sites/{}", w.site_a);
            let person_edit = format!("/admin/people/{}", w.staff_a);
            let posts: [(&str, Vec<(&str, &str)>); 4] = [
                (
                    "/admin/sites",
                    vec![
                        ("_csrf", csrf),
                        ("code", "X1"),
                        ("name", "X"),
                        ("kind", "lobby"),
                    ],
                ),
                (
                    &site_edit,
                    vec![("_csrf", csrf), ("name", "Renamed"), ("kind", "office")],
                ),
                (
                    "/admin/people",
                    vec![
                        ("_csrf", csrf),
                        ("name", "X"),
                        ("email", "x@t.test"),
                        ("role", "admin"),
                    ],
                ),
                (
                    &person_edit,
                    vec![
                        ("_csrf", csrf),
                        ("name", "X"),
                        ("role", "admin"),
                        ("active", "on"),
                    ],
                ),
            ];
            for (path, form) in &posts {
                let (status, _) = post(&client, &app, path, form).await;
                assert_eq!(status, 403, "{who} POST {path} on {backend:?}");
            }
            assert_eq!(count_sites(&app).await, sites);
            assert_eq!(count_people(&app).await, people);
        }
        let site_a = site::Entity::find_by_id(w.site_a)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(site_a.kind, "lobby", "no refused edit got through");
        let staff_a = user::Entity::find_by_id(w.staff_a)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(staff_a.role, "staff");

        let anon = app.new_client();
        for path in &routes {
            let response = anon.get(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 303, "anonymous GET {path}");
            assert_eq!(response.headers()["location"], "/signin");
        }
        let response = anon
            .post(app.url("/admin/sites"))
            .form(&[("code", "X"), ("name", "X"), ("kind", "lobby")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
}

#[tokio::test]
async fn sites_are_created_and_edited_with_an_audit_record() {
    for backend in BACKENDS {
        let Some((app, _w)) = admin_app(backend, "sites_are_created_and_edited").await else {
            continue;
        };
        let (admin, csrf) = app.sign_in("admin@t.test").await;
        let csrf = csrf.as_str();
        let admin_id = user::Entity::find()
            .filter(user::Column::Email.eq("admin@t.test"))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap()
            .id;

        let name = "<script>alert(1)</script> 君臨天下大堂";
        let (status, body) = post(
            &admin,
            &app,
            "/admin/sites",
            &[
                ("_csrf", csrf),
                ("code", "jl-lobby"),
                ("name", name),
                ("kind", "lobby"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let created = site::Entity::find()
            .filter(site::Column::Code.eq("JL-LOBBY"))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("the site is stored, its code upper-cased");
        assert_eq!(created.name, name);
        assert!(created.active);
        let audit = audit_rows(&app, "site", created.id).await;
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "create");
        assert_eq!(audit[0].actor_id, Some(admin_id));
        assert_eq!(audit[0].after.as_ref().unwrap()["code"], "JL-LOBBY");

        // Shown escaped in the list and the form.
        let (_, list) = get(&admin, &app, "/admin/sites").await;
        assert!(list.contains("JL-LOBBY"));
        assert!(list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!list.contains("<script>alert(1)"));
        let (_, form) = get(&admin, &app, &format!("/admin/sites/{}", created.id)).await;
        assert!(form.contains("&lt;script&gt;") && !form.contains("<script>alert(1)"));

        // A duplicate code: the form again with the message and the values entered.
        let before = count_sites(&app).await;
        let (status, body) = post(
            &admin,
            &app,
            "/admin/sites",
            &[
                ("_csrf", csrf),
                ("code", "JL-LOBBY"),
                ("name", "Another lobby"),
                ("kind", "lobby"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("is already used"), "{body}");
        assert!(body.contains("value=\"Another lobby\""));
        assert_eq!(count_sites(&app).await, before);

        // Several problems at once, all reported; a bad kind is not a 500.
        let long = "x".repeat(121);
        let (status, body) = post(
            &admin,
            &app,
            "/admin/sites",
            &[
                ("_csrf", csrf),
                ("code", "bad code!"),
                ("name", &long),
                ("kind", "castle"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("letters, digits and -"), "{body}");
        assert!(body.contains("at most 120 characters"), "{body}");
        assert!(body.contains("Unknown kind of site"), "{body}");
        let (status, body) = post(&admin, &app, "/admin/sites", &[("_csrf", csrf)]).await;
        assert_eq!(status, 422);
        assert!(body.contains("Enter a code") && body.contains("Enter the site"));
        assert_eq!(count_sites(&app).await, before);

        // No CSRF token, or a wrong one: 400, nothing stored.
        for form in [
            vec![("code", "NEW-1"), ("name", "New"), ("kind", "office")],
            vec![
                ("_csrf", "forged"),
                ("code", "NEW-1"),
                ("name", "New"),
                ("kind", "office"),
            ],
        ] {
            let (status, _) = post(&admin, &app, "/admin/sites", &form).await;
            assert_eq!(status, 400);
        }
        assert_eq!(count_sites(&app).await, before);

        // Edit: name, kind, deactivate (the checkbox left unticked).
        let path = format!("/admin/sites/{}", created.id);
        let (status, _) = post(
            &admin,
            &app,
            &path,
            &[
                ("_csrf", csrf),
                ("name", "君臨天下 Office"),
                ("kind", "office"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let edited = site::Entity::find_by_id(created.id)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                edited.code.as_str(),
                edited.name.as_str(),
                edited.kind.as_str(),
                edited.active
            ),
            ("JL-LOBBY", "君臨天下 Office", "office", false)
        );
        let audit = audit_rows(&app, "site", created.id).await;
        assert_eq!(audit.len(), 2);
        assert_eq!(audit[1].action, "update");
        assert_eq!(audit[1].before.as_ref().unwrap()["active"], true);
        assert_eq!(audit[1].after.as_ref().unwrap()["active"], false);
        assert_eq!(audit[1].after.as_ref().unwrap()["kind"], "office");

        // An edit with a bad kind changes nothing; an edit without a token neither.
        let (status, _) = post(
            &admin,
            &app,
            &path,
            &[
                ("_csrf", csrf),
                ("name", ""),
                ("kind", "office"),
                ("active", "on"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        let (status, _) = post(&admin, &app, &path, &[("name", "Z"), ("kind", "lobby")]).await;
        assert_eq!(status, 400);
        let unchanged = site::Entity::find_by_id(created.id)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(unchanged, edited);
        assert_eq!(audit_rows(&app, "site", created.id).await.len(), 2);

        // Ids that do not exist, or are not ids, are refused like foreign ones.
        for path in ["/admin/sites/999999", "/admin/sites/abc"] {
            let (status, _) = get(&admin, &app, path).await;
            assert_eq!(status, 403, "{path}");
        }
    }
}

#[tokio::test]
async fn people_are_created_and_edited_with_an_audit_record() {
    for backend in BACKENDS {
        let Some((app, w)) = admin_app(backend, "people_are_created_and_edited").await else {
            continue;
        };
        let (admin, csrf) = app.sign_in("admin@t.test").await;
        let csrf = csrf.as_str();
        let site_a = w.site_a.to_string();
        let site_b = w.site_b.to_string();
        let (site_a, site_b) = (site_a.as_str(), site_b.as_str());
        let name = "<script>alert('x')</script> 陳美玲";
        let (status, body) = post(
            &admin,
            &app,
            "/admin/people",
            &[
                ("_csrf", csrf),
                ("name", name),
                ("email", " New.Person@T.test "),
                ("role", "staff"),
                ("site", site_a),
                ("site", site_b),
                ("position", "lobby-concierge"),
                ("gender", "female"),
                ("hire_date", "2026-01-05"),
                ("password", "long-enough-1"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let person = user::Entity::find()
            .filter(user::Column::Email.eq("new.person@t.test"))
            .one(&app.test_db.db)
            .await
            .unwrap()
            .expect("the person is stored, the email lower-cased");
        assert_eq!(person.name, name);
        assert_eq!(person.role, "staff");
        assert_eq!(person.gender.as_deref(), Some("female"));
        assert_eq!(person.hire_date.unwrap().to_string(), "2026-01-05");
        assert!(person.password_hash.is_some() && person.active);
        let mut sites: Vec<i32> = user_site::Entity::find()
            .filter(user_site::Column::UserId.eq(person.id))
            .all(&app.test_db.db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.site_id)
            .collect();
        sites.sort_unstable();
        assert_eq!(sites, vec![w.site_a, w.site_b]);
        let audit = audit_rows(&app, "user", person.id).await;
        let create = audit.iter().find(|a| a.action == "create").unwrap();
        assert!(create.actor_id.is_some());
        assert_eq!(create.after.as_ref().unwrap()["email"], "new.person@t.test");

        // Listed, escaped; filters by site and role.
        let (_, list) = get(&admin, &app, "/admin/people").await;
        assert!(list.contains("&lt;script&gt;alert('x')&lt;/script&gt; 陳美玲"));
        assert!(!list.contains("<script>alert"));
        let (_, at_b) = get(
            &admin,
            &app,
            &format!("/admin/people?site={}&role=staff", w.site_b),
        )
        .await;
        assert!(at_b.contains("staff.b") && at_b.contains("new.person@t.test"));
        assert!(!at_b.contains("staff.a@t.test") && !at_b.contains("supervisor.b@t.test"));
        let (_, none) = get(
            &admin,
            &app,
            &format!("/admin/people?site={}&role=quality", w.site_b),
        )
        .await;
        assert!(none.contains("No one matches"), "{none}");
        let (status, _) = get(&admin, &app, "/admin/people?role=root").await;
        assert_eq!(status, 400);
        let (status, _) = get(&admin, &app, "/admin/people?site=abc").await;
        assert_eq!(status, 400);

        // Bad input: 422 with the messages and the values entered, nothing stored.
        let before = count_people(&app).await;
        let audits = audit_log::Entity::find()
            .count(&app.test_db.db)
            .await
            .unwrap();
        let (status, body) = post(
            &admin,
            &app,
            "/admin/people",
            &[
                ("_csrf", csrf),
                ("name", "Keeps Her Name"),
                ("email", "not-an-email"),
                ("role", "staff"),
                ("site", site_a),
                ("hire_date", "05/01/2026"),
                ("password", "short"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("is not a valid email address"), "{body}");
        assert!(body.contains("The hire date must be a date"), "{body}");
        assert!(body.contains("at least 8 characters"), "{body}");
        assert!(body.contains("value=\"Keeps Her Name\""));
        assert!(
            !body.contains("value=\"short\""),
            "passwords are not echoed"
        );
        let (status, body) = post(
            &admin,
            &app,
            "/admin/people",
            &[
                ("_csrf", csrf),
                ("name", "Someone"),
                ("email", "staff.a@t.test"),
                ("role", "emperor"),
                ("site", "999999"),
                ("position", "astronaut"),
                ("gender", "other"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        for message in [
            "Someone already has the email",
            "Choose a role",
            "Unknown site",
            "Unknown position",
            "Gender is female or male",
        ] {
            assert!(body.contains(message), "{message}: {body}");
        }
        let (status, _) = post(
            &admin,
            &app,
            "/admin/people",
            &[
                ("name", "No Token"),
                ("email", "nt@t.test"),
                ("role", "staff"),
            ],
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(count_people(&app).await, before);
        assert_eq!(
            audit_log::Entity::find()
                .count(&app.test_db.db)
                .await
                .unwrap(),
            audits
        );

        // Edit: promote to supervisor at site A only, no position, deactivate.
        let path = format!("/admin/people/{}", person.id);
        let (status, page) = get(&admin, &app, &path).await;
        assert_eq!(status, 200);
        assert!(page.contains("new.person@t.test"));
        let (status, body) = post(
            &admin,
            &app,
            &path,
            &[
                ("_csrf", csrf),
                ("name", "陳美玲"),
                ("role", "supervisor"),
                ("site", site_a),
                ("position", ""),
                ("gender", "female"),
                ("hire_date", ""),
            ],
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let edited = user::Entity::find_by_id(person.id)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(edited.name, "陳美玲");
        assert_eq!(edited.role, "supervisor");
        assert!(!edited.active && edited.position_id.is_none() && edited.hire_date.is_none());
        let memberships = user_site::Entity::find()
            .filter(user_site::Column::UserId.eq(person.id))
            .all(&app.test_db.db)
            .await
            .unwrap();
        assert_eq!(memberships.len(), 1);
        assert_eq!(memberships[0].site_id, w.site_a);
        let update = audit_rows(&app, "user", person.id)
            .await
            .into_iter()
            .rfind(|a| a.action == "update")
            .expect("an update record");
        let (b, a) = (update.before.unwrap(), update.after.unwrap());
        assert_eq!(b["role"], "staff");
        assert_eq!(a["role"], "supervisor");
        assert_eq!(b["sites"].as_array().unwrap().len(), 2);
        assert_eq!(a["sites"], serde_json::json!(["A"]));
        assert_eq!(b["active"], true);
        assert_eq!(a["active"], false);
        assert_eq!(b["position"], "lobby-concierge");
        assert!(a["position"].is_null());

        // Deactivated: can no longer sign in.
        let client = app.new_client();
        let signin = client.get(app.url("/signin")).send().await.unwrap();
        let token = common::csrf_in(&signin.text().await.unwrap());
        let response = client
            .post(app.url("/signin"))
            .form(&[
                ("email", "new.person@t.test"),
                ("password", "long-enough-1"),
                ("_csrf", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);

        // An admin cannot demote or deactivate themself.
        let me = format!("/admin/people/{}", w.admin);
        let (status, page) = get(&admin, &app, &me).await;
        assert_eq!(status, 200);
        assert!(page.contains("You cannot deactivate your own account"));
        for form in [
            vec![
                ("_csrf", csrf),
                ("name", "admin"),
                ("role", "staff"),
                ("active", "on"),
            ],
            vec![("_csrf", csrf), ("name", "admin"), ("role", "admin")],
        ] {
            let (status, body) = post(&admin, &app, &me, &form).await;
            assert_eq!(status, 422);
            assert!(
                body.contains("You cannot demote or deactivate yourself"),
                "{body}"
            );
        }
        let still = user::Entity::find_by_id(w.admin)
            .one(&app.test_db.db)
            .await
            .unwrap()
            .unwrap();
        assert!(still.role == "admin" && still.active);
        // ...but may rename themself.
        let (status, _) = post(
            &admin,
            &app,
            &me,
            &[
                ("_csrf", csrf),
                ("name", "Head Admin"),
                ("role", "admin"),
                ("active", "on"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _) = get(&admin, &app, "/admin").await;
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn empty_lists_say_so() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "empty_lists_say_so").await else {
            continue;
        };
        decorum::store::users::add(
            &app.test_db.db,
            decorum::store::users::NewUser {
                email: "admin@t.test".into(),
                name: "Admin".into(),
                role: decorum::auth::Role::Admin,
                password: Some(common::PASSWORD.into()),
                position: None,
                gender: None,
                hire_date: None,
                sites: Vec::new(),
            },
            None,
        )
        .await
        .unwrap();
        let (admin, _) = app.sign_in("admin@t.test").await;
        let (status, body) = get(&admin, &app, "/admin/sites").await;
        assert_eq!(status, 200);
        assert!(body.contains("class=\"empty\"") && body.contains("There are no sites yet"));
        let (_, body) = get(&admin, &app, "/admin/people?role=staff").await;
        assert!(body.contains("class=\"empty\""));
        let (_, body) = get(&admin, &app, "/admin/people/new").await;
        assert!(body.contains("There are no sites yet"));
        let (_, body) = get(&admin, &app, "/admin/checklists/lobby-reception").await;
        assert!(body.contains("only one version"));
        let (_, body) = get(&admin, &app, "/admin/checklists/lobby-reception/diff").await;
        assert!(body.contains("The two versions are the same"));
        let (_, body) = get(&admin, &app, "/admin/positions").await;
        assert!(body.contains("read-only") && body.contains("lobby-concierge"));
        assert!(
            body.contains("lobby-greeting"),
            "the curriculum from the library"
        );
    }
}

#[tokio::test]
async fn the_diff_shows_what_changed_between_two_versions() {
    for backend in BACKENDS {
        let Some((app, _w)) = admin_app(backend, "the_diff_shows_what_changed").await else {
            continue;
        };
        let mut library = decorum::library_files::load(&common::repo_path("checklists"))
            .expect("the shipped library loads");
        let lobby = library
            .checklists
            .iter_mut()
            .find(|c| c.key == "lobby-reception")
            .unwrap();
        let welcome = &mut lobby.sections[0];
        let removed = welcome.items.remove(2);
        let changed = &mut welcome.items[1];
        let old_text = changed.text.get(Lang::En).to_string();
        changed
            .text
            .set("en", "Bright, alert and smiling while waiting");
        changed.weight = 5.0;
        changed.critical = true;
        let changed_key = changed.key.clone();
        let mut added = welcome.items[0].clone();
        added.key = "offer-water".into();
        added
            .text
            .set("en", "Offers <b>water</b> to waiting guests");
        added.text = Text::new("為等候的客人送上茶水", added.text.get(Lang::En));
        welcome.items.push(added);
        lobby.pass_mark = 85.0;
        let report = decorum::store::library::import(&app.test_db.db, &library)
            .await
            .unwrap();
        assert_eq!(report.new_versions, vec!["lobby-reception v2".to_string()]);

        let (admin, _) = app.sign_in("admin@t.test").await;
        let (status, list) = get(&admin, &app, "/admin/checklists").await;
        assert_eq!(status, 200);
        assert!(list.contains("Lobby reception procedure") && list.contains("v2"));
        let (status, page) = get(&admin, &app, "/admin/checklists/lobby-reception").await;
        assert_eq!(status, 200);
        assert!(page.contains("v1") && page.contains("v2"));
        assert!(page.contains("action=\"/admin/checklists/lobby-reception/diff\""));

        let (status, body) = get(
            &admin,
            &app,
            "/admin/checklists/lobby-reception/diff?from=1&to=2",
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("class=\"diff\""));
        // The added item, on the new side.
        assert!(body.contains("offer-water"));
        assert!(
            body.contains("<td class=\"added\">Offers &lt;b&gt;water&lt;/b&gt; to waiting guests")
        );
        // The removed item, on the old side.
        assert!(body.contains(&removed.key));
        assert!(body.contains(&format!(
            "<td class=\"removed\">{}",
            removed.text.get(Lang::En)
        )));
        // The changed item: old and new text, both marked.
        assert!(body.contains(&changed_key));
        assert!(body.contains(&format!("<td class=\"changed\"><mark>{old_text}</mark>")));
        assert!(body.contains(
            "<td class=\"changed\"><mark>Bright, alert and smiling while waiting</mark>"
        ));
        assert!(body.contains("weight 5"));
        // The checklist's pass mark.
        assert!(body.contains("Pass mark") && body.contains("80%") && body.contains("85%"));
        assert!(
            body.contains("Added 1") && body.contains("Removed 1") && body.contains("Changed 1")
        );
        assert!(body.contains("unchanged items"));

        // Defaults to the latest two versions; bad version numbers are a clear 400.
        let (status, default) = get(&admin, &app, "/admin/checklists/lobby-reception/diff").await;
        assert_eq!(status, 200);
        assert!(default.contains("v1 → v2"));
        for query in ["from=1&to=9", "from=abc&to=2"] {
            let (status, body) = get(
                &admin,
                &app,
                &format!("/admin/checklists/lobby-reception/diff?{query}"),
            )
            .await;
            assert_eq!(status, 400, "{query}");
            assert!(body.contains("version"), "{body}");
        }
        let (status, _) = get(
            &admin,
            &app,
            "/admin/checklists/no-such-list/diff?from=1&to=2",
        )
        .await;
        assert_eq!(status, 403);
    }
}

/// A session is read with its person and their sites in one query: it must still carry
/// every site of a person who has several, and end when it expires or when the person
/// is deactivated.
#[tokio::test]
async fn a_session_carries_every_site_and_ends_on_expiry_or_deactivation() {
    use decorum::auth::Role;
    use decorum::store::users::{NewUser, add_atomic};
    use entity::session;
    use sea_orm::{ActiveModelTrait, Set};

    for backend in BACKENDS {
        let Some((app, w)) = admin_app(backend, "session_sites").await else {
            continue;
        };
        let db = &app.test_db.db;
        let both = add_atomic(
            db,
            NewUser {
                email: "manager.ab@t.test".into(),
                name: "manager.ab".into(),
                role: Role::Manager,
                password: Some(common::PASSWORD.into()),
                position: None,
                gender: None,
                hire_date: None,
                sites: vec!["A".into(), "B".into()],
            },
            None,
        )
        .await
        .unwrap();
        let (client, _) = app.sign_in("manager.ab@t.test").await;
        for site in [w.site_a, w.site_b] {
            let (status, page) = get(&client, &app, &format!("/spotchecks/new?site={site}")).await;
            assert_eq!(status, 200, "{backend:?}: site {site}: {page}");
        }
        let (status, _) = get(&client, &app, "/spotchecks/new?site=999999").await;
        assert_eq!(status, 403, "{backend:?}: a site the person is not at");

        // Expired: the next request is sent to sign in.
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
            )
            .filter(session::Column::UserId.eq(both.id))
            .exec(db)
            .await
            .unwrap();
        let (status, _) = get(&client, &app, "/spotchecks/new").await;
        assert_eq!(status, 303, "{backend:?}: an expired session");

        // Deactivated while signed in: the session no longer opens anything.
        let (client, _) = app.sign_in("manager.ab@t.test").await;
        let (status, _) = get(&client, &app, "/spotchecks/new").await;
        assert_eq!(status, 200, "{backend:?}");
        let mut off: user::ActiveModel = both.clone().into();
        off.active = Set(false);
        off.update(db).await.unwrap();
        let (status, _) = get(&client, &app, "/spotchecks/new").await;
        assert_eq!(status, 303, "{backend:?}: a deactivated person's session");
    }
}

/// Nothing else deletes a session that was never signed out of: signing in prunes the
/// expired ones, and leaves the live ones be.
#[tokio::test]
async fn signing_in_prunes_expired_sessions() {
    use entity::session;

    for backend in BACKENDS {
        let Some((app, _)) = admin_app(backend, "session_prune").await else {
            continue;
        };
        let db = &app.test_db.db;
        let (first, _) = app.sign_in("admin@t.test").await;
        let (second, _) = app.sign_in("admin@t.test").await;
        assert_eq!(
            session::Entity::find().count(db).await.unwrap(),
            2,
            "{backend:?}"
        );
        // The first session expires; the second stays live.
        let expired = session::Entity::find()
            .order_by_asc(session::Column::CreatedAt)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
            )
            .filter(session::Column::Id.eq(&expired.id))
            .exec(db)
            .await
            .unwrap();
        let before = session::Entity::find().count(db).await.unwrap();
        assert_eq!(
            before, 2,
            "{backend:?}: an expired row stays until someone signs in"
        );
        let _third = app.sign_in("admin@t.test").await;
        assert!(
            session::Entity::find_by_id(expired.id.clone())
                .one(db)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}: the expired session row is gone"
        );
        assert_eq!(
            session::Entity::find().count(db).await.unwrap(),
            2,
            "{backend:?}: the live session and the new one remain"
        );
        // Whichever of the two clients held the live session still gets in.
        let mut live = 0;
        for client in [&first, &second] {
            let (status, _) = get(client, &app, "/audit").await;
            if status == 200 {
                live += 1;
            }
        }
        assert_eq!(live, 1, "{backend:?}");
    }
}
