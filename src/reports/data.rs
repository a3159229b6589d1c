//! The data behind the reports, read-only: database rows (and photo files) turned into
//! the plain structs the report builders take, already in the report's language. The
//! web routes and the CLI authorize first, then call these, then build the PDF in
//! `spawn_blocking`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};
use entity::{inspection, training_assignment, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::inspection::{AssignedTraining, FailedItem, InspectionReport, Photo};
use super::site::{ItemFigure, SectionFigure, SiteReport, StaffFigure, TrainingCounts, Uncovered};
use super::staff::{StaffInspection, StaffReport, TrainingLine};
use crate::domain::Lang;
use crate::domain::access::Scope;
use crate::domain::clock::{Tz, format_local, local_date, zone_or};
use crate::domain::record::InspectionRecord;
use crate::domain::stats::{self, Granularity, ItemFailures, Points, Sample};
use crate::store::library::{self, StoredChecklist};
use crate::store::quality::{self, QualityFilter};
use crate::store::reports::sites_of;
use crate::store::stats as kept;
use crate::store::{StoreError, StoreResult, org, training};
use crate::views::spotcheck::period_label;
use crate::web::inspections::describe_answer;

/// How many days before the end of a period a staff member must have been spot-checked
/// in to count as covered.
pub const COVERAGE_DAYS: i64 = stats::COVERAGE_DAYS;

/// The last full calendar month before `today`: the default period of a report.
pub fn last_full_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_this = today.with_day(1).unwrap_or(today);
    let to = first_this - Duration::days(1);
    (to.with_day(1).unwrap_or(to), to)
}

/// The period asked for: both ends given, one end given (the other is the first of
/// that month, or today), or neither (the last full calendar month).
pub fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (None, Some(t)) => (t.with_day(1).unwrap_or(t), t),
        (Some(f), None) => (f, today.max(f)),
        (None, None) => last_full_month(today),
    };
    if from > to {
        return Err(format!("the period starts ({from}) after it ends ({to})"));
    }
    Ok((from, to))
}

fn assignment_status(l: Lang, status: &str) -> String {
    match status {
        "completed" => l.pick("已完成", "completed"),
        "in_progress" => l.pick("進行中", "in progress"),
        _ => l.pick("已指派", "assigned"),
    }
    .to_string()
}

fn reason_label(l: Lang, reason: &str) -> String {
    match reason {
        "failure" => l.pick("抽查不合格", "After a failed item"),
        "curriculum" => l.pick("新員工課程", "New-hire curriculum"),
        _ => l.pick("主管安排", "Assigned by a manager"),
    }
    .to_string()
}

/// A photo file name as stored on a response: a plain name, never a path.
fn safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

async fn read_photo(data_dir: &Path, inspection: Uuid, file: &str) -> Photo {
    if !safe_file_name(file) {
        return Photo::Missing;
    }
    let path = data_dir
        .join("photos")
        .join(inspection.to_string())
        .join(file);
    match tokio::fs::read(&path).await {
        Ok(bytes) => Photo::File(bytes),
        Err(_) => Photo::Missing,
    }
}

/// The report of a submitted (or voided) spot-check, from its record
/// (`store::reports::report_view`), in `lang`; photos are read from `data_dir`.
/// `default_zone` is the zone of a site with none recorded.
pub async fn inspection(
    record: &InspectionRecord,
    data_dir: &Path,
    lang: Lang,
    default_zone: Tz,
) -> InspectionReport {
    let l = lang;
    // Times as the site's wall clock showed them.
    let zone = zone_or(&record.site_time_zone, default_zone);
    let local_text = |t| format_local(zone, t);
    let mut sections = Vec::new();
    let mut failed = Vec::new();
    for answered in record.answered_sections() {
        let section = answered.section.title.get(l);
        for &(item, r) in &answered.items {
            if r.outcome != "failed" {
                continue;
            }
            let photo = match &r.photo {
                Some(file) => Some(read_photo(data_dir, record.id, file).await),
                None => None,
            };
            failed.push(FailedItem {
                section: section.to_string(),
                clause: item.clause.clone(),
                text: item.text.get(l).to_string(),
                answer: r
                    .answer
                    .as_ref()
                    .map(|a| describe_answer(l, &item.kind, a))
                    .unwrap_or_default(),
                critical: item.critical,
                note: r.note.clone().filter(|n| !n.trim().is_empty()),
                photo,
            });
        }
        sections.push(answered.score_in(l));
    }
    let training = record
        .training
        .iter()
        .map(|a| AssignedTraining {
            module: a.title_in(l),
            due: a.due,
            critical: a.critical,
            status: assignment_status(l, &a.status),
        })
        .collect();
    InspectionReport {
        id: record.id.to_string(),
        site: record.site.clone(),
        shift_date: record.shift_date,
        shift_period: period_label(l, &record.shift_period).to_string(),
        staff: record.subject.clone(),
        position: record.position.as_ref().map(|p| p.get(l).to_string()),
        inspector: record.inspector.clone(),
        checklist: record.checklist.title.get(l).to_string(),
        checklist_version: record.checklist_version,
        status: record.status.clone(),
        void_reason: record.void_reason.clone(),
        recheck: record.recheck,
        submitted_at: record.submitted_at.map(local_text),
        acknowledged_at: record.acknowledged_at.map(local_text),
        score: record.score,
        max_score: record.max_score,
        percent: record.percent,
        pass_mark: record.checklist.pass_mark,
        passed: record.passed,
        sections,
        failed,
        training,
    }
}

/// Checklist versions by id, parsed once each.
async fn versions_of(
    db: &DatabaseConnection,
    ids: Vec<i32>,
) -> StoreResult<HashMap<i32, StoredChecklist>> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(id) {
            slot.insert(library::checklist_version(db, id).await?);
        }
    }
    Ok(out)
}

/// A person's record over a period. `today` decides which training is overdue. With
/// `shown_sites` (`Scope::record_sites`) the record keeps to those sites: their
/// spot-checks, and those of the person's sites.
pub async fn staff(
    db: &DatabaseConnection,
    user_id: i32,
    shown_sites: Option<&[i32]>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    lang: Lang,
) -> StoreResult<StaffReport> {
    let l = lang;
    let person = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("person {user_id}")))?;
    let position = org::position_of(db, &person).await?;
    let site_names = org::site_names(db).await?;
    // Training dates as the day at the person's (first) site.
    let zone = org::zone_at(db, &sites_of(db, user_id).await?).await?;
    let mut sites: Vec<String> = sites_of(db, user_id)
        .await?
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
        .filter(inspection::Column::Status.ne("draft"))
        .filter(inspection::Column::ShiftDate.gte(from))
        .filter(inspection::Column::ShiftDate.lte(to))
        .order_by_asc(inspection::Column::ShiftDate)
        .order_by_asc(inspection::Column::StartedAt)
        .all(db)
        .await?;
    let version_ids: Vec<i32> = rows.iter().map(|r| r.checklist_version_id).collect();
    let versions = versions_of(db, version_ids).await?;
    let inspectors = org::names(db, rows.iter().map(|r| r.inspector_id).collect()).await?;
    let samples: Vec<Sample> = rows
        .iter()
        .filter(|r| r.status == "submitted")
        .map(quality::sample)
        .collect();
    let inspections = rows
        .iter()
        .map(|r| StaffInspection {
            date: r.shift_date,
            period: period_label(l, &r.shift_period).to_string(),
            site: site_names.get(&r.site_id).cloned().unwrap_or_default(),
            checklist: versions
                .get(&r.checklist_version_id)
                .map(|v| v.checklist.title.get(l).to_string())
                .unwrap_or_default(),
            inspector: inspectors.get(&r.inspector_id).cloned().unwrap_or_default(),
            percent: r.percent,
            passed: r.passed,
            critical: r.critical_failure,
            recheck: r.recheck_of.is_some(),
            void: r.status == "void",
        })
        .collect();

    let mut history: Vec<(training_assignment::Model, training::StoredModule)> =
        training::for_person(db, user_id).await?;
    history.sort_by_key(|(a, _)| (a.assigned_at, a.id));
    let training = history
        .into_iter()
        .map(|(a, m)| TrainingLine {
            module: m.module.title.get(l).to_string(),
            reason: reason_label(l, &a.reason),
            assigned: local_date(zone, a.assigned_at),
            due: a.due_date,
            completed: a.completed_at.map(|t| local_date(zone, t)),
            quiz: a.quiz_percent,
            overdue: a.status != "completed" && a.due_date < today,
        })
        .collect();

    Ok(StaffReport {
        name: person.name.clone(),
        email: person.email.clone(),
        position: position.map(|p| l.pick(&p.name_zh, &p.name_en).to_string()),
        sites,
        hire_date: person.hire_date,
        from,
        to,
        summary: stats::summary(&samples),
        inspections,
        training,
    })
}

/// A site's period, or every site in the scope together when `site` is `None`.
/// Re-checks are left out of the figures (they are not a random sample), as on the
/// quality dashboard.
pub async fn site(
    db: &DatabaseConnection,
    scope: &Scope,
    site: Option<i32>,
    from: NaiveDate,
    to: NaiveDate,
    lang: Lang,
) -> StoreResult<SiteReport> {
    let l = lang;
    let filter = QualityFilter {
        site,
        ..QualityFilter::range(from, to)
    };
    // From the kept aggregates: the period is widened to whole weeks or months.
    let granularity = Granularity::for_range(from, to);
    let (from, to) = granularity.whole_periods(from, to);
    let filter = QualityFilter { from, to, ..filter };
    let samples = kept::samples(db, scope, &filter, granularity).await?;
    let items = kept::items(db, scope, &filter, granularity, true).await?;
    let versions = kept::versions_of(db, items.iter().map(|r| r.version).collect()).await?;

    // Failures per item and points per section, labelled from the checklist versions.
    struct ItemLabel {
        checklist: String,
        clause: String,
        text: String,
        modules: Vec<String>,
    }
    let mut counts: BTreeMap<String, ItemFailures> = BTreeMap::new();
    let mut labels: HashMap<String, ItemLabel> = HashMap::new();
    // (checklist key, section index) → (checklist title, section title, points, failures)
    let mut sections: BTreeMap<(String, usize), (String, String, Points, usize)> = BTreeMap::new();
    for r in &items {
        let Some(version) = versions.get(&r.version) else {
            continue;
        };
        let checklist = &version.checklist;
        let Some((index, section, item)) =
            checklist.sections.iter().enumerate().find_map(|(i, s)| {
                s.items
                    .iter()
                    .find(|it| it.key == r.item_key)
                    .map(|it| (i, s, it))
            })
        else {
            continue;
        };
        let key = format!("{}/{}", checklist.key, item.key);
        let entry = counts.entry(key.clone()).or_insert_with(|| ItemFailures {
            item: key.clone(),
            failures: 0,
            checked: 0,
        });
        entry.checked += r.checked;
        entry.failures += r.failed;
        labels.entry(key).or_insert_with(|| ItemLabel {
            checklist: checklist.title.get(l).to_string(),
            clause: item.clause.clone(),
            text: item.text.get(l).to_string(),
            modules: item.training.clone(),
        });
        let cell = sections
            .entry((checklist.key.clone(), index))
            .or_insert_with(|| {
                (
                    checklist.title.get(l).to_string(),
                    section.title.get(l).to_string(),
                    Points::default(),
                    0,
                )
            });
        cell.2.add(r.points, r.max_points);
        cell.3 += r.failed;
    }
    let counts: Vec<ItemFailures> = counts.into_values().collect();
    let mut module_titles: HashMap<String, String> = HashMap::new();
    let mut failed_items = Vec::new();
    for bar in stats::pareto(&counts) {
        let Some(label) = labels.get(&bar.item) else {
            continue;
        };
        let mut titles = Vec::new();
        for key in &label.modules {
            if !module_titles.contains_key(key) {
                let title = match training::module_by_key(db, key).await {
                    Ok(m) => m.module.title.get(l).to_string(),
                    Err(_) => key.clone(),
                };
                module_titles.insert(key.clone(), title);
            }
            titles.push(module_titles[key].clone());
        }
        failed_items.push(ItemFigure {
            checklist: label.checklist.clone(),
            clause: label.clause.clone(),
            text: label.text.clone(),
            failures: bar.failures,
            checked: bar.checked,
            failure_rate: bar.failure_rate,
            share: bar.share,
            cumulative: bar.cumulative,
            training: titles,
        });
    }

    // Staff figures, with an arrow comparing the two halves of the period.
    let split = granularity.halfway(from, to);
    let groups = stats::by_group(&samples, |s| s.subject, split);
    let names = org::names(db, groups.iter().map(|g| g.key).collect()).await?;
    let staff = groups
        .iter()
        .map(|g| StaffFigure {
            name: names.get(&g.key).cloned().unwrap_or_default(),
            inspections: g.inspections,
            mean: g.mean,
            pass_rate: g.pass_rate,
            arrow: g.arrow,
        })
        .collect();

    // Coverage over the last four weeks of the period: who is uncovered, and when each
    // was last checked, both as the dashboard's coverage panel counts them.
    let (sites, people) = roster_people(db, scope, site, l).await?;
    let ids: Vec<i32> = people.keys().copied().collect();
    let missing = kept::not_checked_recently(db, scope, &filter, org::roster(&sites, None)).await?;
    let last = kept::last_counted_checks(db, scope, &filter, &missing).await?;
    let mut uncovered: Vec<Uncovered> = missing
        .iter()
        .filter_map(|id| people.get(id))
        .map(|(id, name, position)| Uncovered {
            name: name.clone(),
            position: position.clone(),
            last_checked: last.get(id).copied(),
        })
        .collect();
    uncovered.sort_by(|a, b| {
        a.last_checked
            .cmp(&b.last_checked)
            .then(a.name.cmp(&b.name))
    });

    let zone = org::zone_at(db, site.as_slice()).await?;
    let training = training_counts(db, &ids, from, to, zone).await?;
    let scope_name = match site {
        Some(id) => org::site_names(db)
            .await?
            .get(&id)
            .cloned()
            .unwrap_or_default(),
        None if scope.all_sites() => l.pick("全部站點", "All sites").to_string(),
        None => l.pick("我的全部站點", "All my sites").to_string(),
    };

    Ok(SiteReport {
        scope: scope_name,
        from,
        to,
        summary: stats::summary(&samples),
        trend: stats::trend(&samples, Granularity::Week),
        failed_items,
        sections: sections
            .into_values()
            .map(|(checklist, section, points, failures)| SectionFigure {
                checklist,
                section,
                score: points.score,
                max: points.max,
                failures,
            })
            .collect(),
        staff,
        training,
        roster: ids.len(),
        coverage_days: COVERAGE_DAYS,
        uncovered,
    })
}

/// The sites in view (the one asked for, or the scope's active sites, as on the
/// dashboard) and their staff: id → (id, name, position in the language).
async fn roster_people(
    db: &DatabaseConnection,
    scope: &Scope,
    site: Option<i32>,
    lang: Lang,
) -> StoreResult<(Vec<i32>, BTreeMap<i32, (i32, String, Option<String>)>)> {
    let sites: Vec<i32> = match site {
        Some(s) => vec![s],
        None => org::visible_sites(db, scope)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    let mut out = BTreeMap::new();
    for (person, position) in org::staff_at_sites(db, &sites).await? {
        let label = position.map(|p| lang.pick(&p.name_zh, &p.name_en).to_string());
        out.entry(person.id)
            .or_insert((person.id, person.name, label));
    }
    Ok((sites, out))
}

/// Training of these people: assigned and completed during the period, and overdue at
/// its end (due before the last day and not completed by then).
async fn training_counts(
    db: &DatabaseConnection,
    people: &[i32],
    from: NaiveDate,
    to: NaiveDate,
    zone: Tz,
) -> StoreResult<TrainingCounts> {
    let mut counts = TrainingCounts::default();
    let mut seen = BTreeSet::new();
    for chunk in people.chunks(500) {
        let rows = training_assignment::Entity::find()
            .filter(training_assignment::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        for a in rows {
            if !seen.insert(a.id) {
                continue;
            }
            let assigned = local_date(zone, a.assigned_at);
            let completed = a.completed_at.map(|t| local_date(zone, t));
            if (from..=to).contains(&assigned) {
                counts.assigned += 1;
            }
            if completed.is_some_and(|d| (from..=to).contains(&d)) {
                counts.completed += 1;
            }
            if assigned <= to && a.due_date < to && completed.is_none_or(|d| d > to) {
                counts.overdue += 1;
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_default_period_is_the_last_full_month() {
        assert_eq!(
            last_full_month(d(2026, 3, 15)),
            (d(2026, 2, 1), d(2026, 2, 28))
        );
        assert_eq!(
            last_full_month(d(2026, 1, 1)),
            (d(2025, 12, 1), d(2025, 12, 31))
        );
        assert_eq!(
            period(None, None, d(2026, 3, 15)).unwrap(),
            (d(2026, 2, 1), d(2026, 2, 28))
        );
        assert_eq!(
            period(None, Some(d(2026, 5, 20)), d(2026, 6, 1)).unwrap(),
            (d(2026, 5, 1), d(2026, 5, 20))
        );
        assert!(period(Some(d(2026, 5, 2)), Some(d(2026, 5, 1)), d(2026, 6, 1)).is_err());
    }

    #[test]
    fn photo_names_are_never_paths() {
        assert!(safe_file_name("greeting-bow.jpg"));
        assert!(!safe_file_name("../decorum.db"));
        assert!(!safe_file_name("a/b.png"));
        assert!(!safe_file_name(""));
    }
}
