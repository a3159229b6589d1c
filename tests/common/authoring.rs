//! Helpers of the authoring tests (tests/authoring_http.rs, tests/authoring_modules.rs):
//! requests read in English, and the second quality user who reviews a proposal.

use decorum::auth::Role;
use decorum::store::users::{NewUser, add_atomic};
use reqwest::Client;
use sea_orm::DatabaseConnection;

use super::TestApp;

/// A second quality user (`quality.two@t.test`): another person to approve a change.
pub async fn add_second_quality(db: &DatabaseConnection) {
    add_atomic(
        db,
        NewUser {
            email: "quality.two@t.test".into(),
            name: "quality two".into(),
            role: Role::Quality,
            password: Some(super::PASSWORD.into()),
            position: None,
            gender: None,
            hire_date: None,
            sites: Vec::new(),
        },
        None,
    )
    .await
    .expect("second quality user");
}

/// A GET in English: the status and the body.
pub async fn get(client: &Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// A form post in English; the answer's status, its `location` and its body.
pub async fn post(
    client: &Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let r = client
        .post(app.url(path))
        .header("accept-language", "en")
        .form(form)
        .send()
        .await
        .unwrap();
    unfollowed(r).await
}

/// A GET whose redirect is read, not followed: status, `location`, body.
pub async fn get_unfollowed(client: &Client, app: &TestApp, path: &str) -> (u16, String, String) {
    unfollowed(client.get(app.url(path)).send().await.unwrap()).await
}

async fn unfollowed(r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}
