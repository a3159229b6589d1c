//! The reports' contents: what the store read (`store::reports`, as `domain::record`
//! values) and the photos' bytes, turned into the plain structs the report builders take,
//! already in the report's language. The web routes and the CLI authorize first, read
//! the record, call these, then build the PDF in `spawn_blocking`. No query runs here.

use crate::i18n::Message;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate};

use super::inspection::{AssignedTraining, FailedItem, InspectionReport, Photo};
use super::site::{ItemFigure, SectionFigure, SiteReport, StaffFigure, Uncovered};
use super::staff::{RepeatedFailure, StaffInspection, StaffReport, TrainingLine};
use crate::domain::clock::{Tz, format_local, local_date, period_label, zone_or};
use crate::domain::record::{InspectionRecord, PersonRecord, SitePeriod};
use crate::domain::scoring::{describe_answer, describe_expected};
use crate::domain::stats::{self, Granularity, GroupFigure, ItemFailures, Points};
use crate::domain::training::reason_label;
use crate::domain::{AssignmentStatus, InspectionStatus, Lang, Outcome};
use crate::i18n::Localize;

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
) -> Result<(NaiveDate, NaiveDate), Message> {
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (None, Some(t)) => (t.with_day(1).unwrap_or(t), t),
        (Some(f), None) => (f, today.max(f)),
        (None, None) => last_full_month(today),
    };
    if from > to {
        return Err(Message::new("refuse-period-backwards")
            .arg("from", from)
            .arg("to", to));
    }
    Ok((from, to))
}

fn assignment_status(l: Lang, status: AssignmentStatus) -> String {
    l.t(match status {
        AssignmentStatus::Completed => "report-completed",
        AssignmentStatus::InProgress => "report-in-progress",
        AssignmentStatus::Assigned => "report-assigned",
    })
}

/// The report of a submitted (or voided) spot-check, from its record
/// (`store::reports::report_view`), in `lang`. `photos` holds the bytes of the photos
/// its responses name, by file name, as the file storage read them
/// (`store::files::Files::photos_of`); one not there is printed as missing.
/// `default_zone` is the zone of a site with none recorded.
pub fn inspection(
    record: &InspectionRecord,
    photos: &BTreeMap<String, Vec<u8>>,
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
            if r.outcome != Outcome::Failed {
                continue;
            }
            let photo = r.photo.as_ref().map(|file| match photos.get(file) {
                Some(bytes) => Photo::File(bytes.clone()),
                None => Photo::Missing,
            });
            failed.push(FailedItem {
                section: section.to_string(),
                clause: item.clause.clone(),
                text: item.text.get(l).to_string(),
                answer: r
                    .answer
                    .as_ref()
                    .map(|a| describe_answer(l, &item.kind, a))
                    .unwrap_or_default(),
                expected: describe_expected(l, &item.kind),
                critical: item.critical,
                note: r.note.clone().filter(|n| !n.trim().is_empty()),
                photo,
                training: record
                    .calls
                    .iter()
                    .filter(|c| c.item_key == item.key)
                    .map(|c| c.describe(l))
                    .collect(),
            });
        }
        sections.push(answered.score_in(l));
    }
    let training = record
        .newly_assigned()
        .into_iter()
        .map(|a| AssignedTraining {
            module: a.title_in(l),
            due: a.due,
            critical: a.critical,
            status: assignment_status(l, a.status),
        })
        .collect();
    InspectionReport {
        id: record.id.to_string(),
        site: record.site.clone(),
        shift_date: record.shift_date,
        shift_period: period_label(l, record.shift_period),
        staff: record.subject.clone(),
        position: record.position.as_ref().map(|p| p.get(l).to_string()),
        inspector: record.inspector.clone(),
        checklist: record.checklist.title.get(l).to_string(),
        checklist_version: record.checklist_version,
        status: record.status,
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

/// A person's record over a period (`store::reports::person_record`), in `lang`.
/// `today` decides which training is overdue.
pub fn staff(
    record: &PersonRecord,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    lang: Lang,
) -> StaffReport {
    let l = lang;
    let zone = record.time_zone;
    let inspections = record
        .inspections
        .iter()
        .map(|r| StaffInspection {
            date: r.shift_date,
            period: period_label(l, r.shift_period),
            site: r.site.clone(),
            checklist: r
                .checklist
                .as_ref()
                .map(|t| t.get(l).to_string())
                .unwrap_or_default(),
            inspector: r.inspector.clone(),
            percent: r.percent,
            passed: r.passed,
            critical: r.critical_failure,
            recheck: r.recheck,
            void: r.status == InspectionStatus::Void,
        })
        .collect();
    let training = record
        .training
        .iter()
        .map(|a| TrainingLine {
            module: a.module.get(l).to_string(),
            reason: l.t(reason_label(a.reason)),
            assigned: local_date(zone, a.assigned_at),
            due: a.due,
            completed: a.completed_at.map(|t| local_date(zone, t)),
            quiz: a.quiz_percent,
            overdue: a.status != AssignmentStatus::Completed && a.due < today,
        })
        .collect();
    StaffReport {
        name: record.name.clone(),
        email: record.email.clone(),
        position: record.position.as_ref().map(|p| p.get(l).to_string()),
        sites: record.sites.clone(),
        hire_date: record.hire_date,
        from,
        to,
        summary: stats::summary(&record.samples),
        trend: stats::by_group(
            &record.samples,
            |_| (),
            Granularity::for_range(from, to).halfway(from, to),
        )
        .first()
        .and_then(|g| g.arrow),
        repeated: record
            .failures
            .iter()
            .filter(|f| f.times > 1)
            .map(|f| RepeatedFailure {
                clause: f.clause.clone(),
                text: f.text.get(l).to_string(),
                times: f.times,
            })
            .collect(),
        inspections,
        training,
    }
}

/// A site's period (`store::reports::site_period`), in `lang`: its figures, the items
/// that failed most, its staff, coverage and training.
pub fn site(period: &SitePeriod, lang: Lang) -> SiteReport {
    let l = lang;
    let (from, to) = (period.from, period.to);

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
    for r in &period.items {
        let Some(checklist) = period.checklists.get(&r.version) else {
            continue;
        };
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
    let module_title = |key: &String| {
        period
            .modules
            .get(key)
            .map_or_else(|| key.clone(), |t| t.get(l).to_string())
    };
    let failed_items = stats::pareto(&counts)
        .into_iter()
        .filter_map(|bar| {
            let label = labels.get(&bar.item)?;
            Some(ItemFigure {
                checklist: label.checklist.clone(),
                clause: label.clause.clone(),
                text: label.text.clone(),
                failures: bar.failures,
                checked: bar.checked,
                failure_rate: bar.failure_rate,
                share: bar.share,
                cumulative: bar.cumulative,
                training: label.modules.iter().map(module_title).collect(),
            })
        })
        .collect();

    // Staff figures, in print order, with an arrow comparing the two halves of the
    // period.
    let split = period.granularity.halfway(from, to);
    let mut groups: HashMap<i32, GroupFigure<i32>> =
        stats::by_group(&period.staff, |s| s.subject, split)
            .into_iter()
            .map(|g| (g.key, g))
            .collect();
    // Each person's sites where they were checked, by name: people who share a name
    // are told apart, and a group's table says where each works.
    let mut sites_of: HashMap<i32, BTreeSet<String>> = HashMap::new();
    for (person, site) in &period.staff_sites {
        if let Some(name) = period.site_names.get(site) {
            sites_of.entry(*person).or_default().insert(name.clone());
        }
    }
    let staff = period
        .printed_staff
        .iter()
        .filter_map(|id| groups.remove(id))
        .map(|g| StaffFigure {
            name: period.names.get(&g.key).cloned().unwrap_or_default(),
            site: sites_of
                .get(&g.key)
                .map(|names| names.iter().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
            inspections: g.inspections,
            mean: g.mean,
            pass_rate: g.pass_rate,
            arrow: g.arrow,
        })
        .collect();
    // Site by site, when the report spans several.
    let by_site = if period.site.is_none() {
        stats::by_group(&period.site_samples, |s| s.site, split)
            .iter()
            .map(|g| StaffFigure {
                name: period.site_names.get(&g.key).cloned().unwrap_or_default(),
                site: String::new(),
                inspections: g.inspections,
                mean: g.mean,
                pass_rate: g.pass_rate,
                arrow: g.arrow,
            })
            .collect()
    } else {
        Vec::new()
    };

    // Coverage over the last four weeks of the period: who is uncovered, and when each
    // was last checked, both as the dashboard's coverage panel counts them.
    let mut uncovered: Vec<Uncovered> = period
        .uncovered
        .iter()
        .filter_map(|id| Some((id, period.uncovered_people.get(id)?)))
        .map(|(id, person)| Uncovered {
            name: person.name.clone(),
            position: person.position.as_ref().map(|p| p.get(l).to_string()),
            last_checked: period.last_checked.get(id).copied(),
        })
        .collect();
    uncovered.sort_by(|a, b| {
        a.last_checked
            .cmp(&b.last_checked)
            .then(a.name.cmp(&b.name))
    });
    // Several sites' report names the longest unchecked, as many as its staff list at
    // most; the dashboard's coverage panel names them all.
    let uncovered_total = period.uncovered.len();
    if let Some(cut) = period.staff_cut {
        uncovered.truncate(cut.most);
    }

    let scope_name = match &period.site {
        Some(name) => name.clone(),
        None if period.all_sites => l.t("report-all-sites"),
        None => l.t("report-all-my-sites"),
    };

    SiteReport {
        scope: scope_name,
        from,
        to,
        summary: stats::summary(&period.site_samples),
        grain: period.granularity,
        trend: stats::trend(&period.period_samples, period.granularity),
        by_site,
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
        staff_total: period.staff_total,
        staff_cut: period.staff_cut,
        training: period.training,
        roster: period.roster,
        coverage_days: COVERAGE_DAYS,
        uncovered,
        uncovered_total,
    }
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
}
