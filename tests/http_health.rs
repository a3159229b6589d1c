//! The app answers its health check over HTTP on SQLite and on PostgreSQL.

mod common;

use common::{BACKENDS, TestApp};

#[tokio::test]
async fn healthz_answers_200_on_every_backend() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "healthz").await else {
            continue;
        };
        let response = app
            .client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{backend:?}");
        assert_eq!(response.text().await.unwrap(), "ok");
    }
}

#[tokio::test]
async fn healthz_answers_503_when_the_database_is_gone() {
    let app = TestApp::spawn(common::Backend::Sqlite, "healthz-503")
        .await
        .expect("sqlite always works");
    app.test_db.db.clone().close().await.expect("close pool");
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
}
