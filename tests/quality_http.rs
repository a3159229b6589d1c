//! The quality dashboard over HTTP on a small fixed data set, against hand-computed
//! figures: averages, pass rates, the p-chart centre line, Pareto order, calibration;
//! and scoping: a manager's dashboard shows only their sites. Plus the CSV exports.

mod common;

use chrono::{NaiveDate, Utc};
use common::{BACKENDS, TestApp, World, seed_world};
use decorum::domain::Lang;
use decorum::store::stats::{ItemResult, Tally};
use entity::states::InspectionStatus;
use entity::{inspection, inspection_response};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

/// A stored spot-check with a chosen score; `failed` item keys get a failed response.
struct Check {
    site: i32,
    subject: i32,
    inspector: i32,
    date: NaiveDate,
    percent: f64,
    passed: bool,
    failed: Vec<String>,
}

async fn insert(app: &TestApp, version: i32, c: Check) {
    insert_as(app, version, c, None).await;
}

/// [`insert`], as a re-check of `recheck_of` when given; returns the inspection's id.
async fn insert_as(app: &TestApp, version: i32, c: Check, recheck_of: Option<Uuid>) -> Uuid {
    let Check {
        site,
        subject,
        inspector,
        date,
        percent,
        passed,
        failed,
    } = c;
    let id = Uuid::new_v4();
    // Stored and counted in one write transaction, as a submission is.
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
        passed: Set(Some(passed)),
        critical_failure: Set(false),
        recheck_of: Set(recheck_of),
        void_reason: Set(None),
        started_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        submitted_at: Set(Some(Utc::now())),
        acknowledged_at: Set(None),
        draft: Set(None),
    }
    .insert(&txn)
    .await
    .unwrap();
    // Counted into the quality aggregates as a submission would be.
    let results: Vec<ItemResult> = failed
        .iter()
        .filter_map(|key| ItemResult::of(key, entity::states::Outcome::Failed, 0.0, 1.0))
        .collect();
    let mut tally = Tally::default();
    tally.add(&row, &results, 1);
    tally.save(&txn).await.unwrap();
    txn.commit().await.unwrap();
    for key in &failed {
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

/// A check on a day of November 2026.
fn check(
    site: i32,
    subject: i32,
    inspector: i32,
    day: u32,
    percent: f64,
    passed: bool,
    failed: Vec<String>,
) -> Check {
    Check {
        site,
        subject,
        inspector,
        date: d(day),
        percent,
        passed,
        failed,
    }
}

/// The fixture of the statistics unit tests, over the test world's people:
/// site A: 90 ✓, 70 ✗, 60 ✗, 85 ✓ · site B: 80 ✓, 100 ✓.
async fn fixture(app: &TestApp, w: &World) -> (String, String) {
    let lobby = common::lobby(&app.test_db.db).await;
    let items: Vec<(String, String)> = lobby
        .checklist
        .items()
        .map(|(_, i)| (i.key.clone(), i.text.get(Lang::En).to_string()))
        .take(2)
        .collect();
    let (x, y) = (items[0].0.as_str(), items[1].0.as_str());
    let v = lobby.version_id;
    insert(
        app,
        v,
        check(w.site_a, w.staff_a, w.supervisor_a, 2, 90.0, true, vec![]),
    )
    .await;
    insert(
        app,
        v,
        check(
            w.site_a,
            w.staff_a2,
            w.supervisor_a,
            3,
            70.0,
            false,
            vec![x.to_string(), y.to_string()],
        ),
    )
    .await;
    insert(
        app,
        v,
        check(w.site_b, w.staff_b, w.supervisor_b, 4, 80.0, true, vec![]),
    )
    .await;
    insert(
        app,
        v,
        check(w.site_b, w.staff_b, w.admin, 8, 100.0, true, vec![]),
    )
    .await;
    insert(
        app,
        v,
        check(
            w.site_a,
            w.staff_a2,
            w.manager_a,
            9,
            60.0,
            false,
            vec![x.to_string()],
        ),
    )
    .await;
    insert(
        app,
        v,
        check(w.site_a, w.staff_a, w.manager_a, 12, 85.0, true, vec![]),
    )
    .await;
    (items[0].1.clone(), items[1].1.clone())
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_dashboard_figures_match_the_hand_computed_ones() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_dashboard").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        let (x_text, y_text) = fixture(&app, &w).await;
        let (quality, csrf) = app.sign_in("quality@t.test").await;
        quality
            .post(app.url("/settings/lang"))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/")])
            .send()
            .await
            .unwrap();

        let (status, html) = page(&quality, &app, "/quality?from=2026-11-02&to=2026-11-15").await;
        assert_eq!(status, 200, "{backend:?}");
        // 6 checks; mean 485 / 6 = 80.8%; pass rate 4 / 6 = 66.7%, the p-chart's centre line too.
        assert!(html.contains("<strong>6</strong>"), "six spot-checks");
        assert!(html.contains("80.8%"), "average score");
        assert!(html.contains("66.7%"), "pass rate and centre line");
        assert!(html.contains("Centre line 66.7%"));
        // Weekly periods: 85.0 and 72.5 are the two weekly means (as point titles).
        assert!(
            html.contains("Average score %: 85.0") && html.contains("Average score %: 72.5"),
            "weekly means"
        );
        // Pareto: x failed twice, y once → x first, with their share.
        let x_at = html.find(&x_text).expect("x in the Pareto");
        let y_at = html.find(&y_text).expect("y in the Pareto");
        assert!(x_at < y_at, "the most failed item leads");
        assert!(
            html.contains("67%") && html.contains("100%"),
            "cumulative shares 2/3 and 3/3"
        );
        // Calibration: supervisor.a (90, 70) vs others on the same staff (85; 60) → +7.5.
        assert!(html.contains("+7.5"), "supervisor.a's bias");
        // Drill-down links keep the filter.
        assert!(html.contains(&format!(
            "/inspections?from=2026-11-02&amp;to=2026-11-15&amp;subject={}",
            w.staff_a
        )));

        // A manager sees only their site: A's four checks, mean 76.25%, pass rate 50%.
        let (manager, _) = app.sign_in("manager.a@t.test").await;
        let (status, html) = page(&manager, &app, "/quality?from=2026-11-02&to=2026-11-15").await;
        assert_eq!(status, 200);
        // (90 + 70 + 60 + 85) / 4 = 76.25, shown to one decimal.
        assert!(
            html.contains("<strong>4</strong>")
                && html.contains(&format!("{:.1}%", 76.25))
                && html.contains("50.0%"),
            "{backend:?}"
        );
        assert!(!html.contains("staff.b"), "nobody from site B");
        assert_eq!(
            page(&manager, &app, &format!("/quality?site={}", w.site_b))
                .await
                .0,
            403
        );
        assert_eq!(
            page(
                &manager,
                &app,
                &format!("/quality/inspections.csv?site={}", w.site_b)
            )
            .await
            .0,
            403
        );

        // Filters narrow: site B only → 2 checks, 90.0%.
        let (_, html) = page(
            &quality,
            &app,
            &format!("/quality?from=2026-11-02&to=2026-11-15&site={}", w.site_b),
        )
        .await;
        assert!(html.contains("<strong>2</strong>") && html.contains("90.0%"));
        // An empty range says so.
        let (_, html) = page(&quality, &app, "/quality?from=2020-01-01&to=2020-01-31").await;
        assert!(html.contains("No spot-checks in this view"));
        // Bad input is a clear 400.
        let (status, html) = page(&quality, &app, "/quality?from=yesterday").await;
        assert_eq!(status, 400);
        assert!(html.contains("is not a date"));

        // Supervisors and staff do not get the dashboard.
        for who in ["supervisor.a@t.test", "staff.a@t.test"] {
            let (client, _) = app.sign_in(who).await;
            assert_eq!(page(&client, &app, "/quality").await.0, 403);
            assert_eq!(page(&client, &app, "/quality/responses.csv").await.0, 403);
        }
    }
}

#[tokio::test]
async fn csv_exports_open_in_excel_with_chinese_intact() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_csv").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        fixture(&app, &w).await;
        let (quality, _) = app.sign_in("quality@t.test").await;
        let r = quality
            .get(app.url("/quality/inspections.csv?from=2026-11-02&to=2026-11-15"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("inspections.csv")
        );
        let bytes = r.bytes().await.unwrap();
        assert_eq!(
            &bytes[..3],
            &[0xEF, 0xBB, 0xBF],
            "UTF-8 byte-order mark for Excel"
        );
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 6, "{backend:?}");
        assert!(text.contains("大堂 A Lobby"), "Chinese site names survive");
        let responses = quality
            .get(app.url("/quality/responses.csv?from=2026-11-02&to=2026-11-15"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let mut reader = csv::Reader::from_reader(&responses[3..]);
        let failed: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(failed.len(), 3, "the three failed responses");
        assert!(
            failed.iter().all(|r| &r[13] == "failed"),
            "outcome, after the site, staff and inspector columns"
        );
    }
}

/// The kept aggregates, without rows a void brought back to zero.
async fn kept_rows(
    db: &sea_orm::DatabaseConnection,
) -> (
    Vec<entity::stat_inspection::Model>,
    Vec<entity::stat_item::Model>,
    Vec<entity::stat_site::Model>,
) {
    use sea_orm::{EntityTrait, QueryOrder};
    let mut inspections: Vec<_> = entity::stat_inspection::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.inspections != 0)
        .collect();
    inspections.sort_by_key(|r| {
        (
            r.grain.clone(),
            r.period,
            r.site_id,
            r.position_id,
            r.subject_id,
            r.inspector_id,
        )
    });
    let mut items: Vec<_> = entity::stat_item::Entity::find()
        .order_by_asc(entity::stat_item::Column::ItemKey)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.checked != 0)
        .collect();
    items.sort_by_key(|r| {
        (
            r.grain.clone(),
            r.period,
            r.site_id,
            r.position_id,
            r.item_key.clone(),
        )
    });
    let mut sites: Vec<_> = entity::stat_site::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.inspections != 0)
        .collect();
    sites.sort_by_key(|r| (r.grain.clone(), r.period, r.site_id, r.position_id));
    (inspections, items, sites)
}

/// A site roll-up key (grain, period, site, version, position) and its counts.
type SiteKey = (String, NaiveDate, i32, i32, i32);
type SiteCounts = (i32, i32, i32, f64, f64, f64);

/// The site roll-up holds what the person and item rows add up to, key by key.
fn assert_site_rollup(
    (inspections, items, sites): &(
        Vec<entity::stat_inspection::Model>,
        Vec<entity::stat_item::Model>,
        Vec<entity::stat_site::Model>,
    ),
) {
    use std::collections::BTreeMap;
    let mut expected: BTreeMap<SiteKey, SiteCounts> = BTreeMap::new();
    // Kept windows' rows are per half, not per period: the site roll-up has none.
    for r in inspections
        .iter()
        .filter(|r| r.grain == "week" || r.grain == "month")
    {
        let t = expected
            .entry((
                r.grain.clone(),
                r.period,
                r.site_id,
                r.checklist_version_id,
                r.position_id,
            ))
            .or_default();
        t.0 += r.inspections;
        t.1 += r.passed;
        t.2 += r.critical;
        t.3 += r.percent_sum;
    }
    for r in items
        .iter()
        .filter(|r| r.site_id != decorum::store::stats::GROUP)
    {
        if let Some(t) = expected.get_mut(&(
            r.grain.clone(),
            r.period,
            r.site_id,
            r.checklist_version_id,
            r.position_id,
        )) {
            t.4 += r.points;
            t.5 += r.max_points;
        }
    }
    // Item results of every site together are what the sites' item rows add up to.
    type ItemKey = (String, NaiveDate, i32, i32, String);
    let mut group: BTreeMap<ItemKey, (i32, i32, f64, f64)> = BTreeMap::new();
    let mut per_site: BTreeMap<ItemKey, (i32, i32, f64, f64)> = BTreeMap::new();
    for r in items {
        let key = (
            r.grain.clone(),
            r.period,
            r.checklist_version_id,
            r.position_id,
            r.item_key.clone(),
        );
        let t = if r.site_id == decorum::store::stats::GROUP {
            group.entry(key).or_default()
        } else {
            per_site.entry(key).or_default()
        };
        *t = (
            t.0 + r.checked,
            t.1 + r.failed,
            t.2 + r.points,
            t.3 + r.max_points,
        );
    }
    assert!(!group.is_empty());
    assert_eq!(group, per_site, "the group's item rows");

    let kept: BTreeMap<_, _> = sites
        .iter()
        .map(|r| {
            (
                (
                    r.grain.clone(),
                    r.period,
                    r.site_id,
                    r.checklist_version_id,
                    r.position_id,
                ),
                (
                    r.inspections,
                    r.passed,
                    r.critical,
                    r.percent_sum,
                    r.points,
                    r.max_points,
                ),
            )
        })
        .collect();
    assert_eq!(kept, expected);
}

#[tokio::test]
async fn kept_aggregates_follow_submissions_voids_and_a_rebuild() {
    use decorum::domain::scoring::{Context, Gender, Subject};
    use decorum::domain::stats::{Granularity, summary};
    use decorum::store::filter::QualityFilter;
    use decorum::store::inspections::{Submission, submit, void};
    use decorum::store::stats::{rebuild, roll_windows, samples};

    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_kept").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        // The windows kept on 20 November, filled before the fixture's checks and
        // kept up to date by them, the submission, the void and the rebuild.
        roll_windows(db, d(20)).await.unwrap();
        fixture(&app, &w).await;
        let lobby = common::lobby(db).await;
        let who = Subject {
            gender: Some(Gender::Female),
            position: Some("lobby-concierge".into()),
        };
        let answers = common::perfect_answers(&lobby.checklist, &who, &Context::new());
        let id = Uuid::new_v4();
        submit(
            db,
            &lobby,
            &who,
            Submission {
                id,
                site_id: w.site_a,
                shift_date: d(10),
                shift_period: entity::states::ShiftPeriod::Morning,
                subject_id: w.staff_a,
                inspector_id: w.supervisor_a,
                context: Context::new(),
                answers: answers.clone(),
                notes: Default::default(),
                submitted_at: Utc::now(),
                recheck_of: None,
                photos: Default::default(),
                recheck: None,
            },
        )
        .await
        .unwrap();

        let scope = decorum::domain::access::Scope {
            user_id: w.quality,
            role: decorum::auth::Role::Quality,
            sites: vec![],
        };
        let filter = QualityFilter::range(d(2), d(15));
        let counted = |g| samples(db, &scope, &filter, g);
        for g in [Granularity::Week, Granularity::Month] {
            let s = summary(&counted(g).await.unwrap());
            assert_eq!((s.inspections, s.passed), (7, 5), "{backend:?} {g:?}");
        }
        // The submission counted each scored item once per grain.
        let (_, items, _) = kept_rows(db).await;
        let week_checked: i32 = items
            .iter()
            .filter(|r| r.grain == "week" && r.site_id != decorum::store::stats::GROUP)
            .map(|r| r.checked)
            .sum();
        assert_eq!(week_checked as usize, 3 + answers.len(), "{backend:?}");

        // A rebuild from the inspections finds exactly what was kept on write.
        let kept = kept_rows(db).await;
        assert_site_rollup(&kept);
        assert_eq!(rebuild(db).await.unwrap(), 7);
        assert_eq!(kept_rows(db).await, kept, "{backend:?}");

        // A void takes the inspection back out, and a rebuild agrees.
        void(db, id, w.manager_a, "entered twice").await.unwrap();
        let s = summary(&counted(Granularity::Week).await.unwrap());
        assert_eq!((s.inspections, s.passed), (6, 4), "{backend:?}");
        let kept = kept_rows(db).await;
        assert_site_rollup(&kept);
        assert_eq!(rebuild(db).await.unwrap(), 6);
        assert_eq!(kept_rows(db).await, kept, "{backend:?}");
        let window_rows = |rows: &[entity::stat_inspection::Model]| -> Vec<_> {
            rows.iter()
                .filter(|r| r.grain.starts_with("last"))
                .map(|r| (r.grain.clone(), r.period, r.subject_id, r.inspections))
                .collect()
        };
        let in_windows = window_rows(&kept.0);
        // Both windows, each a row per staff member, inspector and site in its second half.
        assert_eq!(in_windows.len(), 12, "{backend:?}: {in_windows:?}");
        assert_eq!(
            in_windows.iter().map(|r| r.3).sum::<i32>(),
            12,
            "{backend:?}: six checks in each window"
        );

        // Filled again from scratch after the calendar moves a day (same windows: no
        // change) and a week (the weeks' window moves: refilled, and what it holds is
        // what the periods add up to).
        roll_windows(db, d(21)).await.unwrap();
        assert_eq!(kept_rows(db).await, kept, "{backend:?}");
        roll_windows(db, d(27)).await.unwrap();
        let moved = kept_rows(db).await;
        let weeks = decorum::domain::stats::Window::for_today(d(27))[0];
        assert_eq!(weeks.from, NaiveDate::from_ymd_opt(2026, 8, 31).unwrap());
        assert_ne!(moved, kept, "{backend:?}: the weeks' window moved");
        let halves = window_rows(&moved.0);
        let first_half: i32 = halves
            .iter()
            .filter(|r| r.0 == "last12w" && r.1 == weeks.from)
            .map(|r| r.3)
            .sum();
        let second_half: i32 = halves
            .iter()
            .filter(|r| r.0 == "last12w" && r.1 == weeks.split)
            .map(|r| r.3)
            .sum();
        let week_rows = |from: NaiveDate, to: NaiveDate| -> i32 {
            moved
                .0
                .iter()
                .filter(|r| r.grain == "week" && r.period >= from && r.period <= to)
                .map(|r| r.inspections)
                .sum()
        };
        assert_eq!(
            first_half,
            week_rows(weeks.from, weeks.split - chrono::Duration::days(1))
        );
        assert_eq!(second_half, week_rows(weeks.split, weeks.to));
        assert_eq!(first_half + second_half, 6, "{backend:?}");
    }
}

/// The dashboard reads the site roll-up, ranks staff and reduces calibration in the
/// database, and compares coverage there: each must give what the statistics give over
/// every person row, for all sites and for a manager's one.
#[tokio::test]
async fn the_dashboards_reduced_reads_agree_with_every_row() {
    use decorum::auth::Role;
    use decorum::domain::access::Scope;
    use decorum::domain::stats::{Granularity, by_group, calibration, not_covered, summary, trend};
    use decorum::store::filter::QualityFilter;
    use decorum::store::org::roster;
    use decorum::store::stats::{
        PersonRows, calibration_samples, lowest_staff, not_checked_recently, period_samples,
        recent, roll_windows, samples, site_rows, window_for,
    };

    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_reduced").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        let version = common::lobby(db).await.version_id;
        // staff.a is checked by two inspectors, staff.b by one, staff.a2 not at all in
        // the last four weeks. Whole-number scores keep every sum exact.
        // Two more in September and October fall in the first half of the last twelve
        // weeks (which splits on 12 October), one counted by the refill, one after it.
        let autumn = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let checks = [
            (w.site_a, w.staff_a, w.supervisor_a, autumn(9, 15), 50.0),
            (w.site_a, w.staff_a, w.supervisor_a, d(2), 90.0),
            (w.site_a, w.staff_a, w.manager_a, d(5), 70.0),
            (w.site_a, w.staff_a, w.supervisor_a, d(11), 60.0),
            (w.site_a, w.staff_a, w.manager_a, d(19), 85.0),
            (w.site_a, w.staff_a, w.supervisor_a, d(26), 95.0),
            (w.site_b, w.staff_b, w.supervisor_b, d(3), 80.0),
            (w.site_b, w.staff_b, w.supervisor_b, autumn(10, 5), 65.0),
            (w.site_b, w.staff_b, w.supervisor_b, d(17), 100.0),
            (w.site_b, w.staff_b, w.supervisor_b, d(24), 75.0),
        ];
        // The last twelve weeks to 29 November, a kept window: filled part-way through,
        // then kept up to date by the writes after.
        let today = d(29);
        let g = Granularity::Week;
        let (from, to) = g.whole_periods(today - chrono::Duration::weeks(12), today);
        assert_eq!(window_for(db, today, g, from, to).await.unwrap(), None);
        for (n, (site, subject, inspector, date, percent)) in checks.into_iter().enumerate() {
            if n == 5 {
                roll_windows(db, today).await.unwrap();
                let window = window_for(db, today, g, from, to).await.unwrap();
                assert!(
                    window.is_some(),
                    "{backend:?}: the default range is kept, and current"
                );
            }
            let c = Check {
                site,
                subject,
                inspector,
                date,
                percent,
                passed: percent >= 80.0,
                failed: vec![],
            };
            insert(&app, version, c).await;
        }
        // 2 November 2026 is a Monday: four whole weeks.
        let filter = QualityFilter::range(d(2), d(29));
        let split = g.halfway(filter.from, filter.to);
        let everyone = Scope {
            user_id: w.quality,
            role: Role::Quality,
            sites: vec![],
        };
        let manager = Scope {
            user_id: w.manager_a,
            role: Role::Manager,
            sites: vec![w.site_a],
        };
        for (scope, staff_in_view) in [(&everyone, 2), (&manager, 1)] {
            let all = samples(db, scope, &filter, g).await.unwrap();
            let rolled: Vec<_> = site_rows(db, scope, &filter, g, split)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.sample)
                .collect();
            assert!(rolled.len() <= 4, "two halves of at most two sites");
            assert_eq!(summary(&rolled), summary(&all), "{backend:?}");
            let periods = period_samples(db, scope, &filter, g).await.unwrap();
            assert_eq!(trend(&periods, g), trend(&all, g), "{backend:?}");
            assert_eq!(summary(&periods), summary(&all), "{backend:?}");
            assert_eq!(
                by_group(&rolled, |s| s.site, split),
                by_group(&all, |s| s.site, split),
                "{backend:?}"
            );

            let every_staff = by_group(&all, |s| s.subject, split);
            assert_eq!(every_staff.len(), staff_in_view);
            let per_period = PersonRows::Periods(g);
            let (lowest, total) = lowest_staff(db, scope, &filter, per_period, split, 1)
                .await
                .unwrap();
            assert_eq!(total, staff_in_view, "{backend:?}");
            assert_eq!(
                by_group(&lowest, |s| s.subject, split),
                every_staff[..1],
                "{backend:?}: the lowest mean, with its halves for the arrow"
            );

            let reduced = calibration_samples(db, scope, &filter, per_period)
                .await
                .unwrap();
            assert!(reduced.len() < all.len(), "fewer rows than person rows");
            assert_eq!(calibration(&reduced), calibration(&all), "{backend:?}");

            // Over the kept window, its rows per half give what every period's give.
            let window = window_for(db, today, g, from, to).await.unwrap().unwrap();
            let twelve_weeks = QualityFilter::range(from, to);
            let all = samples(db, scope, &twelve_weeks, g).await.unwrap();
            let every_staff = by_group(&all, |s| s.subject, window.split);
            let (lowest, total) = lowest_staff(
                db,
                scope,
                &twelve_weeks,
                PersonRows::Window(window),
                window.split,
                2,
            )
            .await
            .unwrap();
            assert_eq!(total, staff_in_view, "{backend:?}");
            assert_eq!(
                by_group(&lowest, |s| s.subject, window.split),
                every_staff,
                "{backend:?}: the window's halves"
            );
            assert!(
                lowest.iter().any(|s| s.date < window.split),
                "{backend:?}: the first half has checks"
            );
            let halves = calibration_samples(db, scope, &twelve_weeks, PersonRows::Window(window))
                .await
                .unwrap();
            assert_eq!(calibration(&halves), calibration(&all), "{backend:?}");

            let sites = scope
                .site_filter()
                .map_or(vec![w.site_a, w.site_b], <[i32]>::to_vec);
            let ids = [w.staff_a, w.staff_a2, w.staff_b]
                .into_iter()
                .filter(|id| *id != w.staff_b || sites.contains(&w.site_b))
                .collect::<Vec<_>>();
            let expected = not_covered(
                &ids,
                &recent(db, scope, &filter).await.unwrap(),
                filter.to,
                decorum::domain::stats::COVERAGE_DAYS,
            );
            assert_eq!(expected, vec![w.staff_a2]);
            let found = not_checked_recently(db, scope, &filter, roster(&sites, None))
                .await
                .unwrap();
            assert_eq!(found, expected, "{backend:?}");
        }
    }
}

/// Exports go out a page at a time: more spot-checks than three pages hold all arrive,
/// once each, oldest first, in the CSV and in the API's JSON, within each viewer's sites;
/// an empty range is a header or an empty array.
#[tokio::test]
async fn exports_stream_every_page_once_in_order() {
    use decorum::store::quality::PAGE;
    use decorum::store::tokens;
    use sea_orm::EntityTrait;

    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_export_pages").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        let lobby = common::lobby(db).await;
        let keys: Vec<String> = lobby
            .checklist
            .items()
            .map(|(_, i)| i.key.clone())
            .take(3)
            .collect();
        let count = 3 * PAGE as usize + 17;
        let mut heads = Vec::new();
        let mut responses = Vec::new();
        for n in 0..count {
            let id = Uuid::new_v4();
            let site = if n % 3 == 0 { w.site_b } else { w.site_a };
            heads.push(inspection::ActiveModel {
                id: Set(id),
                checklist_version_id: Set(lobby.version_id),
                site_id: Set(site),
                // Many on each day, so pages end part-way through a day.
                shift_date: Set(d(1 + (n % 28) as u32)),
                shift_period: Set(entity::states::ShiftPeriod::Morning),
                subject_id: Set(if site == w.site_a {
                    w.staff_a
                } else {
                    w.staff_b
                }),
                position_id: Set(None),
                inspector_id: Set(w.supervisor_a),
                context: Set(serde_json::json!({})),
                status: Set(InspectionStatus::Submitted),
                score: Set(Some(1.0)),
                max_score: Set(Some(2.0)),
                percent: Set(Some(50.0)),
                passed: Set(Some(false)),
                critical_failure: Set(false),
                recheck_of: Set(None),
                void_reason: Set(None),
                started_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                submitted_at: Set(Some(Utc::now())),
                acknowledged_at: Set(None),
                draft: Set(None),
            });
            // A pass and a failure are exported; N/A is not scored and is left out.
            for (key, outcome) in keys.iter().zip([
                entity::states::Outcome::Passed,
                entity::states::Outcome::Failed,
                entity::states::Outcome::NotApplicable,
            ]) {
                responses.push(inspection_response::ActiveModel {
                    inspection_id: Set(id),
                    item_key: Set(key.clone()),
                    value: Set(serde_json::json!(outcome)),
                    outcome: Set(outcome),
                    points: Set(1.0),
                    max_points: Set(1.0),
                    note: Set(None),
                    photo: Set(None),
                    photo_type: Set(None),
                    ..Default::default()
                });
            }
        }
        for chunk in heads.chunks(200) {
            inspection::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await
                .unwrap();
        }
        for chunk in responses.chunks(500) {
            inspection_response::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await
                .unwrap();
        }
        let mut expected: Vec<(NaiveDate, String)> = heads
            .iter()
            .map(|h| (*h.shift_date.as_ref(), h.id.as_ref().to_string()))
            .collect();
        expected.sort();
        let at_site_a = heads
            .iter()
            .filter(|h| *h.site_id.as_ref() == w.site_a)
            .count();

        let (quality, _) = app.sign_in("quality@t.test").await;
        let csv_of = |path: &'static str| {
            let quality = quality.clone();
            let url = app.url(path);
            async move {
                let bytes = quality
                    .get(url)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
                let mut reader = csv::Reader::from_reader(&bytes[3..]);
                let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
                (
                    bytes
                        .windows(3)
                        .filter(|b| *b == [0xEF, 0xBB, 0xBF])
                        .count(),
                    rows,
                )
            }
        };
        let (marks, rows) = csv_of("/quality/inspections.csv?from=2026-11-01&to=2026-11-30").await;
        assert_eq!(marks, 1, "{backend:?}: one byte-order mark, one header");
        let got: Vec<(NaiveDate, String)> = rows
            .iter()
            .map(|r| (r[1].parse().unwrap(), r[0].to_string()))
            .collect();
        assert_eq!(
            got, expected,
            "{backend:?}: every spot-check once, oldest first"
        );
        let (_, rows) = csv_of("/quality/responses.csv?from=2026-11-01&to=2026-11-30").await;
        assert_eq!(rows.len(), 2 * count, "{backend:?}");
        assert_eq!(rows.iter().filter(|r| &r[13] == "failed").count(), count);
        let (_, rows) = csv_of("/quality/inspections.csv?from=2025-01-01&to=2025-01-31").await;
        assert!(
            rows.is_empty(),
            "{backend:?}: an empty range is the header alone"
        );

        let client = app.new_client();
        let json_of = |token: String, path: &'static str| {
            let client = client.clone();
            let url = app.url(path);
            async move {
                let r = client.get(url).bearer_auth(token).send().await.unwrap();
                assert_eq!(r.status(), 200);
                r.json::<Vec<serde_json::Value>>().await.unwrap()
            }
        };
        let bi = tokens::create(db, "quality@t.test", "BI").await.unwrap();
        let all = json_of(
            bi.clone(),
            "/api/v1/inspections?from=2026-11-01&to=2026-11-30",
        )
        .await;
        let ids: Vec<(NaiveDate, String)> = all
            .iter()
            .map(|i| {
                (
                    i["shift_date"].as_str().unwrap().parse().unwrap(),
                    i["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(ids, expected, "{backend:?}");
        let scored = json_of(
            bi.clone(),
            "/api/v1/responses?from=2026-11-01&to=2026-11-30",
        )
        .await;
        assert_eq!(scored.len(), 2 * count, "{backend:?}");
        let none = json_of(bi, "/api/v1/inspections?from=2025-01-01&to=2025-01-31").await;
        assert!(none.is_empty(), "{backend:?}: an empty array");
        let manager = tokens::create(db, "manager.a@t.test", "site A")
            .await
            .unwrap();
        let mine = json_of(manager, "/api/v1/inspections?from=2026-11-01&to=2026-11-30").await;
        assert_eq!(
            mine.len(),
            at_site_a,
            "{backend:?}: only the manager's site"
        );
    }
}

/// The dashboard's default view (the last twelve weeks to today) reads the kept window
/// once it is current: its staff table shows each half's mean in the trend arrow.
#[tokio::test]
async fn the_default_view_reads_the_kept_window() {
    use decorum::domain::stats::Window;
    use decorum::store::stats::roll_windows;
    use sea_orm::EntityTrait;

    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_window").await else {
            continue;
        };
        let db = &app.test_db.db;
        let w = seed_world(db).await;
        let version = common::lobby(db).await.version_id;
        let today = chrono::Local::now().date_naive();
        roll_windows(db, today).await.unwrap();
        let weeks = Window::for_today(today)[0];
        let kept = entity::stat_window::Entity::find_by_id(weeks.name)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((kept.period_from, kept.split), (weeks.from, weeks.split));
        // staff.a: 60 in the first half, 90 in the second; staff.b: 80 in the second.
        let ago = |days| today - chrono::Duration::days(days);
        for (subject, site, inspector, date, percent) in [
            (w.staff_a, w.site_a, w.supervisor_a, ago(70), 60.0),
            (w.staff_a, w.site_a, w.supervisor_a, ago(3), 90.0),
            (w.staff_b, w.site_b, w.supervisor_b, ago(3), 80.0),
        ] {
            let c = Check {
                site,
                subject,
                inspector,
                date,
                percent,
                passed: percent >= 80.0,
                failed: vec![],
            };
            insert(&app, version, c).await;
        }
        let halves: i32 = entity::stat_inspection::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.grain == weeks.name)
            .map(|r| r.inspections)
            .sum();
        assert_eq!(halves, 3, "{backend:?}: counted into the window on write");

        let (quality, csrf) = app.sign_in("quality@t.test").await;
        quality
            .post(app.url("/settings/lang"))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/")])
            .send()
            .await
            .unwrap();
        let (status, html) = page(&quality, &app, "/quality").await;
        assert_eq!(status, 200, "{backend:?}");
        assert!(
            html.contains("<strong>3</strong>"),
            "{backend:?}: three spot-checks"
        );
        assert!(
            html.contains("60.0 → 90.0"),
            "{backend:?}: staff.a's halves"
        );
        assert!(html.contains("Last 12 months"), "the other one-tap range");

        // It is the window's rows the staff table reads: nudged by hand, they show.
        use sea_orm::ConnectionTrait;
        db.execute_unprepared(
            "UPDATE stat_inspection SET percent_sum = percent_sum + 5 * inspections \
             WHERE grain = 'last12w'",
        )
        .await
        .unwrap();
        let (_, html) = page(&quality, &app, "/quality").await;
        assert!(
            html.contains("65.0 → 95.0"),
            "{backend:?}: read from the window"
        );
    }
}

/// The fixture, plus what the dashboard must not count: two re-checks (one failing both
/// Pareto items) of a new first check, and a voided check failing an item.
async fn fixture_with_rechecks_and_voids(app: &TestApp, w: &World) {
    fixture(app, w).await;
    let lobby = common::lobby(&app.test_db.db).await;
    let keys: Vec<String> = lobby
        .checklist
        .items()
        .map(|(_, i)| i.key.clone())
        .take(2)
        .collect();
    let v = lobby.version_id;
    let first = check(
        w.site_a,
        w.staff_a2,
        w.supervisor_a,
        10,
        65.0,
        false,
        vec![keys[0].clone()],
    );
    let first = insert_as(app, v, first, None).await;
    let recheck = check(w.site_a, w.staff_a2, w.supervisor_a, 13, 95.0, true, vec![]);
    insert_as(app, v, recheck, Some(first)).await;
    let recheck = check(
        w.site_a,
        w.staff_a2,
        w.manager_a,
        14,
        70.0,
        false,
        keys.clone(),
    );
    insert_as(app, v, recheck, Some(first)).await;
    let voided = check(
        w.site_b,
        w.staff_b,
        w.supervisor_b,
        5,
        50.0,
        false,
        vec![keys[1].clone()],
    );
    let voided = insert_as(app, v, voided, None).await;
    decorum::store::inspections::void(&app.test_db.db, voided, w.admin, "scored the wrong person")
        .await
        .unwrap();
}

/// The number after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> Option<usize> {
    let at = text.find(marker)? + marker.len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Every link to the inspection list on the dashboard, with the figure it stands for
/// (`None` for the links of the score lines and the heat map, which show no count) and
/// the panel it is in.
fn drill_downs(html: &str) -> Vec<(&'static str, Option<usize>, String)> {
    let marker = "href=\"/inspections?";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(marker) {
        let link_start = at + "href=\"".len();
        let link_end = link_start + rest[link_start..].find('"').unwrap();
        let link = rest[link_start..link_end].replace("&amp;", "&");
        let after = &rest[link_end..];
        let segment = &after[..after[1..].find("href=").map_or(after.len(), |n| n + 1)];
        let (panel, figure) = if segment.starts_with("\"><span class=\"muted\">Spot-checks") {
            ("headline", number_after(segment, "<strong>"))
        } else if segment.contains("</a></td><td class=\"num\">") {
            (
                "table row",
                number_after(segment, "</a></td><td class=\"num\">"),
            )
        } else if segment.contains("<text class=\"value\"") {
            let value = &segment[segment.find("<text class=\"value\"").unwrap()..];
            ("pareto bar", number_after(value, "\">"))
        } else if segment.contains("(control limits ") {
            // "11-02: 75.0% · 4 spot-checks (control limits …)"
            ("p-chart point", number_after(segment, "% · "))
        } else if segment.contains("Average score %") || segment.contains("Pass rate %") {
            ("score line point", None)
        } else if segment.contains("</a></th>") {
            ("heat map row", None)
        } else {
            panic!("a drill-down link in no known panel: {link}\n{segment}")
        };
        if panel != "score line point" && panel != "heat map row" {
            assert!(figure.is_some(), "{panel}: no figure by {link}");
        }
        out.push((panel, figure, link));
        rest = &rest[link_end..];
    }
    out
}

/// The number of inspections the list shows ("N inspections").
async fn list_total(client: &reqwest::Client, app: &TestApp, link: &str) -> usize {
    let (status, html) = page(client, app, link).await;
    assert_eq!(status, 200, "{link}");
    number_after(&html, "<p class=\"muted\">").unwrap_or_else(|| panic!("no total at {link}"))
}

#[tokio::test]
async fn every_figure_drills_down_to_exactly_the_inspections_it_counts() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_drill_downs").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        fixture_with_rechecks_and_voids(&app, &w).await;
        let (quality, _) = app.sign_in("quality@t.test").await;
        for view in [
            "/quality?from=2026-11-02&to=2026-11-15".to_string(),
            format!("/quality?from=2026-11-02&to=2026-11-15&site={}", w.site_a),
            format!(
                "/quality?from=2026-11-02&to=2026-11-15&checklist=lobby-reception&subject={}",
                w.staff_a2
            ),
        ] {
            let (status, html) = page(&quality, &app, &view).await;
            assert_eq!(status, 200, "{backend:?} {view}");
            let links = drill_downs(&html);
            let panels: std::collections::BTreeSet<&str> = links.iter().map(|l| l.0).collect();
            for panel in ["headline", "table row", "pareto bar", "p-chart point"] {
                assert!(panels.contains(panel), "{view}: no {panel} link");
            }
            let counted: Vec<&String> = links
                .iter()
                .filter(|l| l.1.is_some())
                .map(|l| &l.2)
                .collect();
            for (panel, figure, link) in &links {
                match figure {
                    Some(figure) => {
                        let listed = list_total(&quality, &app, link).await;
                        assert_eq!(
                            listed, *figure,
                            "{backend:?} {view}: the {panel} shows {figure}, its list {listed}: {link}"
                        );
                    }
                    // The score lines link to the p-chart's lists, the heat map's rows to
                    // the site table's.
                    None => assert!(counted.contains(&link), "{panel}: {link}"),
                }
            }
        }
        // The whole view: 7 first checks (not the 2 re-checks or the voided one).
        let (_, html) = page(&quality, &app, "/quality?from=2026-11-02&to=2026-11-15").await;
        let headline = drill_downs(&html)
            .into_iter()
            .find(|l| l.0 == "headline")
            .unwrap();
        assert_eq!(headline.1, Some(7), "{backend:?}");
    }
}

#[tokio::test]
async fn the_inspection_filter_form_keeps_the_filters_it_does_not_show() {
    for backend in BACKENDS {
        let Some(app) = TestApp::spawn(backend, "quality_filter_form").await else {
            continue;
        };
        let w = seed_world(&app.test_db.db).await;
        fixture_with_rechecks_and_voids(&app, &w).await;
        let (quality, _) = app.sign_in("quality@t.test").await;
        let (_, html) = page(&quality, &app, "/quality?from=2026-11-02&to=2026-11-15").await;
        let (_, figure, link) = drill_downs(&html)
            .into_iter()
            .find(|l| l.0 == "pareto bar")
            .unwrap();
        assert!(link.contains("failed_item="), "{link}");
        // The item failed in 3 first checks (and in a re-check, which is not counted).
        assert_eq!(figure, Some(3), "{backend:?}");
        let (_, list) = page(&quality, &app, &link).await;

        // Submit the list's filter form as a browser would: every field's value.
        let form = &list[list.find("<form class=\"filters\"").unwrap()..];
        let form = &form[..form.find("</form>").unwrap()];
        let attribute = |tag: &str, name: &str| -> Option<String> {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[at..at + tag[at..].find('"')?].replace("&amp;", "&"))
        };
        let mut fields: Vec<(String, String)> = Vec::new();
        for tag in form.split('<').skip(1) {
            if let Some(tag) = tag.strip_prefix("input ") {
                if let Some(name) = attribute(tag, "name") {
                    fields.push((name, attribute(tag, "value").unwrap_or_default()));
                }
            } else if tag.starts_with("select ") {
                let name = attribute(tag, "name").unwrap();
                let select = &form[form.find(&format!("name=\"{name}\"")).unwrap()..];
                let select = &select[..select.find("</select>").unwrap()];
                let chosen = select
                    .split("<option ")
                    .find(|o| o.contains(" selected"))
                    .and_then(|o| attribute(&format!(" {o}"), "value"))
                    .unwrap_or_default();
                fields.push((name, chosen));
            }
        }
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        for kept in ["failed_item", "kind", "status", "checklist", "from", "to"] {
            assert!(names.contains(&kept), "the form drops `{kept}`: {names:?}");
        }
        let query: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect();
        let resubmitted = format!("/inspections?{}", query.join("&"));
        assert_eq!(
            list_total(&quality, &app, &resubmitted).await,
            3,
            "{backend:?}: {resubmitted}"
        );
    }
}
