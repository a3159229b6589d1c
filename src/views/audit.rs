//! The audit log page.

use crate::i18n::Localize;
use maud::{Markup, html};

use super::Chrome;
use super::layout::{page, zone_note};

pub struct AuditRow {
    pub at: String,
    /// `None` for changes made from the command line.
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

const ENTITIES: [&str; 7] = [
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
    zone: &str,
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
            (zone_note(l, zone))
            p.muted { (l.t("audit-every-change-to-people-roles")) }
            form.filters method="get" action="/audit" {
                label { (l.t("audit-what"))
                    select name="entity" {
                        option value="" { (l.t("inspections-all")) }
                        @for e in ENTITIES { option value=(e) selected[entity == Some(e)] { (e) } }
                    }
                }
                button.primary type="submit" { (l.t("inspections-filter")) }
            }
            @if rows.is_empty() {
                p.empty { (l.t("audit-nothing-recorded")) }
            } @else {
                div.scroll {
                    table {
                        tr { th { (l.t("audit-when")) } th { (l.t("audit-who")) } th { (l.t("audit-action")) } th { (l.t("audit-what")) } th { (l.t("audit-before")) } th { (l.t("audit-after")) } }
                        @for r in rows {
                            tr {
                                td { (r.at) }
                                td { (r.actor.as_deref().unwrap_or(&l.t("audit-command-line"))) }
                                td { (r.action) }
                                td { (r.entity) " " span.muted { (r.entity_id) } }
                                td { code { (r.before.as_deref().unwrap_or("")) } }
                                td { code { (r.after.as_deref().unwrap_or("")) } }
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
