//! Server-rendered HTML (maud). Views only present: they take plain data and the
//! viewer's chrome (name, role, language, CSRF token) and return markup.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod home;
pub mod inspections;
pub mod layout;
pub mod plan;
pub mod quality;
pub mod spotcheck;
pub mod training;

use crate::domain::Lang;
use crate::domain::access::Role;

/// What every signed-in page shows around its content.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub name: String,
    pub role: Role,
    pub csrf: String,
}
