//! The reads behind the result page and the PDF reports: one inspection as recorded
//! (`report_view`, which the page and the PDF both render), a person's record
//! (`person_record`), a site's period (`site_period`), and the look-ups the report
//! routes and the CLI make before they authorize (a person, a site, whose record it is).
//! Everything comes back as plain values (`domain::record`), in no language yet.

use crate::i18n::Message;
use entity::states::{InspectionStatus, Outcome};
use entity::{
    inspection, inspection_response, position, site, training_assignment, training_module, user,
    user_site,
};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::filter::QualityFilter;
use super::inspections::latest_module;
use super::library::{self, StoredChecklist};
use super::quality;
use super::stats as kept;
use super::{StoreError, StoreResult, org, training};
use crate::domain::access::{Role, Scope};
use crate::domain::clock::{Tz, day_start};
use crate::domain::record::{
    AssignedModule, HeldAssignment, InspectionRecord, ItemFailed, PersonInspection, PersonRecord,
    RecordedResponse, RosterPerson, SitePeriod, TrainingCall, TrainingCounts, TrainingHistory,
    training_calls,
};
use crate::domain::stats::{Granularity, Sample, StaffCut, printed_staff, uncovered_candidates};
use crate::domain::{Checklist, Text};

/// The inspection row, or `NotFound`: what the routes authorize on before reading more.
pub async fn inspection_row<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> StoreResult<inspection::Model> {
    inspection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("inspection {id}")))
}

/// A submitted (or voided) inspection with everything its result shows: names, the
/// subject's position, the answers, and the training it assigned. `checklist` is the
/// version it was scored on (the web keeps parsed versions: `AppState::checklist_version`).
/// Drafts have no result.
pub async fn report_view<C: ConnectionTrait>(
    db: &C,
    row: inspection::Model,
    checklist: StoredChecklist,
) -> StoreResult<InspectionRecord> {
    let id = row.id;
    if row.status == InspectionStatus::Draft {
        return Err(StoreError::Invalid(
            Message::new("refuse-draft-has-no-report").arg("id", id),
        ));
    }
    let responses: Vec<RecordedResponse> = inspection_response::Entity::find()
        .filter(inspection_response::Column::InspectionId.eq(id))
        .order_by_asc(inspection_response::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RecordedResponse {
            answer: serde_json::from_value(r.value).ok(),
            item_key: r.item_key,
            outcome: r.outcome,
            points: r.points,
            max_points: r.max_points,
            note: r.note,
            photo: r.photo,
        })
        .collect();
    let names = org::names(db, vec![row.subject_id, row.inspector_id]).await?;
    let position = match user::Entity::find_by_id(row.subject_id).one(db).await? {
        Some(subject) => org::position_of(db, &subject)
            .await?
            .map(|p| org::position_name(&p)),
        None => None,
    };
    let site = site::Entity::find_by_id(row.site_id).one(db).await?;
    let assignments = training_assignment::Entity::find()
        .filter(training_assignment::Column::InspectionId.eq(id))
        .order_by_asc(training_assignment::Column::Id)
        .find_also_related(training_module::Entity)
        .all(db)
        .await?;
    let mut assigned = Vec::with_capacity(assignments.len());
    for (a, module) in assignments {
        // A module whose definition no longer reads still shows, by its key.
        let (key, title) = match module {
            Some(m) => {
                let title = latest_module(db, m.id).await.ok().map(|def| def.title);
                (m.key, title)
            }
            None => (String::new(), None),
        };
        assigned.push(AssignedModule {
            key,
            title,
            due: a.due_date,
            critical: a.critical,
            status: a.status,
        });
    }
    let calls = training_calls_of(db, &row, &checklist.checklist, &responses).await?;
    Ok(InspectionRecord {
        id,
        site_id: row.site_id,
        site: site.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        site_time_zone: site.map(|s| s.time_zone).unwrap_or_default(),
        subject_id: row.subject_id,
        subject: names.get(&row.subject_id).cloned().unwrap_or_default(),
        position,
        inspector_id: row.inspector_id,
        inspector: names.get(&row.inspector_id).cloned().unwrap_or_default(),
        shift_date: row.shift_date,
        shift_period: row.shift_period,
        status: row.status,
        void_reason: row.void_reason,
        recheck: row.recheck_of.is_some(),
        submitted_at: row.submitted_at,
        acknowledged_at: row.acknowledged_at,
        score: row.score,
        max_score: row.max_score,
        percent: row.percent,
        passed: row.passed,
        critical_failure: row.critical_failure,
        checklist: checklist.checklist,
        checklist_version: checklist.version,
        responses,
        training: assigned,
        calls,
    })
}

/// What became of the training each failed item calls for: the subject's assignments of
/// those modules (any status), sorted out by `domain::record::training_calls`.
async fn training_calls_of<C: ConnectionTrait>(
    db: &C,
    row: &inspection::Model,
    checklist: &Checklist,
    responses: &[RecordedResponse],
) -> StoreResult<Vec<TrainingCall>> {
    let failed: Vec<(String, Vec<String>)> = responses
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .filter_map(|r| checklist.item(&r.item_key))
        .filter(|item| !item.training.is_empty())
        .map(|item| (item.key.clone(), item.training.clone()))
        .collect();
    if failed.is_empty() {
        return Ok(Vec::new());
    }
    let keys: BTreeSet<String> = failed.iter().flat_map(|(_, m)| m.iter().cloned()).collect();
    let modules = training_module::Entity::find()
        .filter(training_module::Column::Key.is_in(keys))
        .all(db)
        .await?;
    let mut held = Vec::new();
    if !modules.is_empty() {
        let by_id: HashMap<i32, &training_module::Model> =
            modules.iter().map(|m| (m.id, m)).collect();
        let mut titles: HashMap<i32, Option<Text>> = HashMap::new();
        for m in &modules {
            titles.insert(m.id, latest_module(db, m.id).await.ok().map(|d| d.title));
        }
        for a in training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.eq(row.subject_id))
            .filter(training_assignment::Column::ModuleId.is_in(by_id.keys().copied()))
            .order_by_asc(training_assignment::Column::Id)
            .all(db)
            .await?
        {
            held.push(HeldAssignment {
                module: AssignedModule {
                    key: by_id[&a.module_id].key.clone(),
                    title: titles.get(&a.module_id).cloned().flatten(),
                    due: a.due_date,
                    critical: a.critical,
                    status: a.status,
                },
                reason: a.reason,
                inspection_id: a.inspection_id,
                assigned_at: a.assigned_at,
                completed_at: a.completed_at,
            });
        }
    }
    Ok(training_calls(row.id, row.submitted_at, &failed, &held))
}

/// A person by email (any case) or by numeric id.
pub async fn find_person<C: ConnectionTrait>(db: &C, who: &str) -> StoreResult<user::Model> {
    let who = who.trim();
    let found = match who.parse::<i32>() {
        Ok(id) => user::Entity::find_by_id(id).one(db).await?,
        Err(_) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(who.to_lowercase()))
                .one(db)
                .await?
        }
    };
    found.ok_or_else(|| StoreError::NotFound(format!("person `{who}`")))
}

/// A site by its id or its code (any case); a number is taken as an id first.
pub async fn find_site<C: ConnectionTrait>(db: &C, code: &str) -> StoreResult<site::Model> {
    let code = code.trim();
    let all = site::Entity::find().all(db).await?;
    let id = code.parse::<i32>().ok();
    let by_id = all.iter().position(|s| Some(s.id) == id);
    let by_code = || all.iter().position(|s| s.code.eq_ignore_ascii_case(code));
    by_id
        .or_else(by_code)
        .map(|at| all[at].clone())
        .ok_or_else(|| StoreError::NotFound(format!("site `{code}`")))
}

/// The sites a person belongs to.
pub async fn sites_of<C: ConnectionTrait>(db: &C, user_id: i32) -> StoreResult<Vec<i32>> {
    Ok(user_site::Entity::find()
        .filter(user_site::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.site_id)
        .collect())
}

/// A person's role and sites, what `Scope::can_read_record_of` decides on; `None` for
/// nobody (or a role this build does not know).
pub async fn record_holder<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
) -> StoreResult<Option<(Role, Vec<i32>)>> {
    let Some(person) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&person.role) else {
        return Ok(None);
    };
    Ok(Some((role, sites_of(db, user_id).await?)))
}

/// A person's record from `from` to `to`. With `shown_sites` (`Scope::record_sites`) it
/// keeps to those sites: their spot-checks, and those of the person's sites.
pub async fn person_record(
    db: &DatabaseConnection,
    user_id: i32,
    shown_sites: Option<&[i32]>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<PersonRecord> {
    let person = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("person {user_id}")))?;
    let position = org::position_of(db, &person)
        .await?
        .map(|p| org::position_name(&p));
    let site_names = org::site_names(db).await?;
    let own_sites = sites_of(db, user_id).await?;
    let time_zone = org::zone_at(db, &own_sites).await?;
    let mut sites: Vec<String> = own_sites
        .into_iter()
        .filter(|s| shown_sites.is_none_or(|shown| shown.contains(s)))
        .filter_map(|s| site_names.get(&s).cloned())
        .collect();
    sites.sort();

    let mut rows = inspection::Entity::find();
    if let Some(shown) = shown_sites {
        rows = rows.filter(inspection::Column::SiteId.is_in(shown.to_vec()));
    }
    let rows = rows
        .filter(inspection::Column::SubjectId.eq(user_id))
        .filter(inspection::Column::Status.ne(InspectionStatus::Draft))
        .filter(inspection::Column::ShiftDate.gte(from))
        .filter(inspection::Column::ShiftDate.lte(to))
        .order_by_asc(inspection::Column::ShiftDate)
        .order_by_asc(inspection::Column::StartedAt)
        .all(db)
        .await?;
    let mut titles: HashMap<i32, Text> = HashMap::new();
    for r in &rows {
        if let Entry::Vacant(slot) = titles.entry(r.checklist_version_id) {
            slot.insert(
                library::checklist_version(db, r.checklist_version_id)
                    .await?
                    .checklist
                    .title,
            );
        }
    }
    let inspectors = org::names(db, rows.iter().map(|r| r.inspector_id).collect()).await?;
    let failures = failed_items(db, &rows).await?;
    let samples = rows
        .iter()
        .filter(|r| r.status == InspectionStatus::Submitted)
        .map(quality::sample)
        .collect();
    let inspections = rows
        .into_iter()
        .map(|r| PersonInspection {
            site: site_names.get(&r.site_id).cloned().unwrap_or_default(),
            checklist: titles.get(&r.checklist_version_id).cloned(),
            inspector: inspectors.get(&r.inspector_id).cloned().unwrap_or_default(),
            shift_date: r.shift_date,
            shift_period: r.shift_period,
            percent: r.percent,
            passed: r.passed,
            critical_failure: r.critical_failure,
            recheck: r.recheck_of.is_some(),
            status: r.status,
        })
        .collect();

    let mut history = training::for_person(db, user_id).await?;
    history.sort_by_key(|(a, _)| (a.assigned_at, a.id));
    let training = history
        .into_iter()
        .map(|(a, m)| TrainingHistory {
            module: m.module.title,
            reason: a.reason,
            assigned_at: a.assigned_at,
            due: a.due_date,
            completed_at: a.completed_at,
            quiz_percent: a.quiz_percent,
            status: a.status,
        })
        .collect();

    Ok(PersonRecord {
        name: person.name,
        email: person.email,
        position,
        sites,
        hire_date: person.hire_date,
        time_zone,
        inspections,
        samples,
        training,
        failures,
    })
}

/// The items failed in the submitted spot-checks among `rows`, counted per checklist
/// and item across versions, most failures first (then by clause).
async fn failed_items(
    db: &DatabaseConnection,
    rows: &[inspection::Model],
) -> StoreResult<Vec<ItemFailed>> {
    let version_of: HashMap<Uuid, i32> = rows
        .iter()
        .filter(|r| r.status == InspectionStatus::Submitted)
        .map(|r| (r.id, r.checklist_version_id))
        .collect();
    let mut counts: BTreeMap<(i32, String), usize> = BTreeMap::new();
    for chunk in version_of.keys().copied().collect::<Vec<_>>().chunks(500) {
        let failed: Vec<(Uuid, String)> = inspection_response::Entity::find()
            .select_only()
            .column(inspection_response::Column::InspectionId)
            .column(inspection_response::Column::ItemKey)
            .filter(inspection_response::Column::InspectionId.is_in(chunk.to_vec()))
            .filter(inspection_response::Column::Outcome.eq(Outcome::Failed))
            .into_tuple()
            .all(db)
            .await?;
        for (inspection, item) in failed {
            *counts.entry((version_of[&inspection], item)).or_default() += 1;
        }
    }
    // (checklist key, item key) → (clause, text, times)
    let mut merged: BTreeMap<(String, String), (String, Text, usize)> = BTreeMap::new();
    let mut versions: HashMap<i32, Checklist> = HashMap::new();
    for ((version, item), times) in counts {
        if let Entry::Vacant(slot) = versions.entry(version) {
            slot.insert(library::checklist_version(db, version).await?.checklist);
        }
        let checklist = &versions[&version];
        let Some((_, found)) = checklist.items().find(|(_, i)| i.key == item) else {
            continue;
        };
        merged
            .entry((checklist.key.clone(), item))
            .or_insert_with(|| (found.clause.clone(), found.text.clone(), 0))
            .2 += times;
    }
    let mut out: Vec<ItemFailed> = merged
        .into_values()
        .map(|(clause, text, times)| ItemFailed {
            clause,
            text,
            times,
        })
        .collect();
    out.sort_by(|a, b| b.times.cmp(&a.times).then(a.clause.cmp(&b.clause)));
    Ok(out)
}

/// A site's period, or every site in the scope together when `site` is `None`, from
/// the kept aggregates (the period widened to whole weeks or months); re-checks are
/// left out (they are not a random sample), as on the quality dashboard. What it reads
/// does not grow with the staff of a group: the figures, the trend and the sites come
/// from the site roll-up, and the staff list of several sites is cut
/// ([`StaffCut::REPORT`]): only the people it may print are read, with their names.
pub async fn site_period(
    db: &DatabaseConnection,
    scope: &Scope,
    site: Option<i32>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<SitePeriod> {
    let granularity = Granularity::for_range(from, to);
    let (from, to) = granularity.whole_periods(from, to);
    let split = granularity.halfway(from, to);
    let filter = QualityFilter {
        site,
        ..QualityFilter::range(from, to)
    };
    // One site's report lists all its staff; several sites' the lowest and those
    // needing attention, and says where the rest are.
    let staff_cut = site.is_none().then_some(StaffCut::REPORT);
    let site_samples: Vec<Sample> = kept::site_rows(db, scope, &filter, granularity, split)
        .await?
        .into_iter()
        .map(|r| r.sample)
        .collect();
    let period_samples = kept::period_samples(db, scope, &filter, granularity).await?;
    let staff = kept::report_staff(db, scope, &filter, granularity, split, staff_cut).await?;
    let mut names = org::names(db, staff.standings.iter().map(|s| s.subject).collect()).await?;
    let printed = printed_staff(
        &staff.standings,
        |id| names.get(&id).map_or("", String::as_str),
        staff_cut,
    );
    let printed_set: HashSet<i32> = printed.iter().copied().collect();
    names.retain(|id, _| printed_set.contains(id));
    let staff_samples = staff
        .samples
        .into_iter()
        .filter(|s| printed_set.contains(&s.subject))
        .collect();
    let staff_sites = kept::sites_checked(db, scope, &filter, granularity, &printed).await?;
    // The whole group's items (one roll-up row per item for those who see every site):
    // the report adds them up across sites anyway.
    let items = kept::items(db, scope, &filter, granularity, false).await?;
    let checklists: HashMap<i32, Checklist> =
        kept::versions_of(db, items.iter().map(|r| r.version).collect())
            .await?
            .into_iter()
            .map(|(id, v)| (id, v.checklist))
            .collect();
    // The modules failed items call for; one that does not read is shown by its key.
    let mut modules = HashMap::new();
    for key in items
        .iter()
        .filter(|r| r.failed > 0)
        .filter_map(|r| {
            let checklist = checklists.get(&r.version)?;
            checklist
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .find(|it| it.key == r.item_key)
        })
        .flat_map(|item| &item.training)
    {
        if !modules.contains_key(key)
            && let Ok(m) = training::module_by_key(db, key).await
        {
            modules.insert(key.clone(), m.module.title);
        }
    }

    // The sites in view (the one asked for, or the scope's active sites, as on the
    // dashboard) and their staff.
    let sites: Vec<i32> = match site {
        Some(s) => vec![s],
        None => org::visible_sites(db, scope)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    // Counted and picked by the database: what is read does not grow with the staff.
    let roster = org::roster(&sites, None);
    let roster_total = count_people(db, roster.clone()).await?;
    let uncovered = kept::not_checked_recently(db, scope, &filter, roster.clone()).await?;
    let last_checked = kept::last_counted_checks(db, scope, &filter, &uncovered).await?;
    let candidates = uncovered_candidates(&uncovered, &last_checked, staff_cut);
    let mut uncovered_people = HashMap::new();
    for chunk in candidates.chunks(500) {
        let people = user::Entity::find()
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .find_also_related(position::Entity)
            .all(db)
            .await?;
        for (person, position) in people {
            uncovered_people.insert(
                person.id,
                RosterPerson {
                    name: person.name,
                    position: position.map(|p| org::position_name(&p)),
                },
            );
        }
    }
    let zone = org::zone_at(db, site.as_slice()).await?;
    let training = training_counts(db, roster, zone, from, to).await?;
    let mut site_names = org::site_names(db).await?;
    let named: HashSet<i32> = site_samples
        .iter()
        .map(|s| s.site)
        .chain(staff_sites.iter().map(|(_, site)| *site))
        .chain(site)
        .collect();
    site_names.retain(|id, _| named.contains(id));
    let site_name = site.map(|id| site_names.get(&id).cloned().unwrap_or_default());
    Ok(SitePeriod {
        from,
        to,
        granularity,
        site_samples,
        period_samples,
        staff: staff_samples,
        printed_staff: printed,
        staff_total: staff.total,
        staff_cut,
        staff_sites,
        items,
        checklists,
        modules,
        names,
        roster: roster_total,
        uncovered,
        last_checked,
        uncovered_people,
        training,
        site: site_name,
        all_sites: scope.all_sites(),
        site_names,
    })
}

/// How many people a subquery of user ids holds.
async fn count_people(
    db: &DatabaseConnection,
    people: sea_orm::sea_query::SelectStatement,
) -> StoreResult<usize> {
    let total = user::Entity::find()
        .filter(user::Column::Id.in_subquery(people))
        .count(db)
        .await?;
    Ok(total as usize)
}

/// The training of the `roster` (a subquery of user ids) from `from` to `to`, in days
/// in `zone`: assigned and completed during the period, and overdue at its end (due
/// before the last day, assigned by then and not completed by then). The database
/// counts, comparing the instants with the days' starts (`clock::day_start`).
async fn training_counts(
    db: &DatabaseConnection,
    roster: sea_orm::sea_query::SelectStatement,
    zone: Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<TrainingCounts> {
    use training_assignment::Column as A;
    let start = day_start(zone, from);
    let after = day_start(zone, to + chrono::Duration::days(1));
    let count = |during: sea_orm::Condition| {
        training_assignment::Entity::find()
            .filter(A::UserId.in_subquery(roster.clone()))
            .filter(during)
            .count(db)
    };
    let assigned = count(
        sea_orm::Condition::all()
            .add(A::AssignedAt.gte(start))
            .add(A::AssignedAt.lt(after)),
    )
    .await?;
    let completed = count(
        sea_orm::Condition::all()
            .add(A::CompletedAt.gte(start))
            .add(A::CompletedAt.lt(after)),
    )
    .await?;
    let overdue = count(
        sea_orm::Condition::all()
            .add(A::AssignedAt.lt(after))
            .add(A::DueDate.lt(to))
            .add(
                sea_orm::Condition::any()
                    .add(A::CompletedAt.is_null())
                    .add(A::CompletedAt.gte(after)),
            ),
    )
    .await?;
    Ok(TrainingCounts {
        assigned: assigned as usize,
        completed: completed as usize,
        overdue: overdue as usize,
    })
}
