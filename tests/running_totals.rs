//! The running totals behind the staff ranking, inspector calibration and coverage
//! (issue 20): for random sequences of spot-checks (backdated into earlier periods,
//! voided, re-checked, over several sites, checklists, positions and inspectors), any
//! range, split and filter gives what a plain scan over the stored inspections gives,
//! for everyone and for a manager's one site; and again after a rebuild. A property
//! test on SQLite, one fixed sequence on both backends.

mod common;

use chrono::{Duration, NaiveDate, Utc};
use common::{BACKENDS, Backend, TestDb, World, seed_world};
use decorum::auth::Role;
use decorum::domain::access::Scope;
use decorum::domain::stats::{
    COVERAGE_DAYS, Calibration, Granularity, Sample, by_group, calibration,
};
use decorum::store::filter::QualityFilter;
use decorum::store::stats::{
    ItemResult, PersonRows, Tally, calibration_samples, lowest_staff, not_checked_recently, rebuild,
};
use entity::inspection;
use entity::states::InspectionStatus;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// A Monday; every spot-check falls within 250 days of it.
fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    /// A first check (counted). Percents are whole halves, so every sum is exact.
    Submit {
        site: usize,
        subject: usize,
        inspector: usize,
        version: usize,
        position: usize,
        day: i64,
        halves: u32,
        critical: bool,
    },
    /// A re-check of the n-th stored check (not counted).
    Recheck { of: usize, later: i64 },
    /// Void the n-th stored check that is still submitted.
    Void { of: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..2, 0usize..3, 0usize..3, 0usize..2, 0usize..3, 0i64..250, 0u32..=200, any::<bool>())
            .prop_map(|(site, subject, inspector, version, position, day, halves, critical)| Op::Submit {
                site, subject, inspector, version, position, day, halves, critical,
            }),
        1 => (any::<usize>(), 0i64..20).prop_map(|(of, later)| Op::Recheck { of, later }),
        1 => any::<usize>().prop_map(|of| Op::Void { of }),
    ]
}

/// A range and a filter to ask about.
#[derive(Debug, Clone)]
struct Ask {
    monthly: bool,
    from: i64,
    days: i64,
    /// Where the split falls, in tenths of the range.
    split: i64,
    manager: bool,
    site: Option<usize>,
    position: Option<usize>,
    subject: Option<usize>,
    inspector: Option<usize>,
    checklist: Option<usize>,
    limit: u64,
}

fn ask() -> impl Strategy<Value = Ask> {
    (
        (
            any::<bool>(),
            -30i64..280,
            0i64..300,
            0i64..=10,
            any::<bool>(),
        ),
        (
            proptest::option::weighted(0.2, 0usize..2),
            proptest::option::weighted(0.2, 0usize..3),
            proptest::option::weighted(0.2, 0usize..3),
            proptest::option::weighted(0.2, 0usize..3),
            proptest::option::weighted(0.2, 0usize..2),
            1u64..5,
        ),
    )
        .prop_map(
            |(
                (monthly, from, days, split, manager),
                (site, position, subject, inspector, checklist, limit),
            )| Ask {
                monthly,
                from,
                days,
                split,
                manager,
                site,
                position,
                subject,
                inspector,
                checklist,
                limit,
            },
        )
}

/// The fixture's people, checklists and positions, by the indices the ops use.
struct Cast {
    world: World,
    sites: [i32; 2],
    subjects: [i32; 3],
    inspectors: [i32; 3],
    /// (checklist key, its current version)
    checklists: Vec<(String, i32)>,
    positions: [Option<i32>; 3],
}

async fn cast(test: &TestDb) -> Cast {
    test.import_library().await;
    let db = &test.db;
    let world = seed_world(db).await;
    let checklists: Vec<(String, i32)> = decorum::store::library::current_checklists(db)
        .await
        .unwrap()
        .into_iter()
        .take(2)
        .map(|c| (c.checklist.key.clone(), c.version_id))
        .collect();
    assert_eq!(checklists.len(), 2, "the library has two checklists");
    let positions = decorum::store::org::positions(db).await.unwrap();
    Cast {
        sites: [world.site_a, world.site_b],
        subjects: [world.staff_a, world.staff_a2, world.staff_b],
        inspectors: [world.supervisor_a, world.supervisor_b, world.manager_a],
        checklists,
        positions: [None, Some(positions[0].id), Some(positions[1].id)],
        world,
    }
}

/// Store a spot-check and count it in one write transaction, as a submission does.
async fn store(test: &TestDb, row: inspection::Model) {
    let txn = decorum::store::begin_write(&test.db).await.unwrap();
    let row: inspection::ActiveModel = row.into();
    let row = row.insert(&txn).await.unwrap();
    let mut tally = Tally::default();
    tally.add(&row, &[] as &[ItemResult], 1);
    tally.save(&txn).await.unwrap();
    txn.commit().await.unwrap();
}

fn check_row(
    site: i32,
    subject: i32,
    inspector: i32,
    version: i32,
    position: Option<i32>,
    date: NaiveDate,
    percent: f64,
) -> inspection::Model {
    inspection::Model {
        id: Uuid::new_v4(),
        checklist_version_id: version,
        site_id: site,
        shift_date: date,
        shift_period: entity::states::ShiftPeriod::Morning,
        subject_id: subject,
        position_id: position,
        inspector_id: inspector,
        context: serde_json::json!({}),
        status: InspectionStatus::Submitted,
        score: Some(percent),
        max_score: Some(100.0),
        percent: Some(percent),
        passed: Some(percent >= 80.0),
        critical_failure: false,
        recheck_of: None,
        void_reason: None,
        started_at: Utc::now(),
        updated_at: Utc::now(),
        submitted_at: Some(Utc::now()),
        acknowledged_at: None,
        draft: None,
    }
}

async fn play(test: &TestDb, cast: &Cast, ops: &[Op]) {
    let mut stored: Vec<inspection::Model> = Vec::new();
    for op in ops {
        match *op {
            Op::Submit {
                site,
                subject,
                inspector,
                version,
                position,
                day,
                halves,
                critical,
            } => {
                let row = inspection::Model {
                    critical_failure: critical,
                    ..check_row(
                        cast.sites[site],
                        cast.subjects[subject],
                        cast.inspectors[inspector],
                        cast.checklists[version].1,
                        cast.positions[position],
                        base() + Duration::days(day),
                        f64::from(halves) / 2.0,
                    )
                };
                store(test, row.clone()).await;
                stored.push(row);
            }
            Op::Recheck { of, later } => {
                if stored.is_empty() {
                    continue;
                }
                let first = stored[of % stored.len()].clone();
                let row = inspection::Model {
                    recheck_of: Some(first.id),
                    ..check_row(
                        first.site_id,
                        first.subject_id,
                        first.inspector_id,
                        first.checklist_version_id,
                        first.position_id,
                        first.shift_date + Duration::days(later),
                        100.0,
                    )
                };
                store(test, row.clone()).await;
                stored.push(row);
            }
            Op::Void { of } => {
                let live: Vec<Uuid> = inspection::Entity::find()
                    .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
                    .select_only()
                    .column(inspection::Column::Id)
                    .into_tuple()
                    .all(&test.db)
                    .await
                    .unwrap();
                if live.is_empty() {
                    continue;
                }
                let mut live = live;
                live.sort();
                decorum::store::inspections::void(
                    &test.db,
                    live[of % live.len()],
                    cast.world.quality,
                    "a test",
                )
                .await
                .unwrap();
            }
        }
    }
}

/// The scope and filter an ask names, over whole periods as the dashboard widens them;
/// its split; and the grain.
fn filter_of(cast: &Cast, a: &Ask) -> (Scope, QualityFilter, NaiveDate, Granularity) {
    let g = if a.monthly {
        Granularity::Month
    } else {
        Granularity::Week
    };
    let from = base() + Duration::days(a.from);
    let (from, to) = g.whole_periods(from, from + Duration::days(a.days));
    let split = g.start(from + (to - from) * a.split as i32 / 10);
    let scope = if a.manager {
        Scope {
            user_id: cast.world.manager_a,
            role: Role::Manager,
            sites: vec![cast.world.site_a],
        }
    } else {
        Scope {
            user_id: cast.world.quality,
            role: Role::Quality,
            sites: vec![],
        }
    };
    let filter = QualityFilter {
        site: a.site.map(|s| cast.sites[s]),
        checklist: a.checklist.map(|c| cast.checklists[c].0.clone()),
        section: None,
        position: a.position.and_then(|p| cast.positions[p]),
        subject: a.subject.map(|s| cast.subjects[s]),
        inspector: a.inspector.map(|i| cast.inspectors[i]),
        from,
        to,
    };
    (scope, filter, split, g)
}

/// Every counted spot-check the viewer may open under the filter, dates aside.
async fn plain(
    test: &TestDb,
    cast: &Cast,
    scope: &Scope,
    f: &QualityFilter,
) -> Vec<inspection::Model> {
    let version = f
        .checklist
        .as_ref()
        .map(|key| cast.checklists.iter().find(|c| c.0 == *key).unwrap().1);
    inspection::Entity::find()
        .all(&test.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.status == InspectionStatus::Submitted && r.recheck_of.is_none())
        .filter(|r| scope.can_view_site(r.site_id))
        .filter(|r| f.site.is_none_or(|s| r.site_id == s))
        .filter(|r| f.position.is_none_or(|p| r.position_id == Some(p)))
        .filter(|r| f.subject.is_none_or(|s| r.subject_id == s))
        .filter(|r| f.inspector.is_none_or(|i| r.inspector_id == i))
        .filter(|r| version.is_none_or(|v| r.checklist_version_id == v))
        .collect()
}

fn close(a: &[Calibration], b: &[Calibration]) -> bool {
    let near = |x: f64, y: f64| (x - y).abs() < 1e-9;
    let near_opt = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => near(x, y),
        (x, y) => x.is_none() && y.is_none(),
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            (a.inspector, a.inspections, a.compared) == (b.inspector, b.inspections, b.compared)
                && near(a.mean, b.mean)
                && near_opt(a.bias, b.bias)
                && near_opt(a.others_mean, b.others_mean)
        })
}

/// Ask the store and a plain scan the same questions; a description of the first
/// difference, if any.
async fn compare(test: &TestDb, cast: &Cast, a: &Ask) -> Result<(), String> {
    let db = &test.db;
    let (scope, filter, split, g) = filter_of(cast, a);
    let rows = plain(test, cast, &scope, &filter).await;
    let in_range: Vec<Sample> = rows
        .iter()
        .filter(|r| r.shift_date >= filter.from && r.shift_date <= filter.to)
        .map(decorum::store::quality::sample)
        .collect();

    let every = by_group(&in_range, |s| s.subject, split);
    let (lowest, total) = lowest_staff(db, &scope, &filter, PersonRows::Periods(g), split, a.limit)
        .await
        .unwrap();
    let ranked = by_group(&lowest, |s| s.subject, split);
    let wanted = &every[..every.len().min(a.limit as usize)];
    if total != every.len() || ranked != wanted {
        return Err(format!(
            "lowest staff {filter:?} split {split}: got {ranked:?} of {total}, want {wanted:?} of {}",
            every.len()
        ));
    }

    let reduced = calibration_samples(db, &scope, &filter, PersonRows::Periods(g))
        .await
        .unwrap();
    let (got, want) = (calibration(&reduced), calibration(&in_range));
    if !close(&got, &want) {
        return Err(format!(
            "calibration {filter:?}: got {got:?}, want {want:?}"
        ));
    }

    // Coverage to any day (a Sunday or not, before or after the last checks).
    let to = base() + Duration::days(a.from + a.days);
    let since = to - Duration::days(COVERAGE_DAYS - 1);
    let coverage = QualityFilter {
        to,
        ..filter.clone()
    };
    let sites: Vec<i32> = match (filter.site, scope.site_filter()) {
        (Some(site), _) => vec![site],
        (None, Some(sites)) => sites.to_vec(),
        (None, None) => cast.sites.to_vec(),
    };
    let roster = decorum::store::org::roster(&sites, None);
    let mut everyone: Vec<i32> = entity::user::Entity::find()
        .filter(entity::user::Column::Id.in_subquery(roster.clone()))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    everyone.sort();
    let want: Vec<i32> = everyone
        .into_iter()
        .filter(|id| {
            !rows
                .iter()
                .any(|r| r.subject_id == *id && r.shift_date >= since && r.shift_date <= to)
        })
        .collect();
    let got = not_checked_recently(db, &scope, &coverage, roster)
        .await
        .unwrap();
    if got != want {
        return Err(format!(
            "coverage to {to} {coverage:?}: got {got:?}, want {want:?}"
        ));
    }
    Ok(())
}

async fn run(test: &TestDb, cast: &Cast, ops: &[Op], asks: &[Ask]) -> Result<(), String> {
    play(test, cast, ops).await;
    for a in asks {
        compare(test, cast, a).await?;
    }
    // A recount (the migration's statements) gives the same answers.
    rebuild(&test.db).await.unwrap();
    for a in asks {
        compare(test, cast, a)
            .await
            .map_err(|e| format!("after a rebuild: {e}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn running_totals_answer_as_a_plain_scan(
        ops in proptest::collection::vec(op(), 1..50),
        asks in proptest::collection::vec(ask(), 1..8),
    ) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let outcome = runtime.block_on(async {
            let test = TestDb::new(Backend::Sqlite, "running_totals_property").await.unwrap();
            let cast = cast(&test).await;
            run(&test, &cast, &ops, &asks).await
        });
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}

/// One fixed sequence (the same generators, a fixed seed) on both backends, with a
/// check far back, one after a long pause (the frontier carried over empty weeks) and
/// a void of the only check of a key.
#[tokio::test]
async fn a_fixed_sequence_on_both_backends() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let mut ops = proptest::collection::vec(op(), 40..41)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let asks = proptest::collection::vec(ask(), 12..13)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let submit = |day, subject, halves| Op::Submit {
        site: 1,
        subject,
        inspector: 2,
        version: 1,
        position: 0,
        day,
        halves,
        critical: true,
    };
    ops.insert(0, submit(120, 2, 150));
    ops.insert(5, submit(2, 1, 99));
    ops.push(submit(249, 0, 200));
    ops.push(submit(248, 2, 61));
    for backend in BACKENDS {
        let Some(test) = TestDb::new(backend, "running_totals_fixed").await else {
            continue;
        };
        let cast = cast(&test).await;
        if let Err(e) = run(&test, &cast, &ops, &asks).await {
            panic!("{backend:?}: {e}");
        }
        // The frontier is the last counted week (after the rebuild as before it).
        let last = ops
            .iter()
            .filter_map(|o| match o {
                Op::Submit { day, .. } => Some(base() + Duration::days(*day)),
                _ => None,
            })
            .max()
            .unwrap();
        let weeks = entity::stat_frontier::Entity::find_by_id("week")
            .one(&test.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            weeks.period,
            Granularity::Week.start(last),
            "{backend:?}: the frontier follows the checks"
        );

        // A key of its own (the only check by the admin): counted, then voided, its
        // last-checked date goes and the person is uncovered again.
        let w = &cast.world;
        let day = base() + Duration::days(249);
        let row = check_row(
            w.site_a,
            w.staff_a2,
            w.admin,
            cast.checklists[0].1,
            None,
            day,
            70.0,
        );
        store(&test, row.clone()).await;
        let quality = Scope {
            user_id: w.quality,
            role: Role::Quality,
            sites: vec![],
        };
        let g = Granularity::Week;
        let (from, to) = g.whole_periods(day, day);
        let by_admin = QualityFilter {
            inspector: Some(w.admin),
            ..QualityFilter::range(from, to)
        };
        let uncovered = async || {
            let roster = decorum::store::org::roster(&[w.site_a], None);
            not_checked_recently(&test.db, &quality, &by_admin, roster)
                .await
                .unwrap()
        };
        let staff = async || {
            lowest_staff(
                &test.db,
                &quality,
                &by_admin,
                PersonRows::Periods(g),
                from,
                5,
            )
            .await
            .unwrap()
            .1
        };
        assert!(!uncovered().await.contains(&w.staff_a2), "{backend:?}");
        assert_eq!(staff().await, 1, "{backend:?}");
        decorum::store::inspections::void(&test.db, row.id, w.quality, "a test")
            .await
            .unwrap();
        assert!(
            uncovered().await.contains(&w.staff_a2),
            "{backend:?}: voided"
        );
        assert_eq!(staff().await, 0, "{backend:?}: voided");
        let kept = entity::stat_last_check::Entity::find()
            .filter(entity::stat_last_check::Column::InspectorId.eq(w.admin))
            .all(&test.db)
            .await
            .unwrap();
        assert!(kept.is_empty(), "{backend:?}: the key's date is gone");
    }
}
