//! What the tablet's offline use rests on, over HTTP on SQLite and PostgreSQL: the list
//! of pages an inspector keeps (one blank form per checklist, a blank chooser per site
//! they inspect, every page answering), the roster the tablet fills them in from (only
//! people they may inspect), the blank pages refused to others and the template's nil
//! id never a spot-check's, the session as JSON for the outbox, and the service worker
//! and manifest.

mod common;

use common::{BACKENDS, TestApp, seed_world};
use entity::inspection;
use sea_orm::{EntityTrait, PaginatorTrait};

async fn json_at(app: &TestApp, client: &reqwest::Client, path: &str) -> serde_json::Value {
    let response = client.get(app.url(path)).send().await.unwrap();
    response.json().await.unwrap()
}

async fn urls_for(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    serde_json::from_value(json_at(app, client, "/offline/urls.json").await).unwrap()
}

#[tokio::test]
async fn an_inspector_keeps_only_the_pages_for_their_own_sites_and_each_answers() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "offline pages").await else {
            continue;
        };
        let world = seed_world(&app.test_db.db).await;
        let (client, _) = app.sign_in("supervisor.a@t.test").await;
        let urls = urls_for(&app, &client).await;
        let (a, b) = (world.site_a, world.site_b);
        let template = "/spotchecks/template?checklist=lobby-reception";
        for wanted in [
            "/".to_string(),
            "/kept".into(),
            "/spotchecks/new".into(),
            "/offline/roster.json".into(),
            format!("/spotchecks/new?site={a}"),
            format!("/spotchecks/chooser?site={a}"),
            template.into(),
        ] {
            assert!(
                urls.contains(&wanted),
                "{wanted} missing on {backend:?}: {urls:?}"
            );
        }
        assert!(
            !urls.iter().any(|u| u.contains(&format!("site={b}"))),
            "another site's pages are not kept: {urls:?}"
        );
        // One blank form per checklist, not one per person and checklist.
        let forms = urls
            .iter()
            .filter(|u| u.starts_with("/spotchecks/template"))
            .count();
        let distinct: std::collections::BTreeSet<_> = urls.iter().collect();
        assert_eq!(distinct.len(), urls.len(), "each page once: {urls:?}");
        assert!(
            forms >= 1 && !urls.iter().any(|u| u.contains("subject=")),
            "{urls:?}"
        );
        for url in &urls {
            let response = client.get(app.url(url)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{url} on {backend:?}");
        }
        // The template is the form for no one yet, with no spot-check id of its own.
        let page = client
            .get(app.url(template))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("data-template=\"blank\""));
        assert!(page.contains("/spotchecks/00000000-0000-0000-0000-000000000000/submit"));
        assert!(page.contains("name=\"subject\" value=\"0\""));

        // The roster: this site's people with what their checklists test; nobody else.
        let roster = json_at(&app, &client, "/offline/roster.json").await;
        let sites = roster["sites"].as_array().unwrap();
        assert_eq!(sites.len(), 1, "{roster}");
        assert_eq!(sites[0]["id"], a);
        let people = sites[0]["people"].as_array().unwrap();
        let staff_a = people
            .iter()
            .find(|p| p["id"] == world.staff_a)
            .expect("staff A on the roster");
        assert!(
            staff_a["checklists"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "lobby-reception"),
            "{staff_a}"
        );
        assert!(staff_a["subject"]["position"].is_string(), "{staff_a}");
        assert!(
            !people.iter().any(|p| p["id"] == world.staff_b),
            "another site's person: {roster}"
        );
        assert_eq!(roster["shift_days_back"], 60);

        // Staff keep no spot-check pages.
        let (staff, _) = app.sign_in("staff.a@t.test").await;
        let urls = urls_for(&app, &staff).await;
        assert_eq!(urls, ["/", "/kept"], "{backend:?}");
    }
}

#[tokio::test]
async fn the_template_is_refused_elsewhere_and_its_nil_id_is_never_a_spot_check() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "offline template").await else {
            continue;
        };
        let world = seed_world(&app.test_db.db).await;
        // The blank chooser and the roster belong to those who inspect the site.
        let foreign = format!("/spotchecks/chooser?site={}", world.site_a);
        let (other, token) = app.sign_in("supervisor.b@t.test").await;
        let response = other.get(app.url(&foreign)).send().await.unwrap();
        assert_eq!(response.status(), 403, "{backend:?}");
        let roster = json_at(&app, &other, "/offline/roster.json").await;
        assert!(
            !roster
                .to_string()
                .contains(&format!("\"id\":{}", world.staff_a)),
            "B's roster holds no one of site A: {roster}"
        );
        let (staff, _) = app.sign_in("staff.a@t.test").await;
        for page in [
            foreign.as_str(),
            "/spotchecks/template?checklist=lobby-reception",
            "/offline/roster.json",
        ] {
            let response = staff.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.status(), 403, "{page} on {backend:?}");
        }

        let (client, token_a) = app.sign_in("supervisor.a@t.test").await;
        let nil = "00000000-0000-0000-0000-000000000000";
        for (who, token) in [(&client, &token_a), (&other, &token)] {
            for route in ["draft", "submit"] {
                let response = who
                    .post(app.url(&format!("/spotchecks/{nil}/{route}")))
                    .header("Accept", "application/json")
                    .form(&[
                        ("_csrf", token.as_str()),
                        ("site", &world.site_a.to_string()),
                        ("subject", &world.staff_a.to_string()),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 403, "{route} on {backend:?}");
            }
        }
        let stored = inspection::Entity::find()
            .count(&app.test_db.db)
            .await
            .unwrap();
        assert_eq!(stored, 0);
    }
}

#[tokio::test]
async fn the_session_json_names_the_person_or_answers_401() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "session json").await else {
            continue;
        };
        let world = seed_world(&app.test_db.db).await;
        let response = app
            .new_client()
            .get(app.url("/session.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{backend:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["messages"].is_array());

        let (client, token) = app.sign_in("supervisor.a@t.test").await;
        let response = client.get(app.url("/session.json")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["cache-control"].to_str().unwrap(),
            "no-store"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["user"], world.supervisor_a);
        assert_eq!(body["csrf"], token.as_str());
    }
}

#[tokio::test]
async fn the_service_worker_and_manifest_are_served_for_installing() {
    let app = TestApp::spawn(common::Backend::Sqlite, "service worker")
        .await
        .expect("SQLite always answers");
    let response = app.client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cache-control"].to_str().unwrap(),
        "no-cache"
    );
    let script = response.text().await.unwrap();
    assert!(!script.contains("__VERSION__"), "the release is written in");
    let version = decorum::views::layout::ASSET_VERSION.as_str();
    assert!(script.contains(&format!("var VERSION = \"{version}\"")));

    let manifest: serde_json::Value = app
        .client
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icon = manifest["icons"][0]["src"].as_str().unwrap();
    let response = app.client.get(app.url(icon)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "image/svg+xml"
    );
}
