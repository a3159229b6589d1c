//! The aggregates behind the quality dashboard and the site reports, kept on write, so a
//! year of trends reads a few thousand rows instead of every inspection and its forty
//! responses. Re-checks are left out, as everywhere in the quality figures: they are not
//! a random sample. Four jobs, a file each: [`tally`] keeps the aggregates on write,
//! [`windows`] keeps the dashboard's usual ranges summed, [`running`] keeps running
//! totals (any range in a few rows per person) and last-checked dates, [`reads`]
//! answers the dashboard.

mod reads;
mod running;
mod tally;
mod windows;

pub use reads::{
    PersonRows, ReportStaff, SiteRow, calibration_samples, items, items_from_responses,
    last_counted_checks, lowest_staff, not_checked_recently, period_samples, recent, report_staff,
    samples, site_rows, sites_checked, versions_of,
};
pub use tally::{ItemResult, Tally, ensure, rebuild, refill_running, stored_results};
pub use windows::{roll_windows, window_for};

use crate::domain::stats::Granularity;

/// The site id under which item results are also kept for every site together, so the
/// group's Pareto reads a few hundred rows instead of one set per site. Site ids start
/// at 1.
pub const GROUP: i32 = 0;

/// The grains kept: weeks for ranges up to about four months, months beyond.
pub(super) const GRAINS: [Granularity; 2] = [Granularity::Week, Granularity::Month];

pub(super) fn grain_name(g: Granularity) -> &'static str {
    match g {
        Granularity::Week => "week",
        Granularity::Month => "month",
    }
}
