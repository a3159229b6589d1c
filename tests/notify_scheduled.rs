//! Scheduled mail end to end, on SQLite and PostgreSQL, with a real SMTP server
//! (python3-aiosmtpd, tests/smtp_sink.py) whose received messages are read back, and
//! the clock pinned: overdue training and action reminders (daily), the supervisors'
//! sampling plan and the managers' digest (Mondays), the quality department's monthly
//! report PDF (the 1st), and the mail to an action's owner when it is raised.
//!
//! What is checked: exactly one mail per person and period even with two app states
//! ticking on one database at once, in the person's language, listing only their rows;
//! a second tick in the same period sends nothing; the next period sends again; a
//! preference turned off sends nothing; nothing is sent when there is nothing to say;
//! the monthly mail's attachment is a PDF (read with lopdf) naming the sites.

mod common;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use common::smtp::{Smtp, mail_config};
use common::{BACKENDS, Statements, TestApp, TestDb, World, seed_world};
use decorum::app::AppState;
use decorum::auth::Role;
use decorum::domain::notify::MailKind;
use decorum::domain::org::{Name, SiteKind};
use decorum::domain::schedule::Job;
use decorum::domain::scoring::Gender;
use decorum::store::admin::{PersonEdit, SiteEdit};
use entity::outbox::{self, Channel, DeliveryStatus};
use entity::{
    corrective_action, scheduled_due, scheduled_mail, training_assignment, training_module,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::Value;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// The app with its clock pinned at `now` and mail going to a fresh SMTP sink; the
/// sink's directory lives as long as the returned guard. The statements the app's
/// connection sends can be counted.
async fn spawn(
    test: &str,
    backend: common::Backend,
    now: &str,
) -> Option<(TestApp, Smtp, World, tempfile::TempDir, Arc<Statements>)> {
    let dir = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(test, dir.path())?;
    let mut test_db = TestDb::new(backend, test).await?;
    test_db.config.mail = Some(mail_config(smtp.port));
    test_db.config.fixed_now = Some(at(now));
    let statements = test_db.count_statements();
    let app = TestApp::serve(test_db, axum::Router::new()).await;
    let world = seed_world(&app.test_db.db).await;
    Some((app, smtp, world, dir, statements))
}

/// An app state on the test's database at another pinned instant (a second instance,
/// or the same one on a later day).
fn state_at(app: &TestApp, now: &str) -> AppState {
    let mut config = app.test_db.config.clone();
    config.fixed_now = Some(at(now));
    AppState::new(app.test_db.db.clone(), config).expect("the app's state")
}

/// Deliver everything due (the worker's tick until the outbox has nothing pending).
async fn deliver(state: &AppState) {
    for _ in 0..20 {
        decorum::notify::tick(state).await.expect("a tick");
        let pending = outbox::Entity::find()
            .filter(outbox::Column::Channel.eq(Channel::Mail))
            .filter(outbox::Column::Status.eq(DeliveryStatus::Pending))
            .all(&state.db)
            .await
            .unwrap();
        if pending.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("mail still pending after 20 ticks");
}

/// Assign `module` to `who` (as `admin`) due on `due`.
async fn overdue_training(
    db: &sea_orm::DatabaseConnection,
    admin: i32,
    module: &str,
    who: i32,
    due: &str,
) {
    decorum::store::training::assign_manual(db, admin, module, &[who], date(due))
        .await
        .unwrap();
    let module = training_module::Entity::find()
        .filter(training_module::Column::Key.eq(module))
        .one(db)
        .await
        .unwrap()
        .expect("the module is imported");
    training_assignment::Entity::update_many()
        .col_expr(
            training_assignment::Column::DueDate,
            sea_orm::sea_query::Expr::value(date(due)),
        )
        .filter(training_assignment::Column::UserId.eq(who))
        .filter(training_assignment::Column::ModuleId.eq(module.id))
        .exec(db)
        .await
        .unwrap();
}

/// Put every training assignment off to January, so only those a test makes overdue are.
async fn no_training_overdue(db: &sea_orm::DatabaseConnection) {
    training_assignment::Entity::update_many()
        .col_expr(
            training_assignment::Column::DueDate,
            sea_orm::sea_query::Expr::value(date("2027-01-31")),
        )
        .exec(db)
        .await
        .unwrap();
}

/// Save a person's mail preferences through /settings/mail: `lang`, and every kind on
/// but those in `off`.
async fn prefs(app: &TestApp, email: &str, lang: &str, off: &[MailKind]) {
    let (client, csrf) = app.sign_in(email).await;
    let mut form = vec![("_csrf".to_string(), csrf), ("lang".into(), lang.into())];
    for kind in MailKind::ALL {
        if !off.contains(&kind) {
            form.push((format!("mail:{}", kind.as_str()), "on".into()));
        }
    }
    let r = client
        .post(app.url("/settings/mail"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "saving {email}'s preferences");
}

/// Submit a lobby spot-check of `subject` at `site` on `shift_date` as `inspector`:
/// perfect, or failing the critical item `back-to-post`.
async fn submit(
    app: &TestApp,
    inspector: &str,
    (site, subject, gender): (i32, i32, Gender),
    shift_date: &str,
    critical: bool,
) -> uuid::Uuid {
    let (client, csrf) = app.sign_in(inspector).await;
    let mut body = common::perfect_lobby_form(
        &app.test_db.db,
        &csrf,
        (site, subject),
        gender,
        (shift_date, "morning"),
    )
    .await;
    if critical {
        for (name, value) in &mut body {
            if name == "a.back-to-post" {
                *value = "fail".into();
            }
        }
    }
    let id = uuid::Uuid::new_v4();
    let r = client
        .post(app.url(&format!("/spotchecks/{id}/submit")))
        .header("accept", "application/json")
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    id
}

/// Messages to `email` that are not among `before` (all messages received earlier;
/// a message equal to one of those counts as new only once per extra copy).
fn new_to(smtp: &Smtp, before: &[Value], email: &str) -> Vec<Value> {
    let mut earlier: Vec<&Value> = before.iter().collect();
    smtp.to(email)
        .into_iter()
        .filter(|m| match earlier.iter().position(|e| *e == m) {
            Some(i) => {
                earlier.remove(i);
                false
            }
            None => true,
        })
        .collect()
}

fn texts(smtp: &Smtp) -> Vec<Value> {
    smtp.messages()
}

fn subject(m: &Value) -> &str {
    m["subject"].as_str().unwrap_or("")
}

fn text(m: &Value) -> &str {
    m["text"].as_str().unwrap_or("")
}

async fn scheduled_rows(app: &TestApp) -> Vec<scheduled_mail::Model> {
    scheduled_mail::Entity::find()
        .all(&app.test_db.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn daily_reminders_go_once_per_person_and_day_in_their_language() {
    const TEST: &str = "daily_reminders_go_once_per_person_and_day_in_their_language";
    // Wednesday 2 December 2026, 09:30 at the sites (Asia/Shanghai, the default zone).
    let now = "2026-12-02T01:30:00Z";
    for backend in BACKENDS {
        let Some((app, smtp, w, _dir, _)) = spawn(TEST, backend, now).await else {
            continue;
        };
        let db = &app.test_db.db;
        // Languages, and who turned what off (the weekly mails are another test's).
        prefs(&app, "staff.a@t.test", "en", &[]).await;
        prefs(&app, "staff.b@t.test", "zh-Hans", &[]).await;
        prefs(&app, "staff.a2@t.test", "en", &[MailKind::TrainingOverdue]).await;
        prefs(&app, "manager.a@t.test", "en", &[MailKind::WeeklyDigest]).await;
        for s in ["supervisor.a@t.test", "supervisor.b@t.test"] {
            prefs(&app, s, "en", &[MailKind::WeeklyPlan]).await;
        }

        // Training: new hires got their position's curriculum, due in two weeks; it is
        // put off to January, then staff A has one module overdue and one not yet due,
        // staff B and A2 one overdue each.
        no_training_overdue(db).await;
        let train = async |module: &str, who: i32, due: &str| {
            overdue_training(db, w.admin, module, who, due).await
        };
        train("dress-grooming", w.staff_a, "2026-11-25").await;
        train("conduct-manners", w.staff_a, "2026-12-10").await;
        train("dress-grooming", w.staff_b, "2026-11-28").await;
        train("dress-grooming", w.staff_a2, "2026-11-20").await;

        // A critical failure at site A raises an action owned by the site's manager:
        // they hear of it at once (the supervisor who raised it does not).
        let before = texts(&smtp);
        submit(
            &app,
            "supervisor.a@t.test",
            (w.site_a, w.staff_a2, Gender::Male),
            "2026-12-02",
            true,
        )
        .await;
        let actions = corrective_action::Entity::find().all(db).await.unwrap();
        assert_eq!(actions.len(), 1, "the critical failure raised one action");
        let action = actions[0].clone();
        deliver(&state_at(&app, now)).await;
        let to_manager = new_to(&smtp, &before, "manager.a@t.test");
        assert_eq!(to_manager.len(), 1, "{to_manager:#?}");
        assert!(
            text(&to_manager[0]).contains("New corrective action at 大堂 A Lobby")
                && text(&to_manager[0]).contains(&format!("/actions/{}", action.id)),
            "{}",
            text(&to_manager[0])
        );
        assert!(
            new_to(&smtp, &before, "supervisor.a@t.test")
                .iter()
                .all(|m| !text(m).contains("New corrective action")),
            "the one who raised it is not told"
        );
        // The action is now two days late.
        let mut late: corrective_action::ActiveModel = action.clone().into();
        late.due_date = Set(date("2026-11-30"));
        late.update(db).await.unwrap();

        // Two app instances tick at the same moment on one database.
        let before = texts(&smtp);
        let (one, two) = (state_at(&app, now), state_at(&app, now));
        let (a, b) = tokio::join!(
            decorum::notify::schedule(&one),
            decorum::notify::schedule(&two)
        );
        let queued = a.unwrap() + b.unwrap();
        assert_eq!(queued, 3, "staff A, staff B and manager A, once each");
        let rows = scheduled_rows(&app).await;
        assert_eq!(rows.len(), 3, "{rows:#?}");
        assert!(rows.iter().all(|r| r.period == "2026-12-02"));
        deliver(&one).await;

        let a_mail = new_to(&smtp, &before, "staff.a@t.test");
        assert_eq!(a_mail.len(), 1, "{a_mail:#?}");
        assert_eq!(
            subject(&a_mail[0]),
            "Reminder: 1 training module is overdue"
        );
        assert!(
            text(&a_mail[0]).contains("Service-centre jewellery and grooming (due 2026-11-25)")
        );
        assert!(
            !text(&a_mail[0]).contains("Manners on post"),
            "a module not yet due is not listed"
        );
        let b_mail = new_to(&smtp, &before, "staff.b@t.test");
        assert_eq!(b_mail.len(), 1, "{b_mail:#?}");
        assert_eq!(subject(&b_mail[0]), "提醒：1 个培训单元已逾期");
        assert!(
            text(&b_mail[0]).contains("（期限 2026-11-28）"),
            "{}",
            text(&b_mail[0])
        );
        assert!(
            !text(&b_mail[0]).contains("2026-11-25"),
            "only staff B's own rows"
        );
        assert!(
            new_to(&smtp, &before, "staff.a2@t.test").is_empty(),
            "staff A2 turned training reminders off"
        );
        let m_mail = new_to(&smtp, &before, "manager.a@t.test");
        assert_eq!(m_mail.len(), 1, "{m_mail:#?}");
        assert_eq!(
            subject(&m_mail[0]),
            "Reminder: 1 corrective action is overdue"
        );
        assert!(
            text(&m_mail[0]).contains("大堂 A Lobby: back-to-post (due 2026-11-30)")
                && text(&m_mail[0]).contains(&format!("/actions/{}", action.id)),
            "{}",
            text(&m_mail[0])
        );
        for nobody in [
            "supervisor.a@t.test",
            "supervisor.b@t.test",
            "quality@t.test",
            "admin@t.test",
        ] {
            assert!(
                new_to(&smtp, &before, nobody).is_empty(),
                "{nobody} had nothing due"
            );
        }

        // Later the same day: nothing new.
        let before = texts(&smtp);
        let later = state_at(&app, "2026-12-02T09:00:00Z");
        assert_eq!(decorum::notify::schedule(&later).await.unwrap(), 0);
        deliver(&later).await;
        assert_eq!(
            texts(&smtp).len(),
            before.len(),
            "nothing sent twice in a day"
        );

        // The next morning (after 07:00 local) each gets the day's reminder again.
        let next = state_at(&app, "2026-12-02T23:05:00Z");
        assert_eq!(decorum::notify::schedule(&next).await.unwrap(), 3);
        deliver(&next).await;
        for (email, subject_line) in [
            ("staff.a@t.test", "Reminder: 1 training module is overdue"),
            ("staff.b@t.test", "提醒：1 个培训单元已逾期"),
            (
                "manager.a@t.test",
                "Reminder: 1 corrective action is overdue",
            ),
        ] {
            let got = new_to(&smtp, &before, email);
            assert_eq!(got.len(), 1, "{email}: {got:#?}");
            assert_eq!(subject(&got[0]), subject_line);
        }
        let rows = scheduled_rows(&app).await;
        assert_eq!(rows.len(), 6);

        // Once the training is done and the action closed, there is nothing to say.
        no_training_overdue(db).await;
        let mut done: corrective_action::ActiveModel = action.into();
        done.due_date = Set(date("2027-01-31"));
        done.update(db).await.unwrap();
        let after = state_at(&app, "2026-12-03T23:05:00Z");
        assert_eq!(
            decorum::notify::schedule(&after).await.unwrap(),
            0,
            "no empty reminders"
        );
    }
}

#[tokio::test]
async fn weekly_plan_digest_and_monthly_report_list_only_what_each_may_open() {
    const TEST: &str = "weekly_plan_digest_and_monthly_report_list_only_what_each_may_open";
    // Monday 30 November 2026, 08:30 at the sites.
    let monday = "2026-11-30T00:30:00Z";
    for backend in BACKENDS {
        let Some((app, smtp, w, _dir, _)) = spawn(TEST, backend, monday).await else {
            continue;
        };
        // Only the weekly and monthly mails here.
        for email in [
            "staff.a@t.test",
            "staff.a2@t.test",
            "staff.b@t.test",
            "supervisor.a@t.test",
            "supervisor.b@t.test",
            "manager.a@t.test",
            "quality@t.test",
        ] {
            prefs(
                &app,
                email,
                "en",
                &[MailKind::TrainingOverdue, MailKind::ActionsOverdue],
            )
            .await;
        }
        // Last week at site A: a pass and a critical failure; at site B one pass.
        let mut ids = Vec::new();
        for (inspector, who, day, critical) in [
            (
                "supervisor.a",
                (w.site_a, w.staff_a, Gender::Female),
                "2026-11-24",
                false,
            ),
            (
                "supervisor.a",
                (w.site_a, w.staff_a2, Gender::Male),
                "2026-11-25",
                true,
            ),
            (
                "supervisor.b",
                (w.site_b, w.staff_b, Gender::Male),
                "2026-11-26",
                false,
            ),
        ] {
            let email = format!("{inspector}@t.test");
            ids.push(submit(&app, &email, who, day, critical).await);
        }
        let failed = ids[1];
        let state = state_at(&app, monday);
        deliver(&state).await;
        let before = texts(&smtp);

        // Before 07:00 on Monday nothing weekly is due yet.
        let early = state_at(&app, "2026-11-29T22:30:00Z");
        assert_eq!(decorum::notify::schedule(&early).await.unwrap(), 0);

        let queued = decorum::notify::schedule(&state).await.unwrap();
        assert_eq!(queued, 3, "two supervisors' plans and manager A's digest");
        deliver(&state).await;

        let plan_a = new_to(&smtp, &before, "supervisor.a@t.test");
        assert_eq!(plan_a.len(), 1, "{plan_a:#?}");
        assert_eq!(
            subject(&plan_a[0]),
            "Sampling plan for the week of 2026-11-30"
        );
        let body = text(&plan_a[0]);
        assert!(body.contains("2 spot-checks planned this week:"), "{body}");
        assert!(
            body.contains("大堂 A Lobby: staff.a") && body.contains("大堂 A Lobby: staff.a2"),
            "{body}"
        );
        assert!(
            !body.contains("大堂 B") && !body.contains("staff.b"),
            "only site A: {body}"
        );
        let plan_b = new_to(&smtp, &before, "supervisor.b@t.test");
        assert_eq!(plan_b.len(), 1, "{plan_b:#?}");
        let body = text(&plan_b[0]);
        assert!(body.contains("大堂 B Lobby: staff.b"), "{body}");
        assert!(
            !body.contains("大堂 A") && !body.contains("staff.a"),
            "only site B: {body}"
        );

        let digest = new_to(&smtp, &before, "manager.a@t.test");
        assert_eq!(digest.len(), 1, "{digest:#?}");
        assert_eq!(
            subject(&digest[0]),
            "Your sites' week: 2026-11-23 to 2026-11-29"
        );
        let body = text(&digest[0]);
        assert!(
            body.contains("大堂 A Lobby: 2 spot-checks, pass rate 50%, 1 critical failure"),
            "{body}"
        );
        assert!(!body.contains("大堂 B"), "manager A's sites only: {body}");
        for nobody in ["staff.a@t.test", "quality@t.test", "admin@t.test"] {
            assert!(new_to(&smtp, &before, nobody).is_empty(), "{nobody}");
        }
        // October had no spot-checks: no monthly report for November's 1st.
        assert!(
            scheduled_rows(&app)
                .await
                .iter()
                .all(|r| r.job != MailKind::MonthlyReport.as_str())
        );

        // The rest of the week: nothing again.
        let before = texts(&smtp);
        let saturday = state_at(&app, "2026-12-05T03:00:00Z");
        // (Saturday 5 December: the 1st's monthly report is due, about November.)
        let queued = decorum::notify::schedule(&saturday).await.unwrap();
        assert_eq!(queued, 1, "only the quality department's monthly report");
        deliver(&saturday).await;
        assert_eq!(texts(&smtp).len(), before.len() + 1);
        let monthly = new_to(&smtp, &before, "quality@t.test");
        assert_eq!(monthly.len(), 1, "{monthly:#?}");
        assert_eq!(
            subject(&monthly[0]),
            "Site report: 2026-11-01 to 2026-11-30"
        );
        let attachments = monthly[0]["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1);
        assert_eq!(attachments[0]["type"], "application/pdf");
        assert_eq!(
            attachments[0]["filename"],
            "sites-2026-11-01-2026-11-30.pdf"
        );
        let pdf = std::fs::read(attachments[0]["path"].as_str().unwrap()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let words = common::pdf::text(&pdf, None);
        assert!(
            words.contains("大堂 A Lobby") && words.contains("大堂 B Lobby"),
            "the PDF names the sites: {words}"
        );

        // The command line's reports carry the actions as the web's PDFs do: the
        // spot-check's raised action, and the site's overdue one.
        if backend == common::Backend::Sqlite {
            let data = app.test_db.config.data_dir.clone();
            let out = data.join("cli.pdf");
            let out_arg = out.display().to_string();
            let id = failed.to_string();
            let (code, _, err) = common::run_decorum(
                Some(&data),
                &["report", "inspection", &id, "-o", &out_arg, "--lang", "en"],
            );
            assert_eq!(code, 0, "{err}");
            let words = common::pdf::text(&std::fs::read(&out).unwrap(), None);
            assert!(words.contains("Corrective actions raised"), "{words}");
            // The command line's today is the machine's: the action is made long late.
            let mut late: corrective_action::ActiveModel = corrective_action::Entity::find()
                .one(&app.test_db.db)
                .await
                .unwrap()
                .expect("the critical failure's action")
                .into();
            late.due_date = Set(date("2026-11-20"));
            late.update(&app.test_db.db).await.unwrap();
            let (code, _, err) = common::run_decorum(
                Some(&data),
                &[
                    "report",
                    "site",
                    "--site",
                    "A",
                    "--from",
                    "2026-11-01",
                    "--to",
                    "2026-11-30",
                    "-o",
                    &out_arg,
                    "--lang",
                    "en",
                ],
            );
            assert_eq!(code, 0, "{err}");
            let words = common::pdf::text(&std::fs::read(&out).unwrap(), None);
            let action = corrective_action::Entity::find()
                .one(&app.test_db.db)
                .await
                .unwrap()
                .expect("the critical failure's action");
            assert!(
                words.contains("What to fix")
                    && words.contains(&action.due_date.to_string())
                    && words.contains("(overdue)"),
                "{words}"
            );
        }

        // Another instance, after a restart, later that month: nothing twice.
        let again = state_at(&app, "2026-12-20T03:00:00Z");
        let before = texts(&smtp);
        let queued = decorum::notify::schedule(&again).await.unwrap();
        // A new week (14 December) is due for the plans, never the month again.
        assert!(
            scheduled_rows(&app)
                .await
                .iter()
                .filter(|r| r.job == MailKind::MonthlyReport.as_str())
                .count()
                == 1
        );
        deliver(&again).await;
        assert_eq!(texts(&smtp).len(), before.len() + queued);
        assert!(new_to(&smtp, &before, "quality@t.test").is_empty());
    }
}

/// The statements of a tick, for a failure's message.
fn show(statements: &[String]) -> String {
    statements
        .iter()
        .map(|s| s.chars().take(160).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The tables a tick reads to work out who is due and what to say.
const PER_PERSON: [&str; 8] = [
    "\"user_site\"",
    "\"site\"",
    "\"mail_preference\"",
    "\"training_assignment\"",
    "\"corrective_action\"",
    "\"inspection\"",
    "\"scheduled_mail\"",
    "\"outbox\"",
];

#[tokio::test]
async fn a_tick_with_nothing_due_reads_no_one() {
    const TEST: &str = "a_tick_with_nothing_due_reads_no_one";
    // Wednesday 2 December 2026, 09:30 at the sites (Asia/Shanghai).
    let now = "2026-12-02T01:30:00Z";
    for backend in BACKENDS {
        let Some((app, _smtp, _w, _dir, statements)) = spawn(TEST, backend, now).await else {
            continue;
        };
        let db = &app.test_db.db;
        // The first tick plans everyone: each job, each active person.
        decorum::notify::schedule(&state_at(&app, now))
            .await
            .unwrap();
        let people = entity::user::Entity::find()
            .filter(entity::user::Column::Active.eq(true))
            .count(db)
            .await
            .unwrap();
        let planned = scheduled_due::Entity::find().all(db).await.unwrap();
        assert_eq!(planned.len() as u64, people * Job::ALL.len() as u64);
        // Daily jobs next at 07:00 tomorrow there (23:00 UTC today).
        assert!(
            planned
                .iter()
                .filter(|r| r.job == Job::TrainingOverdue.as_str())
                .all(|r| r.next_due == at("2026-12-02T23:00:00Z")),
            "{planned:#?}"
        );

        // The same minute again, and an hour later: nothing queued, and no person, site,
        // preference or their rows read; two statements (anyone new? anyone due?).
        for when in [now, "2026-12-02T02:30:00Z"] {
            let state = state_at(&app, when);
            let (queued, sent) = statements
                .during(async || decorum::notify::schedule(&state).await.unwrap())
                .await;
            assert_eq!(queued, 0, "at {when}");
            assert!(sent.len() <= 2, "at {when}: {}", show(&sent));
            assert!(
                sent.iter()
                    .all(|s| PER_PERSON.iter().all(|t| !s.contains(t))),
                "at {when}: {}",
                show(&sent)
            );
        }

        // At 07:00 tomorrow there every daily job is due again, and everyone is read.
        let state = state_at(&app, "2026-12-02T23:00:00Z");
        let (_, sent) = statements
            .during(async || decorum::notify::schedule(&state).await.unwrap())
            .await;
        assert!(
            sent.iter().any(|s| s.contains("\"user_site\"")),
            "{}",
            show(&sent)
        );
    }
}

/// Training reminders queued for `period`, by person.
async fn reminded(app: &TestApp, period: &str) -> Vec<i32> {
    let mut ids: Vec<i32> = scheduled_rows(app)
        .await
        .into_iter()
        .filter(|r| r.job == Job::TrainingOverdue.as_str() && r.period == period)
        .map(|r| r.user_id)
        .collect();
    ids.sort_unstable();
    ids
}

/// Change a site's time zone as the admin pages do.
async fn set_zone(app: &TestApp, w: &World, site: i32, zone: chrono_tz::Tz) {
    let db = &app.test_db.db;
    let before = decorum::store::admin::site(db, site).await.unwrap();
    decorum::store::admin::update_site(
        db,
        w.admin,
        site,
        SiteEdit {
            name: Name::parse(&before.name).unwrap(),
            kind: SiteKind::parse(&before.kind).unwrap(),
            active: before.active,
            time_zone: zone,
        },
    )
    .await
    .unwrap();
}

/// Change a staff member's sites and whether they are active, as the admin pages do.
async fn edit_staff(app: &TestApp, w: &World, who: i32, sites: Vec<i32>, active: bool) {
    let db = &app.test_db.db;
    let (person, _) = decorum::store::admin::person(db, who).await.unwrap();
    decorum::store::admin::update_person(
        db,
        w.admin,
        who,
        PersonEdit {
            name: Name::parse(&person.name).unwrap(),
            role: Role::Staff,
            sites,
            position: Some("lobby-concierge".into()),
            gender: Some(Gender::Male),
            hire_date: None,
            active,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_next_tick_honours_a_change_and_plans_a_newcomer() {
    const TEST: &str = "the_next_tick_honours_a_change_and_plans_a_newcomer";
    // Wednesday 2 December 2026, 09:30 at the sites (Asia/Shanghai).
    let now = "2026-12-02T01:30:00Z";
    for backend in BACKENDS {
        let Some((app, smtp, w, _dir, _)) = spawn(TEST, backend, now).await else {
            continue;
        };
        let db = &app.test_db.db;
        let tick = async |when: &str| {
            let state = state_at(&app, when);
            let queued = decorum::notify::schedule(&state).await.unwrap();
            deliver(&state).await;
            queued
        };
        prefs(&app, "staff.a@t.test", "en", &[MailKind::TrainingOverdue]).await;
        no_training_overdue(db).await;
        overdue_training(db, w.admin, "dress-grooming", w.staff_a, "2026-11-25").await;
        overdue_training(db, w.admin, "dress-grooming", w.staff_b, "2026-11-28").await;

        // Staff A turned the reminders off: only staff B has one; once.
        tick(now).await;
        assert_eq!(reminded(&app, "2026-12-02").await, vec![w.staff_b]);
        tick(now).await;
        assert_eq!(reminded(&app, "2026-12-02").await, vec![w.staff_b]);

        // Staff A turns them on, in Chinese: the next minute's tick sends today's.
        let before = texts(&smtp);
        prefs(&app, "staff.a@t.test", "zh-Hans", &[]).await;
        tick("2026-12-02T01:31:00Z").await;
        assert_eq!(
            reminded(&app, "2026-12-02").await,
            vec![w.staff_a, w.staff_b]
        );
        let mail = new_to(&smtp, &before, "staff.a@t.test");
        assert_eq!(mail.len(), 1, "{mail:#?}");
        assert_eq!(subject(&mail[0]), "提醒：1 个培训单元已逾期");

        // 04:30 on Thursday in Shanghai: nobody's day has begun...
        let night = "2026-12-02T20:30:00Z";
        tick(night).await;
        assert!(reminded(&app, "2026-12-03").await.is_empty());
        // ...but site B moves to Auckland, where it is 09:30: staff B's comes at once.
        set_zone(&app, &w, w.site_b, chrono_tz::Pacific::Auckland).await;
        tick("2026-12-02T20:31:00Z").await;
        assert_eq!(reminded(&app, "2026-12-03").await, vec![w.staff_b]);
        // Staff A moves to site B: theirs too.
        edit_staff(&app, &w, w.staff_a, vec![w.site_b], true).await;
        tick("2026-12-02T20:32:00Z").await;
        assert_eq!(
            reminded(&app, "2026-12-03").await,
            vec![w.staff_a, w.staff_b]
        );

        // A newcomer at site B with a module overdue is planned by the next tick.
        let newcomer = decorum::store::users::add_atomic(
            db,
            decorum::store::users::NewUser {
                email: "staff.c@t.test".into(),
                name: "staff.c".into(),
                role: Role::Staff,
                password: None,
                position: None,
                gender: None,
                hire_date: None,
                sites: vec!["B".into()],
            },
            None,
        )
        .await
        .unwrap()
        .id;
        overdue_training(db, w.admin, "dress-grooming", newcomer, "2026-11-30").await;
        tick("2026-12-02T20:33:00Z").await;
        assert_eq!(
            reminded(&app, "2026-12-03").await,
            vec![w.staff_a, w.staff_b, newcomer]
        );

        // Staff B leaves: no plan, and no reminder the next day (the others get theirs).
        edit_staff(&app, &w, w.staff_b, vec![w.site_b], false).await;
        tick("2026-12-02T20:34:00Z").await;
        assert!(
            scheduled_due::Entity::find()
                .filter(scheduled_due::Column::UserId.eq(w.staff_b))
                .all(db)
                .await
                .unwrap()
                .is_empty()
        );
        tick("2026-12-03T20:30:00Z").await;
        assert_eq!(
            reminded(&app, "2026-12-04").await,
            vec![w.staff_a, newcomer]
        );
    }
}
