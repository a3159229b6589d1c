//! The audit log page: each change as a sentence in the viewer's language, the fields
//! it touched as a small before/after table, and the raw record behind a toggle.

use crate::i18n::Localize;
use maud::{Markup, html};

use super::Chrome;
use super::layout::{page, times_note};
use crate::domain::clock::ZoneNaming;

/// One entry as the page shows it; the handler has turned ids, keys and values into
/// names and words in the viewer's language.
pub struct AuditRow {
    pub at: String,
    pub sentence: String,
    /// The fields the change touched: name, before, after (empty text where none).
    pub changes: Vec<(String, String, String)>,
    /// The entry as stored: action, table, id, and the before and after records.
    pub raw: String,
}

/// The kinds of record the log can be narrowed to.
pub const ENTITIES: [&str; 7] = [
    "inspection",
    "user",
    "site",
    "checklist_version",
    "training_module_version",
    "training_assignment",
    "api_token",
];

pub fn list(
    chrome: &Chrome,
    rows: &[AuditRow],
    entity: Option<&str>,
    page_no: u64,
    pages: u64,
    naming: ZoneNaming,
) -> Markup {
    let l = chrome.lang;
    let link = |p: u64| match entity {
        Some(e) => format!("/audit?entity={e}&page={p}"),
        None => format!("/audit?page={p}"),
    };
    page(
        chrome,
        &l.t("audit-audit-log"),
        "/audit",
        html! {
            h1 { (l.t("audit-audit-log")) }
            (times_note(l, naming, true))
            p.muted { (l.t("audit-every-change-to-people-roles")) }
            form.filters method="get" action="/audit" {
                label { (l.t("audit-what"))
                    select name="entity" {
                        option value="" { (l.t("inspections-all")) }
                        @for e in ENTITIES { option value=(e) selected[entity == Some(e)] { (kind_name(l, e)) } }
                    }
                }
                button.primary type="submit" { (l.t("inspections-filter")) }
            }
            @if rows.is_empty() {
                p.empty { (l.t("audit-nothing-recorded")) }
            } @else {
                ol.audit {
                    @for r in rows {
                        li.card.audit-entry {
                            p {
                                span.muted { (r.at) } " "
                                span.audit-sentence { (r.sentence) }
                            }
                            @if !r.changes.is_empty() {
                                table.audit-changes {
                                    tr { th { (l.t("polish-quality-audit-field")) } th { (l.t("audit-before")) } th { (l.t("audit-after")) } }
                                    @for (field, before, after) in &r.changes {
                                        tr { td { (field) } td { (before) } td { (after) } }
                                    }
                                }
                            }
                            details.audit-raw {
                                summary { (l.t("polish-quality-audit-raw")) }
                                pre { code { (r.raw) } }
                            }
                        }
                    }
                }
                @if pages > 1 {
                    nav.pager {
                        @if page_no > 0 { a.button href=(link(page_no - 1)) { "← " (l.t("audit-newer")) } }
                        span { (page_no + 1) " / " (pages) }
                        @if page_no + 1 < pages { a.button href=(link(page_no + 1)) { (l.t("audit-older")) " →" } }
                    }
                }
            }
        },
    )
}

/// A kind of record, in words (the table name where the catalog has none).
pub fn kind_name(l: crate::domain::Lang, entity: &str) -> String {
    match entity {
        "inspection" => l.t("polish-quality-kind-inspection"),
        "user" => l.t("polish-quality-kind-user"),
        "site" => l.t("polish-quality-kind-site"),
        "checklist_version" => l.t("polish-quality-kind-checklist-version"),
        "training_module_version" => l.t("polish-quality-kind-module-version"),
        "training_assignment" => l.t("polish-quality-kind-assignment"),
        "api_token" => l.t("polish-quality-kind-api-token"),
        other => other.to_string(),
    }
}
