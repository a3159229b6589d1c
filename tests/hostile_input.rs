//! Every route, probed with malformed, oversized, wrong-typed and hostile input (script
//! tags, SQL fragments, huge numbers, invalid UTF-8, path traversal): always a 4xx or a
//! normal page, never a 5xx, output escaped, and stored data unchanged.

mod common;

use common::{BACKENDS, TestApp, seed_world};
use entity::{audit_log, inspection, site, user};
use sea_orm::{EntityTrait, PaginatorTrait};

const HOSTILE: [&str; 11] = [
    "<script>alert(1)</script>",
    // The ends of the calendar: a date that parses but cannot be widened to its week.
    "+262142-12-31",
    "-262143-01-01",
    "' OR 1=1 --",
    "1; DROP TABLE inspection;",
    "99999999999999999999999",
    "-1",
    "../../../../etc/passwd",
    "%00",
    "null",
    "長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長長",
];

/// GET routes with the query parameter or path segment to poison (`{}` is replaced).
const GETS: [&str; 26] = [
    "/?site={}",
    "/spotchecks/new?site={}",
    "/spotchecks/new?site=1&subject={}",
    "/spotchecks/start?site={}&subject={}&checklist={}",
    "/spotchecks/start?recheck={}",
    "/spotchecks/{}",
    "/inspections?site={}&subject={}&from={}&to={}&checklist={}&failed_item={}&page={}",
    "/inspections/{}",
    "/photos/{}/{}",
    "/training/{}",
    "/training?x={}",
    "/quality?site={}&checklist={}&section={}&position={}&subject={}&inspector={}&from={}&to={}",
    "/quality?from={}",
    "/quality?to={}",
    "/quality/inspections.csv?from={}",
    "/quality/responses.csv?site={}",
    "/plan?week={}",
    "/audit?entity={}&page={}",
    "/admin/sites/{}",
    "/admin/people?site={}&role={}&page={}",
    "/admin/people/{}",
    "/admin/checklists/{}",
    "/admin/checklists/lobby-reception/diff?from={}&to={}",
    "/api/v1/inspections?from={}",
    "/signin?next={}",
    "/static/{}",
];

/// POST routes; every field of the body is poisoned.
const POSTS: [(&str, &[&str]); 13] = [
    ("/signin", &["email", "password", "_csrf", "next"]),
    ("/settings/lang", &["_csrf", "lang", "next"]),
    (
        "/spotchecks/{}/draft",
        &[
            "_csrf",
            "version",
            "site",
            "subject",
            "shift_date",
            "shift_period",
            "a.x",
            "ctx.y",
        ],
    ),
    (
        "/spotchecks/{}/submit",
        &[
            "_csrf",
            "version",
            "site",
            "subject",
            "shift_date",
            "shift_period",
            "n.z",
        ],
    ),
    ("/inspections/{}/acknowledge", &["_csrf"]),
    ("/inspections/{}/void", &["_csrf", "reason"]),
    ("/training/{}/quiz", &["_csrf", "q.0", "q.x"]),
    (
        "/training/assign",
        &[
            "_csrf", "module", "target", "person", "site", "position", "due",
        ],
    ),
    ("/admin/sites", &["_csrf", "code", "name", "kind"]),
    ("/admin/sites/{}", &["_csrf", "name", "kind", "active"]),
    (
        "/admin/people",
        &[
            "_csrf",
            "email",
            "name",
            "role",
            "sites",
            "position",
            "gender",
            "hire_date",
            "password",
        ],
    ),
    ("/admin/people/{}", &["_csrf", "name", "role", "sites"]),
    ("/signout", &["_csrf"]),
];

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn counts(app: &TestApp) -> (u64, u64, u64, u64) {
    let db = &app.test_db.db;
    (
        inspection::Entity::find().count(db).await.unwrap(),
        user::Entity::find().count(db).await.unwrap(),
        site::Entity::find().count(db).await.unwrap(),
        audit_log::Entity::find().count(db).await.unwrap(),
    )
}

#[tokio::test]
async fn hostile_input_never_gets_a_5xx_or_changes_data() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "hostile").await else {
            continue;
        };
        seed_world(&app.test_db.db).await;
        let before = counts(&app).await;
        let mut tried = 0;
        let mut failures = Vec::new();

        for value in HOSTILE {
            // Signed in afresh for each value: signing out is among the posts below.
            let (admin, csrf) = app.sign_in("admin@t.test").await;
            for route in GETS {
                let path = route.replace("{}", &encode(value));
                let r = admin.get(app.url(&path)).send().await.unwrap();
                let status = r.status().as_u16();
                let to_sign_in = r
                    .headers()
                    .get("location")
                    .is_some_and(|l| l.to_str().unwrap_or_default().starts_with("/signin"));
                if to_sign_in {
                    failures.push(format!("GET {path} was not signed in: probed nothing"));
                }
                let body = r.text().await.unwrap_or_default();
                tried += 1;
                if status >= 500 {
                    failures.push(format!("GET {path} → {status}"));
                }
                if body.contains("<script>alert(1)</script>") {
                    failures.push(format!("GET {path} reflected a script unescaped"));
                }
            }
            for (route, fields) in POSTS {
                let path = route.replace("{}", &encode(value));
                // With the real CSRF token, so the hostile values reach validation.
                let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, value)).collect();
                form.retain(|(k, _)| *k != "_csrf");
                form.push(("_csrf", csrf.as_str()));
                let r = admin.post(app.url(&path)).form(&form).send().await.unwrap();
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                tried += 1;
                if status >= 500 {
                    failures.push(format!(
                        "POST {path} ({value}) → {status}: {}",
                        body.chars().take(200).collect::<String>()
                    ));
                }
                if body.contains("<script>alert(1)</script>") {
                    failures.push(format!("POST {path} reflected a script unescaped"));
                }
            }
        }
        // Invalid UTF-8 in a form body and in a path.
        let (admin, _) = app.sign_in("admin@t.test").await;
        for path in ["/admin/sites", "/training/assign", "/signin"] {
            let r = admin
                .post(app.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(b"_csrf=\xff\xfe&name=\xc3\x28".to_vec())
                .send()
                .await
                .unwrap();
            tried += 1;
            if r.status().as_u16() >= 500 {
                failures.push(format!("POST {path} with invalid UTF-8 → {}", r.status()));
            }
        }
        let r = admin
            .get(app.url("/inspections/%FF%FE"))
            .send()
            .await
            .unwrap();
        tried += 1;
        assert!(r.status().as_u16() < 500);

        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
        // Signing out was among the posts: sign in again to check nothing changed.
        let after = counts(&app).await;
        assert_eq!(
            (after.0, after.1, after.2),
            (before.0, before.1, before.2),
            "{backend:?}: no inspection, person or site was created"
        );
        eprintln!(
            "hostile input: {tried} requests tried on {backend:?}, 0 server errors, data unchanged"
        );
    }
}
