//! Photos in an S3-compatible bucket: two app instances on one database (one SQLite file,
//! one PostgreSQL schema) and one bucket served by a real local S3 server (moto's, started
//! here). A photo uploaded through one instance is shown by the other and printed in the
//! PDF report the other makes; neither instance's data directory holds it.

mod common;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{BACKENDS, TestApp, seed_world, sign_in_at};
use decorum::app::{self, AppState};
use decorum::domain::scoring::{Answer, Context, Gender, Subject};
use decorum::store::files::{Bucket, Files, Storage};

/// moto's S3 server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start moto (`moto_server`, else `python3 -m moto.server`), or say why not (see
/// `common::skip_or_fail`).
async fn moto(test: &str) -> Option<Moto> {
    let port = StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let port_text = port.to_string();
    let args = ["-H", "127.0.0.1", "-p", port_text.as_str()];
    let started = Command::new("moto_server")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .or_else(|_| {
            Command::new("python3")
                .args(["-m", "moto.server"])
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        });
    let mut child = match started {
        Ok(child) => child,
        Err(e) => {
            common::skip_or_fail(
                test,
                &format!("moto's S3 server cannot be started ({e}): pip install 'moto[server]'"),
            );
            return None;
        }
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            common::skip_or_fail(
                test,
                &format!("moto's S3 server exited at once ({status}): pip install 'moto[server]'"),
            );
            return None;
        }
        if client.get(&endpoint).send().await.is_ok() {
            return Some(Moto { child, endpoint });
        }
        assert!(
            Instant::now() < deadline,
            "moto's S3 server did not answer in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

impl Moto {
    /// A new, empty bucket (moto takes unsigned requests).
    async fn bucket(&self, name: &str) -> Bucket {
        let made = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .expect("create the bucket");
        assert!(made.status().is_success(), "create bucket: {made:?}");
        Bucket {
            name: name.into(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: Some("decorum-test".into()),
            secret_access_key: Some("decorum-test-secret".into()),
            path_style: true,
            allow_http: true,
        }
    }
}

/// A second instance of the app: the same database (the first one's SQLite file or
/// PostgreSQL schema, through its own connections), the same configuration, but a data
/// directory of its own. Returns its base URL.
async fn second_instance(first: &TestApp, data_dir: &std::path::Path) -> String {
    let mut config = first.test_db.config.clone();
    config.data_dir = data_dir.to_path_buf();
    let db = decorum::db::connect(&config).await.expect("connect");
    let state = AppState::new(db, config).expect("file storage");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(app::serve(
        listener,
        app::build(state),
        Duration::from_secs(10),
        std::future::pending(),
    ));
    base
}

#[tokio::test]
async fn a_photo_uploaded_through_one_instance_is_shown_and_printed_by_the_other() {
    let test = "a_photo_uploaded_through_one_instance_is_shown_and_printed_by_the_other";
    let Some(moto) = moto(test).await else {
        return;
    };
    for backend in BACKENDS {
        let bucket_name = format!("decorum-{}", uuid::Uuid::new_v4().simple());
        let bucket = moto.bucket(&bucket_name).await;
        let direct = Files::open(&Storage::S3(bucket.clone())).expect("the bucket");
        let Some(first) = TestApp::spawn_with(backend, test, |c| c.s3 = Some(bucket)).await else {
            continue;
        };
        let db = &first.test_db.db;
        let w = seed_world(db).await;
        let other_dir = tempfile::tempdir().unwrap();
        let second = second_instance(&first, other_dir.path()).await;

        // On the first instance: a draft failing the bow, then its photo.
        let (sup1, csrf1) = first.sign_in("supervisor.a@t.test").await;
        let lobby = common::lobby(db).await;
        let who = Subject {
            gender: Some(Gender::Female),
            position: Some("lobby-concierge".into()),
        };
        let mut answers = common::perfect_answers(&lobby.checklist, &who, &Context::new());
        answers.insert("greeting-bow".into(), Answer::Measure(10.0));
        let mut body = vec![
            ("_csrf".to_string(), csrf1.clone()),
            ("version".into(), lobby.version_id.to_string()),
            ("site".into(), w.site_a.to_string()),
            ("subject".into(), w.staff_a.to_string()),
            ("shift_date".into(), common::recent_shift_date()),
            ("shift_period".into(), "morning".into()),
        ];
        body.extend(decorum::domain::form::to_fields(
            &answers,
            &Default::default(),
            &Context::new(),
        ));
        let id = uuid::Uuid::new_v4();
        let post = |path: String| {
            sup1.post(first.url(&path))
                .header("accept", "application/json")
                .form(&body)
                .send()
        };
        let saved = post(format!("/spotchecks/{id}/draft")).await.unwrap();
        assert_eq!(saved.status(), 200, "{backend:?}: draft");
        let photo = common::pdf::png(480, 360);
        let uploaded = sup1
            .post(first.url(&format!("/spotchecks/{id}/photos/greeting-bow")))
            .header("x-csrf-token", &csrf1)
            .multipart(reqwest::multipart::Form::new().part(
                "photo",
                reqwest::multipart::Part::bytes(photo.clone()).file_name("bow.png"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), 200, "{backend:?}: upload");
        let url = uploaded.json::<serde_json::Value>().await.unwrap()["url"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(url, format!("/photos/{id}/greeting-bow.png"));

        // The bucket holds it under the data directory's layout; no disk does.
        let key = format!("photos/{id}/greeting-bow.png");
        let held = direct.get(&key).await.unwrap().expect("in the bucket");
        assert!(
            held.bytes == photo && held.content_type == "image/png",
            "{backend:?}: the bucket holds the photo as sent ({} bytes, {})",
            held.bytes.len(),
            held.content_type
        );
        for dir in [
            &first.test_db.config.data_dir,
            &other_dir.path().to_path_buf(),
        ] {
            assert!(
                !dir.join("photos").exists(),
                "{backend:?}: no photo on {}",
                dir.display()
            );
        }

        // The second instance shows it, to the inspector only.
        let (sup2, _) = sign_in_at(&second, "supervisor.a@t.test").await;
        let shown = sup2.get(format!("{second}{url}")).send().await.unwrap();
        assert_eq!(
            shown.status(),
            200,
            "{backend:?}: photo on the other instance"
        );
        assert_eq!(shown.headers()["content-type"], "image/png");
        assert!(
            shown.bytes().await.unwrap() == photo,
            "{backend:?}: the same bytes"
        );
        let (elsewhere, _) = sign_in_at(&second, "supervisor.b@t.test").await;
        let refused = elsewhere
            .get(format!("{second}{url}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            403,
            "{backend:?}: another site's supervisor"
        );
        let traversal = sup2
            .get(format!("{second}/photos/{id}/..%2F..%2Fdecorum.db"))
            .send()
            .await
            .unwrap();
        assert_eq!(traversal.status(), 403);

        // Submitted on the first, printed by the second: the PDF holds the photo.
        let submitted = post(format!("/spotchecks/{id}/submit")).await.unwrap();
        assert_eq!(submitted.status(), 200, "{backend:?}: submit");
        let pdf = sup2
            .get(format!("{second}/inspections/{id}/report.pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(pdf.status(), 200, "{backend:?}: report");
        let pdf = pdf.bytes().await.unwrap();
        assert_eq!(
            common::pdf::images(&pdf).len(),
            1,
            "{backend:?}: the report prints the photo from the bucket"
        );
        let result = common::page_text(&sup2, &format!("{second}/inspections/{id}")).await;
        assert!(
            result.contains(&url),
            "{backend:?}: the result shows the photo"
        );
    }
}

#[test]
fn backup_says_how_the_files_of_each_kind_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let local_copy = dir.path().join("local.db");
    let (code, out, err) =
        common::run_decorum(Some(&data), &["backup", local_copy.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("backed up to"), "{out}");
    assert!(
        out.contains(&format!(
            "photos and signatures are files under {}",
            data.display()
        )) && out.contains("tar -C"),
        "{out}"
    );

    // With a bucket (named only: a backup does not contact it).
    let bucket_copy = dir.path().join("bucket.db");
    let output = Command::new(env!("CARGO_BIN_EXE_decorum"))
        .current_dir(common::repo_path(""))
        .env_remove("DATABASE_URL")
        .env_remove("DECORUM_CONFIG")
        .env("DECORUM_DATA_DIR", &data)
        .env("DECORUM_S3_BUCKET", "decorum-files")
        .env("DECORUM_S3_ENDPOINT", "http://127.0.0.1:9")
        .env("DECORUM_S3_ALLOW_HTTP", "true")
        .args(["backup", bucket_copy.to_str().unwrap()])
        .output()
        .expect("run decorum");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        out.contains(
            "photos and signatures are in the bucket `decorum-files` at http://127.0.0.1:9"
        ) && out.contains("aws s3 sync s3://decorum-files"),
        "{out}"
    );
}
