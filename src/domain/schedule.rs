//! Scheduled mail, pure: the jobs, the period a local time falls in, when a job is due,
//! and what counts as overdue.
//!
//! Every job is sent at [`SEND_AT`] local time on the first day of its period (each day;
//! Mondays; the 1st of the month), in the zone of the recipient's primary site. A job is
//! due from that moment until its period ends, so an instance that was down at 07:00
//! sends it once when it comes back (the store keeps one row per job, person and
//! period): an outage is caught up once, never once per missed tick or day.
//!
//! [`next_due`] is when a job next becomes due for a person, so the store's minute tick
//! looks only at the people whose time came ([`turn`]: what to do with one of them).

use chrono::{
    DateTime, Datelike, Days, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc,
};
use chrono_tz::Tz;

use super::access::Role;
use super::clock::instants_at;
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

/// The earliest instant after `now` at which a period of `cadence` other than the one
/// due at `now` (if any) becomes due in `zone`: the next period's [`SEND_AT`] on its
/// first day, or this period's when that is still ahead. Daylight saving is the zone's:
/// a send time the clocks skip is due when they jump over it, one they pass twice is due
/// the first time (and a period due again after clocks went back is the same period,
/// not a new one).
pub fn next_due(cadence: Cadence, zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    let current = due_in_zone(cadence, zone, now);
    let mut period = Period::containing(cadence, now.with_timezone(&zone).date_naive());
    // Four periods are plenty: even a day the zone skipped (Samoa, 30 December 2011)
    // only moves the send time to the next one.
    for _ in 0..4 {
        let found = instants_at(zone, period.start.and_time(SEND_AT))
            .into_iter()
            .filter(|&at| at > now)
            .find(|&at| {
                due_in_zone(cadence, zone, at).is_some_and(|p| Some(&p) != current.as_ref())
            });
        if let Some(at) = found {
            return at;
        }
        period = Period::containing(cadence, period.end);
    }
    // Unreachable for any zone on record; look again in an hour rather than never.
    now + Duration::hours(1)
}

/// What the minute tick does with a job whose time came for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The period to send now (when there is something to say and it was not sent).
    pub period: Option<Period>,
    /// When to look at this job for this person again.
    pub next: DateTime<Utc>,
}

/// [`Turn`] for `job` and a person of `role` in `zone` who `wants` its mail, at `now`.
/// A job not for them (their role, or they turned it off) is looked at again each period
/// all the same, so a plan made from old facts mends itself within a period.
pub fn turn(job: Job, role: Role, wants: bool, zone: Tz, now: DateTime<Utc>) -> Turn {
    let cadence = job.cadence();
    Turn {
        period: (wants && job.is_for(role))
            .then(|| due_in_zone(cadence, zone, now))
            .flatten(),
        next: next_due(cadence, zone, now),
    }
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

    /// The job stored under `name`.
    pub fn parse(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.as_str() == name)
    }

    /// Whether a person of `role` gets this job's mail.
    pub fn is_for(self, role: Role) -> bool {
        match self {
            Job::TrainingOverdue | Job::ActionsOverdue => true,
            Job::WeeklyPlan => role == Role::Supervisor,
            Job::WeeklyDigest => role == Role::Manager,
            Job::MonthlyReport => role == Role::Quality,
        }
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

    #[test]
    fn next_due_is_the_next_send_time_in_the_zone() {
        let hk = chrono_tz::Asia::Hong_Kong;
        // Sunday 23:59 in Hong Kong: week 48 is due; week 49 from Monday 07:00 there.
        assert_eq!(
            next_due(Cadence::Weekly, hk, utc("2026-11-29 15:59")),
            utc("2026-11-29 23:00")
        );
        // Just handled week 49: the next is a week later.
        assert_eq!(
            next_due(Cadence::Weekly, hk, utc("2026-11-29 23:00")),
            utc("2026-12-06 23:00")
        );
        // Before 07:00 on the first day the period's own send time is next.
        assert_eq!(
            next_due(Cadence::Daily, hk, utc("2026-12-01 22:00")),
            utc("2026-12-01 23:00")
        );
        assert_eq!(
            next_due(Cadence::Monthly, hk, utc("2026-12-17 03:00")),
            utc("2026-12-31 23:00")
        );
    }

    #[test]
    fn next_due_follows_daylight_saving() {
        let ny = chrono_tz::America::New_York;
        // Sunday 8 March 2026, the clocks go forward: Monday 07:00 EDT is 11:00 UTC,
        // an hour earlier in UTC than the Monday before.
        assert_eq!(
            next_due(Cadence::Weekly, ny, utc("2026-03-02 12:00")),
            utc("2026-03-09 11:00")
        );
        assert_eq!(
            next_due(Cadence::Daily, ny, utc("2026-03-07 12:00")),
            utc("2026-03-08 11:00")
        );
        // Sunday 1 November 2026, back: Sunday 07:00 EST is 12:00 UTC.
        assert_eq!(
            next_due(Cadence::Daily, ny, utc("2026-10-31 11:00")),
            utc("2026-11-01 12:00")
        );
        // The clocks skip 02:00–03:00 on 8 March (due when they jump, 07:00 UTC) and
        // pass 01:00–02:00 twice on 1 November (at 05:00 and 06:00 UTC).
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            instants_at(ny, local("2026-03-08 02:30")),
            vec![utc("2026-03-08 07:00")]
        );
        assert_eq!(
            instants_at(ny, local("2026-11-01 01:30")),
            vec![utc("2026-11-01 05:30"), utc("2026-11-01 06:30")]
        );
    }

    #[test]
    fn a_turn_sends_only_what_the_person_gets_and_always_comes_back() {
        let sh = chrono_tz::Asia::Shanghai;
        let monday = utc("2026-11-30 00:30");
        let plan = turn(Job::WeeklyPlan, Role::Supervisor, true, sh, monday);
        assert_eq!(plan.period.map(|p| p.key), Some("2026-W49".to_string()));
        assert_eq!(plan.next, utc("2026-12-06 23:00"));
        // Not their role, or turned off: nothing now, looked at again next week.
        for (role, wants) in [(Role::Staff, true), (Role::Supervisor, false)] {
            let t = turn(Job::WeeklyPlan, role, wants, sh, monday);
            assert_eq!(t.period, None);
            assert_eq!(t.next, utc("2026-12-06 23:00"));
        }
        assert!(Job::ALL.iter().all(|&j| Job::parse(j.as_str()) == Some(j)));
        assert_eq!(Job::parse("mail.no_such_job"), None);
    }

    proptest! {
        /// Whatever the zone (every zone on record), cadence and instant: the next due
        /// instant is after `now`, a new period is due then, and none is before it (the
        /// second before, and a point in between, have the same period due as `now`,
        /// or none).
        #[test]
        fn next_due_is_the_earliest_moment_a_new_period_is_due(
            secs in 1_700_000_000i64..1_900_000_000,
            zone in prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec()),
            cadence in prop::sample::select(vec![Cadence::Daily, Cadence::Weekly, Cadence::Monthly]),
            between in 0.0f64..1.0,
        ) {
            let now = DateTime::from_timestamp(secs, 0).unwrap();
            let current = due_in_zone(cadence, zone, now);
            let next = next_due(cadence, zone, now);
            prop_assert!(next > now);
            prop_assert!(next - now <= chrono::Duration::days(33), "{now} {next}");
            let then = due_in_zone(cadence, zone, next);
            prop_assert!(then.is_some() && then != current, "{now} {next} {then:?}");
            for t in [
                next - chrono::Duration::seconds(1),
                now + chrono::Duration::seconds(((next - now).num_seconds() as f64 * between) as i64),
            ] {
                let at = due_in_zone(cadence, zone, t);
                prop_assert!(at.is_none() || at == current, "{now} {t} {next}: {at:?}");
            }
        }
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
