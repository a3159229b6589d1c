//! Single sign-on against a real OpenID provider: oidc-provider (npm, a certified
//! implementation) run with node on loopback by each test (tests/oidc-provider/), its
//! development login and consent pages driven over HTTP, and once from Chromium.
//! - signing in succeeds (on SQLite and PostgreSQL): the email matched whatever its
//!   case, the session usable, the attempt recorded; the same callback again is refused;
//! - a tampered state, a wrong nonce and a code already used are each refused with their
//!   message in the viewer's language;
//! - someone unknown is refused, or created with the default role and no sites when
//!   just-in-time creation is on (and audited); a deactivated person and an email the
//!   provider has not verified are refused;
//! - the provider restarted with new signing keys: the next sign-in fetches them;
//! - `password_sign_in = admins_only`: staff passwords are refused, an admin's works;
//! - Chromium signs in through the provider's real login page.
//!
//! Needs node (and npm the first time, for `npm ci`); Chromium and chromedriver for the
//! browser case. Where missing, a SKIP line (a failure under CI).

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{Backend, PASSWORD, TestDb, World, seed_world};
use decorum::app::{self, AppState};
use decorum::config::{Config, OidcConfig};
use decorum::domain::access::{PasswordSignIn, Role};
use entity::{audit_log, login_attempt, user, user_site};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

const CLIENT_SECRET: &str = "decorum-test-secret";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// tests/oidc-provider with its packages installed (`npm ci` the first time), or `None`
/// (a SKIP line; a failure under CI) without node.
fn provider_dir(test: &str) -> Option<PathBuf> {
    static INSTALL: Mutex<()> = Mutex::new(());
    let dir = common::repo_path("tests/oidc-provider");
    if find_program("node").is_none() {
        common::skip_or_fail(test, "node is not installed (apt-get install nodejs npm)");
        return None;
    }
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !dir.join("node_modules/oidc-provider").is_dir() {
        let Some(npm) = find_program("npm") else {
            common::skip_or_fail(test, "npm is not installed to fetch oidc-provider");
            return None;
        };
        let status = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "npm ci in tests/oidc-provider failed");
    }
    Some(dir)
}

/// The OpenID provider, running; killed when dropped.
struct Provider {
    child: Child,
    port: u16,
    dir: PathBuf,
    redirect: String,
}

impl Provider {
    fn start(dir: PathBuf, port: u16, redirect: &str, id_token_claims: bool) -> Provider {
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .env("REDIRECT_URI", redirect)
            .env("ID_TOKEN_CLAIMS", if id_token_claims { "1" } else { "0" })
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let started = Instant::now();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.starts_with("ready") => break,
                Some(Ok(_)) => {}
                _ => panic!(
                    "the OpenID provider did not start (after {:?})",
                    started.elapsed()
                ),
            }
        }
        // Keep reading what it prints: with the pipe closed, its next line would kill it.
        std::thread::spawn(move || lines.for_each(drop));
        Provider {
            child,
            port,
            dir,
            redirect: redirect.into(),
        }
    }

    fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stop it and start it again on the same port: new signing keys, no sessions.
    fn restart(mut self, id_token_claims: bool) -> Provider {
        let _ = self.child.kill();
        let _ = self.child.wait();
        Provider::start(
            self.dir.clone(),
            self.port,
            &self.redirect.clone(),
            id_token_claims,
        )
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decorum configured for the provider, and the provider, each on its own port.
struct Sso {
    base: String,
    test_db: TestDb,
    world: World,
    provider: Option<Provider>,
}

impl Sso {
    async fn start(
        backend: Backend,
        test: &str,
        configure: impl FnOnce(&mut Config),
    ) -> Option<Sso> {
        Self::start_with(backend, test, false, configure).await
    }

    async fn start_with(
        backend: Backend,
        test: &str,
        id_token_claims: bool,
        configure: impl FnOnce(&mut Config),
    ) -> Option<Sso> {
        let dir = provider_dir(test)?;
        let mut test_db = TestDb::new(backend, test).await?;
        test_db.import_library().await;
        let world = seed_world(&test_db.db).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let redirect = format!("{base}/signin/oidc/callback");
        let provider = Provider::start(dir, free_port(), &redirect, id_token_claims);
        test_db.config.oidc = Some(OidcConfig {
            issuer: provider.issuer(),
            client_id: "decorum".into(),
            client_secret: Some(CLIENT_SECRET.into()),
            name: Some("Example Ltd".into()),
            redirect_url: redirect,
            jit_role: None,
        });
        configure(&mut test_db.config);
        let state =
            AppState::new(test_db.db.clone(), test_db.config.clone()).expect("the app's state");
        tokio::spawn(app::serve(
            listener,
            app::build(state),
            test_db.config.header_read_timeout,
            std::future::pending(),
        ));
        Some(Sso {
            base,
            test_db,
            world,
            provider: Some(provider),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn callback_prefix(&self) -> String {
        self.url("/signin/oidc/callback")
    }

    /// Begin a sign-in at Decorum and go through the provider's pages as `login`, with
    /// the provider's authorization URL passed through `tamper` first; returns the
    /// callback URL the provider sends the browser back to (not yet followed).
    async fn through_provider(
        &self,
        client: &reqwest::Client,
        login: &str,
        tamper: impl Fn(url::Url) -> url::Url,
    ) -> url::Url {
        let begin = client
            .get(self.url("/signin/oidc?next=/inspections"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            begin.status(),
            303,
            "begin: {}",
            begin.text().await.unwrap()
        );
        let to_provider = url::Url::parse(location(&begin)).unwrap();
        let provider = to_provider.origin().ascii_serialization();
        assert_eq!(format!("{provider}/"), format!("{}/", self.issuer()));
        let query: Vec<(String, String)> = to_provider.query_pairs().into_owned().collect();
        for key in ["state", "nonce", "code_challenge"] {
            assert!(
                query.iter().any(|(k, _)| k == key),
                "no {key} in {to_provider}"
            );
        }
        assert!(
            query
                .iter()
                .any(|(k, v)| k == "code_challenge_method" && v == "S256")
        );
        let mut next = tamper(to_provider);
        for _ in 0..12 {
            if next.as_str().starts_with(&self.callback_prefix()) {
                return next;
            }
            let page = client.get(next.clone()).send().await.unwrap();
            if page.status().is_redirection() {
                next = next.join(location(&page)).unwrap();
                continue;
            }
            let status = page.status();
            let html = page.text().await.unwrap();
            assert_eq!(status, 200, "{next}: {html}");
            let action = attribute_after(&html, "<form", "action").expect("a form");
            let prompt = attribute_after(&html, "name=\"prompt\"", "value").expect("a prompt");
            let mut fields = vec![("prompt", prompt.clone())];
            if prompt == "login" {
                fields.push(("login", login.to_string()));
                fields.push(("password", "any".to_string()));
            }
            let posted = client
                .post(next.join(&action).unwrap())
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert!(
                posted.status().is_redirection(),
                "{prompt}: {}",
                posted.status()
            );
            next = next.join(location(&posted)).unwrap();
        }
        panic!("the provider never sent the browser back (last at {next})");
    }

    fn issuer(&self) -> String {
        self.provider.as_ref().unwrap().issuer()
    }

    /// A whole sign-in as `login`: the callback's answer.
    async fn sign_in(&self, client: &reqwest::Client, login: &str) -> reqwest::Response {
        let callback = self.through_provider(client, login, |u| u).await;
        client.get(callback).send().await.unwrap()
    }
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
}

/// The value of `attribute` in the first tag after `marker`.
fn attribute_after(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let at = html.find(marker)?;
    let rest = &html[at..];
    let start = rest.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    Some(rest[start..].split('"').next()?.replace("&amp;", "&"))
}

/// A browser-like client in English (cookies kept, redirects not followed).
fn english_browser() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("accept-language", "en".parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The message of a refused sign-in: the sign-in page again, with `status`.
async fn refused(response: reqwest::Response, status: u16, message: &str) {
    assert_eq!(response.status(), status);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(message),
        "expected {message:?} on the page:\n{html}"
    );
    assert!(
        html.contains("id=\"sso\""),
        "the page offers signing in again"
    );
}

fn replace_param(url: &url::Url, key: &str, value: &str) -> url::Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == key {
                (k, value.to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

fn param(url: &url::Url, key: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn signing_in_through_the_provider_opens_a_session() {
    for backend in common::BACKENDS {
        let Some(sso) = Sso::start(backend, "oidc_sign_in", |_| {}).await else {
            continue;
        };
        // The sign-in page offers the company's button beside the password form, in
        // each language, with no missing message.
        for (tag, label) in [
            ("en", "Sign in with Example Ltd"),
            ("zh-Hant", "以 Example Ltd 帳戶登入"),
            ("zh-Hans", "以 Example Ltd 账户登录"),
        ] {
            let page = reqwest::Client::new()
                .get(sso.url("/signin"))
                .header("accept-language", tag)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(page.contains(label), "{tag}: {page}");
            assert!(page.contains("type=\"password\"") && !page.contains('⟦'));
        }

        let browser = english_browser();
        // The provider's email in another case still finds the person.
        let done = sso.sign_in(&browser, "Supervisor.A@t.test").await;
        assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
        assert_eq!(location(&done), "/inspections");
        let page = browser.get(sso.url("/inspections")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("supervisor.a"), "signed in as the supervisor");
        // The session's CSRF token guards forms as after a password sign-in.
        let csrf = common::csrf_in(&html);
        let out = browser
            .post(sso.url("/signout"))
            .form(&[("_csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 400, "a forged CSRF token is refused");
        let attempts = login_attempt::Entity::find()
            .filter(login_attempt::Column::Email.eq("supervisor.a@t.test"))
            .filter(login_attempt::Column::Succeeded.eq(true))
            .all(&sso.test_db.db)
            .await
            .unwrap();
        assert_eq!(attempts.len(), 1, "the sign-in is recorded");
        let out = browser
            .post(sso.url("/signout"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 303);

        // The provider remembers the person: a second sign-in needs no login page, and
        // replaying its callback (state used, cookie gone) is refused.
        let callback = sso.through_provider(&browser, "", |u| u).await;
        let done = browser.get(callback.clone()).send().await.unwrap();
        assert_eq!(done.status(), 303);
        refused(
            browser.get(callback).send().await.unwrap(),
            400,
            "This sign-in did not start here or has expired",
        )
        .await;
    }
}

#[tokio::test]
async fn tampered_state_wrong_nonce_and_used_code_are_refused() {
    for backend in common::BACKENDS {
        let Some(sso) = Sso::start(backend, "oidc_tampering", |_| {}).await else {
            continue;
        };
        let browser = english_browser();
        let login = "supervisor.a@t.test";

        // A state changed on the way back.
        let callback = sso.through_provider(&browser, login, |u| u).await;
        let tampered = replace_param(&callback, "state", "forged-state");
        refused(
            browser.get(tampered).send().await.unwrap(),
            400,
            "This sign-in did not start here or has expired",
        )
        .await;
        // A callback from another browser's sign-in: its state is not this browser's.
        let other = english_browser();
        let theirs = sso.through_provider(&other, login, |u| u).await;
        refused(
            browser.get(theirs.clone()).send().await.unwrap(),
            400,
            "This sign-in did not start here or has expired",
        )
        .await;

        // A nonce changed on the way to the provider: the ID token carries another.
        let callback = sso
            .through_provider(&browser, login, |u| {
                replace_param(&u, "nonce", "forged-nonce")
            })
            .await;
        refused(
            browser.get(callback).send().await.unwrap(),
            400,
            "does not belong to this sign-in",
        )
        .await;

        // A code used already, brought back with a fresh sign-in's state.
        let first = sso.through_provider(&browser, login, |u| u).await;
        assert_eq!(
            browser.get(first.clone()).send().await.unwrap().status(),
            303
        );
        let fresh = sso.through_provider(&browser, login, |u| u).await;
        let replayed = replace_param(&fresh, "code", &param(&first, "code"));
        refused(
            browser.get(replayed).send().await.unwrap(),
            400,
            "The company sign-in was refused or took too long",
        )
        .await;

        // The provider declining (the person cancelled) is said so.
        let begin = browser.get(sso.url("/signin/oidc")).send().await.unwrap();
        let state = param(&url::Url::parse(location(&begin)).unwrap(), "state");
        let declined = format!(
            "{}?error=access_denied&state={state}",
            sso.callback_prefix()
        );
        refused(
            browser.get(declined).send().await.unwrap(),
            403,
            "cancelled or declined",
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_deactivated_and_unverified_people_are_refused() {
    for backend in common::BACKENDS {
        let Some(sso) = Sso::start(backend, "oidc_refused", |_| {}).await else {
            continue;
        };
        let browser = english_browser();
        refused(
            sso.sign_in(&browser, "stranger@t.test").await,
            403,
            "stranger@t.test has no Decorum account. Ask an administrator to add you.",
        )
        .await;
        let mut staff_b: user::ActiveModel = user::Entity::find_by_id(sso.world.staff_b)
            .one(&sso.test_db.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        staff_b.active = Set(false);
        staff_b.update(&sso.test_db.db).await.unwrap();
        // In the browser's language: Traditional Chinese by default.
        let chinese = common::browser();
        refused(
            sso.sign_in(&chinese, "staff.b@t.test").await,
            403,
            "staff.b@t.test 的 Decorum 帳戶已停用",
        )
        .await;
        refused(
            sso.sign_in(&english_browser(), "unverified.admin@t.test")
                .await,
            403,
            "has no verified email address",
        )
        .await;
        let created = user::Entity::find()
            .filter(user::Column::Email.eq("stranger@t.test"))
            .one(&sso.test_db.db)
            .await
            .unwrap();
        assert!(created.is_none(), "nobody is created without JIT");
    }
}

#[tokio::test]
async fn just_in_time_people_get_the_default_role_and_no_sites() {
    for backend in common::BACKENDS {
        let Some(sso) = Sso::start(backend, "oidc_jit", |config| {
            config.oidc.as_mut().unwrap().jit_role = Some(Role::Staff);
        })
        .await
        else {
            continue;
        };
        let browser = english_browser();
        let done = sso.sign_in(&browser, "New.Hire@t.test").await;
        assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
        let person = user::Entity::find()
            .filter(user::Column::Email.eq("new.hire@t.test"))
            .one(&sso.test_db.db)
            .await
            .unwrap()
            .expect("created");
        assert_eq!(person.role, "staff");
        assert!(person.active && person.password_hash.is_none());
        let sites = user_site::Entity::find()
            .filter(user_site::Column::UserId.eq(person.id))
            .all(&sso.test_db.db)
            .await
            .unwrap();
        assert!(sites.is_empty(), "an admin places them");
        let audit = audit_log::Entity::find()
            .filter(audit_log::Column::Entity.eq("user"))
            .filter(audit_log::Column::EntityId.eq(person.id.to_string()))
            .all(&sso.test_db.db)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "create");
        let home = browser.get(sso.url("/")).send().await.unwrap();
        assert_eq!(home.status(), 200, "the new person has a working session");
        // The next sign-in finds them instead of creating them again.
        let again = sso.sign_in(&english_browser(), "new.hire@t.test").await;
        assert_eq!(again.status(), 303);
        let count = user::Entity::find()
            .filter(user::Column::Email.eq("new.hire@t.test"))
            .all(&sso.test_db.db)
            .await
            .unwrap()
            .len();
        assert_eq!(count, 1);
    }
}

#[tokio::test]
async fn new_signing_keys_are_fetched_when_the_provider_rotates_them() {
    // Email in the ID token, as Google and Entra ID send it (the other tests read it from
    // the userinfo endpoint).
    let Some(mut sso) = Sso::start_with(Backend::Sqlite, "oidc_keys", true, |_| {}).await else {
        return;
    };
    let done = sso.sign_in(&english_browser(), "quality@t.test").await;
    assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
    let provider = sso.provider.take().unwrap();
    sso.provider = Some(provider.restart(true));
    let done = sso.sign_in(&english_browser(), "quality@t.test").await;
    assert_eq!(
        done.status(),
        303,
        "signed with a new key: {}",
        done.text().await.unwrap()
    );
}

#[tokio::test]
async fn password_sign_in_can_be_kept_for_admins_only() {
    let Some(sso) = Sso::start(Backend::Sqlite, "oidc_admins_only", |config| {
        config.password_sign_in = PasswordSignIn::AdminsOnly;
    })
    .await
    else {
        return;
    };
    let password = async |email: &str| {
        let browser = english_browser();
        let page = browser
            .get(sso.url("/signin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Administrators: sign in with a password"));
        let token = common::csrf_in(&page);
        browser
            .post(sso.url("/signin"))
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("_csrf", &token),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
    };
    let staff = password("staff.a@t.test").await;
    assert_eq!(staff.status(), 401);
    assert!(
        staff
            .text()
            .await
            .unwrap()
            .contains("Passwords are for administrators only")
    );
    assert_eq!(password("admin@t.test").await.status(), 303);
    // Staff still sign in through the provider.
    let done = sso.sign_in(&english_browser(), "staff.a@t.test").await;
    assert_eq!(done.status(), 303);
}

/// Chromium signs in through the provider's own login page.
#[tokio::test]
async fn chromium_signs_in_through_the_providers_login_page() {
    use fantoccini::{ClientBuilder, Locator};

    let (Some(driver_bin), Some(chrome)) = (
        find_program("chromedriver"),
        find_program("chromium").or_else(|| find_program("chromium-browser")),
    ) else {
        common::skip_or_fail(
            "oidc browser test",
            "chromedriver or chromium is not installed (apt-get install chromium chromium-driver)",
        );
        return;
    };
    let Some(sso) = Sso::start(Backend::Sqlite, "oidc_browser", |_| {}).await else {
        return;
    };
    let driver_port = free_port();
    let mut driver = Command::new(driver_bin)
        .arg(format!("--port={driver_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chrome,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--lang=en-US",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": { "intl.accept_languages": "en-US,en" }
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
            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("cannot start a browser session: {e}"),
        }
    };
    let run = async {
        browser.goto(&sso.url("/signin?next=/inspections")).await?;
        browser
            .wait()
            .for_element(Locator::Css("a#sso"))
            .await?
            .click()
            .await?;
        // The provider's login page.
        let login = browser
            .wait()
            .for_element(Locator::Css("input[name=login]"))
            .await?;
        assert!(
            browser
                .current_url()
                .await?
                .as_str()
                .starts_with(&sso.issuer())
        );
        login.send_keys("manager.a@t.test").await?;
        browser
            .find(Locator::Css("input[name=password]"))
            .await?
            .send_keys("anything")
            .await?;
        browser
            .find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        // Its consent page.
        browser
            .wait()
            .for_element(Locator::Css("input[name=prompt][value=consent]"))
            .await?;
        browser
            .find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        // Back in Decorum, signed in, on the page asked for.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = browser.current_url().await?;
            if url.as_str().starts_with(&sso.base) && url.path() == "/inspections" {
                break;
            }
            assert!(Instant::now() < deadline, "still at {url}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let source = browser.source().await?;
        assert!(source.contains("manager.a"), "signed in as the manager");
        Ok::<(), fantoccini::error::CmdError>(())
    };
    let outcome = run.await;
    let _ = browser.close().await;
    let _ = driver.kill();
    let _ = driver.wait();
    outcome.unwrap();
}
