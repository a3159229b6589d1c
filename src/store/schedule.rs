//! Scheduled mail in the database: which (job, person, period) is due, what each mail
//! says (only rows the person may open), and queueing it exactly once.
//!
//! [`run`] is called by the outbox worker of every app instance. For each job and each
//! person it is due for (in the zone of their primary site, `domain::schedule`), it
//! reads what there is to say and, when there is something, writes the
//! `scheduled_mail` row (unique on job, person, period) and the outbox mail in one
//! transaction: a second instance ticking at the same moment, or the same one after a
//! restart, finds the row and queues nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::states::{ActionStatus, AssignmentStatus, InspectionStatus};
use entity::{
    corrective_action, inspection, mail_preference, scheduled_mail, training_assignment,
    training_module, user, user_site,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TryInsertResult,
};
use serde_json::{Value, json};

use super::{StoreResult, begin_write, org, outbox, plan, training};
use crate::domain::access::{Role, Scope};
use crate::domain::clock::{self, Tz};
use crate::domain::schedule::{Job, Period, due_in_zone, is_overdue};

/// An active person as the jobs see them.
#[derive(Debug, Clone)]
struct Person {
    id: i32,
    role: Role,
    sites: Vec<i32>,
    zone: Tz,
}

/// Everyone who can get mail, with their sites and zone.
struct People {
    all: Vec<Person>,
    zones: HashMap<i32, Tz>,
    prefs: HashMap<i32, mail_preference::Model>,
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
    /// Those `job` is due for now (of `role`, or everyone), with its period: see
    /// [`due_for`].
    async fn due(
        &self,
        db: &DatabaseConnection,
        job: Job,
        role: Option<Role>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(&Person, Period)>> {
        let people = self
            .all
            .iter()
            .filter(move |p| role.is_none_or(|r| p.role == r));
        due_for(db, job, people, &self.prefs, now).await
    }

    fn get(&self, id: i32) -> Option<&Person> {
        self.all.iter().find(|p| p.id == id)
    }

    fn site_zone(&self, site: i32, fallback: Tz) -> Tz {
        self.zones.get(&site).copied().unwrap_or(fallback)
    }
}

async fn people(db: &DatabaseConnection, default_zone: Tz) -> StoreResult<People> {
    let users = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    let mut sites_of: HashMap<i32, Vec<i32>> = HashMap::new();
    for m in user_site::Entity::find().all(db).await? {
        sites_of.entry(m.user_id).or_default().push(m.site_id);
    }
    let all_sites: Vec<i32> = entity::site::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
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
    Ok(People {
        all,
        zones,
        prefs: outbox::preferences(db).await?,
    })
}

/// Who a job is due for now, with the period: those who want its mail and have not
/// had it this period.
async fn due_for<'a, C: ConnectionTrait>(
    db: &C,
    job: Job,
    people: impl Iterator<Item = &'a Person>,
    prefs: &HashMap<i32, mail_preference::Model>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<(&'a Person, Period)>> {
    let due: Vec<(&Person, Period)> = people
        .filter(|p| outbox::wants_kind(prefs.get(&p.id), job.kind()))
        .filter_map(|p| due_in_zone(job.cadence(), p.zone, now).map(|period| (p, period)))
        .collect();
    if due.is_empty() {
        return Ok(due);
    }
    let keys: HashSet<&str> = due.iter().map(|(_, p)| p.key.as_str()).collect();
    let sent: HashSet<(i32, String)> = scheduled_mail::Entity::find()
        .filter(scheduled_mail::Column::Job.eq(job.as_str()))
        .filter(scheduled_mail::Column::Period.is_in(keys))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.period))
        .collect();
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

/// Run every job that is due at `now`; how many mails were queued. `default_zone` is
/// the zone of people with no site and of sites with none recorded.
pub async fn run(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    default_zone: Tz,
) -> StoreResult<usize> {
    let people = people(db, default_zone).await?;
    let mut queued = 0;
    for job in Job::ALL {
        let mails = match job {
            Job::TrainingOverdue => training_overdue(db, &people, now).await?,
            Job::ActionsOverdue => actions_overdue(db, &people, now, default_zone).await?,
            Job::WeeklyPlan => weekly_plan(db, &people, now).await?,
            Job::WeeklyDigest => weekly_digest(db, &people, now).await?,
            Job::MonthlyReport => monthly_report(db, &people, now).await?,
        };
        for (person, period, payload) in mails {
            if queue_once(db, job, person, &period, &payload).await? {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

type Mails = Vec<(i32, Period, Value)>;

/// Each person's modules past due, by the date in their zone.
async fn training_overdue(
    db: &DatabaseConnection,
    people: &People,
    now: DateTime<Utc>,
) -> StoreResult<Mails> {
    let due = people.due(db, Job::TrainingOverdue, None, now).await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = due.iter().map(|(p, _)| p.id).collect();
    let mut open: HashMap<i32, Vec<(training_assignment::Model, Option<training_module::Model>)>> =
        HashMap::new();
    for (a, m) in training_assignment::Entity::find()
        .filter(training_assignment::Column::UserId.is_in(ids))
        .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
        .order_by_asc(training_assignment::Column::DueDate)
        .order_by_asc(training_assignment::Column::Id)
        .find_also_related(training_module::Entity)
        .all(db)
        .await?
    {
        open.entry(a.user_id).or_default().push((a, m));
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
    now: DateTime<Utc>,
    default_zone: Tz,
) -> StoreResult<Mails> {
    let due = people.due(db, Job::ActionsOverdue, None, now).await?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let open = corrective_action::Entity::find()
        .filter(corrective_action::Column::Status.eq(ActionStatus::Open))
        .order_by_asc(corrective_action::Column::DueDate)
        .order_by_asc(corrective_action::Column::Id)
        .all(db)
        .await?;
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
    people: &People,
    now: DateTime<Utc>,
) -> StoreResult<Mails> {
    let due = people
        .due(db, Job::WeeklyPlan, Some(Role::Supervisor), now)
        .await?;
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
    people: &People,
    now: DateTime<Utc>,
) -> StoreResult<Mails> {
    let due = people
        .due(db, Job::WeeklyDigest, Some(Role::Manager), now)
        .await?;
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
        let below: HashSet<i32> = people
            .all
            .iter()
            .filter(|p| matches!(p.role, Role::Staff | Role::Supervisor))
            .map(|p| p.id)
            .collect();
        let late_training = training_assignment::Entity::find()
            .filter(training_assignment::Column::Status.ne(AssignmentStatus::Completed))
            .filter(training_assignment::Column::DueDate.lt(today))
            .all(db)
            .await?;
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
                        && people
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
async fn monthly_report(
    db: &DatabaseConnection,
    people: &People,
    now: DateTime<Utc>,
) -> StoreResult<Mails> {
    let due = people
        .due(db, Job::MonthlyReport, Some(Role::Quality), now)
        .await?;
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
