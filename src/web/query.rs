//! Reading optional query and form values: a blank value counts as absent, and one that
//! does not parse is a 400 that names it.

use chrono::NaiveDate;

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

/// An optional `YYYY-MM-DD` date.
pub fn optional_date(raw: Option<&str>) -> AppResult<Option<NaiveDate>> {
    nonempty(raw)
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest(format!("`{s}` is not a date (YYYY-MM-DD)")))
        })
        .transpose()
}
