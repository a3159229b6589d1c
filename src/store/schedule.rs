//! Scheduled mail in the database: which (job, person, period) is due, what each mail
//! says (only rows the person may open), and queueing it exactly once.
//!
//! [`run`] is called by the outbox worker of every app instance each minute. It reads
//! only the `scheduled_due` rows whose time came (through an index on the instant): for
//! each, the period due in the zone of the person's primary site (`domain::schedule`),
//! what there is to say, and when to look again — the next period's send time, also
//! when there was nothing to say. A minute with nothing due reads two index lookups.
//!
//! The plan mends itself: a person without rows (new, reactivated, or whose rows were
//! dropped by [`forget`] when their role, sites, preferences or their site's zone
//! changed) is planned as due at once by the next tick; the worker drops the whole plan
//! when it starts (the job definitions and the default zone are the running binary's).
//!
//! Queueing stays exactly once whatever the plan says: the `scheduled_mail` row (unique
//! on job, person, period) and the outbox mail are written in one transaction, so a
//! second instance ticking at the same moment, or the same one after a restart, finds
//! the row and queues nothing. A period is looked at once (at its first tick after the
//! send time): something that falls overdue later the same day is in the next day's
//! reminder.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use entity::states::{ActionStatus, AssignmentStatus, InspectionStatus};
use entity::{
    corrective_action, inspection, mail_preference, scheduled_due, scheduled_mail,
    training_assignment, training_module, user, user_site,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TryInsertResult,
};
use serde_json::{Value, json};

use super::{StoreResult, begin_write, org, outbox, plan, training};
use crate::domain::access::{Role, Scope};
use crate::domain::clock::{self, Tz};
use crate::domain::schedule::{Job, Period, is_overdue, turn};

/// Rows per statement when planning and re-timing (well under either database's limit
/// on bound values).
const CHUNK: usize = 500;

/// An active person as the jobs see them.
#[derive(Debug, Clone)]
struct Person {
    id: i32,
    role: Role,
    sites: Vec<i32>,
    zone: Tz,
}

/// Some of the people who can get mail, with their sites and zone, and every site's
/// zone.
struct People {
    all: Vec<Person>,
    zones: HashMap<i32, Tz>,
}

impl Person {
    /// What they may open.
    fn scope(&self) -> Scope {
        Scope {
            user_id: self.id,
            role: self.role,
            sites: self.sites.clone(),
        }
    }
}

impl People {
    fn get(&self, id: i32) -> Option<&Person> {
        self.all.iter().find(|p| p.id == id)
    }

    fn site_zone(&self, site: i32, fallback: Tz) -> Tz {
        self.zones.get(&site).copied().unwrap_or(fallback)
    }
}

/// The active people among `ids`, with their sites and the zone of the first.
async fn people(db: &DatabaseConnection, default_zone: Tz, ids: &[i32]) -> StoreResult<People> {
    let mut users = Vec::new();
    let mut sites_of: HashMap<i32, Vec<i32>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        users.extend(
            user::Entity::find()
                .filter(user::Column::Id.is_in(chunk.to_vec()))
                .filter(user::Column::Active.eq(true))
                .order_by_asc(user::Column::Id)
                .all(db)
                .await?,
        );
        for m in user_site::Entity::find()
            .filter(user_site::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            sites_of.entry(m.user_id).or_default().push(m.site_id);
        }
    }
    let all_sites: Vec<i32> = entity::site::Entity::find()
        .select_only()
        .column(entity::site::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let zones: HashMap<i32, Tz> = org::time_zones(db, &all_sites)
        .await?
        .into_iter()
        .map(|(id, z)| (id, clock::zone_or(&z, default_zone)))
        .collect();
    let all = users
        .into_iter()
        .filter_map(|u| {
            let role = Role::parse(&u.role)?;
            let mut sites = sites_of.remove(&u.id).unwrap_or_default();
            sites.sort_unstable();
            // The primary site (the first), as the pages that span sites use.
            let zone = sites
                .first()
                .and_then(|s| zones.get(s).copied())
                .unwrap_or(default_zone);
            Some(Person {
                id: u.id,
                role,
                sites,
                zone,
            })
        })
        .collect();
    Ok(People { all, zones })
}

/// The saved preferences of `ids`, by person (none saved: every mail).
async fn preferences(
    db: &DatabaseConnection,
    ids: &[i32],
) -> StoreResult<HashMap<i32, mail_preference::Model>> {
    let mut prefs = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for p in mail_preference::Entity::find()
            .filter(mail_preference::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            prefs.insert(p.user_id, p);
        }
    }
    Ok(prefs)
}

/// Plan every active person who has no plan (new, reactivated, or forgotten) as due
/// at `now`, so this tick looks at them. Two instances planning at once write the rows
/// once.
async fn plan_newcomers(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<()> {
    let planned = Query::select()
        .expr(Expr::val(1))
        .from(scheduled_due::Entity)
        .and_where(
            Expr::col((scheduled_due::Entity, scheduled_due::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .to_owned();
    let newcomers: Vec<i32> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Active.eq(true))
        .filter(Condition::all().add(Expr::not_exists(planned)))
        .into_tuple()
        .all(db)
        .await?;
    // Whole seconds, as every instant the plan holds: compared again to the letter when
    // the row is re-timed.
    let now = now.trunc_subsecs(0);
    let rows: Vec<scheduled_due::ActiveModel> = newcomers
        .into_iter()
        .flat_map(|id| {
            Job::ALL.map(|job| scheduled_due::ActiveModel {
                user_id: Set(id),
                job: Set(job.as_str().to_string()),
                next_due: Set(now),
            })
        })
        .collect();
    for chunk in rows.chunks(CHUNK) {
        scheduled_due::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([scheduled_due::Column::UserId, scheduled_due::Column::Job])
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Who `due` (people whose time came for `job`) are to get it for which period, but
/// not those it was already sent to (another instance, or before their plan was
/// dropped).
async fn unsent<'a>(
    db: &DatabaseConnection,
    job: Job,
    due: Vec<(&'a Person, Period)>,
) -> StoreResult<Vec<(&'a Person, Period)>> {
    if due.is_empty() {
        return Ok(due);
    }
    let keys: HashSet<&str> = due.iter().map(|(_, p)| p.key.as_str()).collect();
    let mut sent: HashSet<(i32, String)> = HashSet::new();
    let ids: Vec<i32> = due.iter().map(|(p, _)| p.id).collect();
    for chunk in ids.chunks(CHUNK) {
        sent.extend(
            scheduled_mail::Entity::find()
                .filter(scheduled_mail::Column::Job.eq(job.as_str()))
                .filter(scheduled_mail::Column::Period.is_in(keys.iter().copied()))
                .filter(scheduled_mail::Column::UserId.is_in(chunk.to_vec()))
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.user_id, r.period)),
        );
    }
    Ok(due
        .into_iter()
        .filter(|(p, period)| !sent.contains(&(p.id, period.key.clone())))
        .collect())
}

/// Queue `job`'s mail to `person` for `period`, once: the row that says it was sent and
/// the mail commit together, and a row already there (another instance was first)
/// queues nothing. Whether this call queued it.
pub async fn queue_once(
    db: &DatabaseConnection,
    job: Job,
    person: i32,
    period: &Period,
    payload: &Value,
) -> StoreResult<bool> {
    let txn = begin_write(db).await?;
    let inserted = scheduled_mail::Entity::insert(scheduled_mail::ActiveModel {
        job: Set(job.as_str().to_string()),
        user_id: Set(person),
        period: Set(period.key.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        scheduled_mail::Column::Job,
        scheduled_mail::Column::UserId,
        scheduled_mail::Column::Period,
    ])
    .exec_without_returning(&txn)
    .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        txn.rollback().await?;
        return Ok(false);
    }
    let queued = outbox::enqueue_mail(&txn, job.kind(), &[person], payload).await?;
    txn.commit().await?;
    Ok(queued > 0)
}

/// Run every job that is due at `now` for the people whose time came; how many mails
/// were queued. `default_zone` is the zone of people with no site and of sites with
/// none recorded.
pub async fn run(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    default_zone: Tz,
) -> StoreResult<usize> {
    plan_newcomers(db, now).await?;
    let rows = scheduled_due::Entity::find()
        .filter(scheduled_due::Column::NextDue.lte(now))
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i32> = rows
        .iter()
        .map(|r| r.user_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let people = people(db, default_zone, &ids).await?;
    let prefs = preferences(db, &ids).await?;
    let mut by_job: HashMap<&str, Vec<&scheduled_due::Model>> = HashMap::new();
    for row in &rows {
        by_job.entry(row.job.as_str()).or_default().push(row);
    }
    let mut queued = 0;
    for job in Job::ALL {
        let Some(rows) = by_job.remove(job.as_str()) else {
            continue;
        };
        let mut due = Vec::new();
        let mut next: BTreeMap<(DateTime<Utc>, DateTime<Utc>), Vec<i32>> = BTreeMap::new();
        let mut gone = Vec::new();
        for row in rows {
            let Some(person) = people.get(row.user_id) else {
                gone.push(row.user_id);
                continue;
            };
            let wants = outbox::wants_kind(prefs.get(&person.id), job.kind());
            let turn = turn(job, person.role, wants, person.zone, now);
            if let Some(period) = turn.period {
                due.push((person, period));
            }
            next.entry((row.next_due, turn.next))
                .or_default()
                .push(person.id);
        }
        let due = unsent(db, job, due).await?;
        let mails = match job {
            Job::TrainingOverdue => training_overdue(db, due).await?,
            Job::ActionsOverdue => actions_overdue(db, &people, due, now, default_zone).await?,
            Job::WeeklyPlan => weekly_plan(db, due, now).await?,
            Job::WeeklyDigest => weekly_digest(db, due, now, default_zone).await?,
            Job::MonthlyReport => monthly_report(db, due).await?,
        };
        for (person, period, payload) in mails {
            if queue_once(db, job, person, &period, &payload).await? {
                queued += 1;
            }
        }
        // Only after the mail is queued: a tick that fails looks again next minute.
        retime(db, job, next).await?;
        super::schedule_plan::forget(db, &gone).await?;
    }
    // Jobs that are no more.
    let known: Vec<&str> = Job::ALL.iter().map(|j| j.as_str()).collect();
    if by_job.keys().any(|job| !known.contains(job)) {
        scheduled_due::Entity::delete_many()
            .filter(scheduled_due::Column::Job.is_not_in(known))
            .exec(db)
            .await?;
    }
    Ok(queued)
}

/// Set when `job` is next due for people, grouped by (the instant read, the next one):
/// a row whose instant changed meanwhile (its person was forgotten and planned again by
/// another instance) is left for the next tick.
async fn retime(
    db: &DatabaseConnection,
    job: Job,
    next: BTreeMap<(DateTime<Utc>, DateTime<Utc>), Vec<i32>>,
) -> StoreResult<()> {
    for ((read, next), ids) in next {
        for chunk in ids.chunks(CHUNK) {
            scheduled_due::Entity::update_many()
                .col_expr(scheduled_due::Column::NextDue, Expr::value(next))
                .filter(scheduled_due::Column::Job.eq(job.as_str()))
                .filter(scheduled_due::Column::NextDue.eq(read))
                .filter(scheduled_due::Column::UserId.is_in(chunk.to_vec()))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

type Mails = Vec<(i32, Period, Value)>;

/// The people a job is to be sent to now, with the period.
type Due<'a> = Vec<(&'a Person, Period)>;

/// Each person's modules past due, by the date in their zone.
async fn training_overdue(db: &DatabaseConnection, due: Due<'_>) -> StoreResult<Mails> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = due.iter().map(|(p, _)| p.id).collect();
    let mut open: HashMap<i32, Vec<(training_assignment::Model, Option<training_module::Model>)>> =
        HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for (a, m) in training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.is_in(chunk.to_vec()))
            .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
            .order_by_asc(training_assignment::Column::DueDate)
            .order_by_asc(training_assignment::Column::Id)
            .find_also_related(training_module::Entity)
            .all(db)
            .await?
        {
            open.entry(a.user_id).or_default().push((a, m));
        }
    }
    Ok(due
        .into_iter()
        .filter_map(|(person, period)| {
            let today = period.start;
            let items: Vec<Value> = open
                .get(&person.id)?
                .iter()
                .filter(|(a, _)| is_overdue(a.due_date, today))
                .map(|(a, m)| {
                    json!({
                        "module": m.as_ref().map(|m| m.key.clone()).unwrap_or_default(),
                        "due": a.due_date,
                    })
                })
                .collect();
            (!items.is_empty()).then(|| (person.id, period, json!({ "items": items })))
        })
        .collect())
}

/// Each owner's open actions past due (due before the action's site's today): their
/// own, and those owned by their role at their sites.
async fn actions_overdue(
    db: &DatabaseConnection,
    people: &People,
    due: Due<'_>,
    now: DateTime<Utc>,
    default_zone: Tz,
) -> StoreResult<Mails> {
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let mut open = corrective_action::Entity::find()
        .filter(corrective_action::Column::Status.eq(ActionStatus::Open))
        .order_by_asc(corrective_action::Column::DueDate)
        .order_by_asc(corrective_action::Column::Id);
    // A few people (planned again after a change): only the actions they may own.
    if due.len() <= CHUNK {
        let ids: Vec<i32> = due.iter().map(|(p, _)| p.id).collect();
        let sites: BTreeSet<i32> = due.iter().flat_map(|(p, _)| p.sites.clone()).collect();
        open = open.filter(
            Condition::any()
                .add(corrective_action::Column::OwnerId.is_in(ids))
                .add(corrective_action::Column::SiteId.is_in(sites)),
        );
    }
    let open = open.all(db).await?;
    let mut owned: BTreeMap<i32, Vec<Value>> = BTreeMap::new();
    for a in open {
        let today = clock::local_date(people.site_zone(a.site_id, default_zone), now);
        if !is_overdue(a.due_date, today) {
            continue;
        }
        let owners: Vec<i32> = match super::actions::owner(&a) {
            crate::domain::actions::Owner::Person(id) => vec![id],
            crate::domain::actions::Owner::Role(role) => people
                .all
                .iter()
                .filter(|p| p.role.as_str() == role.as_str() && p.sites.contains(&a.site_id))
                .map(|p| p.id)
                .collect(),
        };
        for owner in owners {
            owned.entry(owner).or_default().push(json!({
                "id": a.id,
                "text": a.text,
                "item": a.item_key,
                "site_id": a.site_id,
                "due": a.due_date,
            }));
        }
    }
    Ok(due
        .into_iter()
        .filter_map(|(person, period)| {
            let items = owned.remove(&person.id)?;
            Some((person.id, period, json!({ "items": items })))
        })
        .collect())
}

/// Supervisors: the week's plan at their sites (made now if no one opened it yet) and
/// the re-checks waiting there.
async fn weekly_plan(
    db: &DatabaseConnection,
    due: Due<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Mails> {
    let mut out = Vec::new();
    for (person, period) in due {
        if person.sites.is_empty() {
            continue;
        }
        let scope = person.scope();
        let today = clock::local_date(person.zone, now);
        let planned = plan::week(db, &scope, period.start, today).await?;
        let rechecks = training::open_rechecks(db, &scope).await?;
        if planned.is_empty() && rechecks.is_empty() {
            continue;
        }
        let mut ids: Vec<i32> = planned.iter().map(|(p, _)| p.subject_id).collect();
        ids.extend(rechecks.iter().map(|r| r.subject_id));
        let names = org::names(db, ids).await?;
        let name = |id: i32| names.get(&id).cloned().unwrap_or_default();
        let plan: Vec<Value> = planned
            .iter()
            .map(|(p, done)| {
                json!({
                    "site_id": p.site_id,
                    "subject": name(p.subject_id),
                    "date": p.planned_date,
                    "shift": p.shift_period,
                    "done": done.is_some(),
                })
            })
            .collect();
        let waiting: Vec<Value> = rechecks
            .iter()
            .map(|r| {
                json!({
                    "site_id": r.site_id,
                    "subject": name(r.subject_id),
                    "due": r.due_date,
                })
            })
            .collect();
        out.push((
            person.id,
            period.clone(),
            json!({ "week": period.start, "plan": plan, "rechecks": waiting }),
        ));
    }
    Ok(out)
}

/// Managers: the week that ended at each of their sites (submitted first checks, how
/// many passed, critical failures) and what is overdue there now (training of the
/// people below them, open actions).
async fn weekly_digest(
    db: &DatabaseConnection,
    due: Due<'_>,
    now: DateTime<Utc>,
    default_zone: Tz,
) -> StoreResult<Mails> {
    let mut out = Vec::new();
    for (person, period) in due {
        if person.sites.is_empty() {
            continue;
        }
        let week = period.previous(crate::domain::schedule::Cadence::Weekly);
        let today = clock::local_date(person.zone, now);
        let checks = inspection::Entity::find()
            .filter(inspection::Column::SiteId.is_in(person.sites.clone()))
            .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
            .filter(inspection::Column::RecheckOf.is_null())
            .filter(inspection::Column::ShiftDate.gte(week.start))
            .filter(inspection::Column::ShiftDate.lt(week.end))
            .all(db)
            .await?;
        let actions =
            super::actions::overdue_per_site(db, Some(person.sites.as_slice()), today).await?;
        // Late training of the people at their sites (those below them counted).
        let late_training = training_assignment::Entity::find()
            .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
            .filter(training_assignment::Column::DueDate.lt(today))
            .filter(
                training_assignment::Column::UserId.in_subquery(
                    Query::select()
                        .column(user_site::Column::UserId)
                        .from(user_site::Entity)
                        .and_where(user_site::Column::SiteId.is_in(person.sites.clone()))
                        .to_owned(),
                ),
            )
            .all(db)
            .await?;
        let late: BTreeSet<i32> = late_training.iter().map(|a| a.user_id).collect();
        let late_people = people(db, default_zone, &late.into_iter().collect::<Vec<_>>()).await?;
        let below: HashSet<i32> = late_people
            .all
            .iter()
            .filter(|p| matches!(p.role, Role::Staff | Role::Supervisor))
            .map(|p| p.id)
            .collect();
        let mut sites = Vec::new();
        for &site in &person.sites {
            let here: Vec<&inspection::Model> =
                checks.iter().filter(|i| i.site_id == site).collect();
            let passed = here.iter().filter(|i| i.passed == Some(true)).count();
            let critical = here.iter().filter(|i| i.critical_failure).count();
            let training = late_training
                .iter()
                .filter(|a| {
                    below.contains(&a.user_id)
                        && late_people
                            .get(a.user_id)
                            .is_some_and(|p| p.sites.contains(&site))
                })
                .count();
            let actions = actions.get(&site).copied().unwrap_or(0);
            if here.is_empty() && training == 0 && actions == 0 {
                continue;
            }
            sites.push(json!({
                "site_id": site,
                "checks": here.len(),
                "passed": passed,
                "critical": critical,
                "training_overdue": training,
                "actions_overdue": actions,
            }));
        }
        if sites.is_empty() {
            continue;
        }
        out.push((
            person.id,
            period,
            json!({ "from": week.start, "to": week.last_day(), "sites": sites }),
        ));
    }
    Ok(out)
}

/// The quality department: the month that ended, when anything was checked in it (the
/// worker makes the PDF at send time, over the sites the person may open).
async fn monthly_report(db: &DatabaseConnection, due: Due<'_>) -> StoreResult<Mails> {
    let mut out = Vec::new();
    for (person, period) in due {
        let month = period.previous(crate::domain::schedule::Cadence::Monthly);
        let mut checks = inspection::Entity::find()
            .filter(inspection::Column::Status.eq(InspectionStatus::Submitted))
            .filter(inspection::Column::ShiftDate.gte(month.start))
            .filter(inspection::Column::ShiftDate.lt(month.end));
        let scope = person.scope();
        if let Some(sites) = scope.site_filter() {
            checks = checks.filter(inspection::Column::SiteId.is_in(sites.to_vec()));
        }
        if checks.one(db).await?.is_none() {
            continue;
        }
        out.push((
            person.id,
            period,
            json!({ "from": month.start, "to": month.last_day() }),
        ));
    }
    Ok(out)
}

/// What an active person may open (the monthly report is made over it), `None` for no
/// such person.
pub async fn scope_of(db: &DatabaseConnection, person: i32) -> StoreResult<Option<Scope>> {
    match user::Entity::find_by_id(person).one(db).await? {
        Some(u) if u.active => org::scope_of(db, &u).await,
        _ => Ok(None),
    }
}
