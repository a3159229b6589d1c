//! A supervisor's tablet in a real headless Chromium (768×1024):
//! - sign in, tap through a whole lobby-reception spot-check, lose the connection
//!   half-way, keep scoring, submit while offline, get the connection back — and exactly
//!   one inspection is stored, with the score the engine gives those answers;
//! - the session ends while the check is kept offline: it stays, the banner asks to sign
//!   in, and after signing in it is stored exactly once;
//! - a shared tablet: a check kept by one supervisor is neither sent under another's
//!   session nor shown to them, and is sent when its inspector signs in again;
//! - a kept check the server refuses comes back as a draft to fix, with the messages;
//! - with the server gone before the tab opens (after one online visit), the app opens
//!   from the service worker, a spot-check is started (a page the tablet makes from the
//!   kept roster) and scored with a photo, and after the tab is closed and the connection
//!   is back it is stored exactly once, the photo on its item;
//! - the form fits fingers: every control at least 44 px high, each answer named after
//!   its item, a camera button with the thumbnail after it, no sideways scroll;
//! - the kept page shows the storage used, the quota and persistence, and warns past
//!   80 % of the quota.
//! - twenty checks kept offline are each stored exactly once after reconnecting, though
//!   the replies to some are lost after the app stored them (a [`Link`] between browser
//!   and app cuts them) and the app goes down mid-sync; the outbox ends with receipts only;
//! - a check kept offline while a new checklist version is published is stored against
//!   the version it was scored on, with that version's score.
//! - a reply that never comes (the link goes silent) does not hold up the outbox;
//! - signing out drops the pages and roster kept for offline use.
//!
//! Needs `chromedriver` and `chromium` (Debian's packages, installed by .ci/run); where
//! they are missing the test prints a SKIP line (and fails under CI).

mod common;

use entity::states::InspectionStatus;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Backend, TestDb, World, seed_world};
use decorum::app::{self, AppState};
use decorum::domain::ItemKind;
use decorum::domain::form::to_fields;
use decorum::domain::scoring::{Answer, Context, Gender, Subject, resolve_context, score};
use decorum::library_files;
use decorum::store::library::{current_checklists, import};
use entity::{inspection, inspection_response, session};
use fantoccini::{Client, Locator};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
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
        let header_read_timeout = self.state.config.header_read_timeout;
        self.task = Some(tokio::spawn(app::serve(
            listener,
            router,
            header_read_timeout,
            std::future::pending(),
        )));
    }

    /// Drop the listener and every open connection at once.
    async fn down(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

/// The tablet's Wi-Fi, for the tests that lose replies: every byte between the browser
/// and the app passes through it, and it can take the reply to the first sending of the
/// next few spot-checks once the app has answered (so the app has stored the spot-check
/// but the tablet never hears so): cut, as a link that fails at that moment, or held
/// with the connection left open, as a link that goes silent.
struct Link {
    faults: Arc<Faults>,
    task: JoinHandle<()>,
}

#[derive(Default)]
struct Faults {
    /// Replies still to cut, and to hold.
    cut: AtomicUsize,
    hold: AtomicUsize,
    /// Replies taken so far.
    lost: AtomicUsize,
    /// The submissions sent so far (their paths): only a first sending loses its reply.
    seen: std::sync::Mutex<BTreeSet<Vec<u8>>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    Cut,
    Hold,
}

impl Faults {
    /// What happens to the reply to this request (the head of its first read).
    fn for_request(&self, head: &[u8]) -> Fault {
        let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
        let mut words = line.split(|&b| b == b' ');
        let (Some(b"POST"), Some(path)) = (words.next(), words.next()) else {
            return Fault::None;
        };
        if !path.ends_with(b"/submit") || !self.seen.lock().unwrap().insert(path.to_vec()) {
            return Fault::None;
        }
        let take = |n: &AtomicUsize| {
            n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok()
        };
        if take(&self.cut) {
            Fault::Cut
        } else if take(&self.hold) {
            Fault::Hold
        } else {
            Fault::None
        }
    }
}

impl Link {
    async fn start(front: SocketAddr, app: SocketAddr) -> Link {
        let listener = tokio::net::TcpListener::bind(front).await.unwrap();
        let faults = Arc::new(Faults::default());
        let task = tokio::spawn({
            let faults = faults.clone();
            async move {
                while let Ok((browser, _)) = listener.accept().await {
                    let faults = faults.clone();
                    tokio::spawn(async move {
                        // The app is down: the browser's connection closes unanswered.
                        if let Ok(app) = tokio::net::TcpStream::connect(app).await {
                            relay(browser, app, &faults).await;
                        }
                    });
                }
            }
        });
        Link { faults, task }
    }

    /// Cut the replies to the next `n` spot-checks sent.
    fn lose_replies(&self, n: usize) {
        self.faults.cut.store(n, Ordering::SeqCst);
    }

    /// Hold the replies to the next `n` spot-checks sent, their connections left open.
    fn hold_replies(&self, n: usize) {
        self.faults.hold.store(n, Ordering::SeqCst);
    }

    /// How many replies to submissions were taken.
    fn lost(&self) -> usize {
        self.faults.lost.load(Ordering::SeqCst)
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Carry one connection both ways until either side closes it, with the fault the link
/// has in store for a submission's reply (decided as its request passes).
async fn relay(browser: tokio::net::TcpStream, app: tokio::net::TcpStream, faults: &Faults) {
    let (mut from_browser, mut to_browser) = browser.into_split();
    let (mut from_app, mut to_app) = app.into_split();
    let fault = std::sync::Mutex::new(Fault::None);
    let upstream = async {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = from_browser.read(&mut buf).await {
            let chunk = &buf[..n];
            let this = faults.for_request(chunk);
            if this != Fault::None {
                *fault.lock().unwrap() = this;
            }
            if to_app.write_all(chunk).await.is_err() {
                break;
            }
        }
    };
    let downstream = async {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = from_app.read(&mut buf).await {
            let this = *fault.lock().unwrap();
            if this != Fault::None {
                // The app has answered: it stored the check. The tablet hears nothing.
                faults.lost.fetch_add(1, Ordering::SeqCst);
                if this == Fault::Hold {
                    // Silence, the connection open, until the browser gives up on it.
                    std::future::pending::<()>().await;
                }
                return;
            }
            if to_browser.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        () = upstream => {},
        () = downstream => {},
    }
}

async fn click(browser: &Client, xpath: &str) {
    // Waits: a page made on the device fills in its links after it loads.
    let element = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(xpath))
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

/// What the test's camera sees.
const ONE_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The browser tests take turns: each runs a Chromium, and two at once on a small
/// machine make the timings they wait on flaky.
static TURN: Mutex<()> = Mutex::const_new(());

/// A tablet: the app (which the test can take down and bring back) and a Chromium on it.
struct Tablet {
    server: Server,
    browser: Client,
    base: String,
    test_db: TestDb,
    world: World,
    /// Between the browser and the app, where a test asked for one.
    link: Option<Link>,
    chromium: common::browser::Chromium,
}

impl Tablet {
    /// `None` (a SKIP line; a failure under CI) without chromedriver and Chromium.
    async fn open() -> Option<Tablet> {
        Self::open_with(false).await
    }

    /// A tablet whose connection to the app passes through a [`Link`] that can lose replies.
    async fn open_with_link() -> Option<Tablet> {
        Self::open_with(true).await
    }

    async fn open_with(with_link: bool) -> Option<Tablet> {
        // A headless Chromium with a tablet-sized window.
        let chromium = common::browser::start(
            &["--window-size=768,1024", "--lang=en-US"],
            serde_json::json!({
                "prefs": { "intl.accept_languages": "en-US,en" },
                "mobileEmulation": { "deviceMetrics": { "width": 768, "height": 1024, "pixelRatio": 2.0, "touch": true } }
            }),
        )
        .await?;

        // The app on SQLite, with sites, people and the shipped library.
        let test_db = TestDb::new(Backend::Sqlite, "browser").await.unwrap();
        test_db.import_library().await;
        let world = seed_world(&test_db.db).await;
        let state =
            AppState::new(test_db.db.clone(), test_db.config.clone()).expect("file storage");
        let addr = free_address();
        let (server, link) = if with_link {
            let behind = free_address();
            (
                Server::start(behind, state).await,
                Some(Link::start(addr, behind).await),
            )
        } else {
            (Server::start(addr, state).await, None)
        };

        Some(Tablet {
            server,
            browser: chromium.client.clone(),
            base: format!("http://{addr}"),
            test_db,
            world,
            link,
            chromium,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Fill in the sign-in form the browser is on (or open it) and wait for a page.
    async fn sign_in(&self, email: &str) {
        let on_sign_in = self
            .browser
            .current_url()
            .await
            .is_ok_and(|u| u.path() == "/signin");
        if !on_sign_in {
            self.browser.goto(&self.url("/signin")).await.unwrap();
        }
        let field = |name: &'static str| async move {
            self.browser
                .wait()
                .for_element(Locator::Css(&format!("input[name={name}]")))
                .await
                .unwrap()
        };
        field("email").await.send_keys(email).await.unwrap();
        field("password")
            .await
            .send_keys(common::PASSWORD)
            .await
            .unwrap();
        click(&self.browser, "//button[@type='submit']").await;
        self.browser
            .wait()
            .for_element(Locator::Css("body[data-user]"))
            .await
            .unwrap();
    }

    async fn sign_out(&self) {
        self.browser.goto(&self.url("/")).await.unwrap();
        click(&self.browser, "//form[@action='/signout']/button").await;
        self.browser
            .wait()
            .for_element(Locator::Css("input[name=email]"))
            .await
            .unwrap();
    }

    /// Two taps from the spot-check page: the person, then the lobby checklist. Returns
    /// the form's spot-check id.
    async fn start_lobby_check(&self, subject: i32) -> uuid::Uuid {
        self.browser
            .goto(&self.url("/spotchecks/new"))
            .await
            .unwrap();
        click(
            &self.browser,
            &format!("//a[contains(@href, 'subject={subject}')]"),
        )
        .await;
        click(
            &self.browser,
            "//a[contains(@href, 'checklist=lobby-reception')]",
        )
        .await;
        // The form takes taps once its script has set it up (a blank form offline, after
        // filling in the person from the kept roster).
        self.browser
            .wait()
            .for_element(Locator::Css("html[data-form-ready] #spotcheck"))
            .await
            .unwrap();
        let url = self.browser.current_url().await.unwrap();
        let id = url.path().trim_start_matches("/spotchecks/").to_string();
        uuid::Uuid::parse_str(&id).expect("the form's URL carries the spot-check UUID")
    }

    /// Take a photo for `item` (the test's camera is a PNG file), and wait until the form
    /// says where it is: `state` is a part of that line.
    async fn take_photo(&self, item: &str, state: &str) {
        let file = self.chromium.profile.path().join(format!("{item}.png"));
        std::fs::write(&file, ONE_PIXEL_PNG).unwrap();
        let input = self
            .browser
            .find(Locator::Css(&format!("input[data-photo='{item}']")))
            .await
            .unwrap();
        input.send_keys(&file.display().to_string()).await.unwrap();
        let line = format!(
            "//div[@id='item-{item}']//span[contains(@class, 'photo-state')][contains(., '{state}')]"
        );
        self.browser
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&line))
            .await
            .unwrap_or_else(|e| panic!("the photo of {item} never said '{state}': {e}"));
    }

    /// Tap or type every answer, in the checklist's order.
    async fn answer(&self, keys: &[String], answers: &BTreeMap<String, Answer>) {
        for key in keys {
            answer_item(&self.browser, key, &answers[key]).await;
        }
    }

    async fn submit(&self) {
        click(&self.browser, "//button[@id='submit-button']").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }

    async fn text_of(&self, id: &str) -> String {
        self.browser
            .find(Locator::Id(id))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Wait until the element `id` says `wanted`; returns all it says.
    async fn says(&self, id: &str, wanted: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.text_of(id).await;
            if text.contains(wanted) {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(45),
                "#{id} never said {wanted:?}; it says {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Wait until the banner at the bottom says `wanted`.
    async fn banner_says(&self, wanted: &str) -> String {
        self.says("net-status", wanted).await
    }

    async fn row(&self, id: uuid::Uuid) -> Option<inspection::Model> {
        inspection::Entity::find_by_id(id)
            .one(&self.test_db.db)
            .await
            .unwrap()
    }

    /// Wait until spot-check `id` is stored as submitted.
    async fn stored(&self, id: uuid::Uuid) -> inspection::Model {
        let started = Instant::now();
        loop {
            if let Some(row) = self
                .row(id)
                .await
                .filter(|r| r.status == InspectionStatus::Submitted)
            {
                return row;
            }
            assert!(
                started.elapsed() < Duration::from_secs(45),
                "the kept submission was not sent"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    async fn submitted_count(&self) -> usize {
        inspection::Entity::find()
            .all(&self.test_db.db)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.status == InspectionStatus::Submitted)
            .count()
    }

    /// Every session ends, as when the 12 hours run out or someone signs out elsewhere.
    async fn end_sessions(&self) {
        session::Entity::delete_many()
            .exec(&self.test_db.db)
            .await
            .unwrap();
    }

    /// Wait until the service worker has kept the pages for offline use.
    async fn wait_offline_ready(&self) -> u64 {
        let started = Instant::now();
        loop {
            let kept = self
                .browser
                .execute(
                    "return Number(document.documentElement.dataset.offlineReady || 0);",
                    vec![],
                )
                .await
                .unwrap()
                .as_u64()
                .unwrap_or(0);
            if kept > 0 {
                return kept;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the pages for offline use were never kept"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Put these answers on the open form at once (as a restored draft is), and let the
    /// page's own change handler rescore it.
    async fn fill(&self, fields: &[(String, String)]) {
        self.browser
            .execute(
                "var form = document.getElementById('spotcheck'); \
                 arguments[0].forEach(function (p) { \
                   form.querySelectorAll('[name=\"' + p[0] + '\"]').forEach(function (el) { \
                     if (el.type === 'radio' || el.type === 'checkbox') { if (el.value === p[1]) el.checked = true; } \
                     else el.value = p[1]; \
                   }); \
                 }); \
                 form.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![serde_json::to_value(fields).unwrap()],
            )
            .await
            .unwrap();
    }

    /// What the tablet's outbox holds (IndexedDB): (spot-check id, state) per entry.
    async fn outbox(&self) -> Vec<(uuid::Uuid, String)> {
        let entries = self
            .browser
            .execute_async(
                "var done = arguments[arguments.length - 1]; \
                 var open = indexedDB.open('decorum'); \
                 open.onupgradeneeded = function () { open.result.createObjectStore('outbox', { keyPath: 'id' }); }; \
                 open.onerror = function () { done(null); }; \
                 open.onsuccess = function () { \
                   var all = open.result.transaction('outbox', 'readonly').objectStore('outbox').getAll(); \
                   all.onsuccess = function () { open.result.close(); done(all.result.map(function (e) { return [e.id, e.state]; })); }; \
                 };",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(entries).expect("the outbox opens")
    }

    /// Submit the open form through its submit button (pressed from script: the page's
    /// own submit handler runs) and wait until the outbox keeps `waiting` unsent
    /// spot-checks.
    async fn submit_and_keep(&self, waiting: usize) {
        self.browser
            .execute("document.getElementById('submit-button').click();", vec![])
            .await
            .unwrap();
        let started = Instant::now();
        loop {
            let kept = self.outbox().await;
            if kept.iter().filter(|(_, state)| state != "sent").count() == waiting {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the outbox never kept {waiting}: {kept:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until the outbox holds `count` entries, every one a receipt of a sent check.
    async fn wait_all_sent(&self, count: usize, patience: Duration) {
        let started = Instant::now();
        loop {
            let outbox = self.outbox().await;
            if outbox.len() == count && outbox.iter().all(|(_, state)| state == "sent") {
                return;
            }
            assert!(
                started.elapsed() < patience,
                "the outbox still holds unsent spot-checks: {outbox:?}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// How long the page took from the navigation's start (the tap) to its script
    /// having set up the form, by the browser's own clock.
    async fn page_ready_ms(&self) -> f64 {
        // Set by the page's script once the form is filled in and scored (a blank form
        // waits for the kept roster), from the start of the navigation.
        let ready = self
            .browser
            .wait()
            .for_element(Locator::Css("html[data-form-ready]"))
            .await
            .unwrap();
        ready
            .attr("data-form-ready")
            .await
            .unwrap()
            .and_then(|ms| ms.parse().ok())
            .expect("a time")
    }

    /// The spot-checks stored as submitted, by id.
    async fn submitted_ids(&self) -> Vec<uuid::Uuid> {
        inspection::Entity::find()
            .all(&self.test_db.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.status == InspectionStatus::Submitted)
            .map(|r| r.id)
            .collect()
    }

    async fn close(mut self) {
        self.browser.clone().close().await.unwrap();
        self.server.down().await;
    }
}

async fn answer_item(browser: &Client, key: &str, answer: &Answer) {
    let item = format!("//div[@id='item-{key}']");
    match answer {
        Answer::Pass => click(browser, &format!("{item}//input[@value='pass']/..")).await,
        Answer::Fail => click(browser, &format!("{item}//input[@value='fail']/..")).await,
        Answer::Scale(v) => {
            click(
                browser,
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
                    browser,
                    &format!("{item}//input[@name='h.{key}' and @value='{i}']/.."),
                )
                .await;
            }
        }
        Answer::Done(list) => {
            for i in list {
                click(
                    browser,
                    &format!("{item}//input[@name='s.{key}' and @value='{i}']/.."),
                )
                .await;
            }
        }
        other => panic!("the lobby checklist has no item answered {other:?}"),
    }
}

/// The lobby checklist's perfect answers for staff A (a female lobby concierge), with
/// one ordinary check failed so the score is not simply 100; and the answered keys in
/// the checklist's order.
async fn lobby_answers(
    tablet: &Tablet,
) -> (
    decorum::store::library::StoredChecklist,
    Subject,
    BTreeMap<String, Answer>,
    Vec<String>,
) {
    let lobby = current_checklists(&tablet.test_db.db)
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
    let failing = lobby
        .checklist
        .items()
        .map(|(_, i)| i)
        .find(|i| matches!(i.kind, ItemKind::Check) && !i.critical && answers.contains_key(&i.key))
        .unwrap()
        .key
        .clone();
    answers.insert(failing, Answer::Fail);
    let keys: Vec<String> = lobby
        .checklist
        .items()
        .map(|(_, i)| i.key.clone())
        .filter(|k| answers.contains_key(k))
        .collect();
    (lobby, subject, answers, keys)
}

#[tokio::test]
async fn a_tablet_scores_a_lobby_spot_check_through_a_network_drop() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open().await else {
        return;
    };
    tablet.sign_in("supervisor.a@t.test").await;
    screenshot(&tablet.browser, "1-home").await;
    let id = tablet.start_lobby_check(tablet.world.staff_a).await;
    let (lobby, subject, answers, keys) = lobby_answers(&tablet).await;
    let half = keys.len() / 2;
    assert_eq!(
        tablet.text_of("live-percent").await,
        "—",
        "no score before an answer counts, not 100 %"
    );

    tablet.answer(&keys[..half], &answers).await;
    // Let the autosave reach the server, then drop the connection.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let shown = tablet.text_of("live-percent").await;
    assert!(
        shown.ends_with('%'),
        "the autosave's percent replaces the dash: {shown}"
    );
    screenshot(&tablet.browser, "2-half-way").await;
    tablet.server.down().await;
    tablet.answer(&keys[half..], &answers).await;
    screenshot(&tablet.browser, "3-offline-answered").await;
    // Offline, the device's engine keeps the live score: the server's figure to the digit.
    let (context, _) = resolve_context(&lobby.checklist, &Context::new());
    let expected = score(&lobby.checklist, &subject, &context, &answers);
    let expected_percent = expected.percent.expect("perfect answers count");
    assert_eq!(
        tablet.text_of("live-percent").await,
        format!("{expected_percent:.1}%"),
        "the live score offline"
    );
    tablet.submit().await;
    screenshot(&tablet.browser, "4-offline-submitted").await;
    let banner = tablet.banner_says("kept on this device").await;
    assert!(
        banner.contains('1'),
        "the page says one spot-check is kept on the device: {banner:?}"
    );
    assert!(
        tablet
            .row(id)
            .await
            .is_none_or(|s| s.status == InspectionStatus::Draft),
        "nothing is submitted while offline"
    );

    // The connection returns; the outbox sends the spot-check by itself.
    tablet.server.up().await;
    let submitted = tablet.stored(id).await;
    tablet
        .browser
        .wait()
        .for_url(&url::Url::parse(&tablet.url(&format!("/inspections/{id}"))).unwrap())
        .await
        .unwrap();
    screenshot(&tablet.browser, "5-result").await;

    assert_eq!(
        tablet.submitted_count().await,
        1,
        "exactly one inspection is stored"
    );
    assert!(expected.problems.is_empty() && expected.unanswered.is_empty());
    assert!(
        (submitted.percent.unwrap() - expected_percent).abs() < 1e-9,
        "{} vs {}",
        submitted.percent.unwrap(),
        expected_percent
    );
    assert_eq!(submitted.passed, Some(expected.passed));
    let page = tablet.browser.source().await.unwrap();
    assert!(
        page.contains(&format!("{:.1}%", expected_percent)),
        "the result page shows the score"
    );
    tablet.close().await;
}

/// Score a whole lobby check, lose the connection, submit: the check is kept offline.
async fn keep_a_check_offline(tablet: &mut Tablet, inspector: &str) -> uuid::Uuid {
    tablet.sign_in(inspector).await;
    let id = tablet.start_lobby_check(tablet.world.staff_a).await;
    let (_, _, answers, keys) = lobby_answers(tablet).await;
    tablet.answer(&keys, &answers).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    tablet.server.down().await;
    tablet.submit().await;
    tablet.banner_says("kept on this device").await;
    id
}

#[tokio::test]
async fn a_kept_check_survives_the_session_ending_and_is_sent_after_signing_in() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open().await else {
        return;
    };
    let id = keep_a_check_offline(&mut tablet, "supervisor.a@t.test").await;

    // The session ends while the tablet is offline; then the connection returns.
    tablet.end_sessions().await;
    tablet.server.up().await;
    let banner = tablet.banner_says("Signed out: sign in to send 1").await;
    screenshot(&tablet.browser, "6-signed-out").await;
    assert!(!banner.contains("will be sent when"), "{banner}");
    assert_eq!(tablet.submitted_count().await, 0);

    // The banner's link signs in and the kept check goes out, once, as its inspector's.
    click(&tablet.browser, "//div[@id='net-status']//a").await;
    tablet.sign_in("supervisor.a@t.test").await;
    let stored = tablet.stored(id).await;
    assert_eq!(stored.inspector_id, tablet.world.supervisor_a);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(tablet.submitted_count().await, 1, "stored exactly once");
    tablet.browser.goto(&tablet.url("/kept")).await.unwrap();
    tablet.says("kept-list", "Sent").await;
    screenshot(&tablet.browser, "7-kept-sent").await;
    tablet.close().await;
}

#[tokio::test]
async fn on_a_shared_tablet_a_kept_check_waits_for_its_inspector() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open().await else {
        return;
    };
    let id = keep_a_check_offline(&mut tablet, "supervisor.a@t.test").await;
    tablet.end_sessions().await;
    tablet.server.up().await;
    tablet.banner_says("Signed out").await;

    // Someone else signs in on the same tablet: nothing is sent under their session,
    // and they see only that the tablet holds another person's check.
    tablet.sign_in("manager.a@t.test").await;
    let banner = tablet
        .banner_says("holds 1 spot-check of another person")
        .await;
    assert!(!banner.contains("staff.a"), "{banner}");
    tablet.browser.goto(&tablet.url("/kept")).await.unwrap();
    tablet.banner_says("another person").await;
    tokio::time::sleep(Duration::from_millis(6000)).await;
    assert_eq!(
        tablet.text_of("kept-list").await,
        "",
        "no content of A's check"
    );
    assert!(tablet.text_of("kept-others").await.contains('1'));
    screenshot(&tablet.browser, "8-shared-tablet").await;
    assert!(
        tablet
            .row(id)
            .await
            .is_none_or(|r| r.status == InspectionStatus::Draft),
        "nothing is sent under the other person's session"
    );

    // The inspector signs in again: sent, as theirs.
    tablet.sign_out().await;
    tablet.sign_in("supervisor.a@t.test").await;
    let stored = tablet.stored(id).await;
    assert_eq!(stored.inspector_id, tablet.world.supervisor_a);
    assert_eq!(tablet.submitted_count().await, 1);
    tablet.close().await;
}

/// The pages the service worker keeps for offline use, as paths.
async fn kept_pages(browser: &Client) -> Vec<String> {
    let script = r#"
        var done = arguments[arguments.length - 1];
        caches.open("decorum-pages").then(function (c) { return c.keys(); })
          .then(function (keys) { done(keys.map(function (r) { var u = new URL(r.url); return u.pathname + u.search; })); },
                function () { done([]); });
    "#;
    serde_json::from_value(browser.execute_async(script, vec![]).await.unwrap()).unwrap()
}

/// Signing out of a shared tablet drops the pages and roster kept for the one signing out:
/// the next person does not find their colleagues' roster on it.
#[tokio::test]
async fn signing_out_drops_the_pages_kept_for_offline_use() {
    let _turn = TURN.lock().await;
    let Some(tablet) = Tablet::open().await else {
        return;
    };
    tablet.sign_in("supervisor.a@t.test").await;
    tablet.wait_offline_ready().await;
    let kept = kept_pages(&tablet.browser).await;
    assert!(
        kept.iter().any(|p| p == "/offline/roster.json"),
        "the roster is kept: {kept:?}"
    );
    tablet.sign_out().await;
    let started = Instant::now();
    loop {
        let kept = kept_pages(&tablet.browser).await;
        if kept.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still kept after signing out: {kept:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tablet.close().await;
}

#[tokio::test]
async fn a_kept_check_the_server_refuses_comes_back_as_a_draft_to_fix() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open().await else {
        return;
    };
    tablet.sign_in("supervisor.a@t.test").await;
    let id = tablet.start_lobby_check(tablet.world.staff_a).await;
    let (_, _, answers, keys) = lobby_answers(&tablet).await;
    tablet.answer(&keys, &answers).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    tablet.server.down().await;
    // A shift the server does not know: it will refuse the content (422).
    tablet
        .browser
        .execute(
            "var s = document.querySelector('select[name=shift_period]'); \
             s.add(new Option('brunch', 'brunch')); s.value = 'brunch';",
            vec![],
        )
        .await
        .unwrap();
    tablet.submit().await;
    tablet.banner_says("kept on this device").await;

    tablet.server.up().await;
    tablet.banner_says("1 kept spot-check needs fixing").await;
    assert!(
        tablet
            .row(id)
            .await
            .is_none_or(|r| r.status == InspectionStatus::Draft)
    );

    // The kept page offers it back; the form opens with the answers and the message.
    tablet.browser.goto(&tablet.url("/kept")).await.unwrap();
    tablet.says("kept-list", "Needs fixing").await;
    assert!(tablet.text_of("kept-list").await.contains("brunch"));
    screenshot(&tablet.browser, "9-needs-fixing").await;
    click(&tablet.browser, "//ul[@id='kept-list']//a[@class='button']").await;
    tablet
        .browser
        .wait()
        .for_element(Locator::Id("spotcheck"))
        .await
        .unwrap();
    tablet.says("form-errors", "brunch").await;
    let checked: bool = tablet
        .browser
        .execute(
            &format!(
                "return document.querySelectorAll('#spotcheck input[type=radio]:checked').length >= {};",
                keys.len() / 2
            ),
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(checked, "the answers came back from the device");

    // Fixed and submitted again: stored once.
    tablet
        .browser
        .execute(
            "document.querySelector('select[name=shift_period]').value = 'morning';",
            vec![],
        )
        .await
        .unwrap();
    tablet.submit().await;
    tablet.stored(id).await;
    assert_eq!(tablet.submitted_count().await, 1);
    tablet.close().await;
}

#[tokio::test]
async fn the_app_opens_and_scores_a_new_spot_check_with_the_server_gone_before_the_tab() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open().await else {
        return;
    };
    // One online visit: sign in; the service worker keeps the pages for offline use.
    tablet.sign_in("supervisor.a@t.test").await;
    let kept = tablet.wait_offline_ready().await;
    assert!(kept >= 5, "only {kept} pages kept");

    // The connection is gone before the app is opened again.
    tablet.browser.goto("about:blank").await.unwrap();
    tablet.server.down().await;
    let opened = Instant::now();
    tablet.browser.goto(&tablet.url("/")).await.unwrap();
    tablet
        .browser
        .wait()
        .for_element(Locator::Css("body[data-user]"))
        .await
        .unwrap();
    eprintln!("home opened offline in {:?}", opened.elapsed());
    screenshot(&tablet.browser, "10-offline-home").await;

    let id = tablet.start_lobby_check(tablet.world.staff_a).await;
    let form_url = tablet.browser.current_url().await.unwrap();
    assert!(
        form_url
            .query()
            .is_some_and(|q| q.contains("checklist=lobby-reception")),
        "{form_url}"
    );
    let (lobby, subject, answers, keys) = lobby_answers(&tablet).await;
    tablet.answer(&keys, &answers).await;
    // A photo taken with no network stays on the tablet with the check.
    let photographed = keys[0].clone();
    tablet
        .take_photo(&photographed, "kept on this device")
        .await;
    screenshot(&tablet.browser, "11-offline-new-check").await;
    // The server never saw this card: the live score is the device's engine's alone.
    let (context, _) = resolve_context(&lobby.checklist, &Context::new());
    let expected = score(&lobby.checklist, &subject, &context, &answers);
    assert_eq!(
        tablet.text_of("live-percent").await,
        format!("{:.1}%", expected.percent.unwrap()),
        "the live score with no server"
    );
    assert_eq!(
        tablet.text_of("live-progress").await,
        format!("{} / {} answered", expected.answered, expected.applicable)
    );
    tablet.submit().await;
    tablet.banner_says("kept on this device").await;
    assert!(tablet.row(id).await.is_none(), "nothing reached the server");

    // The tab is closed; later the connection is back and the app is opened again.
    tablet.browser.goto("about:blank").await.unwrap();
    tablet.server.up().await;
    tablet.browser.goto(&tablet.url("/")).await.unwrap();
    let stored = tablet.stored(id).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(tablet.submitted_count().await, 1, "stored exactly once");
    assert_eq!(stored.inspector_id, tablet.world.supervisor_a);
    assert_eq!(stored.subject_id, tablet.world.staff_a);
    assert_eq!(stored.checklist_version_id, lobby.version_id);
    assert!((stored.percent.unwrap() - expected.percent.unwrap()).abs() < 1e-9);
    // The photo came with it: on the item's result, a JPEG the tablet made, on disk.
    let result = inspection_response::Entity::find()
        .filter(inspection_response::Column::InspectionId.eq(id))
        .filter(inspection_response::Column::ItemKey.eq(photographed.as_str()))
        .one(&tablet.test_db.db)
        .await
        .unwrap()
        .expect("the photographed item's result");
    let file = result
        .photo
        .expect("the photo taken offline is on the result");
    let bytes = std::fs::read(
        tablet
            .test_db
            .config
            .data_dir
            .join("photos")
            .join(id.to_string())
            .join(&file),
    )
    .unwrap();
    assert!(
        bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "shrunk to a JPEG on the tablet"
    );
    tablet.close().await;
}

/// What the test reads off the form in the browser: controls under 44 px, radios and
/// boxes whose accessible name does not name their item, the photo buttons that are not
/// a visible camera button, and the sideways scroll.
const FORM_AUDIT_JS: &str = r#"
var form = document.getElementById('spotcheck');
form.querySelectorAll('details').forEach(function (d) { d.open = true; });
function shown(el) { return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'; }
function describe(el) {
  var item = el.closest('.item');
  return el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '') + (el.className ? '.' + el.className : '') +
    ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"' + (item ? ' in ' + item.id : '') +
    ': ' + Math.round(el.getBoundingClientRect().height) + ' px';
}
function accessibleName(el) {
  var ids = el.getAttribute('aria-labelledby');
  if (ids) return ids.split(/\s+/).map(function (id) { var x = document.getElementById(id); return x ? x.textContent : ''; }).join(' ');
  if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
  var label = el.closest('label');
  return label ? label.textContent : '';
}
var tapped = Array.prototype.filter.call(form.querySelectorAll('input[type=radio], input[type=checkbox], input[type=file]'), shown);
var targets = Array.prototype.slice.call(form.querySelectorAll('button, summary, select, textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file])'));
var unwrapped = [];
tapped.forEach(function (input) {
  var label = input.closest('label');
  if (!label) unwrapped.push(describe(input));
  else if (targets.indexOf(label) < 0) targets.push(label);
});
targets = targets.filter(shown);
var small = targets.filter(function (el) { return el.getBoundingClientRect().height < 44; }).map(describe);
var unnamed = [];
var named = 0;
form.querySelectorAll('.item').forEach(function (item) {
  if (item.hidden) return;
  var text = item.querySelector('.text').firstChild.textContent.trim();
  item.querySelectorAll('input[type=radio], input[name^="na."], textarea').forEach(function (el) {
    var name = accessibleName(el);
    named++;
    if (name.indexOf(text) < 0) unnamed.push(describe(el) + ' is called ' + JSON.stringify(name));
  });
});
var photos = Array.prototype.filter.call(form.querySelectorAll('.item'), function (i) { return !i.hidden; }).map(function (item) {
  var input = item.querySelector('input[type=file]');
  var button = input && input.closest('label');
  var box = button ? button.getBoundingClientRect() : { width: 0, height: 0 };
  return {
    item: item.id,
    capture: input ? input.getAttribute('capture') : null,
    accept: input ? input.getAttribute('accept') : null,
    visible_button: !!button && shown(button) && box.width >= 44 && box.height >= 44,
    says: button ? button.textContent.trim() : '',
    input_out_of_sight: !!input && input.getBoundingClientRect().width <= 1
  };
});
return {
  targets: targets.length, small: small, unwrapped: unwrapped, named: named, unnamed: unnamed, photos: photos,
  scroll_width: document.documentElement.scrollWidth, inner_width: window.innerWidth
};
"#;

#[tokio::test]
async fn the_form_fits_fingers_names_each_control_and_takes_photos_with_a_button() {
    let _turn = TURN.lock().await;
    let Some(tablet) = Tablet::open().await else {
        return;
    };
    tablet.sign_in("supervisor.a@t.test").await;
    tablet.start_lobby_check(tablet.world.staff_a).await;
    let audit = tablet.browser.execute(FORM_AUDIT_JS, vec![]).await.unwrap();
    screenshot(&tablet.browser, "12-touch-targets").await;
    let list = |key: &str| -> Vec<String> {
        serde_json::from_value(audit[key].clone()).unwrap_or_else(|e| panic!("{key}: {e}"))
    };

    // Every control a finger taps is at least 44 px high on the 768×1024 tablet.
    let targets = audit["targets"].as_u64().unwrap();
    assert!(targets > 40, "only {targets} controls found on the form");
    let small = list("small");
    assert!(
        small.is_empty(),
        "{} of {targets} controls are under 44 px high:\n{}",
        small.len(),
        small.join("\n")
    );
    let unwrapped = list("unwrapped");
    assert!(
        unwrapped.is_empty(),
        "radios, boxes and file inputs outside a label to tap: {unwrapped:?}"
    );

    // Each pass/fail/N/A, scale point, N/A box and note names its item.
    let named = audit["named"].as_u64().unwrap();
    assert!(named > 20, "only {named} named controls found");
    let unnamed = list("unnamed");
    assert!(
        unnamed.is_empty(),
        "controls whose accessible name lacks their item's text:\n{}",
        unnamed.join("\n")
    );

    // A visible camera button per item, its (hidden) input opening the back camera.
    let photos = audit["photos"].as_array().unwrap();
    assert!(!photos.is_empty());
    for photo in photos {
        assert_eq!(photo["capture"], "environment", "{photo}");
        assert_eq!(photo["accept"], "image/*", "{photo}");
        assert_eq!(photo["visible_button"], true, "{photo}");
        assert_eq!(
            photo["input_out_of_sight"], true,
            "not the bare file input: {photo}"
        );
        assert!(
            photo["says"].as_str().unwrap().contains("Take photo"),
            "{photo}"
        );
    }

    // Nothing scrolls sideways.
    let (scroll, inner) = (
        audit["scroll_width"].as_u64().unwrap(),
        audit["inner_width"].as_u64().unwrap(),
    );
    assert!(
        scroll <= inner,
        "the form scrolls sideways: {scroll} > {inner}"
    );

    // A photo taken (a picture drawn in the page stands in for the camera) uploads and
    // its thumbnail follows the button, named after the item.
    let key = photos[0]["item"]
        .as_str()
        .unwrap()
        .trim_start_matches("item-");
    tablet
        .browser
        .execute(
            "var input = document.querySelector('#item-' + arguments[0] + ' input[type=file]'); \
             var canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 480; \
             var g = canvas.getContext('2d'); g.fillStyle = '#2f6fb3'; g.fillRect(0, 0, 640, 480); \
             canvas.toBlob(function (blob) { \
               var files = new DataTransfer(); \
               files.items.add(new File([blob], 'lobby.png', { type: 'image/png' })); \
               input.files = files.files; \
               input.dispatchEvent(new Event('change', { bubbles: true })); \
             }, 'image/png');",
            vec![serde_json::json!(key)],
        )
        .await
        .unwrap();
    let thumbnail = format!(
        "//div[@id='item-{key}']//label[contains(@class, 'photo-button')]/following-sibling::img"
    );
    let img = tablet
        .browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&thumbnail))
        .await
        .unwrap_or_else(|e| panic!("no thumbnail after the photo button: {e}"));
    let started = Instant::now();
    let loaded = || async {
        tablet
            .browser
            .execute(
                "return arguments[0].naturalWidth > 0;",
                vec![serde_json::to_value(&img).unwrap()],
            )
            .await
            .unwrap()
            == true
    };
    while !loaded().await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the thumbnail never loaded"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let alt = img.attr("alt").await.unwrap().unwrap_or_default();
    assert!(
        alt.starts_with("Photo:") && alt.len() > "Photo: ".len(),
        "{alt:?}"
    );

    tablet.close().await;
}

#[tokio::test]
async fn the_kept_page_shows_the_storage_used_and_warns_past_80_percent_of_the_quota() {
    let _turn = TURN.lock().await;
    let Some(tablet) = Tablet::open().await else {
        return;
    };
    tablet.sign_in("supervisor.a@t.test").await;
    // The kept page: the space used and the quota, and whether storage is persistent.
    tablet.browser.goto(&tablet.url("/kept")).await.unwrap();
    let figures = tablet.says("storage-figures", " used of ").await;
    let (used, rest) = figures.split_once(" used of ").unwrap();
    let (quota, share) = rest.split_once(" (").unwrap_or((rest, ""));
    assert!(
        is_size(used) && is_size(quota) && share.ends_with("%)"),
        "{figures:?}"
    );
    let persisted = tablet
        .browser
        .execute("return navigator.storage.persisted();", vec![])
        .await
        .unwrap();
    let persistence = tablet.text_of("storage-persistence").await;
    if persisted == true {
        assert!(persistence.starts_with("Persistent"), "{persistence:?}");
    } else {
        assert!(persistence.starts_with("Not persistent"), "{persistence:?}");
    }
    assert!(
        !tablet
            .browser
            .find(Locator::Id("storage-warning"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "no warning on an empty tablet"
    );
    screenshot(&tablet.browser, "13-kept-storage").await;

    // Past 80 % of the quota (the browser's estimate says 90 %), the page and the
    // banner warn.
    tablet
        .browser
        .execute(
            "navigator.storage.estimate = function () { return Promise.resolve({ usage: 900 * 1048576, quota: 1000 * 1048576 }); }; \
             document.dispatchEvent(new Event('visibilitychange'));",
            vec![],
        )
        .await
        .unwrap();
    let warning = tablet
        .says("storage-warning", "90% of the storage is used")
        .await;
    assert!(warning.contains("80%"), "{warning:?}");
    assert_eq!(
        tablet.text_of("storage-figures").await,
        "900 MB used of 1000 MB (90%)"
    );
    tablet
        .banner_says("storage is nearly full (90% used)")
        .await;
    screenshot(&tablet.browser, "14-storage-warning").await;
    tablet.close().await;
}

/// "12.5 MB", "0.0 KB", "3 GB": a number and a unit, as the kept page writes sizes.
fn is_size(text: &str) -> bool {
    text.split_once(' ').is_some_and(|(number, unit)| {
        number.parse::<f64>().is_ok() && ["KB", "MB", "GB", "TB"].contains(&unit)
    })
}

/// Supervisor A's one online visit (the service worker keeps the pages), then the app
/// goes down: the lobby checklist, staff A, the answers of [`lobby_answers`] and the
/// form fields they are.
async fn offline_after_one_visit(
    tablet: &mut Tablet,
) -> (
    decorum::store::library::StoredChecklist,
    Subject,
    BTreeMap<String, Answer>,
    Vec<(String, String)>,
) {
    tablet.sign_in("supervisor.a@t.test").await;
    tablet.wait_offline_ready().await;
    let (lobby, subject, answers, _) = lobby_answers(tablet).await;
    let fields = to_fields(&answers, &BTreeMap::new(), &Context::new());
    tablet.server.down().await;
    (lobby, subject, answers, fields)
}

/// With the app down, start `count` lobby checks of staff A, answer each with `fields`
/// and submit it: all kept on the tablet. Returns their ids and the time each form took
/// to open from the service worker (ms).
async fn keep_lobby_checks(
    tablet: &Tablet,
    count: usize,
    fields: &[(String, String)],
) -> (Vec<uuid::Uuid>, Vec<f64>) {
    let mut ids = Vec::new();
    let mut ready_ms = Vec::new();
    for n in 1..=count {
        ids.push(tablet.start_lobby_check(tablet.world.staff_a).await);
        ready_ms.push(tablet.page_ready_ms().await);
        tablet.fill(fields).await;
        tablet.submit_and_keep(n).await;
    }
    (ids, ready_ms)
}

/// Issue test 4: twenty spot-checks kept offline all reach the app after reconnecting,
/// each exactly once, though the replies to some are lost after the app stored them and
/// the app goes down in the middle of the sync; the outbox ends with nothing waiting.
#[tokio::test]
async fn twenty_kept_checks_are_stored_once_each_though_replies_are_lost_mid_sync() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open_with_link().await else {
        return;
    };
    let (lobby, subject, answers, fields) = offline_after_one_visit(&mut tablet).await;
    let (ids, mut ready_ms) = keep_lobby_checks(&tablet, 20, &fields).await;
    ready_ms.sort_by(f64::total_cmp);
    eprintln!(
        "the form opened offline from the service worker (tap to form set up, 768x1024): \
         median {:.0} ms, slowest {:.0} ms over 20 forms",
        ready_ms[10], ready_ms[19]
    );
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 20, "{ids:?}");
    assert_eq!(
        tablet.submitted_count().await,
        0,
        "nothing sent while offline"
    );

    // The connection returns; the replies to three submissions are lost after the app has
    // stored them, and the app goes down while the outbox is sending the rest.
    tablet.browser.goto(&tablet.url("/kept")).await.unwrap();
    let link = tablet.link.as_ref().expect("a tablet with a link");
    link.lose_replies(3);
    tablet.server.up().await;
    let started = Instant::now();
    while tablet.submitted_count().await < 6 {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the sync never got going"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tablet.server.down().await;
    let stored_at_the_drop = tablet.submitted_count().await;
    eprintln!("the app went down with {stored_at_the_drop} of 20 stored");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    tablet.server.up().await;

    tablet.wait_all_sent(20, Duration::from_secs(120)).await;
    assert_eq!(
        link.lost(),
        3,
        "the replies to three were lost after storing"
    );

    // Every one stored exactly once, as scored on the tablet.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stored = tablet.submitted_ids().await;
    for id in &ids {
        assert_eq!(
            stored.iter().filter(|s| *s == id).count(),
            1,
            "spot-check {id} stored once"
        );
    }
    assert_eq!(stored.len(), 20, "nothing else stored: {stored:?}");
    let (context, _) = resolve_context(&lobby.checklist, &Context::new());
    let expected = score(&lobby.checklist, &subject, &context, &answers);
    for id in &ids {
        let row = tablet.row(*id).await.unwrap();
        assert_eq!(row.inspector_id, tablet.world.supervisor_a);
        assert_eq!(row.checklist_version_id, lobby.version_id);
        assert!((row.percent.unwrap() - expected.percent.unwrap()).abs() < 1e-9);
    }
    let outbox = tablet.outbox().await;
    assert!(
        outbox
            .iter()
            .all(|(id, state)| state == "sent" && ids.contains(id)),
        "only receipts are left: {outbox:?}"
    );
    tablet.browser.refresh().await.unwrap();
    tablet.says("kept-list", "Sent").await;
    assert!(
        !tablet.text_of("kept-list").await.contains("Waiting"),
        "the kept page lists nothing waiting"
    );
    tablet.close().await;
}

/// Issue test 7: a new version of the checklist is published while a spot-check scored
/// on the old one is kept offline; it is stored against the version it was scored on,
/// with that version's score.
#[tokio::test]
async fn a_check_kept_offline_is_stored_against_the_version_it_was_scored_on() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open().await else {
        return;
    };
    // Started and scored with no server at all: only the form knows its version.
    let (old, subject, answers, fields) = offline_after_one_visit(&mut tablet).await;
    let id = keep_lobby_checks(&tablet, 1, &fields).await.0[0];

    // Meanwhile the lobby checklist gets a new version, in which the failed item weighs
    // five times as much.
    let failed = answers
        .iter()
        .find(|(_, a)| matches!(a, Answer::Fail))
        .unwrap()
        .0
        .clone();
    let mut library = library_files::load(&tablet.test_db.config.checklists_dir).unwrap();
    let lobby = library
        .checklists
        .iter_mut()
        .find(|c| c.key == "lobby-reception")
        .unwrap();
    for item in lobby.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        if item.key == failed {
            item.weight *= 5.0;
        }
    }
    let report = import(&tablet.test_db.db, &library).await.unwrap();
    assert_eq!(report.new_versions, vec!["lobby-reception v2".to_string()]);
    let new = current_checklists(&tablet.test_db.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.checklist.key == "lobby-reception")
        .unwrap();
    assert_ne!(new.version_id, old.version_id);
    let (context, _) = resolve_context(&old.checklist, &Context::new());
    let on_old = score(&old.checklist, &subject, &context, &answers);
    let on_new = score(&new.checklist, &subject, &context, &answers);
    assert!(
        (on_old.percent.unwrap() - on_new.percent.unwrap()).abs() > 0.5,
        "the new version scores these answers differently: {:?} / {:?}",
        on_old.percent,
        on_new.percent
    );

    tablet.server.up().await;
    let stored = tablet.stored(id).await;
    assert_eq!(
        stored.checklist_version_id, old.version_id,
        "stored against the version it was scored on"
    );
    assert!(
        (stored.percent.unwrap() - on_old.percent.unwrap()).abs() < 1e-9,
        "{:?} is the old version's score {:?}",
        stored.percent,
        on_old.percent
    );
    assert_eq!(stored.passed, Some(on_old.passed));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(tablet.submitted_count().await, 1, "stored exactly once");
    tablet.close().await;
}

/// A reply that never comes (the link goes silent once the app has stored the check)
/// does not hold up the outbox: the sending gives up after a while and is tried again,
/// and that check and the next are each stored once.
#[tokio::test]
async fn a_reply_that_never_comes_does_not_hold_up_the_outbox() {
    let _turn = TURN.lock().await;
    let Some(mut tablet) = Tablet::open_with_link().await else {
        return;
    };
    let (_, _, _, fields) = offline_after_one_visit(&mut tablet).await;
    let (ids, _) = keep_lobby_checks(&tablet, 2, &fields).await;
    tablet.browser.goto(&tablet.url("/kept")).await.unwrap();
    let link = tablet.link.as_ref().expect("a tablet with a link");
    link.hold_replies(1);
    tablet.server.up().await;
    tablet.wait_all_sent(2, Duration::from_secs(90)).await;
    assert_eq!(link.lost(), 1, "one reply never came");
    let stored = tablet.submitted_ids().await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(
        ids.iter().all(|id| stored.contains(id)),
        "{ids:?} / {stored:?}"
    );
    tablet.close().await;
}
