//! Errors people can read, over HTTP on SQLite and PostgreSQL: every error is one sentence
//! of the app's own in the viewer's language, as JSON or a page as the request asked —
//! oversized bodies, values that do not deserialize, unknown addresses — and a site
//! report for a site that does not exist is refused like one that is not the viewer's.

mod common;

use common::{BACKENDS, TestApp, seed_world};
use reqwest::Client;
use uuid::Uuid;

async fn get(client: &Client, url: String, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    (status, kind, response.text().await.unwrap())
}

fn json_messages(body: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(body).expect("a JSON error");
    value["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn errors_are_the_apps_own_sentences_in_the_format_and_language_asked_for() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "errors_format").await else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        let (admin, csrf) = app.sign_in("admin@t.test").await;

        // A page number that does not deserialize: the app's sentence naming the field,
        // not axum's deserializer text; in Chinese (no language asked for), in English
        // when the browser asks, and as JSON when JSON is asked for.
        let (status, kind, body) = get(&admin, app.url("/audit?page=-1"), &[]).await;
        assert_eq!(status, 400, "{backend:?}: {body}");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(body.contains("「-1」不是「page」可用的值。"), "{body}");
        assert!(!body.contains("deserialize") && !body.contains("invalid digit"));
        let (_, _, body) = get(
            &admin,
            app.url("/audit?page=-1"),
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
        assert!(
            body.contains("`-1` is not a valid value for `page`."),
            "{body}"
        );
        let (status, kind, body) = get(
            &admin,
            app.url("/audit?page=-1"),
            &[("accept", "application/json"), ("accept-language", "en")],
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(kind, "application/json");
        assert_eq!(
            json_messages(&body),
            ["`-1` is not a valid value for `page`."]
        );

        // The person's own choice of language wins over the browser's.
        let r = admin
            .post(app.url("/settings/lang"))
            .form(&[("lang", "en"), ("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, _, body) = get(
            &admin,
            app.url("/audit?page=x"),
            &[("accept-language", "zh-TW")],
        )
        .await;
        assert!(
            body.contains("`x` is not a valid value for `page`."),
            "{body}"
        );

        // A form without a field it needs names the field.
        let r = admin
            .post(app.url("/settings/lang"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("`lang` is missing."));

        // axum's own refusals (an address that does not decode, no such page, a method
        // the address does not take) get the app's sentence too, as asked.
        let (status, kind, body) = get(&admin, app.url("/inspections/%FF"), &[]).await;
        assert_eq!(status, 400, "{body}");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(body.contains("The request could not be read."), "{body}");
        let (status, kind, body) = get(&admin, app.url("/api/v1/nothing-here"), &[]).await;
        assert_eq!(status, 404);
        assert_eq!(kind, "application/json");
        assert_eq!(json_messages(&body), ["There is no page at this address."]);
        let r = admin.post(app.url("/audit")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("This address does not accept this kind of request.")
        );

        // A body over 1 MB: 413 naming the limit, as a page or as JSON.
        let (supervisor, csrf) = app.sign_in("supervisor.a@t.test").await;
        let huge = "長".repeat(400_000);
        let draft = app.url(&format!("/spotchecks/{}/draft", Uuid::new_v4()));
        for (accept, language) in [
            ("text/html", "en"),
            ("application/json", "en"),
            ("application/json", "zh-TW"),
        ] {
            let r = supervisor
                .post(draft.clone())
                .header("accept", accept)
                .header("accept-language", language)
                .form(&[("_csrf", csrf.as_str()), ("n.x", huge.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 413, "{accept}");
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            let body = r.text().await.unwrap();
            let sentence = match language {
                "en" => "The request is larger than the 1 MB limit.",
                _ => "請求內容超過 1 MB 的上限。",
            };
            if accept == "application/json" {
                assert_eq!(kind, "application/json");
                assert_eq!(json_messages(&body), [sentence]);
            } else {
                assert!(kind.starts_with("text/html"), "{kind}");
                assert!(body.contains(sentence), "{body}");
            }
        }
    }
}

#[tokio::test]
async fn a_site_report_for_a_site_that_does_not_exist_is_refused_like_a_foreign_one() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "errors_site_report").await else {
            continue;
        };
        let world = seed_world(&app.test_db.db).await;
        let (admin, _) = app.sign_in("admin@t.test").await;
        let (manager, _) = app.sign_in("manager.a@t.test").await;
        let english = [("accept-language", "en")];
        let period = "from=2026-10-01&to=2026-10-31";

        // Admins see every site: one that does not exist is refused, not an empty report.
        for site in ["99999", "NOPE"] {
            let url = app.url(&format!("/reports/site.pdf?site={site}&{period}"));
            let (status, kind, body) = get(&admin, url, &english).await;
            assert_eq!(status, 403, "{backend:?} {site}");
            assert!(kind.starts_with("text/html"), "{kind}");
            assert!(body.contains("This is not available to you."), "{body}");
        }
        let url = app.url(&format!("/reports/site.pdf?site={}&{period}", world.site_b));
        let (status, kind, _) = get(&admin, url, &english).await;
        assert_eq!((status, kind.as_str()), (200, "application/pdf"));

        // A manager gets the same answer for a site that does not exist and for a site
        // that is not theirs, so the refusal does not tell which.
        let missing = get(
            &manager,
            app.url(&format!("/reports/site.pdf?site=99999&{period}")),
            &english,
        )
        .await;
        let foreign = get(
            &manager,
            app.url(&format!("/reports/site.pdf?site={}&{period}", world.site_b)),
            &english,
        )
        .await;
        assert_eq!(missing.0, 403);
        assert_eq!(missing, foreign);
        let own = get(
            &manager,
            app.url(&format!("/reports/site.pdf?site={}&{period}", world.site_a)),
            &english,
        )
        .await;
        assert_eq!(own.0, 200);
    }
}
