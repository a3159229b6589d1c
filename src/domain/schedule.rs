//! Scheduled mail, pure: the jobs, the period a local time falls in, when a job is due,
//! and what counts as overdue.
//!
//! Every job is sent at [`SEND_AT`] local time on the first day of its period (each day;
//! Mondays; the 1st of the month), in the zone of the recipient's primary site. A job is
//! due from that moment until its period ends, so an instance that was down at 07:00
//! sends it once when it comes back (the store keeps one row per job, person and
//! period): an outage is caught up once, never once per missed tick or day.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::notify::MailKind;

/// The local time of day scheduled mail goes out.
pub const SEND_AT: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(t) => t,
    None => panic!("07:00 is a time"),
};

/// How often a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    Daily,
    /// Weeks start on Monday.
    Weekly,
    Monthly,
}

/// A stretch of local dates a job is sent once for: `start` to `end` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub key: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The period of `cadence` containing `date`.
    pub fn containing(cadence: Cadence, date: NaiveDate) -> Period {
        match cadence {
            Cadence::Daily => Period {
                key: date.to_string(),
                start: date,
                end: date + Days::new(1),
            },
            Cadence::Weekly => {
                let start = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
                let week = start.iso_week();
                Period {
                    key: format!("{}-W{:02}", week.year(), week.week()),
                    start,
                    end: start + Days::new(7),
                }
            }
            Cadence::Monthly => {
                let start = date.with_day(1).unwrap_or(date);
                Period {
                    key: start.format("%Y-%m").to_string(),
                    start,
                    end: start + Months::new(1),
                }
            }
        }
    }

    /// The period just before this one (a digest reports on the week that ended; the
    /// monthly report on the month that ended).
    pub fn previous(&self, cadence: Cadence) -> Period {
        Period::containing(cadence, self.start - Days::new(1))
    }

    /// The last date in the period.
    pub fn last_day(&self) -> NaiveDate {
        self.end - Days::new(1)
    }
}

/// The period of `cadence` whose mail is due at local time `local`: the one containing
/// it, once its first day's [`SEND_AT`] has passed (before that on the first day: none,
/// not the period before: a week that is over gets no plan).
pub fn due_period(cadence: Cadence, local: NaiveDateTime) -> Option<Period> {
    let period = Period::containing(cadence, local.date());
    (local >= period.start.and_time(SEND_AT)).then_some(period)
}

/// [`due_period`] at instant `now` in `zone`.
pub fn due_in_zone(cadence: Cadence, zone: Tz, now: DateTime<Utc>) -> Option<Period> {
    due_period(cadence, now.with_timezone(&zone).naive_local())
}

/// A training assignment or an action is overdue once its due date is behind the local
/// "today": due today is not yet overdue.
pub fn is_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    due < today
}

/// The scheduled jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Daily, to anyone with training past due: the modules.
    TrainingOverdue,
    /// Daily, to the owners of open actions past due (a person, or the holders of the
    /// owner role at the action's site).
    ActionsOverdue,
    /// Mondays, to supervisors: the week's sampling plan at their sites and the
    /// re-checks waiting there.
    WeeklyPlan,
    /// Mondays, to managers: the week that ended at their sites.
    WeeklyDigest,
    /// The 1st, to the quality department: the month that ended, as the site report PDF.
    MonthlyReport,
}

impl Job {
    pub const ALL: [Job; 5] = [
        Job::TrainingOverdue,
        Job::ActionsOverdue,
        Job::WeeklyPlan,
        Job::WeeklyDigest,
        Job::MonthlyReport,
    ];

    pub fn cadence(self) -> Cadence {
        match self {
            Job::TrainingOverdue | Job::ActionsOverdue => Cadence::Daily,
            Job::WeeklyPlan | Job::WeeklyDigest => Cadence::Weekly,
            Job::MonthlyReport => Cadence::Monthly,
        }
    }

    /// The mail it sends (and the preference that turns it off).
    pub fn kind(self) -> MailKind {
        match self {
            Job::TrainingOverdue => MailKind::TrainingOverdue,
            Job::ActionsOverdue => MailKind::ActionsOverdue,
            Job::WeeklyPlan => MailKind::WeeklyPlan,
            Job::WeeklyDigest => MailKind::WeeklyDigest,
            Job::MonthlyReport => MailKind::MonthlyReport,
        }
    }

    /// The name stored with each (job, person, period) sent.
    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }
}

/// A pass rate in percent, `None` with nothing counted.
pub fn pass_rate(passed: u64, checked: u64) -> Option<u64> {
    (checked > 0).then(|| (passed * 100 + checked / 2) / checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_monday_seven_oclock_job_in_hong_kong_is_due_from_sunday_23_utc() {
        let hk = chrono_tz::Asia::Hong_Kong;
        // Sunday 23:59 there: the week that ends is still the one due (a tick that
        // missed it catches up)...
        assert_eq!(
            due_in_zone(Cadence::Weekly, hk, utc("2026-11-29 15:59")).map(|p| p.key),
            Some("2026-W48".to_string())
        );
        // ...but not on Monday before 07:00, when the new one is not due yet.
        assert!(due_in_zone(Cadence::Weekly, hk, utc("2026-11-29 22:59")).is_none());
        assert_eq!(
            due_in_zone(Cadence::Weekly, hk, utc("2026-11-29 23:00"))
                .unwrap()
                .start,
            date("2026-11-30")
        );
        assert_eq!(
            due_in_zone(Cadence::Weekly, hk, utc("2026-11-29 23:00"))
                .unwrap()
                .key,
            "2026-W49"
        );
    }

    #[test]
    fn a_monday_seven_oclock_job_in_new_york_follows_daylight_saving() {
        let ny = chrono_tz::America::New_York;
        // Summer time began on Sunday 8 March 2026: Monday 07:00 EDT is 11:00 UTC.
        assert!(due_in_zone(Cadence::Weekly, ny, utc("2026-03-09 10:59")).is_none());
        assert_eq!(
            due_in_zone(Cadence::Weekly, ny, utc("2026-03-09 11:00"))
                .unwrap()
                .start,
            date("2026-03-09")
        );
        // It ended on Sunday 1 November 2026: Monday 07:00 EST is 12:00 UTC.
        assert!(due_in_zone(Cadence::Weekly, ny, utc("2026-11-02 11:59")).is_none());
        assert_eq!(
            due_in_zone(Cadence::Weekly, ny, utc("2026-11-02 12:00"))
                .unwrap()
                .start,
            date("2026-11-02")
        );
        // The same instant is already Monday afternoon in Hong Kong.
        assert_eq!(
            due_in_zone(
                Cadence::Weekly,
                chrono_tz::Asia::Hong_Kong,
                utc("2026-11-02 11:59")
            )
            .unwrap()
            .start,
            date("2026-11-02")
        );
    }

    #[test]
    fn daily_and_monthly_periods() {
        let sh = chrono_tz::Asia::Shanghai;
        assert!(due_in_zone(Cadence::Daily, sh, utc("2026-11-29 22:59")).is_none());
        assert_eq!(
            due_in_zone(Cadence::Daily, sh, utc("2026-11-29 23:00"))
                .unwrap()
                .key,
            "2026-11-30"
        );
        // The 1st before 07:00: nothing due (not October's report again).
        assert!(due_in_zone(Cadence::Monthly, sh, utc("2026-11-30 22:30")).is_none());
        let december = due_in_zone(Cadence::Monthly, sh, utc("2026-11-30 23:00")).unwrap();
        assert_eq!(december.key, "2026-12");
        let november = december.previous(Cadence::Monthly);
        assert_eq!(
            (november.start, november.last_day()),
            (date("2026-11-01"), date("2026-11-30"))
        );
        // Caught up once later in the month: the same period, so the same key.
        assert_eq!(
            due_in_zone(Cadence::Monthly, sh, utc("2026-12-17 03:00")).unwrap(),
            december
        );
        // Weeks across a year's end take the ISO year.
        assert_eq!(
            Period::containing(Cadence::Weekly, date("2027-01-01")).key,
            "2026-W53"
        );
    }

    #[test]
    fn overdue_means_due_before_today() {
        assert!(is_overdue(date("2026-11-29"), date("2026-11-30")));
        assert!(!is_overdue(date("2026-11-30"), date("2026-11-30")));
        assert_eq!(pass_rate(2, 3), Some(67));
        assert_eq!(pass_rate(0, 0), None);
    }

    proptest! {
        /// Whatever the zone and instant: a due period contains the local date, starts
        /// on its cadence's first day, and its send time has passed; and the next
        /// period is never due before its own send time.
        #[test]
        fn a_due_period_holds_the_local_time_after_its_send_time(
            secs in 1_700_000_000i64..1_900_000_000,
            zone in prop::sample::select(vec![
                chrono_tz::Asia::Hong_Kong, chrono_tz::America::New_York,
                chrono_tz::Europe::London, chrono_tz::Australia::Lord_Howe,
                chrono_tz::Pacific::Chatham, chrono_tz::Asia::Kolkata,
            ]),
            cadence in prop::sample::select(vec![Cadence::Daily, Cadence::Weekly, Cadence::Monthly]),
        ) {
            let now = DateTime::from_timestamp(secs, 0).unwrap();
            let local = now.with_timezone(&zone).naive_local();
            match due_in_zone(cadence, zone, now) {
                Some(p) => {
                    prop_assert!(p.start <= local.date() && local.date() < p.end);
                    prop_assert!(local >= p.start.and_time(SEND_AT));
                    match cadence {
                        Cadence::Daily => prop_assert_eq!(p.end - p.start, chrono::Duration::days(1)),
                        Cadence::Weekly => prop_assert_eq!(p.start.weekday(), chrono::Weekday::Mon),
                        Cadence::Monthly => prop_assert_eq!(p.start.day(), 1),
                    }
                    // The same key a minute later unless a new period began.
                    let later = due_in_zone(cadence, zone, now + chrono::Duration::minutes(1));
                    if let Some(q) = later {
                        prop_assert!(q == p || q.start == p.end);
                    }
                }
                None => {
                    prop_assert_eq!(Period::containing(cadence, local.date()).start, local.date());
                    prop_assert!(local.time() < SEND_AT);
                }
            }
        }
    }
}
