//! Refuse form posts whose text cannot be stored faithfully. axum's `Form` decodes a
//! percent-encoded body lossily: invalid UTF-8 becomes U+FFFD and a NUL byte passes
//! through, so a note, a name or an answer would be stored as something nobody typed
//! (and a NUL breaks PostgreSQL text and every export). This layer reads every
//! `application/x-www-form-urlencoded` body once, before any handler, and answers 400
//! naming the field.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{AppError, body_too_large};
use crate::app::MAX_BODY_BYTES;
use crate::i18n::Message;

/// What is wrong with one field of a form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// The bytes are not UTF-8.
    NotUtf8 { field: String },
    /// The text holds a NUL character.
    Nul { field: String },
}

impl TextProblem {
    fn message(&self) -> Message {
        let (id, field) = match self {
            TextProblem::NotUtf8 { field } => ("form-not-utf8", field),
            TextProblem::Nul { field } => ("form-nul", field),
        };
        Message::new(id).arg("field", field)
    }
}

/// The first field of a urlencoded body whose name or value is not storable text.
pub fn check_form_body(body: &[u8]) -> Result<(), TextProblem> {
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, |b| *b == b'=');
        let name = decode(parts.next().unwrap_or_default());
        let value = decode(parts.next().unwrap_or_default());
        let field = String::from_utf8_lossy(&name).replace('\0', "\\0");
        for bytes in [&name, &value] {
            match std::str::from_utf8(bytes) {
                Err(_) => return Err(TextProblem::NotUtf8 { field }),
                Ok(text) if text.contains('\0') => return Err(TextProblem::Nul { field }),
                Ok(_) => {}
            }
        }
    }
    Ok(())
}

/// Percent-decoding as `application/x-www-form-urlencoded` does it (`+` is a space); a
/// `%` not followed by two hex digits stays as it is.
fn decode(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// The middleware: pass every other request through untouched. Refusals are the app's
/// errors, written in the format and language asked for by `error::in_requested_form`.
pub async fn refuse_unstorable_text(request: Request, next: Next) -> Response {
    if !is_form(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return AppError::TooLarge(body_too_large()).into_response();
    };
    if let Err(problem) = check_form_body(&bytes) {
        return AppError::Unreadable(problem.message()).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_forms_pass() {
        assert_eq!(check_form_body(b""), Ok(()));
        assert_eq!(
            check_form_body("a.smile=pass&n.smile=%E5%BE%AE%E7%AC%91+ok&x=100%".as_bytes()),
            Ok(())
        );
    }

    #[test]
    fn nul_and_invalid_utf8_name_the_field() {
        assert_eq!(
            check_form_body(b"a.smile=pass&n.smile=ok%00then"),
            Err(TextProblem::Nul {
                field: "n.smile".into()
            })
        );
        assert_eq!(
            check_form_body(b"name=caf%E9"),
            Err(TextProblem::NotUtf8 {
                field: "name".into()
            })
        );
        assert_eq!(
            check_form_body(b"na%00me=x"),
            Err(TextProblem::Nul {
                field: "na\\0me".into()
            })
        );
        assert_eq!(
            check_form_body(b"name=\xff"),
            Err(TextProblem::NotUtf8 {
                field: "name".into()
            })
        );
    }

    #[test]
    fn decoding_follows_the_form_rules() {
        assert_eq!(decode(b"a+b%41%4a%"), b"a bAJ%");
        assert_eq!(decode(b"%4"), b"%4");
    }
}
