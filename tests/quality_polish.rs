//! The quality department's and managers' polish (issue 21), over HTTP against SQLite and
//! PostgreSQL: exports that name the site, the person and the inspector with local
//! date-times Excel reads, the audit log told as sentences, the staff filter's
//! suggestions, the training effectiveness figures from the kept "before" percents, and
//! the PDF reports read back with lopdf (targets of failed measures, the trend's real
//! grain, the all-sites staff table's site column and comparison, the staff record's
//! summary, no page ending on a heading).

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::pdf::text as pdf_text;
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::auth::Role;
use decorum::domain::Lang;
use decorum::domain::org::Name;
use decorum::domain::stats::{Arrow, Granularity, PeriodFigure, Summary};
use decorum::reports;
use decorum::reports::site::{SiteReport, StaffFigure, TrainingCounts};
use decorum::reports::staff::{RepeatedFailure, StaffReport, TrainingLine};
use decorum::store::admin::{PersonEdit, update_person};
use decorum::store::stats::{ItemResult, Tally};
use entity::states::{AssignmentStatus, InspectionStatus, RecheckStatus};
use entity::{inspection, inspection_response, recheck, training_assignment, training_module};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A submitted spot-check stored and counted as a submission is: `failed` items failed
/// (0 of 1 point each), submitted at `at`.
#[allow(clippy::too_many_arguments)]
async fn insert(
    app: &TestApp,
    (site, subject, inspector): (i32, i32, i32),
    date: NaiveDate,
    percent: f64,
    failed: &[&str],
    at: DateTime<Utc>,
) -> Uuid {
    let version = common::lobby(&app.test_db.db).await.version_id;
    let id = Uuid::new_v4();
    let txn = decorum::store::begin_write(&app.test_db.db).await.unwrap();
    let row = inspection::ActiveModel {
        id: Set(id),
        checklist_version_id: Set(version),
        site_id: Set(site),
        shift_date: Set(date),
        shift_period: Set(entity::states::ShiftPeriod::Morning),
        subject_id: Set(subject),
        position_id: Set(None),
        inspector_id: Set(inspector),
        context: Set(serde_json::json!({})),
        status: Set(InspectionStatus::Submitted),
        score: Set(Some(percent)),
        max_score: Set(Some(100.0)),
        percent: Set(Some(percent)),
        passed: Set(Some(percent >= 85.0)),
        critical_failure: Set(false),
        recheck_of: Set(None),
        void_reason: Set(None),
        started_at: Set(at),
        updated_at: Set(at),
        submitted_at: Set(Some(at)),
        acknowledged_at: Set(None),
        draft: Set(None),
    }
    .insert(&txn)
    .await
    .unwrap();
    let results: Vec<ItemResult> = failed
        .iter()
        .filter_map(|key| ItemResult::of(key, entity::states::Outcome::Failed, 0.0, 1.0))
        .collect();
    let mut tally = Tally::default();
    tally.add(&row, &results, 1);
    tally.save(&txn).await.unwrap();
    txn.commit().await.unwrap();
    for key in failed {
        inspection_response::ActiveModel {
            inspection_id: Set(id),
            item_key: Set(key.to_string()),
            value: Set(serde_json::json!("fail")),
            outcome: Set(entity::states::Outcome::Failed),
            points: Set(0.0),
            max_points: Set(1.0),
            note: Set(None),
            photo: Set(None),
            photo_type: Set(None),
            ..Default::default()
        }
        .insert(&app.test_db.db)
        .await
        .unwrap();
    }
    id
}

/// The first two item keys of the lobby checklist, with their clauses.
async fn lobby_items(app: &TestApp) -> Vec<(String, String)> {
    common::lobby(&app.test_db.db)
        .await
        .checklist
        .items()
        .map(|(_, i)| (i.key.clone(), i.clause.clone()))
        .take(2)
        .collect()
}

async fn set_zone(app: &TestApp, site: i32, zone: &str) {
    let row = entity::site::Entity::find_by_id(site)
        .one(&app.test_db.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::site::ActiveModel = row.into();
    row.time_zone = Set(zone.into());
    row.update(&app.test_db.db).await.unwrap();
}

async fn csv(
    client: &reqwest::Client,
    url: String,
) -> Vec<std::collections::HashMap<String, String>> {
    let reply = client.get(url).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    let bytes = reply.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn exports_name_the_site_person_and_inspector_with_local_times() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_csv").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        set_zone(&app, w.site_a, "Asia/Hong_Kong").await;
        let items = lobby_items(&app).await;
        // 01:02:03.456789 UTC is 09:02:03 in Hong Kong.
        let at = DateTime::parse_from_rfc3339("2026-11-03T01:02:03.456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = insert(
            &app,
            (w.site_a, w.staff_a, w.supervisor_a),
            d(2026, 11, 3),
            70.0,
            &[items[0].0.as_str()],
            at,
        )
        .await;
        let (quality, _) = app.sign_in("quality@t.test").await;
        let rows = csv(
            &quality,
            app.url("/quality/inspections.csv?from=2026-11-01&to=2026-11-30"),
        )
        .await;
        assert_eq!(rows.len(), 1, "{backend:?}");
        let row = &rows[0];
        let expect = [
            ("inspection_id", id.to_string()),
            ("site_id", w.site_a.to_string()),
            ("site", "大堂 A Lobby".to_string()),
            ("staff_id", w.staff_a.to_string()),
            ("staff", "staff.a".to_string()),
            ("inspector_id", w.supervisor_a.to_string()),
            ("inspector", "supervisor.a".to_string()),
            ("submitted_at", "2026-11-03 09:02:03".to_string()),
            ("time_zone", "Asia/Hong_Kong".to_string()),
            ("submitted_at_utc", "2026-11-03T01:02:03Z".to_string()),
        ];
        for (column, value) in &expect {
            assert_eq!(
                &row[*column], value,
                "{backend:?}: inspections.csv {column}"
            );
        }
        let rows = csv(
            &quality,
            app.url("/quality/responses.csv?from=2026-11-01&to=2026-11-30"),
        )
        .await;
        assert_eq!(rows.len(), 1, "{backend:?}: the failed response");
        for (column, value) in &expect[..7] {
            assert_eq!(
                &rows[0][*column], value,
                "{backend:?}: responses.csv {column}"
            );
        }
        assert_eq!(rows[0]["outcome"], "failed");
        assert_eq!(rows[0]["clause"], items[0].1);
    }
}

async fn move_to_sales_hall(app: &TestApp, w: &World) {
    update_person(
        &app.test_db.db,
        w.admin,
        w.staff_a,
        PersonEdit {
            name: Name::parse("staff.a").unwrap(),
            role: Role::Staff,
            sites: vec![w.site_a],
            position: Some("sales-hall-host".into()),
            gender: Some(decorum::domain::scoring::Gender::Female),
            hire_date: None,
            active: true,
        },
    )
    .await
    .unwrap();
}

async fn choose_language(client: &reqwest::Client, csrf: &str, app: &TestApp, lang: Lang) {
    let chosen = client
        .post(app.url("/settings/lang"))
        .form(&[("_csrf", csrf), ("lang", lang.code())])
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
}

#[tokio::test]
async fn the_audit_log_tells_each_change_as_a_sentence() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_audit").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        move_to_sales_hall(&app, &w).await;
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        for (lang, sentence, row) in [
            (
                Lang::En,
                "admin changed staff.a's position from Lobby concierge to Sales hall host",
                "<td>position</td><td>Lobby concierge</td><td>Sales hall host</td>",
            ),
            (
                Lang::Zh,
                "admin 將 staff.a 的職位由「大堂接待員」改為「銷售大廳接待員」",
                "<td>職位</td><td>大堂接待員</td><td>銷售大廳接待員</td>",
            ),
            (
                Lang::ZhHans,
                "admin 将 staff.a 的职位由“大堂接待员”改为“销售大厅接待员”",
                "<td>职位</td><td>大堂接待员</td><td>销售大厅接待员</td>",
            ),
        ] {
            choose_language(&quality, &csrf, &app, lang).await;
            let page = common::page_text(&quality, &app.url("/audit?entity=user")).await;
            assert!(page.contains(sentence), "{backend:?} {lang:?}: {page}");
            assert!(
                page.contains(row),
                "{backend:?} {lang:?}: the before/after table"
            );
            assert!(
                page.contains("<details class=\"audit-raw\">")
                    && page.contains("&quot;position&quot;: &quot;sales-hall-host&quot;"),
                "{backend:?} {lang:?}: the raw record behind a toggle"
            );
        }
    }
}

#[tokio::test]
async fn the_staff_filter_suggests_only_people_in_view() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_people").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let names = |json: &serde_json::Value| -> Vec<String> {
            json.as_array()
                .unwrap()
                .iter()
                .map(|p| p["label"].as_str().unwrap().to_string())
                .collect()
        };
        let get = |client: reqwest::Client, path: String| {
            let url = app.url(&path);
            async move {
                let r = client.get(url).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (manager, _) = app.sign_in("manager.a@t.test").await;
        let (status, body) = get(manager.clone(), "/quality/people?q=staff".into()).await;
        assert_eq!(status, 200);
        let got = names(&serde_json::from_str(&body).unwrap());
        assert_eq!(
            got,
            vec![
                format!("staff.a (#{})", w.staff_a),
                format!("staff.a2 (#{})", w.staff_a2)
            ],
            "{backend:?}: site A's staff, not site B's"
        );
        let (status, _) = get(
            manager.clone(),
            format!("/quality/people?site={}", w.site_b),
        )
        .await;
        assert_eq!(
            status, 403,
            "{backend:?}: another site's people are not offered"
        );
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (_, body) = get(quality.clone(), "/quality/people?q=a2".into()).await;
        assert_eq!(
            names(&serde_json::from_str(&body).unwrap()),
            vec![format!("staff.a2 (#{})", w.staff_a2)]
        );
        let (_, body) = get(quality.clone(), "/quality/people?q=staff".into()).await;
        assert_eq!(names(&serde_json::from_str(&body).unwrap()).len(), 3);
        // A suggestion as the box holds it filters the dashboard by that person.
        let choice = format!("staff.a2 (#{})", w.staff_a2);
        let url = format!(
            "/quality?subject={}",
            choice
                .replace(' ', "%20")
                .replace('#', "%23")
                .replace('(', "%28")
                .replace(')', "%29")
        );
        let (status, page) = get(quality.clone(), url).await;
        assert_eq!(status, 200, "{backend:?}: {page}");
        assert!(
            page.contains(&format!("value=\"{choice}\"")),
            "{backend:?}: the box keeps the choice"
        );
        assert!(page.contains("<datalist id=\"staff-options\">"));
        assert!(
            page.contains(&format!("subject={}", w.staff_a2)),
            "{backend:?}: links carry the id"
        );
        let (status, _) = get(quality, "/quality?subject=nobody".into()).await;
        assert_eq!(
            status, 400,
            "{backend:?}: a name that is not a suggestion is refused with a message"
        );
    }
}

#[tokio::test]
async fn training_effectiveness_reads_the_kept_before_figures() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_effect").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let db = &app.test_db.db;
        let module = training_module::Entity::find()
            .filter(training_module::Column::Key.eq("lobby-greeting"))
            .one(db)
            .await
            .unwrap()
            .expect("the lobby greeting module");
        let now = Utc::now();
        // Two re-checks of the module: before 40 and 60, after 90 (passed) and 70 (failed).
        for (person, site, before, after) in [
            (w.staff_a, w.site_a, 40.0, 90.0),
            (w.staff_b, w.site_b, 60.0, 70.0),
        ] {
            let first = insert(
                &app,
                (site, person, w.admin),
                d(2026, 11, 2),
                before,
                &[],
                now,
            )
            .await;
            let again = insert(
                &app,
                (site, person, w.admin),
                d(2026, 11, 9),
                after,
                &[],
                now,
            )
            .await;
            let assignment = training_assignment::ActiveModel {
                user_id: Set(person),
                module_id: Set(module.id),
                reason: Set(entity::states::AssignmentReason::Failure),
                inspection_id: Set(Some(first)),
                failed_items: Set(serde_json::json!(["x"])),
                critical: Set(false),
                status: Set(AssignmentStatus::Completed),
                due_date: Set(d(2026, 11, 9)),
                attempts: Set(1),
                assigned_at: Set(now),
                completed_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
            recheck::ActiveModel {
                assignment_id: Set(assignment.id),
                inspection_id: Set(first),
                subject_id: Set(person),
                site_id: Set(site),
                items: Set(serde_json::json!(["x"])),
                status: Set(RecheckStatus::Done),
                due_date: Set(d(2026, 11, 9)),
                done_inspection_id: Set(Some(again)),
                created_at: Set(now),
                before_percent: Set(Some(before)),
                // What the re-check's submission keeps on the row (training_http
                // drives that path over HTTP).
                module_id: Set(Some(module.id)),
                after_percent: Set(Some(after)),
                after_passed: Set(Some(after >= 85.0)),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        choose_language(&quality, &csrf, &app, Lang::En).await;
        let page = common::page_text(&quality, &app.url("/training/effectiveness")).await;
        // 2 re-checks, 1 passed (50%), before (40+60)/2 = 50, after (90+70)/2 = 80, +30.
        for figure in [
            "greeting guests in the lobby</td><td class=\"num\">2<",
            "50.0%",
            "80.0%",
            "+30.0",
        ] {
            assert!(page.contains(figure), "{backend:?}: {figure} in {page}");
        }
        // The manager of site A sees only site A's re-check: 40 → 90.
        let (manager, csrf) = app.sign_in("manager.a@t.test").await;
        choose_language(&manager, &csrf, &app, Lang::En).await;
        let page = common::page_text(&manager, &app.url("/training/effectiveness")).await;
        for figure in ["40.0%", "90.0%", "+50.0"] {
            assert!(page.contains(figure), "{backend:?}: {figure} in {page}");
        }
    }
}

/// The lines of a page's text above the running header and footer.
fn content_lines(pdf: &[u8], page: usize) -> Vec<String> {
    let text = pdf_text(pdf, Some(page));
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    // The header, "Decorum" and the footer are drawn last on every page.
    lines[..lines.len().saturating_sub(3)].to_vec()
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

/// No page's content ends on one of `headings`.
fn no_page_ends_on_a_heading(pdf: &[u8], headings: &[String]) {
    for p in 1..=pages(pdf) {
        let lines = content_lines(pdf, p);
        let last = lines.last().cloned().unwrap_or_default();
        assert!(
            !headings.iter().any(|h| last.starts_with(h.as_str())),
            "page {p} ends on the heading {last:?}"
        );
    }
}

fn all_sites_report(staff: usize, lead: usize) -> SiteReport {
    SiteReport {
        scope: "All sites".into(),
        from: d(2025, 12, 1),
        to: d(2026, 11, 30),
        summary: Summary {
            inspections: 120,
            passed: 90,
            critical: 2,
            mean: Some(86.0),
            pass_rate: Some(75.0),
        },
        grain: Granularity::Month,
        trend: (0..12)
            .map(|m| PeriodFigure {
                period: d(2025, 12, 1) + chrono::Months::new(m),
                inspections: 10,
                passed: 7,
                mean: 80.0 + m as f64,
                pass_rate: 70.0,
            })
            .collect(),
        by_site: ["大堂 A Lobby", "大堂 B Lobby"]
            .iter()
            .enumerate()
            .map(|(i, name)| StaffFigure {
                name: name.to_string(),
                site: String::new(),
                inspections: 60,
                mean: 84.0 + 4.0 * i as f64,
                pass_rate: 70.0 + 10.0 * i as f64,
                arrow: Some(Arrow::Up),
            })
            .collect(),
        failed_items: Vec::new(),
        sections: Vec::new(),
        // Two people called 陳美玲, one at each site.
        staff: (0..staff)
            .map(|i| StaffFigure {
                name: if i < 2 {
                    "陳美玲".into()
                } else {
                    format!("員工{i:03}")
                },
                site: if i % 2 == 0 {
                    "大堂 A Lobby"
                } else {
                    "大堂 B Lobby"
                }
                .into(),
                inspections: 2,
                mean: 70.0 + (i % 30) as f64,
                pass_rate: 50.0,
                arrow: None,
            })
            .collect(),
        staff_total: staff,
        staff_cut: None,
        training: TrainingCounts::default(),
        roster: staff,
        coverage_days: 28,
        uncovered: (0..lead)
            .map(|i| reports::site::Uncovered {
                name: format!("新人{i}"),
                position: None,
                last_checked: None,
            })
            .collect(),
        uncovered_total: lead,
    }
}

#[test]
fn the_all_sites_report_has_monthly_labels_a_site_column_and_a_comparison() {
    let pdf = reports::site::render(&all_sites_report(6, 0), Lang::En);
    let text = pdf_text(&pdf, None);
    for expected in [
        "Monthly trend, 2025-12-01 – 2026-11-30 (12 months with spot-checks)",
        "Average score (month)",
        "2025-12",
        "2026-11",
        "Site by site",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(
        !text.contains("Weekly"),
        "no weekly label on a monthly trend"
    );
    // The comparison: site A 84.0% / 70.0%, site B 88.0% / 80.0%.
    assert!(text.contains("84.0%") && text.contains("88.0%"));
    // Both 陳美玲 rows name their site.
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("陳美玲")).collect();
    assert!(
        text.matches("陳美玲").count() == 2
            && text.contains("大堂 A Lobby")
            && text.contains("大堂 B Lobby"),
        "{rows:?}"
    );
    let zh = pdf_text(
        &reports::site::render(&all_sites_report(6, 0), Lang::Zh),
        None,
    );
    assert!(zh.contains("每月趨勢") && zh.contains("各場所比較"), "{zh}");
}

#[test]
fn no_page_of_a_long_report_ends_on_a_heading() {
    let headings: Vec<String> = [
        "Staff (",
        "Training",
        "Coverage",
        "Items to work on next",
        "Site by site",
        "Sections",
        "Most failed items",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Sizes that push each heading towards the foot of a page.
    for staff in [10, 20, 26, 31, 37, 44, 52] {
        for lead in [0, 5, 17] {
            let pdf = reports::site::render(&all_sites_report(staff, lead), Lang::En);
            no_page_ends_on_a_heading(&pdf, &headings);
        }
    }
}

fn staff_report() -> StaffReport {
    StaffReport {
        name: "陳美玲".into(),
        email: "mei@t.test".into(),
        position: Some("Lobby concierge".into()),
        sites: vec!["大堂 A Lobby".into()],
        hire_date: None,
        from: d(2026, 11, 1),
        to: d(2026, 11, 30),
        summary: Summary {
            inspections: 3,
            passed: 1,
            critical: 0,
            mean: Some(75.0),
            pass_rate: Some(33.3),
        },
        inspections: Vec::new(),
        training: vec![
            TrainingLine {
                module: "Lobby greeting".into(),
                reason: "failure".into(),
                assigned: d(2026, 11, 2),
                due: d(2026, 11, 9),
                completed: Some(d(2026, 11, 5)),
                quiz: Some(90.0),
                overdue: false,
            },
            TrainingLine {
                module: "Lobby escort".into(),
                reason: "failure".into(),
                assigned: d(2026, 11, 2),
                due: d(2026, 11, 9),
                completed: None,
                quiz: None,
                overdue: true,
            },
        ],
        trend: Some(Arrow::Up),
        repeated: vec![RepeatedFailure {
            clause: "4.3.2".into(),
            text: "30° courtesy bow".into(),
            times: 2,
        }],
    }
}

#[test]
fn the_staff_record_opens_with_a_summary() {
    let pdf = reports::staff::render(&staff_report(), Lang::En);
    let first = pdf_text(&pdf, Some(1));
    for expected in [
        "Summary",
        "3 spot-checks in the period, mean 75.0%; improving",
        "Training: 1 done, 1 open, 1 overdue.",
        "§4.3.2",
        "30° courtesy bow",
    ] {
        assert!(first.contains(expected), "{expected:?} in {first}");
    }
    let summary_at = first.find("Summary").unwrap();
    let list_at = first
        .find("Spot-checks in the period")
        .unwrap_or(usize::MAX);
    assert!(summary_at < list_at, "the summary comes before the list");
}

/// The staff record over HTTP: two spot-checks that failed the same item, one that
/// failed another once; the summary's figures are worked out by hand.
#[tokio::test]
async fn the_staff_record_counts_repeated_failures_with_their_clause() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "polish_staff_pdf").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let items = lobby_items(&app).await;
        let (x, y) = (items[0].0.as_str(), items[1].0.as_str());
        let who = (w.site_a, w.staff_a, w.supervisor_a);
        let now = Utc::now();
        insert(&app, who, d(2026, 11, 2), 60.0, &[x, y], now).await;
        insert(&app, who, d(2026, 11, 4), 80.0, &[x], now).await;
        insert(&app, who, d(2026, 11, 20), 100.0, &[], now).await;
        let (manager, _) = app.sign_in("manager.a@t.test").await;
        let reply = manager
            .get(app.url(&format!(
                "/reports/staff/{}.pdf?from=2026-11-01&to=2026-11-30&lang=en",
                w.staff_a
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        let pdf = reply.bytes().await.unwrap();
        let first = pdf_text(&pdf, Some(1));
        // 3 checks, mean (60 + 80 + 100) / 3 = 80.0%; first half 70, second 100: up.
        for expected in [
            "3 spot-checks in the period, mean 80.0%; improving",
            &format!("§{}", items[0].1),
        ] {
            assert!(
                first.contains(expected),
                "{backend:?}: {expected:?} in {first}"
            );
        }
        // Item y failed once: not a repeat.
        assert!(!first.contains(&format!("§{}", items[1].1)) || items[1].1 == items[0].1);
    }
}
