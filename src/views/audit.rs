//! The audit log page.

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
        l.pick("稽核紀錄", "Audit log"),
        "/audit",
        html! {
            h1 { (l.pick("稽核紀錄", "Audit log")) }
            (zone_note(l, zone))
            p.muted { (l.pick("每一項對人員、角色、檢查表及檢查的更改都記錄在此，不能修改或刪除。", "Every change to people, roles, checklists and inspections is recorded here; it cannot be edited or deleted.")) }
            form.filters method="get" action="/audit" {
                label { (l.pick("對象", "What"))
                    select name="entity" {
                        option value="" { (l.pick("全部", "All")) }
                        @for e in ENTITIES { option value=(e) selected[entity == Some(e)] { (e) } }
                    }
                }
                button.primary type="submit" { (l.pick("篩選", "Filter")) }
            }
            @if rows.is_empty() {
                p.empty { (l.pick("沒有紀錄。", "Nothing recorded.")) }
            } @else {
                div.scroll {
                    table {
                        tr { th { (l.pick("時間", "When")) } th { (l.pick("誰", "Who")) } th { (l.pick("動作", "Action")) } th { (l.pick("對象", "What")) } th { (l.pick("之前", "Before")) } th { (l.pick("之後", "After")) } }
                        @for r in rows {
                            tr {
                                td { (r.at) }
                                td { (r.actor.as_deref().unwrap_or(l.pick("命令列", "command line"))) }
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
                        @if page_no > 0 { a.button href=(link(page_no - 1)) { "← " (l.pick("較新", "Newer")) } }
                        span { (page_no + 1) " / " (pages) }
                        @if page_no + 1 < pages { a.button href=(link(page_no + 1)) { (l.pick("較舊", "Older")) " →" } }
                    }
                }
            }
        },
    )
}
