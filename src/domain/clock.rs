//! Local time at a site. Every "today", shift, week and displayed time a user sees is
//! worked out in the site's IANA time zone from one UTC instant, never from the server's
//! own zone: a supervisor in Hong Kong at 09:31 is on the morning shift whatever the
//! machine's clock says.

use crate::i18n::{Localize, Message};
use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
pub use chrono_tz::Tz;

use super::text::Lang;

/// The zone when configuration names none.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Shanghai;

/// The shift periods a spot-check is recorded against (stored as `morning`, `afternoon`,
/// `evening`, `night`).
pub use states::ShiftPeriod;

/// The shift periods, in order through the day.
pub const PERIODS: &[ShiftPeriod] = ShiftPeriod::ALL;

/// A shift period's name for people, in their language.
pub fn period_label(lang: Lang, period: ShiftPeriod) -> String {
    lang.t(match period {
        ShiftPeriod::Morning => "common-morning",
        ShiftPeriod::Afternoon => "common-afternoon",
        ShiftPeriod::Evening => "common-evening",
        ShiftPeriod::Night => "common-night",
    })
}

/// The one reading of a posted or sent shift period: one of [`PERIODS`], by its word.
pub fn parse_period(word: &str) -> Result<ShiftPeriod, Message> {
    ShiftPeriod::parse(word).ok_or_else(|| Message::new("refuse-not-a-shift").arg("value", word))
}

/// An IANA zone name (`Asia/Hong_Kong`), or `None` for anything chrono-tz does not list.
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// A stored zone, or `fallback` when it is empty or not a zone (rows from before sites
/// had zones, or a zone database that dropped a name).
pub fn zone_or(stored: &str, fallback: Tz) -> Tz {
    parse_time_zone(stored).unwrap_or(fallback)
}

/// Every zone name an admin may choose from, alphabetically.
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
}

/// The hour each shift starts, through the day. The tablet reads them from the form to
/// date a spot-check it starts offline by its own clock, by the same rule as below.
pub const SHIFT_STARTS: [(ShiftPeriod, u32); 4] = [
    (ShiftPeriod::Morning, 5),
    (ShiftPeriod::Afternoon, 12),
    (ShiftPeriod::Evening, 17),
    (ShiftPeriod::Night, 22),
];

/// The shift a local time of day falls in: the last to have started by that hour, and
/// before the first, the night's (morning 05:00–11:59, afternoon 12:00–16:59, evening
/// 17:00–21:59, night otherwise).
pub fn shift_period_at(time: NaiveTime) -> ShiftPeriod {
    let hour = time.hour();
    SHIFT_STARTS
        .iter()
        .rev()
        .find(|(_, start)| hour >= *start)
        .map_or(SHIFT_STARTS[SHIFT_STARTS.len() - 1].0, |(period, _)| {
            *period
        })
}

/// An instant in a zone, for people to read: `2026-11-30 09:31 HKT`.
pub fn format_local(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

/// How the times of a list, a page or a PDF name their zone. Each time is shown in the
/// zone of the site its row belongs to; where every row is in one zone, that zone is named
/// once (in a note or a column heading) and the times stand alone, and where rows come
/// from sites in different zones, each time carries its zone's abbreviation (`HKT`, `EST`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneNaming {
    /// Every row is in this zone: name it once.
    Once(Tz),
    /// The rows' zones differ: name each row's beside its time.
    EachRow,
}

impl ZoneNaming {
    /// The rule for rows in `zones` (one per row, repeats allowed); `fallback` when there
    /// are no rows.
    pub fn of(zones: impl IntoIterator<Item = Tz>, fallback: Tz) -> ZoneNaming {
        let mut zones = zones.into_iter();
        match zones.next() {
            None => ZoneNaming::Once(fallback),
            Some(first) if zones.all(|z| z == first) => ZoneNaming::Once(first),
            Some(_) => ZoneNaming::EachRow,
        }
    }

    /// The one zone every row is in, to name once; `None` when each row names its own.
    pub fn shared(self) -> Option<Tz> {
        match self {
            ZoneNaming::Once(tz) => Some(tz),
            ZoneNaming::EachRow => None,
        }
    }

    /// An instant of a row whose site is in `tz`: its local date and time, with the
    /// zone's abbreviation when the rows' zones differ.
    pub fn format(self, tz: Tz, t: DateTime<Utc>) -> String {
        self.format_with(tz, t, "%Y-%m-%d %H:%M")
    }

    /// The same, to the second (the audit log, the delivery log).
    pub fn format_seconds(self, tz: Tz, t: DateTime<Utc>) -> String {
        self.format_with(tz, t, "%Y-%m-%d %H:%M:%S")
    }

    fn format_with(self, tz: Tz, t: DateTime<Utc>, pattern: &str) -> String {
        let local = t.with_timezone(&tz);
        match self {
            ZoneNaming::Once(_) => local.format(pattern).to_string(),
            ZoneNaming::EachRow => format!("{} {}", local.format(pattern), local.format("%Z")),
        }
    }
}

/// The zone of rows that belong to no site (audit entries, proposals, deliveries): the
/// zone the viewer's sites share, or `default` when they have none or are in several.
pub fn zone_without_site(viewer_zones: impl IntoIterator<Item = Tz>, default: Tz) -> Tz {
    ZoneNaming::of(viewer_zones, default)
        .shared()
        .unwrap_or(default)
}

/// The date an instant falls on in a zone.
pub fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The instants at which the clocks of `zone` reach `local`, in order: one; two when they
/// pass it twice; in a gap they skip, the instant they jump over it.
pub fn instants_at(zone: Tz, local: NaiveDateTime) -> Vec<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => vec![t.to_utc()],
        LocalResult::Ambiguous(a, b) => vec![a.to_utc(), b.to_utc()],
        LocalResult::None => {
            // The first whole local minute after the gap, then back to the second of the
            // jump (zones have jumped on odd seconds): in that minute the local time only
            // rises, across the one jump.
            let Some(after) = (1..=48 * 60).find_map(|m| {
                zone.from_local_datetime(&(local + Duration::minutes(m)))
                    .earliest()
            }) else {
                return Vec::new();
            };
            let reached = |t: DateTime<Utc>| t.with_timezone(&zone).naive_local() >= local;
            let (mut before, mut at) = (after.to_utc() - Duration::minutes(1), after.to_utc());
            while at - before > Duration::seconds(1) {
                let mid = before + (at - before) / 2;
                if reached(mid) {
                    at = mid;
                } else {
                    before = mid;
                }
            }
            vec![at]
        }
    }
}

/// The instant a local day begins in a zone: its first midnight, or the end of a gap
/// that skips it. An instant `t` falls on a day from `from` to `to` (`local_date`)
/// exactly when `day_start(from) <= t < day_start(to + 1)`, so a query can compare
/// stored instants with these bounds.
pub fn day_start(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    instants_at(tz, day.and_time(NaiveTime::MIN))
        .into_iter()
        .next()
        // No zone on record skips two days; keep midnight UTC rather than panic.
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
}

/// Hours on post, in the site's local time: a span of the working day in which staff
/// are at their post and can be spot-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnPost {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl OnPost {
    /// The shift period the span is recorded under (the one it starts in).
    pub fn period(&self) -> ShiftPeriod {
        shift_period_at(self.start)
    }

    pub fn contains(&self, time: NaiveTime) -> bool {
        self.start <= time && time < self.end
    }
}

const fn hm(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(t) => t,
        None => panic!("a valid time of day"),
    }
}

/// The standard's working hours (前臺接待 2, 上班時間): on post 8:30–12:00 and
/// 14:30–18:00. People have no rosters in Decorum, so these are the shifts everyone
/// works: the morning one and the afternoon one.
pub const ON_POST_HOURS: [OnPost; 2] = [
    OnPost {
        start: hm(8, 30),
        end: hm(12, 0),
    },
    OnPost {
        start: hm(14, 30),
        end: hm(18, 0),
    },
];

/// The on-post hours recorded under a shift period, if staff work in it.
pub fn on_post_in(period: ShiftPeriod) -> Option<OnPost> {
    ON_POST_HOURS.into_iter().find(|h| h.period() == period)
}

/// One site's clock: a zone and the instant "now".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SiteClock {
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

impl SiteClock {
    pub fn new(tz: Tz, now: DateTime<Utc>) -> SiteClock {
        SiteClock { tz, now }
    }

    /// The wall-clock date and time at the site now.
    pub fn local_now(&self) -> NaiveDateTime {
        self.local(self.now)
    }

    /// The date at the site now.
    pub fn today(&self) -> NaiveDate {
        self.local_now().date()
    }

    /// The shift under way at the site: its date and period.
    pub fn current_shift(&self) -> (NaiveDate, ShiftPeriod) {
        let now = self.local_now();
        (now.date(), shift_period_at(now.time()))
    }

    /// An instant as the site's wall clock shows it.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }

    /// The local date of an instant.
    pub fn date_of(&self, t: DateTime<Utc>) -> NaiveDate {
        local_date(self.tz, t)
    }

    /// An instant for people to read: local date and time with the zone's abbreviation
    /// (`2026-11-30 09:31 HKT`), so nobody has to guess which clock it is.
    pub fn format(&self, t: DateTime<Utc>) -> String {
        format_local(self.tz, t)
    }

    /// The same, to the second (the audit log).
    pub fn format_seconds(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz)
            .format("%Y-%m-%d %H:%M:%S %Z")
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// The instants of a day are those from its start to the next day's start, in a
    /// plain zone and across a gap that skips midnight (São Paulo, 4 November 2018).
    #[test]
    fn a_day_runs_from_its_start_to_the_next_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (tz, d) in [
            (chrono_tz::Asia::Hong_Kong, day(2026, 3, 1)),
            (chrono_tz::America::New_York, day(2026, 3, 8)),
            (chrono_tz::America::New_York, day(2026, 11, 1)),
            (chrono_tz::America::Sao_Paulo, day(2018, 11, 4)),
        ] {
            let start = day_start(tz, d);
            assert_eq!(local_date(tz, start), d, "{tz} {d}");
            assert_eq!(
                local_date(tz, start - Duration::seconds(1)),
                d.pred_opt().unwrap()
            );
            let next = day_start(tz, d.succ_opt().unwrap());
            assert_eq!(local_date(tz, next - Duration::seconds(1)), d, "{tz} {d}");
        }
        assert_eq!(
            day_start(chrono_tz::America::Sao_Paulo, day(2018, 11, 4)),
            Utc.with_ymd_and_hms(2018, 11, 4, 3, 0, 0).unwrap()
        );
    }

    #[test]
    fn every_period_has_a_name_and_passes_the_check() {
        for &period in PERIODS {
            assert_eq!(parse_period(period.as_str()), Ok(period));
            for lang in [Lang::Zh, Lang::ZhHans, Lang::En] {
                assert!(!period_label(lang, period).contains('⟦'), "{period}");
            }
        }
        assert_eq!(period_label(Lang::En, ShiftPeriod::Evening), "Evening");
        assert!(
            parse_period("lunchtime")
                .unwrap_err()
                .to_string()
                .contains("is not a shift")
        );
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn hong_kong_at_half_past_nine_is_the_morning_shift() {
        // 01:31 UTC is 09:31 in Hong Kong: the server's UTC clock said "night".
        let clock = SiteClock::new(chrono_tz::Asia::Hong_Kong, utc(2026, 11, 30, 1, 31));
        assert_eq!(
            clock.current_shift(),
            (date(2026, 11, 30), ShiftPeriod::Morning)
        );
        assert_eq!(clock.format(clock.now), "2026-11-30 09:31 HKT");
        assert_eq!(
            shift_period_at(clock.now.time()),
            ShiftPeriod::Night,
            "what UTC said"
        );
    }

    #[test]
    fn the_local_date_turns_at_local_midnight() {
        let shanghai = chrono_tz::Asia::Shanghai;
        // 15:59 UTC is 23:59 in Shanghai, still the 30th; a minute later it is the 1st.
        let before = SiteClock::new(shanghai, utc(2026, 11, 30, 15, 59));
        let after = SiteClock::new(shanghai, utc(2026, 11, 30, 16, 0));
        assert_eq!(
            before.current_shift(),
            (date(2026, 11, 30), ShiftPeriod::Night)
        );
        assert_eq!(after.today(), date(2026, 12, 1));
        // In New York the same instants are still the morning of the 30th.
        let new_york = SiteClock::new(chrono_tz::America::New_York, utc(2026, 11, 30, 16, 0));
        assert_eq!(
            new_york.current_shift(),
            (date(2026, 11, 30), ShiftPeriod::Morning)
        );
    }

    #[test]
    fn daylight_saving_moves_the_local_hour_not_the_rules() {
        let ny = chrono_tz::America::New_York;
        // 12:30 UTC: 07:30 EST in winter (morning), 08:30 EDT in summer (morning); 16:30
        // UTC: 11:30 EST (morning) but 12:30 EDT (afternoon).
        assert_eq!(
            SiteClock::new(ny, utc(2026, 1, 15, 16, 30))
                .current_shift()
                .1,
            ShiftPeriod::Morning
        );
        assert_eq!(
            SiteClock::new(ny, utc(2026, 7, 15, 16, 30))
                .current_shift()
                .1,
            ShiftPeriod::Afternoon
        );
        assert_eq!(
            SiteClock::new(ny, utc(2026, 7, 15, 16, 30)).format(utc(2026, 7, 15, 16, 30)),
            "2026-07-15 12:30 EDT"
        );
        // The spring-forward night (8 March 2026, 02:00 EST → 03:00 EDT): 06:59 UTC is
        // 01:59 EST, 07:00 UTC is 03:00 EDT; both the 8th and both night.
        let before = SiteClock::new(ny, utc(2026, 3, 8, 6, 59));
        let after = SiteClock::new(ny, utc(2026, 3, 8, 7, 0));
        assert_eq!(before.local_now().time().hour(), 1);
        assert_eq!(after.local_now().time().hour(), 3);
        assert_eq!(
            before.current_shift(),
            (date(2026, 3, 8), ShiftPeriod::Night)
        );
        assert_eq!(
            after.current_shift(),
            (date(2026, 3, 8), ShiftPeriod::Night)
        );
        // Fall back (1 November 2026): local midnight comes at 04:00 UTC before the
        // change; the date still turns exactly once.
        assert_eq!(
            SiteClock::new(ny, utc(2026, 11, 1, 3, 59)).today(),
            date(2026, 10, 31)
        );
        assert_eq!(
            SiteClock::new(ny, utc(2026, 11, 1, 4, 0)).today(),
            date(2026, 11, 1)
        );
    }

    #[test]
    fn zones_without_daylight_saving_keep_one_offset() {
        for tz in [chrono_tz::Asia::Shanghai, chrono_tz::Asia::Hong_Kong] {
            let winter = SiteClock::new(tz, utc(2026, 1, 15, 1, 0)).local_now();
            let summer = SiteClock::new(tz, utc(2026, 7, 15, 1, 0)).local_now();
            assert_eq!(winter.time(), summer.time());
            assert_eq!(winter.time().hour(), 9);
        }
    }

    #[test]
    fn zone_names_parse_and_anything_else_falls_back() {
        assert_eq!(
            parse_time_zone(" Asia/Hong_Kong "),
            Some(chrono_tz::Asia::Hong_Kong)
        );
        assert_eq!(parse_time_zone("Mars/Olympus"), None);
        assert_eq!(parse_time_zone(""), None);
        assert_eq!(zone_or("", DEFAULT_TIME_ZONE), chrono_tz::Asia::Shanghai);
        assert_eq!(zone_or("nonsense", chrono_tz::UTC), chrono_tz::UTC);
        assert!(zone_names().any(|n| n == "America/New_York"));
        assert!(zone_names().all(|n| parse_time_zone(n).is_some()));
    }

    #[test]
    fn the_on_post_hours_are_the_morning_and_afternoon_shifts() {
        let periods: Vec<ShiftPeriod> = ON_POST_HOURS.iter().map(OnPost::period).collect();
        assert_eq!(periods, [ShiftPeriod::Morning, ShiftPeriod::Afternoon]);
        assert_eq!(
            on_post_in(ShiftPeriod::Afternoon).unwrap().start,
            hm(14, 30)
        );
        assert_eq!(on_post_in(ShiftPeriod::Night), None);
        let morning = on_post_in(ShiftPeriod::Morning).unwrap();
        assert!(morning.contains(hm(8, 30)) && morning.contains(hm(11, 59)));
        assert!(!morning.contains(hm(12, 0)) && !morning.contains(hm(8, 29)));
    }

    #[test]
    fn one_zone_is_named_once_and_several_beside_each_time() {
        let hk = chrono_tz::Asia::Hong_Kong;
        let ny = chrono_tz::America::New_York;
        let sh = chrono_tz::Asia::Shanghai;
        assert_eq!(ZoneNaming::of([hk, hk, hk], sh), ZoneNaming::Once(hk));
        assert_eq!(ZoneNaming::of([], sh), ZoneNaming::Once(sh));
        assert_eq!(ZoneNaming::of([hk, ny, hk], sh), ZoneNaming::EachRow);
        // Same offset, different zone: still named (CST and HKT read differently).
        assert_eq!(ZoneNaming::of([hk, sh], sh).shared(), None);
        // 2026-01-15 14:00 UTC: 22:00 in Hong Kong, 09:00 in New York.
        let t = utc(2026, 1, 15, 14, 0);
        assert_eq!(ZoneNaming::Once(hk).format(hk, t), "2026-01-15 22:00");
        assert_eq!(ZoneNaming::EachRow.format(hk, t), "2026-01-15 22:00 HKT");
        assert_eq!(ZoneNaming::EachRow.format(ny, t), "2026-01-15 09:00 EST");
        assert_eq!(
            ZoneNaming::EachRow.format_seconds(ny, utc(2026, 7, 15, 14, 0)),
            "2026-07-15 10:00:00 EDT"
        );
        assert_eq!(
            ZoneNaming::Once(ny).format_seconds(ny, t),
            "2026-01-15 09:00:00"
        );
    }

    #[test]
    fn rows_without_a_site_take_the_viewers_shared_zone_or_the_default() {
        let hk = chrono_tz::Asia::Hong_Kong;
        let ny = chrono_tz::America::New_York;
        let sh = chrono_tz::Asia::Shanghai;
        assert_eq!(zone_without_site([hk, hk], sh), hk);
        assert_eq!(zone_without_site([hk, ny], sh), sh);
        assert_eq!(zone_without_site([], sh), sh);
    }

    proptest! {
        #[test]
        fn every_instant_has_one_shift_and_a_local_date_within_a_day(
            secs in 0i64..4_102_444_800,
            zone in 0usize..chrono_tz::TZ_VARIANTS.len(),
        ) {
            let now = DateTime::from_timestamp(secs, 0).unwrap();
            let clock = SiteClock::new(chrono_tz::TZ_VARIANTS[zone], now);
            let (day, period) = clock.current_shift();
            prop_assert!(PERIODS.contains(&period));
            prop_assert!((day - now.date_naive()).num_days().abs() <= 1);
        }
    }
}
