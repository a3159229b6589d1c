//! The weekly spot-check sampling plan (抽查): which staff to check at which site and
//! shift. Everyone not checked for three weeks is planned this week, so nobody goes a
//! month unchecked; the remaining slots are drawn at random, weighted towards low recent
//! scores. A site's checks are dealt out over the week's working days (at most one more
//! on a day than on any other) and over the on-post hours staff work, so supervisors
//! see staff on different days and shifts. The same inputs and week always give the
//! same plan.

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::clock::{ON_POST_HOURS, ShiftPeriod};

/// What the plan knows about one staff member at one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub subject: i32,
    pub site: i32,
    pub last_checked: Option<NaiveDate>,
    /// Mean percent of their recent spot-checks.
    pub recent_mean: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not checked for three weeks or more (or never).
    Due,
    /// Drawn, weighted by a low recent score.
    Drawn,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Due => "due",
            Reason::Drawn => "drawn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    pub subject: i32,
    pub site: i32,
    pub date: NaiveDate,
    pub period: ShiftPeriod,
    pub reason: Reason,
}

/// Someone unchecked for this long is planned this week, whatever the draw.
pub const DUE_AFTER_DAYS: i64 = 21;
/// Checks are planned Monday to Saturday (front-of-house works Saturdays).
pub const WORKING_DAYS: i64 = 6;

/// The working days of the week starting `monday` still to come on `today` (all of them
/// for a week ahead; all of them again when the week has none left, so a late plan still
/// has days).
pub fn planning_days(monday: NaiveDate, today: NaiveDate) -> Vec<NaiveDate> {
    let week: Vec<NaiveDate> = (0..WORKING_DAYS)
        .map(|d| monday + Duration::days(d))
        .collect();
    let ahead: Vec<NaiveDate> = week.iter().copied().filter(|d| *d >= today).collect();
    if ahead.is_empty() { week } else { ahead }
}

/// How heavily a candidate is drawn: 1, plus one for every 5 points under 100.
pub fn weight(recent_mean: Option<f64>) -> f64 {
    1.0 + (100.0 - recent_mean.unwrap_or(85.0)).clamp(0.0, 100.0) / 5.0
}

/// Plan the week starting `monday` with at least `per_site` checks at each site (more
/// when more people are due), on the working days still ahead on `today`. Each person
/// is planned at most once a week per site.
pub fn plan_week(
    candidates: &[Candidate],
    monday: NaiveDate,
    today: NaiveDate,
    per_site: usize,
) -> Vec<Planned> {
    let days = planning_days(monday, today);
    let seed = monday.num_days_from_ce() as u64;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut sites: Vec<i32> = candidates.iter().map(|c| c.site).collect();
    sites.sort_unstable();
    sites.dedup();
    let mut plan = Vec::new();
    for site in sites {
        let mut pool: Vec<&Candidate> = candidates.iter().filter(|c| c.site == site).collect();
        pool.sort_by_key(|c| c.subject);
        let (due, mut rest): (Vec<&Candidate>, Vec<&Candidate>) = pool.into_iter().partition(|c| {
            c.last_checked
                .is_none_or(|d| (monday - d).num_days() >= DUE_AFTER_DAYS)
        });
        let mut chosen: Vec<(&Candidate, Reason)> =
            due.into_iter().map(|c| (c, Reason::Due)).collect();
        while chosen.len() < per_site && !rest.is_empty() {
            let total: f64 = rest.iter().map(|c| weight(c.recent_mean)).sum();
            let mut pick = rng.random::<f64>() * total;
            let mut index = rest.len() - 1;
            for (i, c) in rest.iter().enumerate() {
                pick -= weight(c.recent_mean);
                if pick <= 0.0 {
                    index = i;
                    break;
                }
            }
            chosen.push((rest.remove(index), Reason::Drawn));
        }
        // Deal the checks out: the k-th goes to the k-th day (from a drawn first day),
        // round and round, so no day has more than one above another. The on-post hours
        // take turns from check to check; when the days divide evenly into them, a round
        // shifts the turn too, so a day's second check is not in its first one's hours.
        chosen.shuffle(&mut rng);
        let first_day = rng.random_range(0..days.len());
        let first_hours = rng.random_range(0..ON_POST_HOURS.len());
        let shift_per_round = usize::from(days.len().is_multiple_of(ON_POST_HOURS.len()));
        for (k, (c, reason)) in chosen.into_iter().enumerate() {
            let day = (first_day + k) % days.len();
            let round = k / days.len();
            let turn = first_hours + k + round * shift_per_round;
            let hours = ON_POST_HOURS[turn % ON_POST_HOURS.len()];
            plan.push(Planned {
                subject: c.subject,
                site,
                date: days[day],
                period: hours.period(),
                reason,
            });
        }
    }
    plan.sort_by_key(|p| (p.date, p.site, p.subject));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn c(subject: i32, site: i32, days_ago: Option<i64>, mean: Option<f64>) -> Candidate {
        Candidate {
            subject,
            site,
            last_checked: days_ago.map(|d| monday() - Duration::days(d)),
            recent_mean: mean,
        }
    }

    #[test]
    fn everyone_due_is_planned_and_the_rest_fill_up() {
        let candidates = vec![
            c(1, 1, None, None),           // never checked: due
            c(2, 1, Some(21), Some(95.0)), // three weeks: due
            c(3, 1, Some(3), Some(95.0)),
            c(4, 1, Some(5), Some(60.0)),
            c(5, 2, Some(2), Some(90.0)),
        ];
        let plan = plan_week(&candidates, monday(), monday(), 3);
        let site1: Vec<&Planned> = plan.iter().filter(|p| p.site == 1).collect();
        assert_eq!(site1.len(), 3);
        assert!(
            site1
                .iter()
                .any(|p| p.subject == 1 && p.reason == Reason::Due)
        );
        assert!(
            site1
                .iter()
                .any(|p| p.subject == 2 && p.reason == Reason::Due)
        );
        let site2: Vec<&Planned> = plan.iter().filter(|p| p.site == 2).collect();
        assert_eq!(site2.len(), 1, "a site with one person plans one check");
        assert!(
            plan.iter()
                .all(|p| p.date >= monday() && p.date < monday() + Duration::days(6))
        );
    }

    #[test]
    fn the_same_week_gives_the_same_plan() {
        let candidates: Vec<Candidate> = (1..20)
            .map(|i| c(i, 1 + i % 3, Some(i as i64), Some(70.0 + i as f64)))
            .collect();
        assert_eq!(
            plan_week(&candidates, monday(), monday(), 4),
            plan_week(&candidates, monday(), monday(), 4)
        );
        assert_ne!(
            plan_week(&candidates, monday(), monday(), 4),
            plan_week(&candidates, monday() + Duration::days(7), monday(), 4)
        );
    }

    #[test]
    fn low_scores_are_drawn_more_often() {
        assert_eq!(weight(Some(100.0)), 1.0);
        assert_eq!(weight(Some(50.0)), 11.0);
        // Over many weeks, the weak performer is drawn far more than the strong one.
        let candidates = vec![c(1, 1, Some(1), Some(50.0)), c(2, 1, Some(1), Some(100.0))];
        let mut weak = 0;
        for week in 0..200 {
            let plan = plan_week(
                &candidates,
                monday() + Duration::days(7 * week),
                monday(),
                1,
            );
            weak += plan.iter().filter(|p| p.subject == 1).count();
        }
        assert!(weak > 150, "drawn {weak} of 200 weeks");
    }

    #[test]
    fn ten_checks_are_spread_over_the_week_and_both_shifts() {
        // The probe's week: ten checks at one site, all on one Friday afternoon/evening.
        let candidates: Vec<Candidate> = (1..=10).map(|i| c(i, 1, None, None)).collect();
        let plan = plan_week(&candidates, monday(), monday(), 10);
        assert_eq!(plan.len(), 10);
        let mut per_day = std::collections::BTreeMap::new();
        for p in &plan {
            *per_day.entry(p.date).or_insert(0) += 1;
        }
        assert_eq!(per_day.len(), 6, "every working day: {per_day:?}");
        assert!(per_day.values().all(|&n| n <= 2));
        let mornings = plan
            .iter()
            .filter(|p| p.period == ShiftPeriod::Morning)
            .count();
        assert_eq!(mornings, 5, "half in the morning on-post hours");
        assert!(
            plan.iter()
                .all(|p| p.period == ShiftPeriod::Morning || p.period == ShiftPeriod::Afternoon)
        );
    }

    #[test]
    fn a_plan_made_late_in_the_week_uses_the_days_left() {
        let candidates: Vec<Candidate> = (1..=6).map(|i| c(i, 1, None, None)).collect();
        let thursday = monday() + Duration::days(3);
        let plan = plan_week(&candidates, monday(), thursday, 6);
        assert!(plan.iter().all(|p| p.date >= thursday), "{plan:?}");
        assert_eq!(plan.iter().filter(|p| p.date == thursday).count(), 2);
        // On Sunday the week has no days left: the whole week is used, as for a report.
        let sunday = monday() + Duration::days(6);
        assert_eq!(planning_days(monday(), sunday).len(), 6);
    }

    proptest! {
        #[test]
        fn checks_are_dealt_evenly_over_the_days_and_within_on_post_hours(
            people in proptest::collection::vec((1i32..4, proptest::option::of(0i64..60)), 1..60),
            per_site in 0usize..20,
            week in 0i64..100,
            today_offset in -3i64..9,
        ) {
            let monday = monday() + Duration::days(7 * week);
            let today = monday + Duration::days(today_offset);
            let candidates: Vec<Candidate> = people.iter().enumerate().map(|(i, (site, ago))| Candidate {
                subject: i as i32,
                site: *site,
                last_checked: ago.map(|d| monday - Duration::days(d)),
                recent_mean: None,
            }).collect();
            let plan = plan_week(&candidates, monday, today, per_site);
            let days = planning_days(monday, today);
            for site in 1..4 {
                let at_site: Vec<&Planned> = plan.iter().filter(|p| p.site == site).collect();
                let most = at_site.len().div_ceil(days.len());
                for day in &days {
                    let n = at_site.iter().filter(|p| p.date == *day).count();
                    prop_assert!(n <= most, "{n} checks on {day}, at most {most}");
                }
                // Evenly over the on-post hours too: at most one apart, and a day with
                // two checks has one in each.
                let mornings = at_site.iter().filter(|p| p.period == ShiftPeriod::Morning).count();
                let afternoons = at_site.len() - mornings;
                prop_assert!(mornings.abs_diff(afternoons) <= 1);
                for day in &days {
                    let on_day: Vec<ShiftPeriod> = at_site.iter().filter(|p| p.date == *day).map(|p| p.period).collect();
                    if on_day.len() == 2 {
                        prop_assert_ne!(on_day[0], on_day[1]);
                    }
                }
            }
            for p in &plan {
                prop_assert!(days.contains(&p.date));
                let hours = crate::domain::clock::on_post_in(p.period);
                prop_assert!(hours.is_some(), "{} is not a shift staff work", p.period);
                prop_assert_eq!(crate::domain::clock::shift_period_at(hours.unwrap().start), p.period);
            }
        }

        #[test]
        fn nobody_due_is_left_out_and_nobody_twice(
            people in proptest::collection::vec((1i32..4, proptest::option::of(0i64..60), proptest::option::of(0.0..=100.0f64)), 1..30),
            per_site in 0usize..6,
        ) {
            let candidates: Vec<Candidate> = people.iter().enumerate().map(|(i, (site, ago, mean))| c(i as i32, *site, *ago, *mean)).collect();
            let plan = plan_week(&candidates, monday(), monday(), per_site);
            for cand in &candidates {
                let due = cand.last_checked.is_none_or(|d| (monday() - d).num_days() >= DUE_AFTER_DAYS);
                let times = plan.iter().filter(|p| p.subject == cand.subject && p.site == cand.site).count();
                prop_assert!(times <= 1);
                if due { prop_assert_eq!(times, 1); }
            }
            for site in 1..4 {
                let available = candidates.iter().filter(|c| c.site == site).count();
                let planned = plan.iter().filter(|p| p.site == site).count();
                prop_assert!(planned >= per_site.min(available));
            }
        }
    }
}
