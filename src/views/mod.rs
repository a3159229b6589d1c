//! Server-rendered HTML (maud). Views only present: they take plain data and the
//! viewer's chrome (name, role, language, CSRF token) and return markup.

pub mod actions;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod authoring;
pub mod charts;
pub mod home;
pub mod inspections;
pub mod layout;
pub mod notify;
pub mod offline;
pub mod plan;
pub mod quality;
pub mod spotcheck;
pub mod training;

use crate::domain::Lang;
use crate::domain::access::Role;

/// What every signed-in page shows around its content.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The signed-in person: the page's `data-user`, so the tablet's outbox knows whose
    /// kept spot-checks it may send under this session.
    pub user_id: i32,
    pub lang: Lang,
    pub name: String,
    pub role: Role,
    pub csrf: String,
}

/// Percent-encode a value for a URL path segment or query string.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
