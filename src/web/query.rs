//! Reading optional query and form values: a blank value counts as absent, and one that
//! does not parse is a 400 that names it.

use chrono::{Datelike, NaiveDate};

use super::error::{AppError, AppResult};

/// The trimmed value, or `None` when it is missing or blank.
pub fn nonempty(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// An optional numeric id; `what` names it in the message.
pub fn optional_id(raw: Option<&str>, what: &str) -> AppResult<Option<i32>> {
    nonempty(raw)
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::BadRequest(format!("`{s}` is not a valid {what}")))
        })
        .transpose()
}

/// The largest page number a list accepts. No list has a million pages, and the row
/// offset computed from a page number (page × rows per page) must not overflow.
pub const MAX_PAGE: u64 = 1_000_000;

/// A list's page number (0 is the first): blank is the first page; anything else must
/// be a whole number up to [`MAX_PAGE`], or it is a 400 that names it.
pub fn page_number(raw: Option<&str>) -> AppResult<u64> {
    let Some(s) = nonempty(raw) else {
        return Ok(0);
    };
    s.parse::<u64>()
        .ok()
        .filter(|page| *page <= MAX_PAGE)
        .ok_or_else(|| {
            AppError::BadRequest(format!("`{s}` is not a page number (0 to {MAX_PAGE})"))
        })
}

/// A date as people type it (YYYY-MM-DD), within the years 1900 to 9999: dates are
/// widened to whole weeks and months and compared with ranges around them, which
/// chrono cannot do at the ends of its calendar. The error says why, for the person.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD)"))?;
    if !(1900..=9999).contains(&date.year()) {
        return Err(format!("`{s}` is outside the years 1900 to 9999"));
    }
    Ok(date)
}

/// An optional [`date`] from a query string.
pub fn optional_date(raw: Option<&str>) -> AppResult<Option<NaiveDate>> {
    nonempty(raw)
        .map(|s| date(s).map_err(AppError::BadRequest))
        .transpose()
}
