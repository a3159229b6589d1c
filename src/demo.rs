//! Demo data: sites, people and six months of submitted spot-checks with believable
//! trends (each person has a skill that improves with time; some items are harder than
//! others), so the dashboards, reports and training have something to show.

use crate::i18n::Message;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use entity::states::{AssignmentStatus, RecheckStatus};
use std::collections::HashMap;

use entity::{inspection, recheck, site, training_assignment, user};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::auth::Role;
use crate::domain::clock::Tz;
use crate::domain::clock::{PERIODS, ShiftPeriod};
use crate::domain::scoring::{Answer, Answers, Context, Gender, Subject, resolve_context};
use crate::domain::{Checklist, ContextKind, ItemKind, Value};
use crate::store::inspections::{self, Submission};
use crate::store::library::{self, StoredChecklist, current_checklists};
use crate::store::users::{self, NewUser};
use crate::store::{StoreError, StoreResult};
use crate::store::{submit, training};

/// Everyone in the demo signs in with this password.
pub const DEMO_PASSWORD: &str = "decorum-demo";

/// The accounts a newcomer can sign in with, printed at start-up.
pub const DEMO_ACCOUNTS: [(&str, &str); 5] = [
    ("admin@decorum.demo", "admin"),
    ("quality@decorum.demo", "quality department"),
    ("manager@decorum.demo", "manager, Junlin Tianxia sites"),
    (
        "supervisor@decorum.demo",
        "supervisor, lobby and sales hall",
    ),
    ("staff@decorum.demo", "staff, lobby concierge"),
];

const SITES: [(&str, &str, &str); 5] = [
    (
        "JL-SC",
        "君林天下服務中心 Junlin Tianxia Service Centre",
        "service_centre",
    ),
    (
        "JL-LOBBY",
        "君林天下一號樓大堂 Junlin Tianxia Tower 1 Lobby",
        "lobby",
    ),
    (
        "JL-SALES",
        "君林天下銷售大廳 Junlin Tianxia Sales Hall",
        "sales_hall",
    ),
    (
        "JL-SHOW",
        "君林天下樣板房 Junlin Tianxia Show Flats",
        "show_flat",
    ),
    ("HQ", "總部前臺 Head Office Front Desk", "office"),
];

/// (site, position, how many staff)
const STAFFING: [(&str, &str, usize); 8] = [
    ("JL-SC", "customer-service", 4),
    ("JL-LOBBY", "lobby-concierge", 5),
    ("JL-SALES", "sales-hall-host", 4),
    ("JL-SALES", "cart-driver", 2),
    ("JL-SHOW", "show-flat-host", 3),
    ("HQ", "front-desk", 3),
    ("HQ", "client-visit-host", 2),
    ("JL-SC", "lobby-concierge", 1),
];

const SURNAMES: [&str; 16] = [
    "陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊", "許", "鄭", "謝", "郭", "洪", "曾",
];
const GIVEN_F: [&str; 12] = [
    "美玲", "淑芬", "雅婷", "怡君", "佳穎", "詩涵", "欣怡", "思妤", "宜蓁", "靜怡", "婉婷", "嘉欣",
];
const GIVEN_M: [&str; 12] = [
    "志明", "俊傑", "建宏", "家豪", "冠宇", "承恩", "宗翰", "柏翰", "彥廷", "偉誠", "子軒", "明哲",
];

/// A demo staff member and how good they are at the job.
struct Person {
    row: user::Model,
    subject: Subject,
    site: String,
    skill: f64,
}

/// Whether the database already has people in it (the demo only loads into an empty one).
pub async fn is_empty(db: &DatabaseConnection) -> StoreResult<bool> {
    Ok(user::Entity::find().count(db).await? == 0)
}

#[derive(Debug, Default)]
pub struct DemoReport {
    pub sites: usize,
    pub people: usize,
    pub inspections: usize,
    pub rechecks: usize,
}

/// Load the demo into an empty database, its sites in `zone`. `progress` is told how
/// many inspections are done.
pub async fn load(
    db: &DatabaseConnection,
    today: NaiveDate,
    zone: Tz,
    mut progress: impl FnMut(usize, usize),
) -> StoreResult<DemoReport> {
    if !is_empty(db).await? {
        return Err(StoreError::Invalid(Message::literal(
            "the database already has people in it; the demo loads only into an empty database",
        )));
    }
    let checklists = current_checklists(db).await?;
    if checklists.is_empty() {
        return Err(StoreError::Invalid(Message::literal(
            "no checklists are imported: run `decorum checklists import` first",
        )));
    }
    let mut rng = StdRng::seed_from_u64(20261129);
    let mut report = DemoReport::default();
    for (code, name, kind) in SITES {
        site::ActiveModel {
            code: Set(code.into()),
            name: Set(name.into()),
            kind: Set(kind.into()),
            active: Set(true),
            time_zone: Set(zone.name().into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        report.sites += 1;
    }
    let jl_sites = || {
        vec![
            "JL-SC".to_string(),
            "JL-LOBBY".into(),
            "JL-SALES".into(),
            "JL-SHOW".into(),
        ]
    };
    let leaders = [
        (
            "admin@decorum.demo",
            "系統管理員 Admin",
            Role::Admin,
            vec![],
        ),
        (
            "quality@decorum.demo",
            "品質部 周慧君",
            Role::Quality,
            vec![],
        ),
        (
            "manager@decorum.demo",
            "服務中心經理 趙文傑",
            Role::Manager,
            jl_sites(),
        ),
        (
            "supervisor@decorum.demo",
            "客服主管 孫佩珊",
            Role::Supervisor,
            vec!["JL-LOBBY".into(), "JL-SALES".into()],
        ),
        (
            "supervisor2@decorum.demo",
            "客服主管 馮國強",
            Role::Supervisor,
            vec!["JL-SC".into(), "JL-SHOW".into()],
        ),
        (
            "hq.manager@decorum.demo",
            "行政辦經理 何麗華",
            Role::Manager,
            vec!["HQ".into()],
        ),
    ];
    let mut inspectors: Vec<(String, i32)> = Vec::new();
    for (email, name, role, sites) in leaders {
        let row = users::add_atomic(
            db,
            NewUser {
                email: email.into(),
                name: name.into(),
                role,
                password: Some(DEMO_PASSWORD.into()),
                position: None,
                gender: None,
                hire_date: Some(today - Duration::days(900)),
                sites: sites.clone(),
            },
            None,
        )
        .await?;
        report.people += 1;
        if role.inspects_own_sites_only() {
            for site in sites {
                inspectors.push((site, row.id));
            }
        }
    }

    let mut staff: Vec<Person> = Vec::new();
    let mut n = 0;
    for (site, position, count) in STAFFING {
        for i in 0..count {
            n += 1;
            let gender = if rng.random_bool(0.65) {
                Gender::Female
            } else {
                Gender::Male
            };
            let given = match gender {
                Gender::Female => GIVEN_F.choose(&mut rng),
                Gender::Male => GIVEN_M.choose(&mut rng),
            };
            let name = format!(
                "{}{}",
                SURNAMES.choose(&mut rng).unwrap_or(&"陳"),
                given.unwrap_or(&"明")
            );
            let first_staff = site == "JL-LOBBY" && i == 0;
            let email = if first_staff {
                "staff@decorum.demo".to_string()
            } else {
                format!("staff{n:02}@decorum.demo")
            };
            // A few recent hires, so new-hire curricula show up.
            let hired_days_ago = if n % 7 == 0 {
                rng.random_range(5..40)
            } else {
                rng.random_range(200..1500)
            };
            let row = users::add_atomic(
                db,
                NewUser {
                    email,
                    name,
                    role: Role::Staff,
                    password: first_staff.then(|| DEMO_PASSWORD.to_string()),
                    position: Some(position.into()),
                    gender: Some(gender),
                    hire_date: Some(today - Duration::days(hired_days_ago)),
                    sites: vec![site.into()],
                },
                None,
            )
            .await?;
            report.people += 1;
            // Long-serving staff finished their new-hire curriculum in their first weeks;
            // recent hires are part-way through it.
            let hired = today - Duration::days(hired_days_ago);
            let share_done = if hired_days_ago > 60 {
                1.0
            } else {
                rng.random_range(0.0..0.7)
            };
            finish_some_curriculum(db, row.id, hired, share_done, &mut rng).await?;
            let subject = users::subject(db, &row).await?;
            staff.push(Person {
                row,
                subject,
                site: site.into(),
                skill: rng.random_range(0.70..0.97),
            });
        }
    }
    let site_ids: Vec<(String, i32)> = site::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.code, s.id))
        .collect();
    let site_id = |code: &str| {
        site_ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
            .unwrap_or_default()
    };

    // Six months of spot-checks, about two per site per working day.
    let days = 182;
    let start = today - Duration::days(days);
    let mut planned: Vec<(NaiveDate, usize)> = Vec::new();
    for d in 0..days {
        let date = start + Duration::days(d);
        if date.weekday() == Weekday::Sun {
            continue;
        }
        for (code, _, _) in SITES {
            let at_site: Vec<usize> = (0..staff.len())
                .filter(|&i| staff[i].site == code)
                .collect();
            for _ in 0..rng.random_range(1..=3) {
                if let Some(&who) = at_site.choose(&mut rng) {
                    planned.push((date, who));
                }
            }
        }
    }
    let total = planned.len();
    let people = staff_subjects(&staff);
    let mut last_week = start;
    // A week's spot-checks are stored together, in one transaction: the history loads in
    // a few dozen disk flushes instead of one per spot-check.
    let mut week: Vec<submit::Scored> = Vec::new();
    for (done, (date, who)) in planned.into_iter().enumerate() {
        // Once a week, people take the training their failures assigned.
        if date - last_week >= Duration::days(7) {
            last_week = date;
            report.inspections += store_week(db, &mut week).await?;
            report.rechecks += close_the_loop(db, date, today, false, &people, &mut rng).await?;
        }
        let person = &staff[who];
        let options: Vec<&StoredChecklist> = checklists
            .iter()
            .filter(|c| {
                person
                    .subject
                    .position
                    .as_ref()
                    .is_some_and(|p| c.checklist.positions.contains(p))
            })
            .collect();
        let Some(version) = options.choose(&mut rng) else {
            continue;
        };
        let site_inspectors: Vec<i32> = inspectors
            .iter()
            .filter(|(s, _)| *s == person.site)
            .map(|(_, id)| *id)
            .collect();
        let Some(&inspector) = site_inspectors.choose(&mut rng) else {
            continue;
        };
        // Skill improves over the months; the sales hall slips in the last six weeks.
        let t = (date - start).num_days() as f64 / days as f64;
        let mut skill = person.skill + (1.0 - person.skill) * 0.45 * t;
        if person.site == "JL-SALES" && (today - date).num_days() < 42 {
            skill -= 0.12;
        }
        let context = random_context(&version.checklist, &mut rng);
        let answers = simulate_answers(
            &version.checklist,
            &person.subject,
            &context,
            skill,
            &mut rng,
        );
        let period = PERIODS[rng.random_range(0..3)];
        let hour = match period {
            ShiftPeriod::Morning => 10,
            ShiftPeriod::Afternoon => 15,
            _ => 19,
        };
        // The hour is the site's wall clock, so the shift and the time agree.
        let at = zone
            .from_local_datetime(
                &date
                    .and_hms_opt(hour, rng.random_range(0..60), 0)
                    .unwrap_or_default(),
            )
            .earliest()
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
        week.push(submit::prepare(
            version,
            &person.subject,
            Submission {
                id: Uuid::from_u128(rng.random()),
                site_id: site_id(&person.site),
                shift_date: date,
                shift_period: period,
                subject_id: person.row.id,
                inspector_id: inspector,
                context,
                answers,
                notes: Default::default(),
                submitted_at: at,
                recheck_of: None,
                photos: Default::default(),
                recheck: None,
            },
        )?);
        progress(done + 1, total);
    }
    report.inspections += store_week(db, &mut week).await?;
    report.rechecks += close_the_loop(db, today, today, true, &people, &mut rng).await?;
    Ok(report)
}

/// Store the week's scored spot-checks in one transaction; how many were stored.
async fn store_week(db: &DatabaseConnection, week: &mut Vec<submit::Scored>) -> StoreResult<usize> {
    let stored = submit::store_batch(db, std::mem::take(week)).await;
    let count = stored.len();
    for result in stored {
        result?;
    }
    Ok(count)
}

/// Mark the first `share` of a person's curriculum completed, in their first weeks.
async fn finish_some_curriculum(
    db: &DatabaseConnection,
    user_id: i32,
    hired: NaiveDate,
    share: f64,
    rng: &mut StdRng,
) -> StoreResult<()> {
    let open = training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.eq(user_id))
        .order_by_asc(training_assignment::Column::Id)
        .all(db)
        .await?;
    let to_finish = (open.len() as f64 * share).round() as usize;
    for (n, a) in open.into_iter().enumerate() {
        let module = training::module(db, a.module_id).await?;
        let mut active: training_assignment::ActiveModel = a.into();
        if n < to_finish {
            let at = noon(hired + Duration::days(rng.random_range(2..12)));
            active.status = Set(AssignmentStatus::Completed);
            active.completed_at = Set(Some(at));
            active.assigned_at = Set(noon(hired));
            active.completed_version_id = Set(Some(module.version_id));
            active.quiz_percent = Set(Some(rng.random_range(80..=100) as f64));
            active.attempts = Set(rng.random_range(1..=2));
        } else if n == to_finish && share > 0.0 {
            active.status = Set(AssignmentStatus::InProgress);
        }
        active.update(db).await?;
    }
    Ok(())
}

fn noon(date: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap_or_default())
}

/// Who each staff member is, for re-checks.
fn staff_subjects(staff: &[Person]) -> HashMap<i32, (Subject, f64)> {
    staff
        .iter()
        .map(|p| (p.row.id, (p.subject.clone(), p.skill)))
        .collect()
}

/// Take the training the failures assigned through its states, as of `as_of`: people
/// finish it within about a week and are re-checked a few days later; a few neglect it
/// (overdue). On the `last` pass, recent assignments are left assigned or in progress.
async fn close_the_loop(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    today: NaiveDate,
    last: bool,
    people: &HashMap<i32, (Subject, f64)>,
    rng: &mut StdRng,
) -> StoreResult<usize> {
    let open = training_assignment::Entity::find()
        .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
        .filter(training_assignment::Column::InspectionId.is_not_null())
        .order_by_asc(training_assignment::Column::AssignedAt)
        .all(db)
        .await?;
    let mut rechecks = 0;
    for a in open {
        let neglected = a.id % 11 == 0;
        let age = (as_of - a.assigned_at.date_naive()).num_days();
        if neglected || age <= 8 {
            if last && !neglected && rng.random_bool(0.5) {
                let mut active: training_assignment::ActiveModel = a.into();
                active.status = Set(AssignmentStatus::InProgress);
                active.update(db).await?;
            }
            continue;
        }
        let module = training::module(db, a.module_id).await?;
        let completed = a.assigned_at + Duration::days(rng.random_range(1..7));
        let mut active: training_assignment::ActiveModel = a.clone().into();
        active.status = Set(AssignmentStatus::Completed);
        active.completed_at = Set(Some(completed));
        active.completed_version_id = Set(Some(module.version_id));
        active.quiz_percent = Set(Some(rng.random_range(80..=100) as f64));
        active.attempts = Set(rng.random_range(1..=3));
        active.update(db).await?;
        let Some(original) = inspection::Entity::find_by_id(a.inspection_id.unwrap_or_default())
            .one(db)
            .await?
        else {
            continue;
        };
        let row = recheck::ActiveModel {
            assignment_id: Set(a.id),
            inspection_id: Set(original.id),
            subject_id: Set(a.user_id),
            site_id: Set(original.site_id),
            items: Set(a.failed_items.clone()),
            status: Set(RecheckStatus::Open),
            due_date: Set(completed.date_naive() + Duration::days(training::RECHECK_DAYS)),
            done_inspection_id: Set(None),
            created_at: Set(completed),
            module_id: Set(Some(a.module_id)),
            before_percent: Set(Some(
                crate::store::training::before_percent(
                    db,
                    original.id,
                    &serde_json::from_value::<Vec<String>>(a.failed_items.clone())
                        .unwrap_or_default(),
                )
                .await?,
            )),
            ..Default::default()
        }
        .insert(db)
        .await?;
        // Re-checks are done within a few days; the latest are still waiting.
        let recheck_at = completed + Duration::days(rng.random_range(1..4));
        if recheck_at.date_naive() >= today - Duration::days(3) {
            continue;
        }
        let Some((subject, skill)) = people.get(&a.user_id) else {
            continue;
        };
        let mut version = library::checklist_version(db, original.checklist_version_id).await?;
        version.checklist = version.checklist.subset(&training::recheck_items(&row));
        let context: Context = serde_json::from_value(original.context.clone()).unwrap_or_default();
        // Training works, mostly.
        let answers = simulate_answers(
            &version.checklist,
            subject,
            &context,
            (skill + 0.15).min(0.99),
            rng,
        );
        inspections::submit(
            db,
            &version,
            subject,
            Submission {
                id: Uuid::from_u128(rng.random()),
                site_id: original.site_id,
                shift_date: recheck_at.date_naive(),
                shift_period: original.shift_period,
                subject_id: a.user_id,
                inspector_id: original.inspector_id,
                context,
                answers,
                notes: Default::default(),
                submitted_at: recheck_at,
                recheck_of: Some(original.id),
                photos: Default::default(),
                recheck: Some(row.id),
            },
        )
        .await?;
        rechecks += 1;
    }
    Ok(rechecks)
}

/// Context values an inspector might plausibly enter.
pub fn random_context(checklist: &Checklist, rng: &mut impl Rng) -> Context {
    let mut context = Context::new();
    for field in &checklist.context {
        let value = match &field.kind {
            ContextKind::Choice { options, .. } => {
                let weights = [0.55, 0.3, 0.15];
                let pick = rng.random::<f64>();
                let mut acc = 0.0;
                let mut chosen = options.len() - 1;
                for (i, w) in weights.iter().enumerate().take(options.len()) {
                    acc += w;
                    if pick < acc {
                        chosen = i;
                        break;
                    }
                }
                Value::Text(options[chosen].value.clone())
            }
            ContextKind::Number { min, max, .. } => {
                Value::Number((min + rng.random_range(0.0..4.0)).min(*max).round())
            }
        };
        context.insert(field.key.clone(), value);
    }
    context
}

/// Answers from someone who gets each thing right with probability about `skill`.
pub fn simulate_answers(
    checklist: &Checklist,
    subject: &Subject,
    context: &Context,
    skill: f64,
    rng: &mut impl Rng,
) -> Answers {
    let (context, _) = resolve_context(checklist, context);
    let mut answers = Answers::new();
    // The first real answer, kept for when every other item came out N/A: a spot-check
    // on nothing is refused, and an inspector scores at least one thing.
    let mut first_real: Option<(String, Answer)> = None;
    for (_, item) in checklist.items() {
        if !crate::domain::scoring::applies(item, subject, &context) {
            continue;
        }
        let not_applicable = item.na && rng.random_bool(0.02);
        // Heavier items are the harder habits.
        // Critical lapses (an empty desk, smoking on duty) are rare in a real team.
        let p = if item.critical {
            0.99
        } else {
            (skill - 0.03 * (item.weight - 1.0)).clamp(0.05, 0.995)
        };
        let ok = rng.random_bool(p);
        let answer = match &item.kind {
            ItemKind::Check => {
                if ok {
                    Answer::Pass
                } else {
                    Answer::Fail
                }
            }
            ItemKind::Scale { max, pass_at, .. } => {
                let v = if ok {
                    rng.random_range(*pass_at..=*max)
                } else {
                    rng.random_range(0..(*pass_at).max(1))
                };
                Answer::Scale(v.min(*max))
            }
            ItemKind::Measure { allowed, .. } => {
                let (lo, hi) = allowed.bounds();
                let (lo, hi) = match (lo, hi) {
                    (Some(lo), Some(hi)) => (lo, hi),
                    (Some(lo), None) => (lo, lo + 10.0),
                    (None, Some(hi)) => (hi - 10.0, hi),
                    (None, None) => (0.0, 10.0),
                };
                let span = (hi - lo).max(1.0);
                let v = if ok {
                    rng.random_range(lo..=hi)
                } else if rng.random_bool(0.5) {
                    hi + rng.random_range(0.1..span)
                } else {
                    lo - rng.random_range(0.1..span)
                };
                let v = match item.kind.input_range() {
                    Some((lo, hi)) => v.clamp(lo, hi),
                    None => v,
                };
                Answer::Measure((v * 10.0).round() / 10.0)
            }
            ItemKind::Script { phrases, .. } => Answer::Heard(
                (0..phrases.len())
                    .filter(|_| ok || rng.random_bool(p))
                    .collect(),
            ),
            ItemKind::Steps { steps, .. } => {
                let mut done: Vec<usize> = (0..steps.len()).collect();
                if !ok {
                    if rng.random_bool(0.5) && done.len() > 1 {
                        let i = rng.random_range(0..done.len() - 1);
                        done.swap(i, i + 1);
                    } else {
                        done.remove(rng.random_range(0..done.len()));
                    }
                }
                Answer::Done(done)
            }
            ItemKind::Limit { limit, .. } => {
                let cap = limit.cap(&context).unwrap_or(500.0);
                let spent = if ok {
                    cap * rng.random_range(0.55..1.0)
                } else {
                    cap * rng.random_range(1.05..1.35)
                };
                Answer::Amount(spent.round())
            }
        };
        if not_applicable {
            first_real.get_or_insert((item.key.clone(), answer));
            answers.insert(item.key.clone(), Answer::Na);
        } else {
            answers.insert(item.key.clone(), answer);
        }
    }
    if answers.values().all(|a| *a == Answer::Na)
        && let Some((key, answer)) = first_real
    {
        answers.insert(key, answer);
    }
    answers
}
