//! A headless Chromium driven through chromedriver, for the browser tests: started with a
//! fresh profile, stopped when dropped; missing programs are a SKIP line (a failure
//! under CI).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

/// The first of `names` found on the PATH.
pub fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// chromedriver, stopped when dropped.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A browser session with what keeps it alive.
pub struct Chromium {
    pub client: Client,
    /// The browser's profile directory (free for a test's own files too).
    pub profile: tempfile::TempDir,
    _driver: Driver,
}

/// Start chromedriver and a headless Chromium with `args` added to the usual ones and
/// `options` merged into `goog:chromeOptions` (a device to emulate, preferences…).
/// `None` (a SKIP line; a failure under CI) without chromedriver and Chromium.
pub async fn start(args: &[&str], options: serde_json::Value) -> Option<Chromium> {
    let (Some(driver_bin), Some(chrome)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        super::skip_or_fail(
            "browser test",
            "chromedriver or chromium is not installed (apt-get install chromium chromium-driver)",
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut all_args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    .iter()
    .chain(args)
    .map(|a| a.to_string())
    .collect();
    all_args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut chrome_options = serde_json::json!({ "binary": chrome, "args": all_args });
    if let (Some(into), Some(from)) = (chrome_options.as_object_mut(), options.as_object()) {
        into.extend(from.clone());
    }
    let capabilities = serde_json::json!({ "goog:chromeOptions": chrome_options });
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities.as_object().unwrap().clone());
    let started = Instant::now();
    let client = loop {
        match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(client) => break client,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                eprintln!("waiting for chromedriver: {e}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("cannot start a browser session: {e}"),
        }
    };
    Some(Chromium {
        client,
        profile,
        _driver: driver,
    })
}

/// Sign in through the sign-in page as `email` (the fixtures' password), from a fresh
/// cookie jar, and wait for a signed-in page. `base` is the app's address.
pub async fn sign_in(browser: &Client, base: &str, email: &str) {
    browser.delete_all_cookies().await.unwrap();
    browser.goto(&format!("{base}/signin")).await.unwrap();
    let field = |name: &'static str| async move {
        browser
            .wait()
            .for_element(fantoccini::Locator::Css(&format!("input[name={name}]")))
            .await
            .unwrap()
    };
    field("email").await.send_keys(email).await.unwrap();
    field("password")
        .await
        .send_keys(super::PASSWORD)
        .await
        .unwrap();
    browser
        .find(fantoccini::Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait()
        .for_element(fantoccini::Locator::Css("body[data-user]"))
        .await
        .unwrap();
}
