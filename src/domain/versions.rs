//! A checklist's stored versions as the library pages list them: newest first, each
//! with its title, content hash and when it was imported. The store fills it; the admin
//! pages show it and the diff picks two versions from it.

use chrono::{DateTime, Utc};

use super::Text;

/// A stored version, without its definition.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionMeta {
    pub id: i32,
    pub version: i32,
    pub content_hash: String,
    pub title: Text,
    pub created_at: DateTime<Utc>,
}

/// A checklist of the library with its versions.
#[derive(Debug, Clone)]
pub struct ChecklistSummary {
    pub key: String,
    pub active: bool,
    /// Newest first.
    pub versions: Vec<VersionMeta>,
    /// The positions the newest version is for.
    pub positions: Vec<String>,
}

impl ChecklistSummary {
    pub fn latest(&self) -> Option<&VersionMeta> {
        self.versions.first()
    }

    pub fn version(&self, number: i32) -> Option<&VersionMeta> {
        self.versions.iter().find(|v| v.version == number)
    }
}
