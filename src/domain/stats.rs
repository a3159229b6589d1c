//! Quality statistics, pure: trends per week or month, a p-chart of the pass rate with
//! its control limits, the Pareto of failed items, site × section heat maps, per-group
//! tables with trend arrows, coverage, and inspector calibration. The dashboard and the
//! PDF reports both present these figures; nothing here knows where the numbers came from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Serialize;

/// Submitted inspections, as the statistics need them: one inspection, or several of
/// the same site, staff member and inspector in one period added together (the kept
/// aggregates). Every figure here is a sum over samples, so both give the same answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The inspection's date, or the first day of the period it was added up over.
    pub date: NaiveDate,
    pub site: i32,
    pub subject: i32,
    pub inspector: i32,
    pub inspections: usize,
    pub passed: usize,
    pub critical: usize,
    /// The sum of the inspections' percents.
    pub percent_sum: f64,
}

impl Sample {
    /// A single inspection.
    pub fn one(
        date: NaiveDate,
        site: i32,
        subject: i32,
        inspector: i32,
        percent: f64,
        passed: bool,
        critical: bool,
    ) -> Sample {
        Sample {
            date,
            site,
            subject,
            inspector,
            inspections: 1,
            passed: usize::from(passed),
            critical: usize::from(critical),
            percent_sum: percent,
        }
    }

    fn add(&mut self, other: &Sample) {
        self.inspections += other.inspections;
        self.passed += other.passed;
        self.critical += other.critical;
        self.percent_sum += other.percent_sum;
    }
}

/// Counts and sums over some samples.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Totals {
    inspections: usize,
    passed: usize,
    critical: usize,
    percent_sum: f64,
}

impl Totals {
    fn of<'a>(samples: impl IntoIterator<Item = &'a Sample>) -> Totals {
        let mut t = Totals::default();
        for s in samples {
            t.inspections += s.inspections;
            t.passed += s.passed;
            t.critical += s.critical;
            t.percent_sum += s.percent_sum;
        }
        t
    }

    fn mean(self) -> Option<f64> {
        (self.inspections > 0).then(|| self.percent_sum / self.inspections as f64)
    }

    fn pass_rate(self) -> Option<f64> {
        (self.inspections > 0).then(|| self.passed as f64 * 100.0 / self.inspections as f64)
    }
}

/// Add up samples per period of `granularity`, site, staff member and inspector: what
/// the kept aggregates hold.
pub fn roll_up(samples: &[Sample], granularity: Granularity) -> Vec<Sample> {
    let mut out: BTreeMap<(NaiveDate, i32, i32, i32), Sample> = BTreeMap::new();
    for s in samples {
        let period = granularity.start(s.date);
        out.entry((period, s.site, s.subject, s.inspector))
            .and_modify(|t| t.add(s))
            .or_insert_with(|| Sample {
                date: period,
                ..s.clone()
            });
    }
    out.into_values().collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Week,
    Month,
}

impl Granularity {
    /// The first day of the period a date falls in (weeks start on Monday).
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Week => {
                date - Duration::days(date.weekday().num_days_from_monday() as i64)
            }
            Granularity::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// Weekly for ranges up to about four months, monthly beyond.
    pub fn for_range(from: NaiveDate, to: NaiveDate) -> Granularity {
        if (to - from).num_days() <= 120 {
            Granularity::Week
        } else {
            Granularity::Month
        }
    }

    /// Dates widened to whole periods: the kept aggregates' unit.
    pub fn whole_periods(self, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
        let last = self.start(to);
        let end = match self {
            Granularity::Week => last + Duration::days(6),
            Granularity::Month => last
                .checked_add_months(Months::new(1))
                .map_or(last, |next| next - Duration::days(1)),
        };
        (self.start(from), end)
    }

    /// The first period of a range's second half, for the arrows that compare the two.
    pub fn halfway(self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        self.start(from + (to - from) / 2)
    }
}

impl Granularity {
    /// The first day of the period after the one `date` falls in.
    pub fn next(self, date: NaiveDate) -> NaiveDate {
        self.whole_periods(date, date).1 + Duration::days(1)
    }

    /// The first day of the period before the one `date` falls in.
    pub fn previous(self, date: NaiveDate) -> NaiveDate {
        self.start(self.start(date) - Duration::days(1))
    }
}

/// One period's running totals in a range's sums: `total` times its counts go to the
/// range, `earlier` times them to the part before the split (each -1, 0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunningTerm {
    pub period: NaiveDate,
    pub total: i32,
    pub earlier: i32,
}

/// Which running totals (each key's counts up to and including a period, kept for every
/// period through `frontier`) give the sums over the periods of `g` from `from` to
/// `to`, and over those before `split` if given: the range is the total at its last
/// period less the total at the period before its first. Periods after the frontier are
/// read at the frontier (nothing is counted after it), and a key without a row at a
/// period had counted nothing yet. At most three periods, whatever the range.
pub fn running_terms(
    g: Granularity,
    from: NaiveDate,
    to: NaiveDate,
    split: Option<NaiveDate>,
    frontier: NaiveDate,
) -> Vec<RunningTerm> {
    let (first, last) = (g.start(from), g.start(to));
    if last < first {
        return Vec::new();
    }
    let before = g.previous(first);
    let mut terms: BTreeMap<NaiveDate, (i32, i32)> = BTreeMap::new();
    terms.entry(last.min(frontier)).or_default().0 += 1;
    terms.entry(before.min(frontier)).or_default().0 -= 1;
    if let Some(split) = split {
        // The part before the split ends with the last period that starts before it
        // (as the per-period rows compare), within the range.
        let end = g.start(split - Duration::days(1)).clamp(before, last);
        terms.entry(end.min(frontier)).or_default().1 += 1;
        terms.entry(before.min(frontier)).or_default().1 -= 1;
    }
    terms
        .into_iter()
        .filter(|(_, (total, earlier))| (*total, *earlier) != (0, 0))
        .map(|(period, (total, earlier))| RunningTerm {
            period,
            total,
            earlier,
        })
        .collect()
}

/// The four weeks of coverage to `to` ([`COVERAGE_DAYS`], ending on it), as the whole
/// weeks inside them (first and last week's Monday, if any) and the days at either end
/// outside a whole week: none when `to` is a Sunday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageSpans {
    pub weeks: Option<(NaiveDate, NaiveDate)>,
    pub edges: Vec<(NaiveDate, NaiveDate)>,
}

pub fn coverage_spans(to: NaiveDate) -> CoverageSpans {
    let week = Granularity::Week;
    let since = to - Duration::days(COVERAGE_DAYS - 1);
    let first = if week.start(since) == since {
        since
    } else {
        week.next(since)
    };
    // The Monday of the last week that ends by `to`.
    let last = week.previous(to + Duration::days(1));
    let mut edges = Vec::new();
    if since < first {
        edges.push((since, first - Duration::days(1)));
    }
    let after = week.next(last);
    if after <= to {
        edges.push((after, to));
    }
    CoverageSpans {
        weeks: (first <= last).then_some((first, last)),
        edges,
    }
}

/// The dashboard's default range: the twelve weeks to `today`.
pub fn last_twelve_weeks(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - Duration::weeks(12), today)
}

/// The other range offered with one tap: the twelve months to `today`.
pub fn last_twelve_months(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = today
        .checked_sub_months(Months::new(12))
        .unwrap_or(today - Duration::days(365));
    (from, today)
}

/// A range whose per-person figures are also kept on write, added up per half: the
/// staff and calibration panels then read two rows per person and inspector instead of
/// one per period. Ranges move with the calendar, so what is kept is checked against
/// [`Window::for_today`] and rebuilt when a new week or month begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The aggregates' name for it (their `grain` column, at most eight characters).
    pub name: &'static str,
    /// The grain of the periods it is made of.
    pub granularity: Granularity,
    /// The first day of its first period.
    pub from: NaiveDate,
    /// The first day of its second half.
    pub split: NaiveDate,
    /// The last day of its last period.
    pub to: NaiveDate,
}

impl Window {
    /// The kept windows' names: the last twelve weeks, the last twelve months.
    pub const NAMES: [&'static str; 2] = ["last12w", "last12m"];

    /// The windows kept, as they are on `today`: the ranges the dashboard opens with
    /// one tap, widened to whole periods as the dashboard widens them.
    pub fn for_today(today: NaiveDate) -> [Window; 2] {
        let window = |name, (from, to)| {
            let granularity = Granularity::for_range(from, to);
            let (from, to) = granularity.whole_periods(from, to);
            Window {
                name,
                granularity,
                from,
                split: granularity.halfway(from, to),
                to,
            }
        };
        let [weeks, months] = Window::NAMES;
        [
            window(weeks, last_twelve_weeks(today)),
            window(months, last_twelve_months(today)),
        ]
    }

    /// The window a dashboard range is, if it is one of those kept on `today`.
    pub fn matching(
        today: NaiveDate,
        granularity: Granularity,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Option<Window> {
        Window::for_today(today)
            .into_iter()
            .find(|w| (w.granularity, w.from, w.to) == (granularity, from, to))
    }

    /// The half (named by its first day) a period of the window's grain is added to,
    /// or `None` outside the window.
    pub fn half_of(&self, period: NaiveDate) -> Option<NaiveDate> {
        if period < self.from || period > self.to {
            None
        } else if period < self.split {
            Some(self.from)
        } else {
            Some(self.split)
        }
    }
}

/// Headline figures for a set of inspections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub inspections: usize,
    pub passed: usize,
    pub critical: usize,
    /// Mean percent; `None` without inspections.
    pub mean: Option<f64>,
    /// passed / inspections × 100.
    pub pass_rate: Option<f64>,
}

pub fn summary(samples: &[Sample]) -> Summary {
    let t = Totals::of(samples);
    Summary {
        inspections: t.inspections,
        passed: t.passed,
        critical: t.critical,
        mean: t.mean(),
        pass_rate: t.pass_rate(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodFigure {
    pub period: NaiveDate,
    pub inspections: usize,
    pub passed: usize,
    pub mean: f64,
    pub pass_rate: f64,
}

/// Average score and pass rate per period, oldest first. Periods without inspections
/// are left out.
pub fn trend(samples: &[Sample], granularity: Granularity) -> Vec<PeriodFigure> {
    let mut by_period: BTreeMap<NaiveDate, Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        by_period
            .entry(granularity.start(s.date))
            .or_default()
            .push(s);
    }
    by_period
        .into_iter()
        .filter_map(|(period, list)| {
            let t = Totals::of(list);
            Some(PeriodFigure {
                period,
                inspections: t.inspections,
                passed: t.passed,
                mean: t.mean()?,
                pass_rate: t.pass_rate()?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PPoint {
    pub period: NaiveDate,
    pub n: usize,
    /// The period's pass proportion, 0–1.
    pub p: f64,
    pub lcl: f64,
    pub ucl: f64,
    pub out_of_control: bool,
}

/// A p-chart of the pass proportion: centre line p̄ = all passes / all inspections, and
/// for each period with n inspections the 3-sigma limits p̄ ± 3·√(p̄(1−p̄)/n), clipped to
/// 0…1. A period outside its limits is out of control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PChart {
    pub center: f64,
    pub points: Vec<PPoint>,
}

pub fn p_chart(periods: &[PeriodFigure]) -> Option<PChart> {
    let n: usize = periods.iter().map(|p| p.inspections).sum();
    if n == 0 {
        return None;
    }
    let passed: usize = periods.iter().map(|p| p.passed).sum();
    let center = passed as f64 / n as f64;
    let points = periods
        .iter()
        .filter(|p| p.inspections > 0)
        .map(|p| {
            let sigma = (center * (1.0 - center) / p.inspections as f64).sqrt();
            let lcl = (center - 3.0 * sigma).max(0.0);
            let ucl = (center + 3.0 * sigma).min(1.0);
            let share = p.passed as f64 / p.inspections as f64;
            PPoint {
                period: p.period,
                n: p.inspections,
                p: share,
                lcl,
                ucl,
                out_of_control: share < lcl - 1e-12 || share > ucl + 1e-12,
            }
        })
        .collect();
    Some(PChart { center, points })
}

/// How often one item failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemFailures {
    pub item: String,
    pub failures: usize,
    /// How many times it was scored (not N/A, not left out).
    pub checked: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParetoBar {
    pub item: String,
    pub failures: usize,
    pub checked: usize,
    /// failures / checked × 100.
    pub failure_rate: f64,
    /// This item's share of all failures, and the running total, in percent.
    pub share: f64,
    pub cumulative: f64,
}

/// Items by number of failures, most first (ties by key), with the cumulative share.
pub fn pareto(counts: &[ItemFailures]) -> Vec<ParetoBar> {
    let total: usize = counts.iter().map(|c| c.failures).sum();
    let mut sorted: Vec<&ItemFailures> = counts.iter().filter(|c| c.failures > 0).collect();
    sorted.sort_by(|a, b| {
        b.failures
            .cmp(&a.failures)
            .then_with(|| a.item.cmp(&b.item))
    });
    let mut running = 0usize;
    sorted
        .into_iter()
        .map(|c| {
            running += c.failures;
            ParetoBar {
                item: c.item.clone(),
                failures: c.failures,
                checked: c.checked,
                failure_rate: if c.checked > 0 {
                    c.failures as f64 * 100.0 / c.checked as f64
                } else {
                    0.0
                },
                share: c.failures as f64 * 100.0 / total as f64,
                cumulative: running as f64 * 100.0 / total as f64,
            }
        })
        .collect()
}

/// Points scored and possible, to be combined into a percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Points {
    pub score: f64,
    pub max: f64,
}

impl Points {
    pub fn add(&mut self, score: f64, max: f64) {
        self.score += score;
        self.max += max;
    }

    pub fn percent(self) -> Option<f64> {
        (self.max > 0.0).then(|| self.score / self.max * 100.0)
    }
}

/// Percent per (row, column) cell — sites × sections — from the points behind it.
pub fn heat_map<R: Ord + Clone, C: Ord + Clone>(
    cells: &[(R, C, f64, f64)],
) -> BTreeMap<(R, C), f64> {
    let mut sums: BTreeMap<(R, C), Points> = BTreeMap::new();
    for (row, col, score, max) in cells {
        sums.entry((row.clone(), col.clone()))
            .or_default()
            .add(*score, *max);
    }
    sums.into_iter()
        .filter_map(|(k, p)| p.percent().map(|v| (k, v)))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrow {
    Up,
    Down,
    Flat,
}

impl Arrow {
    /// A change of at least `threshold` points counts as a move.
    pub fn between(previous: Option<f64>, current: Option<f64>, threshold: f64) -> Option<Arrow> {
        let (p, c) = (previous?, current?);
        Some(if c - p >= threshold {
            Arrow::Up
        } else if p - c >= threshold {
            Arrow::Down
        } else {
            Arrow::Flat
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Arrow::Up => "▲",
            Arrow::Down => "▼",
            Arrow::Flat => "▶",
        }
    }
}

/// One row of a per-staff or per-site table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigure<K> {
    pub key: K,
    pub inspections: usize,
    pub mean: f64,
    pub pass_rate: f64,
    /// Mean of the first and second halves of the range, for the arrow.
    pub earlier: Option<f64>,
    pub later: Option<f64>,
    pub arrow: Option<Arrow>,
}

/// Figures per group (staff, site, inspector…), with an arrow comparing the inspections
/// before `split` to those from it on. Sorted by mean, lowest first: those needing
/// attention lead.
pub fn by_group<K: Eq + Hash + Clone + Ord>(
    samples: &[Sample],
    key: impl Fn(&Sample) -> K,
    split: NaiveDate,
) -> Vec<GroupFigure<K>> {
    let mut groups: HashMap<K, Vec<&Sample>> = HashMap::new();
    for s in samples {
        groups.entry(key(s)).or_default().push(s);
    }
    let mut out: Vec<GroupFigure<K>> = groups
        .into_iter()
        .filter_map(|(k, list)| {
            let all = Totals::of(list.iter().copied());
            let earlier = Totals::of(list.iter().copied().filter(|s| s.date < split)).mean();
            let later = Totals::of(list.iter().copied().filter(|s| s.date >= split)).mean();
            Some(GroupFigure {
                key: k,
                inspections: all.inspections,
                mean: all.mean()?,
                pass_rate: all.pass_rate()?,
                earlier,
                later,
                arrow: Arrow::between(earlier, later, 2.0),
            })
        })
        .collect();
    out.sort_by(|a, b| a.mean.total_cmp(&b.mean).then_with(|| a.key.cmp(&b.key)));
    out
}

/// A pass rate under this percentage marks a staff member (or a site) as needing
/// attention: printed in red, and kept in a cut staff list.
pub const ATTENTION_PASS_PERCENT: usize = 80;

/// A staff member's totals over a report's range, as the database added them up: what
/// decides whether a cut staff list prints them.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub subject: i32,
    pub inspections: usize,
    pub passed: usize,
    pub critical: usize,
    pub percent_sum: f64,
}

impl Standing {
    /// The mean score; 0 without inspections (the store reads none such).
    pub fn mean(&self) -> f64 {
        if self.inspections == 0 {
            return 0.0;
        }
        self.percent_sum / self.inspections as f64
    }

    /// A pass rate under [`ATTENTION_PASS_PERCENT`], or any critical failure. Counted in
    /// whole numbers, as the store's query counts it, so both agree at the line.
    pub fn needs_attention(&self) -> bool {
        self.passed * 100 < ATTENTION_PASS_PERCENT * self.inspections || self.critical > 0
    }
}

/// How a report over several sites cuts its staff list: the `lowest` means, then those
/// further up who need attention, `most` rows in all. The rest are found in the CSV
/// export of the same filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffCut {
    pub lowest: usize,
    pub most: usize,
}

impl StaffCut {
    /// The all-sites report's: a few pages, not a directory of thousands.
    pub const REPORT: StaffCut = StaffCut {
        lowest: 50,
        most: 100,
    };
}

/// The print order of staff: lowest mean first, then by name, then by id (so ties
/// always come out the same way).
fn print_order<'a>(
    a: &Standing,
    b: &Standing,
    name: &impl Fn(i32) -> &'a str,
) -> std::cmp::Ordering {
    a.mean()
        .total_cmp(&b.mean())
        .then_with(|| name(a.subject).cmp(name(b.subject)))
        .then_with(|| a.subject.cmp(&b.subject))
}

/// Which staff a report prints, by id in print order (see [`print_order`]): everyone
/// without a cut; with one, the `lowest` first, then each further one who needs
/// attention ([`Standing::needs_attention`]) while fewer than `most` are printed.
pub fn printed_staff<'a>(
    standings: &[Standing],
    name: impl Fn(i32) -> &'a str,
    cut: Option<StaffCut>,
) -> Vec<i32> {
    let mut order: Vec<&Standing> = standings.iter().collect();
    order.sort_by(|a, b| print_order(a, b, &name));
    let Some(cut) = cut else {
        return order.into_iter().map(|s| s.subject).collect();
    };
    let mut out = Vec::new();
    for (place, s) in order.into_iter().enumerate() {
        if place < cut.lowest || (s.needs_attention() && out.len() < cut.most) {
            out.push(s.subject);
        }
    }
    out
}

/// Which of the uncovered a report may print, so only their names are read: everyone
/// without a cut; with one, those among the `most` longest unchecked (never checked
/// first) and everyone tied with the last of them, whom their names put in order.
pub fn uncovered_candidates(
    uncovered: &[i32],
    last_checked: &HashMap<i32, NaiveDate>,
    cut: Option<StaffCut>,
) -> Vec<i32> {
    let last = |id: &i32| last_checked.get(id).copied();
    let Some(cut) = cut.filter(|c| uncovered.len() > c.most) else {
        return uncovered.to_vec();
    };
    let mut dates: Vec<Option<NaiveDate>> = uncovered.iter().map(last).collect();
    dates.sort();
    let Some(threshold) = cut.most.checked_sub(1).map(|at| dates[at]) else {
        return Vec::new();
    };
    uncovered
        .iter()
        .copied()
        .filter(|id| last(id) <= threshold)
        .collect()
}

/// Coverage looks back four whole weeks: the aggregates' finest grain.
pub const COVERAGE_DAYS: i64 = 28;

/// Staff not spot-checked in the `days` before `as_of` (inclusive).
pub fn not_covered(staff: &[i32], samples: &[Sample], as_of: NaiveDate, days: i64) -> Vec<i32> {
    let since = as_of - Duration::days(days);
    let seen: BTreeSet<i32> = samples
        .iter()
        .filter(|s| s.date > since && s.date <= as_of && s.inspections > 0)
        .map(|s| s.subject)
        .collect();
    staff
        .iter()
        .copied()
        .filter(|p| !seen.contains(p))
        .collect()
}

/// How an inspector scores compared with colleagues scoring the same staff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub inspector: i32,
    pub inspections: usize,
    pub mean: f64,
    /// Inspections of staff whom other inspectors also checked.
    pub compared: usize,
    /// The others' mean for those same staff (each staff member weighted by how often
    /// this inspector checked them).
    pub others_mean: Option<f64>,
    /// mean of (this inspector's score − others' mean for that person): positive is
    /// lenient, negative is harsh.
    pub bias: Option<f64>,
}

pub fn calibration(samples: &[Sample]) -> Vec<Calibration> {
    // Inspections and percent sums per (subject, inspector).
    let mut by_subject: HashMap<i32, HashMap<i32, Totals>> = HashMap::new();
    for s in samples {
        let t = by_subject
            .entry(s.subject)
            .or_default()
            .entry(s.inspector)
            .or_default();
        t.inspections += s.inspections;
        t.percent_sum += s.percent_sum;
    }
    let mut inspectors: BTreeMap<i32, Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        inspectors.entry(s.inspector).or_default().push(s);
    }
    inspectors
        .into_iter()
        .filter_map(|(inspector, own)| {
            // Each own inspection of a person counts once against the others' mean for
            // that person: n inspections summing to S add S − n·others to the bias.
            let (mut compared, mut diff_sum, mut others_sum) = (0usize, 0.0, 0.0);
            for s in &own {
                let mut others = Totals::default();
                for (_, t) in by_subject[&s.subject]
                    .iter()
                    .filter(|(i, _)| **i != inspector)
                {
                    others.inspections += t.inspections;
                    others.percent_sum += t.percent_sum;
                }
                let Some(others_mean) = others.mean() else {
                    continue;
                };
                compared += s.inspections;
                diff_sum += s.percent_sum - s.inspections as f64 * others_mean;
                others_sum += s.inspections as f64 * others_mean;
            }
            let total = Totals::of(own.iter().copied());
            Some(Calibration {
                inspector,
                inspections: total.inspections,
                mean: total.mean()?,
                compared,
                others_mean: (compared > 0).then(|| others_sum / compared as f64),
                bias: (compared > 0).then(|| diff_sum / compared as f64),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn s(
        date: NaiveDate,
        site: i32,
        subject: i32,
        inspector: i32,
        percent: f64,
        passed: bool,
    ) -> Sample {
        Sample::one(date, site, subject, inspector, percent, passed, false)
    }

    /// A small fixed data set, hand-computed below.
    fn fixture() -> Vec<Sample> {
        vec![
            // Week of Mon 2 Nov 2026
            s(d(11, 2), 1, 10, 100, 90.0, true),
            s(d(11, 3), 1, 11, 100, 70.0, false),
            s(d(11, 4), 2, 12, 101, 80.0, true),
            s(d(11, 8), 2, 10, 101, 100.0, true),
            // Week of Mon 9 Nov
            s(d(11, 9), 1, 11, 101, 60.0, false),
            s(d(11, 12), 1, 12, 100, 85.0, true),
        ]
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        assert_eq!(Granularity::Week.start(d(11, 8)), d(11, 2)); // a Sunday
        assert_eq!(Granularity::Week.start(d(11, 9)), d(11, 9));
        assert_eq!(Granularity::Month.start(d(11, 29)), d(11, 1));
    }

    #[test]
    fn summary_and_trend_by_hand() {
        let all = summary(&fixture());
        assert_eq!((all.inspections, all.passed), (6, 4));
        assert!((all.mean.unwrap() - 485.0 / 6.0).abs() < 1e-9);
        assert!((all.pass_rate.unwrap() - 400.0 / 6.0).abs() < 1e-9);
        let weeks = trend(&fixture(), Granularity::Week);
        assert_eq!(weeks.len(), 2);
        assert_eq!(
            (weeks[0].period, weeks[0].inspections, weeks[0].passed),
            (d(11, 2), 4, 3)
        );
        assert_eq!(weeks[0].mean, 85.0); // (90 + 70 + 80 + 100) / 4
        assert_eq!(weeks[0].pass_rate, 75.0);
        assert_eq!((weeks[1].mean, weeks[1].pass_rate), (72.5, 50.0));
        assert!(summary(&[]).mean.is_none());
    }

    #[test]
    fn p_chart_limits_by_hand() {
        let chart = p_chart(&trend(&fixture(), Granularity::Week)).unwrap();
        // p̄ = 4 / 6
        let p = 4.0 / 6.0;
        assert!((chart.center - p).abs() < 1e-12);
        let sigma4 = (p * (1.0 - p) / 4.0).sqrt();
        assert!(
            (chart.points[0].ucl - 1.0).abs() < 1e-12,
            "p̄ + 3σ > 1 is clipped to 1"
        );
        assert!((chart.points[0].lcl - (p - 3.0 * sigma4).max(0.0)).abs() < 1e-12);
        assert_eq!(chart.points[1].lcl, 0.0);
        assert!(chart.points.iter().all(|pt| !pt.out_of_control));
    }

    #[test]
    fn p_chart_flags_a_period_out_of_control() {
        // 10 weeks of 50 inspections at 90% passing, then a week of 50 at 50%.
        let mut periods: Vec<PeriodFigure> = (0..10)
            .map(|w| PeriodFigure {
                period: d(1, 5) + Duration::days(7 * w),
                inspections: 50,
                passed: 45,
                mean: 90.0,
                pass_rate: 90.0,
            })
            .collect();
        periods.push(PeriodFigure {
            period: d(3, 16),
            inspections: 50,
            passed: 25,
            mean: 60.0,
            pass_rate: 50.0,
        });
        let chart = p_chart(&periods).unwrap();
        // p̄ = (450 + 25) / 550 = 0.8636…; σ(50) = √(p̄(1−p̄)/50) ≈ 0.0485; LCL ≈ 0.7181
        assert!((chart.center - 475.0 / 550.0).abs() < 1e-12);
        assert!((chart.points[10].lcl - 0.7181).abs() < 1e-3);
        assert!(chart.points[10].out_of_control);
        assert!(chart.points[..10].iter().all(|p| !p.out_of_control));
        assert!(p_chart(&[]).is_none());
    }

    #[test]
    fn pareto_orders_and_accumulates() {
        let counts = vec![
            ItemFailures {
                item: "bow".into(),
                failures: 2,
                checked: 10,
            },
            ItemFailures {
                item: "greet".into(),
                failures: 5,
                checked: 10,
            },
            ItemFailures {
                item: "badge".into(),
                failures: 2,
                checked: 4,
            },
            ItemFailures {
                item: "smile".into(),
                failures: 1,
                checked: 10,
            },
            ItemFailures {
                item: "shoes".into(),
                failures: 0,
                checked: 10,
            },
        ];
        let bars = pareto(&counts);
        let order: Vec<&str> = bars.iter().map(|b| b.item.as_str()).collect();
        assert_eq!(
            order,
            vec!["greet", "badge", "bow", "smile"],
            "most first, ties by key, zeros left out"
        );
        assert_eq!((bars[0].share, bars[0].cumulative), (50.0, 50.0));
        assert_eq!(
            (bars[1].share, bars[1].cumulative, bars[1].failure_rate),
            (20.0, 70.0, 50.0)
        );
        assert_eq!(bars[3].cumulative, 100.0);
    }

    #[test]
    fn heat_map_combines_points() {
        let cells = vec![
            (1, "dress", 8.0, 10.0),
            (1, "dress", 2.0, 10.0),
            (1, "greet", 0.0, 0.0),
            (2, "greet", 3.0, 4.0),
        ];
        let map = heat_map(&cells);
        assert_eq!(map[&(1, "dress")], 50.0);
        assert_eq!(map[&(2, "greet")], 75.0);
        assert!(
            !map.contains_key(&(1, "greet")),
            "nothing scorable, no cell"
        );
    }

    #[test]
    fn groups_with_arrows() {
        let rows = by_group(&fixture(), |s| s.subject, d(11, 9));
        // subject 11: 70 then 60 → down; subject 12: 80 then 85 → up; subject 10: only early.
        let get = |k: i32| rows.iter().find(|r| r.key == k).unwrap();
        assert_eq!((get(11).mean, get(11).arrow), (65.0, Some(Arrow::Down)));
        assert_eq!((get(12).mean, get(12).arrow), (82.5, Some(Arrow::Up)));
        assert_eq!(
            (get(10).mean, get(10).arrow, get(10).pass_rate),
            (95.0, None, 100.0)
        );
        assert_eq!(rows[0].key, 11, "lowest mean first");
        assert_eq!(
            Arrow::between(Some(80.0), Some(81.0), 2.0),
            Some(Arrow::Flat)
        );
    }

    #[test]
    fn coverage_finds_who_was_not_checked() {
        // In the 3 days to 12 Nov (10th–12th) only subject 12 was checked.
        assert_eq!(
            not_covered(&[10, 11, 12, 13], &fixture(), d(11, 12), 3),
            vec![10, 11, 13]
        );
        // In the 5 days (8th–12th): 10 on the 8th, 11 on the 9th, 12 on the 12th.
        assert_eq!(
            not_covered(&[10, 11, 12, 13], &fixture(), d(11, 12), 5),
            vec![13]
        );
        assert_eq!(
            not_covered(&[10, 11, 12], &fixture(), d(11, 12), 30),
            Vec::<i32>::new()
        );
    }

    #[test]
    fn calibration_by_hand() {
        let cal = calibration(&fixture());
        let a = cal.iter().find(|c| c.inspector == 100).unwrap();
        let b = cal.iter().find(|c| c.inspector == 101).unwrap();
        // Inspector 100 scored 10 → 90 (101: 100), 11 → 70 (101: 60), 12 → 85 (101: 80).
        assert_eq!((a.inspections, a.compared), (3, 3));
        assert!(
            (a.bias.unwrap() - ((90.0 - 100.0) + (70.0 - 60.0) + (85.0 - 80.0)) / 3.0).abs() < 1e-9
        );
        assert!((a.others_mean.unwrap() - (100.0 + 60.0 + 80.0) / 3.0).abs() < 1e-9);
        // Inspector 101 is the mirror image.
        assert!((b.bias.unwrap() + a.bias.unwrap()).abs() < 1e-9);
        let alone = calibration(&[s(d(11, 2), 1, 10, 100, 90.0, true)]);
        assert_eq!((alone[0].compared, alone[0].bias), (0, None));
    }

    #[test]
    fn periods_before_and_after() {
        let (w, m) = (Granularity::Week, Granularity::Month);
        assert_eq!(w.next(d(11, 8)), d(11, 9));
        assert_eq!(w.previous(d(11, 9)), d(11, 2));
        assert_eq!(w.previous(d(11, 8)), d(10, 26));
        assert_eq!(
            m.next(d(12, 31)),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(m.previous(d(3, 15)), d(2, 1));
    }

    #[test]
    fn running_terms_by_hand() {
        let w = Granularity::Week;
        let t = |period, total, earlier| RunningTerm {
            period,
            total,
            earlier,
        };
        // 2–29 November split on the 16th, frontier far ahead: the totals at the 23rd
        // (last week), the 9th (before the split) and 26 October (before the range).
        assert_eq!(
            running_terms(w, d(11, 2), d(11, 29), Some(d(11, 16)), d(12, 28)),
            vec![t(d(10, 26), -1, -1), t(d(11, 9), 0, 1), t(d(11, 23), 1, 0)]
        );
        // Nothing counted after the frontier (the 16th): the range is read up to it.
        assert_eq!(
            running_terms(w, d(11, 2), d(11, 29), None, d(11, 16)),
            vec![t(d(10, 26), -1, 0), t(d(11, 16), 1, 0)]
        );
        // A range wholly after the frontier holds nothing; a split at the range's
        // start leaves nothing before it.
        assert!(running_terms(w, d(11, 23), d(11, 29), None, d(11, 16)).is_empty());
        assert_eq!(
            running_terms(w, d(11, 2), d(11, 8), Some(d(11, 2)), d(12, 28)),
            vec![t(d(10, 26), -1, 0), t(d(11, 2), 1, 0)]
        );
        assert!(running_terms(w, d(11, 9), d(11, 2), None, d(12, 28)).is_empty());
    }

    #[test]
    fn coverage_spans_by_hand() {
        // To a Sunday: four whole weeks.
        assert_eq!(
            coverage_spans(d(11, 29)),
            CoverageSpans {
                weeks: Some((d(11, 2), d(11, 23))),
                edges: vec![],
            }
        );
        // To a Monday (a month's end): three whole weeks and a day or six at the ends.
        assert_eq!(
            coverage_spans(d(11, 30)),
            CoverageSpans {
                weeks: Some((d(11, 9), d(11, 23))),
                edges: vec![(d(11, 3), d(11, 8)), (d(11, 30), d(11, 30))],
            }
        );
    }

    fn any_sample() -> impl Strategy<Value = Sample> {
        (
            0i64..200,
            1i32..4,
            1i32..8,
            1i32..4,
            0.0..=100.0f64,
            any::<bool>(),
        )
            .prop_map(|(day, site, subject, inspector, percent, passed)| {
                s(
                    d(1, 1) + Duration::days(day),
                    site,
                    subject,
                    inspector,
                    percent,
                    passed,
                )
            })
    }

    fn standing(
        subject: i32,
        inspections: usize,
        passed: usize,
        critical: usize,
        mean: f64,
    ) -> Standing {
        Standing {
            subject,
            inspections,
            passed,
            critical,
            percent_sum: mean * inspections as f64,
        }
    }

    #[test]
    fn a_cut_staff_list_prints_the_lowest_then_those_needing_attention() {
        let names: HashMap<i32, String> = (1..=8).map(|i| (i, format!("p{}", 9 - i))).collect();
        let name = |id: i32| names[&id].as_str();
        let staff = vec![
            standing(1, 10, 10, 0, 95.0),
            standing(2, 10, 10, 0, 60.0),
            // Tied with 2: the name decides (p5 before p7).
            standing(4, 10, 10, 0, 60.0),
            standing(3, 10, 9, 0, 70.0),
            // 7 of 10 passed: under the line.
            standing(5, 10, 7, 0, 90.0),
            // 8 of 10 is on the line, not under it.
            standing(6, 10, 8, 0, 91.0),
            // A critical failure.
            standing(7, 10, 10, 1, 92.0),
            standing(8, 5, 3, 0, 99.0),
        ];
        let all = printed_staff(&staff, name, None);
        assert_eq!(all, vec![4, 2, 3, 5, 6, 7, 1, 8]);
        let cut = |lowest, most| printed_staff(&staff, name, Some(StaffCut { lowest, most }));
        assert_eq!(cut(2, 10), vec![4, 2, 5, 7, 8]);
        assert_eq!(cut(2, 4), vec![4, 2, 5, 7]);
        assert_eq!(cut(3, 3), vec![4, 2, 3]);
        assert_eq!(cut(0, 2), vec![5, 7]);
    }

    proptest! {
        /// The report's uncovered list (longest unchecked first, then by name, cut at
        /// `most`) comes out the same from the candidates as from everyone.
        #[test]
        fn the_uncovered_candidates_hold_everyone_printed(
            rows in proptest::collection::vec((0u8..4, 0u8..4), 0..30),
            most in 0usize..12,
        ) {
            let ids: Vec<i32> = (1..=rows.len() as i32).collect();
            let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let last: HashMap<i32, NaiveDate> = ids
                .iter()
                .zip(&rows)
                .filter(|(_, (ago, _))| *ago > 0)
                .map(|(id, (ago, _))| (*id, day - Duration::days(i64::from(*ago))))
                .collect();
            let name = |id: i32| rows[id as usize - 1].1;
            let printed = |among: Vec<i32>| {
                let mut order = among;
                order.sort_by_key(|id| (last.get(id).copied(), name(*id)));
                order.truncate(most);
                order
            };
            let cut = StaffCut { lowest: 0, most };
            let candidates = uncovered_candidates(&ids, &last, Some(cut));
            prop_assert_eq!(printed(candidates), printed(ids.clone()));
            prop_assert_eq!(uncovered_candidates(&ids, &last, None), ids);
        }
    }

    /// What the store reads for a cut (`store::stats::report_staff`): everyone ranked,
    /// ties sharing a rank, within the lowest `lowest` by mean, or within the lowest
    /// `most` by mean of those needing attention. No names: they are read after.
    fn candidates(all: &[Standing], cut: StaffCut) -> Vec<Standing> {
        fn rank<'a>(s: &Standing, among: impl Iterator<Item = &'a Standing>) -> usize {
            1 + among.filter(|o| o.mean() < s.mean()).count()
        }
        let attention = || all.iter().filter(|o| o.needs_attention());
        all.iter()
            .filter(|s| {
                rank(s, all.iter()) <= cut.lowest
                    || (s.needs_attention() && rank(s, attention()) <= cut.most)
            })
            .cloned()
            .collect()
    }

    fn any_standings() -> impl Strategy<Value = Vec<Standing>> {
        let row = (1usize..6, 0usize..6, 0usize..2, 0u8..8);
        proptest::collection::vec(row, 0..40).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (n, passed, critical, mean))| Standing {
                    subject: i as i32 + 1,
                    inspections: n,
                    passed: passed.min(n),
                    critical: critical.min(n),
                    // Few distinct means (and names, below): plenty of ties.
                    percent_sum: (60.0 + 5.0 * f64::from(mean)) * n as f64,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn a_cut_prints_exactly_the_lowest_and_those_needing_attention(
            staff in any_standings(),
            names in proptest::collection::vec(0u8..6, 40),
            lowest in 0usize..12,
            extra in 0usize..12,
        ) {
            let cut = StaffCut { lowest, most: lowest + extra };
            let names: HashMap<i32, String> = (1..=40).map(|i| (i, format!("n{}", names[i as usize - 1]))).collect();
            let name = |id: i32| names[&id].as_str();
            let order = printed_staff(&staff, name, None);
            let printed = printed_staff(&staff, name, Some(cut));
            // The first `lowest` in print order, in that order, then only people needing
            // attention, and all of those while there is room.
            let head = order.len().min(lowest);
            prop_assert_eq!(&printed[..head.min(printed.len())], &order[..head]);
            let by_id: HashMap<i32, &Standing> = staff.iter().map(|s| (s.subject, s)).collect();
            for id in &printed[head..] {
                prop_assert!(by_id[id].needs_attention());
            }
            prop_assert!(printed.len() <= head.max(cut.most));
            if printed.len() < cut.most {
                for s in staff.iter().filter(|s| s.needs_attention()) {
                    prop_assert!(printed.contains(&s.subject));
                }
            }
            let places: Vec<usize> = printed.iter().map(|id| order.iter().position(|o| o == id).unwrap()).collect();
            prop_assert!(places.windows(2).all(|w| w[0] < w[1]), "in print order");
            // What the store reads for the cut is enough to decide it.
            prop_assert_eq!(printed_staff(&candidates(&staff, cut), name, Some(cut)), printed);
        }
    }

    proptest! {
        #[test]
        fn rates_and_limits_stay_in_range(samples in proptest::collection::vec(any_sample(), 1..120), monthly in any::<bool>()) {
            let g = if monthly { Granularity::Month } else { Granularity::Week };
            let periods = trend(&samples, g);
            prop_assert_eq!(periods.iter().map(|p| p.inspections).sum::<usize>(), samples.len());
            for p in &periods {
                prop_assert!((0.0..=100.0).contains(&p.pass_rate) && (0.0..=100.0).contains(&p.mean));
            }
            let chart = p_chart(&periods).unwrap();
            for pt in &chart.points {
                prop_assert!(pt.lcl <= chart.center + 1e-12 && chart.center <= pt.ucl + 1e-12);
                prop_assert!((0.0..=1.0).contains(&pt.lcl) && (0.0..=1.0).contains(&pt.ucl));
            }
        }

        #[test]
        fn rolled_up_samples_give_the_same_figures(
            samples in proptest::collection::vec(any_sample(), 1..120),
            monthly in any::<bool>(),
            split_day in 0i64..200,
            end_week in 1i64..30,
        ) {
            let g = if monthly { Granularity::Month } else { Granularity::Week };
            let rolled = roll_up(&samples, g);
            prop_assert!(rolled.len() <= samples.len());
            let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
            let close_opt = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => close(a, b),
                (a, b) => a.is_none() && b.is_none(),
            };

            let (raw, agg) = (summary(&samples), summary(&rolled));
            prop_assert_eq!((raw.inspections, raw.passed, raw.critical), (agg.inspections, agg.passed, agg.critical));
            prop_assert!(close_opt(raw.mean, agg.mean));

            let (raw, agg) = (trend(&samples, g), trend(&rolled, g));
            prop_assert_eq!(raw.len(), agg.len());
            for (r, a) in raw.iter().zip(&agg) {
                prop_assert_eq!((r.period, r.inspections, r.passed), (a.period, a.inspections, a.passed));
                prop_assert!(close(r.mean, a.mean));
            }

            // Split on a period boundary, as the dashboard does.
            let split = g.start(d(1, 1) + Duration::days(split_day));
            let mut raw = by_group(&samples, |s| s.subject, split);
            let mut agg = by_group(&rolled, |s| s.subject, split);
            raw.sort_by_key(|r| r.key);
            agg.sort_by_key(|r| r.key);
            prop_assert_eq!(raw.len(), agg.len());
            for (r, a) in raw.iter().zip(&agg) {
                prop_assert_eq!((r.key, r.inspections, r.arrow), (a.key, a.inspections, a.arrow));
                prop_assert!(close(r.mean, a.mean) && close(r.pass_rate, a.pass_rate));
                prop_assert!(close_opt(r.earlier, a.earlier) && close_opt(r.later, a.later));
            }

            let (raw, agg) = (calibration(&samples), calibration(&rolled));
            prop_assert_eq!(raw.len(), agg.len());
            for (r, a) in raw.iter().zip(&agg) {
                prop_assert_eq!((r.inspector, r.inspections, r.compared), (a.inspector, a.inspections, a.compared));
                prop_assert!(close(r.mean, a.mean) && close_opt(r.bias, a.bias) && close_opt(r.others_mean, a.others_mean));
            }

            // Coverage over whole weeks ending on a Sunday.
            if g == Granularity::Week {
                let as_of = g.start(d(1, 1)) + Duration::days(7 * end_week - 1);
                let staff: Vec<i32> = (1..8).collect();
                prop_assert_eq!(not_covered(&staff, &samples, as_of, 28), not_covered(&staff, &rolled, as_of, 28));
            }
        }

        #[test]
        fn running_terms_give_the_sums_of_the_periods(
            counts in proptest::collection::vec(0u32..5, 1..60),
            monthly in any::<bool>(),
            first in 0usize..70,
            len in 0usize..70,
            split_at in 0usize..80,
            frontier in 0usize..70,
            offset in 0i64..40,
        ) {
            // counts[i] is counted in period i; nothing after the frontier period.
            let g = if monthly { Granularity::Month } else { Granularity::Week };
            let period = |i: usize| (0..i).fold(g.start(d(1, 1)), |p, _| g.next(p));
            let counted = |i: usize| if i <= frontier { counts.get(i).copied().unwrap_or(0) } else { 0 };
            // The running total at period i: every period up to it.
            let running = |p: NaiveDate| (0..=frontier).filter(|i| period(*i) <= p).map(counted).sum::<u32>() as i64;
            let (from, to) = (period(first) + Duration::days(offset % 7), period(first + len) + Duration::days(offset % 7));
            let split = period(split_at);
            let terms = running_terms(g, from, to, Some(split), period(frontier));
            prop_assert!(terms.len() <= 3);
            let total: i64 = terms.iter().map(|t| i64::from(t.total) * running(t.period)).sum();
            let earlier: i64 = terms.iter().map(|t| i64::from(t.earlier) * running(t.period)).sum();
            let expected = |upto: usize| (first..=first + len).filter(|i| *i < upto).map(counted).sum::<u32>() as i64;
            prop_assert_eq!(total, expected(usize::MAX));
            prop_assert_eq!(earlier, expected(split_at));
        }

        #[test]
        fn coverage_spans_cover_the_four_weeks_once(day in 0i64..400) {
            let to = d(1, 1) + Duration::days(day);
            let spans = coverage_spans(to);
            let mut days: Vec<NaiveDate> = Vec::new();
            if let Some((first, last)) = spans.weeks {
                prop_assert_eq!(Granularity::Week.start(first), first);
                prop_assert_eq!(Granularity::Week.start(last), last);
                days.extend((0..=(last - first).num_days() + 6).map(|n| first + Duration::days(n)));
            }
            for (a, b) in &spans.edges {
                prop_assert!((*b - *a).num_days() < 7);
                days.extend((0..=(*b - *a).num_days()).map(|n| *a + Duration::days(n)));
            }
            days.sort();
            let expected: Vec<NaiveDate> = (0..COVERAGE_DAYS).map(|n| to - Duration::days(COVERAGE_DAYS - 1 - n)).collect();
            prop_assert_eq!(days, expected);
        }

        #[test]
        fn pareto_cumulative_rises_to_100(fails in proptest::collection::vec((0usize..20, 20usize..40), 1..15)) {
            let counts: Vec<ItemFailures> = fails.iter().enumerate().map(|(i, (f, c))| ItemFailures { item: format!("i{i:02}"), failures: *f, checked: *c }).collect();
            let bars = pareto(&counts);
            for w in bars.windows(2) {
                prop_assert!(w[0].failures >= w[1].failures && w[0].cumulative <= w[1].cumulative);
            }
            if let Some(last) = bars.last() {
                prop_assert!((last.cumulative - 100.0).abs() < 1e-9);
            }
        }

        #[test]
        fn calibration_biases_balance_between_two_inspectors(samples in proptest::collection::vec(any_sample(), 1..60)) {
            let two: Vec<Sample> = samples.into_iter().map(|mut s| { s.inspector = 1 + s.inspector % 2; s }).collect();
            for c in calibration(&two) {
                prop_assert!(c.compared <= c.inspections);
                prop_assert!(c.bias.is_none_or(|b| (-100.0..=100.0).contains(&b)));
            }
        }

        #[test]
        fn kept_windows_are_the_ranges_the_dashboard_asks_for(day in 0i64..2_000) {
            let today = d(1, 1) + Duration::days(day);
            let [weeks, months] = Window::for_today(today);
            for (w, (from, to), g) in [
                (weeks, last_twelve_weeks(today), Granularity::Week),
                (months, last_twelve_months(today), Granularity::Month),
            ] {
                // What the dashboard computes for the same dates finds this window.
                prop_assert_eq!(Granularity::for_range(from, to), g);
                let (from, to) = g.whole_periods(from, to);
                prop_assert_eq!(Window::matching(today, g, from, to), Some(w));
                prop_assert_eq!(w.split, g.halfway(from, to));
                prop_assert!(w.from < w.split && w.split <= g.start(w.to));
                prop_assert!(w.name.len() <= 8);
                // Every period in the window goes to one half, by the same test the
                // staff panel's arrow uses; periods outside go nowhere.
                let mut period = w.from;
                while period <= w.to {
                    let expected = if period < w.split { w.from } else { w.split };
                    prop_assert_eq!(w.half_of(period), Some(expected));
                    period = g.whole_periods(period, period).1 + Duration::days(1);
                }
                prop_assert_eq!(w.half_of(w.from - Duration::days(1)), None);
                prop_assert_eq!(w.half_of(period), None);
            }
            prop_assert!((12..=13).contains(&((weeks.to - weeks.from).num_days() / 7)));
        }
    }
}
