//! A supervisor's tablet in a real headless Chromium (768×1024): sign in, tap through a
//! whole lobby-reception spot-check, lose the connection half-way, keep scoring, submit
//! while offline, get the connection back — and exactly one inspection is stored, with
//! the score the engine gives those answers.
//!
//! Needs `chromedriver` and `chromium` (Debian's packages, installed by .ci/run); where
//! they are missing the test prints a SKIP line.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, TestDb, seed_world};
use decorum::app::{self, AppState};
use decorum::domain::ItemKind;
use decorum::domain::scoring::{Answer, Context, Gender, Subject, resolve_context, score};
use decorum::store::library::current_checklists;
use entity::inspection;
use fantoccini::{Client, ClientBuilder, Locator};
use sea_orm::EntityTrait;
use tokio::task::JoinHandle;

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The app on a fixed port that the test can take down and bring back, like a Wi-Fi drop.
struct Server {
    addr: SocketAddr,
    state: AppState,
    task: Option<JoinHandle<()>>,
}

impl Server {
    async fn start(addr: SocketAddr, state: AppState) -> Server {
        let mut server = Server {
            addr,
            state,
            task: None,
        };
        server.up().await;
        server
    }

    async fn up(&mut self) {
        let started = Instant::now();
        let listener = loop {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.set_reuseaddr(true).unwrap();
            match socket.bind(self.addr).and_then(|()| socket.listen(128)) {
                Ok(listener) => break listener,
                Err(e) if started.elapsed() < Duration::from_secs(10) => {
                    eprintln!("waiting to rebind {}: {e}", self.addr);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot bind {}: {e}", self.addr),
            }
        };
        let router = app::build(self.state.clone());
        self.task = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        }));
    }

    /// Drop the listener and every open connection at once.
    async fn down(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

async fn click(browser: &Client, xpath: &str) {
    let element = browser
        .find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("no element {xpath}: {e}"));
    browser
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .unwrap();
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot tap {xpath}: {e}"));
}

async fn screenshot(browser: &Client, name: &str) {
    let dir = common::repo_path("target/browser");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

#[tokio::test]
async fn a_tablet_scores_a_lobby_spot_check_through_a_network_drop() {
    let (Some(driver_bin), Some(chrome)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        eprintln!(
            "SKIP browser test: chromedriver or chromium is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    };

    // The app on SQLite, with sites, people and the shipped library.
    let test_db = TestDb::new(Backend::Sqlite, "browser").await.unwrap();
    test_db.import_library().await;
    let world = seed_world(&test_db.db).await;
    let state = AppState::new(test_db.db.clone(), test_db.config.clone());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut server = Server::start(addr, state).await;
    let base = format!("http://{addr}");

    // chromedriver and a headless Chromium with a tablet-sized window.
    let driver_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _driver = Driver(
        Command::new(driver_bin)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = tempfile::tempdir().unwrap();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chrome,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=768,1024",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "mobileEmulation": { "deviceMetrics": { "width": 768, "height": 1024, "pixelRatio": 2.0, "touch": true } }
        }
    });
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities.as_object().unwrap().clone());
    let started = Instant::now();
    let browser = loop {
        match builder
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
        {
            Ok(client) => break client,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                eprintln!("waiting for chromedriver: {e}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("cannot start a browser session: {e}"),
        }
    };

    // Sign in as the supervisor.
    browser.goto(&format!("{base}/signin")).await.unwrap();
    browser
        .find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys("supervisor.a@t.test")
        .await
        .unwrap();
    browser
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(common::PASSWORD)
        .await
        .unwrap();
    click(&browser, "//button[@type='submit']").await;
    browser
        .wait()
        .for_element(Locator::Css("a.tile"))
        .await
        .unwrap();
    screenshot(&browser, "1-home").await;

    // Two taps: the person, then the checklist.
    click(
        &browser,
        &format!("//a[contains(@href, 'subject={}')]", world.staff_a),
    )
    .await;
    click(
        &browser,
        "//a[contains(@href, 'checklist=lobby-reception')]",
    )
    .await;
    browser
        .wait()
        .for_element(Locator::Id("spotcheck"))
        .await
        .unwrap();
    let url = browser.current_url().await.unwrap();
    let id = url.path().trim_start_matches("/spotchecks/").to_string();
    let id = uuid::Uuid::parse_str(&id).expect("the form's URL carries the spot-check UUID");

    let lobby = current_checklists(&test_db.db)
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
    // One check fails, so the expected score is not simply 100.
    let failing = lobby
        .checklist
        .items()
        .map(|(_, i)| i)
        .find(|i| matches!(i.kind, ItemKind::Check) && !i.critical && answers.contains_key(&i.key))
        .unwrap()
        .key
        .clone();
    answers.insert(failing.clone(), Answer::Fail);
    let keys: Vec<String> = lobby
        .checklist
        .items()
        .map(|(_, i)| i.key.clone())
        .filter(|k| answers.contains_key(k))
        .collect();
    let half = keys.len() / 2;
    let live_percent = async || {
        browser
            .find(Locator::Id("live-percent"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert_eq!(
        live_percent().await,
        "—",
        "no score before an answer counts, not 100 %"
    );

    for (n, key) in keys.iter().enumerate() {
        if n == half {
            // Let the autosave reach the server, then drop the connection.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let shown = live_percent().await;
            assert!(
                shown.ends_with('%'),
                "the autosave's percent replaces the dash: {shown}"
            );
            screenshot(&browser, "2-half-way").await;
            server.down().await;
        }
        let item = format!("//div[@id='item-{key}']");
        match &answers[key] {
            Answer::Pass => click(&browser, &format!("{item}//input[@value='pass']/..")).await,
            Answer::Fail => click(&browser, &format!("{item}//input[@value='fail']/..")).await,
            Answer::Scale(v) => {
                click(
                    &browser,
                    &format!("{item}//input[@name='a.{key}' and @value='{v}']/.."),
                )
                .await
            }
            Answer::Measure(v) => {
                let input = browser
                    .find(Locator::XPath(&format!("{item}//input[@type='number']")))
                    .await
                    .unwrap();
                input.send_keys(&v.to_string()).await.unwrap();
            }
            Answer::Heard(list) => {
                for i in list {
                    click(
                        &browser,
                        &format!("{item}//input[@name='h.{key}' and @value='{i}']/.."),
                    )
                    .await;
                }
            }
            Answer::Done(list) => {
                for i in list {
                    click(
                        &browser,
                        &format!("{item}//input[@name='s.{key}' and @value='{i}']/.."),
                    )
                    .await;
                }
            }
            other => panic!("the lobby checklist has no item answered {other:?}"),
        }
    }
    screenshot(&browser, "3-offline-answered").await;
    click(&browser, "//button[@id='submit-button']").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    screenshot(&browser, "4-offline-submitted").await;
    let banner = browser
        .find(Locator::Id("net-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        banner.contains("1"),
        "the page says one spot-check is kept on the device: {banner:?}"
    );
    let stored = inspection::Entity::find_by_id(id)
        .one(&test_db.db)
        .await
        .unwrap();
    assert!(
        stored.as_ref().is_none_or(|s| s.status == "draft"),
        "nothing is submitted while offline"
    );

    // The connection returns; the outbox sends the spot-check by itself.
    server.up().await;
    let started = Instant::now();
    let submitted = loop {
        let row = inspection::Entity::find_by_id(id)
            .one(&test_db.db)
            .await
            .unwrap();
        if let Some(row) = row.filter(|r| r.status == "submitted") {
            break row;
        }
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "the kept submission was not sent after reconnecting"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    browser
        .wait()
        .for_url(&url::Url::parse(&format!("{base}/inspections/{id}")).unwrap())
        .await
        .unwrap();
    screenshot(&browser, "5-result").await;

    let all = inspection::Entity::find().all(&test_db.db).await.unwrap();
    assert_eq!(all.len(), 1, "exactly one inspection is stored");
    let (context, _) = resolve_context(&lobby.checklist, &Context::new());
    let expected = score(&lobby.checklist, &subject, &context, &answers);
    assert!(expected.problems.is_empty() && expected.unanswered.is_empty());
    let expected_percent = expected.percent.expect("perfect answers count");
    assert!(
        (submitted.percent.unwrap() - expected_percent).abs() < 1e-9,
        "{} vs {}",
        submitted.percent.unwrap(),
        expected_percent
    );
    assert_eq!(submitted.passed, Some(expected.passed));
    let page = browser.source().await.unwrap();
    assert!(
        page.contains(&format!("{:.1}%", expected_percent)),
        "the result page shows the score"
    );

    browser.close().await.unwrap();
    server.down().await;
}
