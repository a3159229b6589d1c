//! Reading query strings and forms: the [`Query`] and [`Form`] extractors every route
//! uses, whose failures are the app's own sentence naming the field (axum's own answer
//! with the deserializer's text), and optional values, where a blank counts as absent and
//! one that does not parse is a 400 that names it.

use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::{Datelike, NaiveDate};
use serde::de::DeserializeOwned;

use super::error::{AppError, AppResult, body_too_large};
use crate::i18n::Message;

/// The query string, deserialized; a value that does not fit is a 400 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> AppResult<Self> {
        deserialize(parts.uri.query().unwrap_or_default().as_bytes()).map(Query)
    }
}

/// A URL-encoded form body, deserialized; a body over the limit is a 413 naming the
/// limit, a value that does not fit a 400 naming the field.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> AppResult<Self> {
        let RawForm(bytes) =
            RawForm::from_request(request, state)
                .await
                .map_err(|e| match e.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(body_too_large()),
                    _ => AppError::Unreadable(Message::new("error-form-unreadable")),
                })?;
        deserialize(&bytes).map(Form)
    }
}

/// Longest value quoted back in a message, in characters.
const QUOTED: usize = 40;

fn deserialize<T: DeserializeOwned>(raw: &[u8]) -> AppResult<T> {
    let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw));
    serde_path_to_error::deserialize(pairs).map_err(|e| {
        let inner = e.inner().to_string();
        // serde names a missing field only in its text: "missing field `x`".
        if let Some(field) = inner
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            return AppError::Unreadable(Message::new("error-field-missing").arg("field", field));
        }
        let field = e.path().to_string();
        let value = form_urlencoded::parse(raw)
            .find(|(name, _)| *name == field)
            .map(|(_, value)| value.chars().take(QUOTED).collect::<String>());
        AppError::Unreadable(match value {
            Some(value) => Message::new("error-value-not-valid")
                .arg("value", value)
                .arg("field", field),
            None => Message::new("error-field-unreadable").arg("field", field),
        })
    })
}

/// The trimmed value, or `None` when it is missing or blank.
pub fn nonempty(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// An optional numeric id from the query or form field `field`.
pub fn optional_id(raw: Option<&str>, field: &str) -> AppResult<Option<i32>> {
    nonempty(raw)
        .map(|s| s.parse().map_err(|_| not_valid(field, s)))
        .transpose()
}

/// `value` cannot be read as the field `field`.
pub fn not_valid(field: &str, value: &str) -> AppError {
    AppError::Unreadable(
        Message::new("error-value-not-valid")
            .arg("field", field)
            .arg("value", value),
    )
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
            // Worded like any other value that cannot be read (see `unreadable`).
            AppError::Unreadable(
                Message::new("error-value-not-valid")
                    .arg("value", s)
                    .arg("field", "page"),
            )
        })
}

/// A date as people type it (YYYY-MM-DD), within the years 1900 to 9999: dates are
/// widened to whole weeks and months and compared with ranges around them, which
/// chrono cannot do at the ends of its calendar. The error says why, for the person.
pub fn date(s: &str) -> Result<NaiveDate, Message> {
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Message::new("refuse-not-a-date").arg("value", s))?;
    if !(1900..=9999).contains(&date.year()) {
        return Err(Message::new("refuse-year-out-of-range").arg("value", s));
    }
    Ok(date)
}

/// An optional [`date`] from a query string.
pub fn optional_date(raw: Option<&str>) -> AppResult<Option<NaiveDate>> {
    nonempty(raw)
        .map(|s| date(s).map_err(AppError::BadRequest))
        .transpose()
}
