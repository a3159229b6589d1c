//! Inspection results and the history list.

use maud::{Markup, html};
use uuid::Uuid;

use super::layout::{page, percent};
use super::{Chrome, urlencode};
use crate::domain::clock::{ZoneNaming, period_label};
use crate::domain::record::{CallState, SectionScore};
use crate::domain::{InspectionStatus, Lang, Outcome, ShiftPeriod};
use crate::i18n::Localize;

pub fn pass_badge(
    l: Lang,
    status: InspectionStatus,
    passed: Option<bool>,
    critical: bool,
) -> Markup {
    html! {
        @match (status, passed) {
            (InspectionStatus::Draft, _) => span.badge.draft { (l.t("inspections-draft")) },
            (InspectionStatus::Void, _) => span.badge.na { (l.t("inspections-void")) },
            (_, Some(true)) => span.badge.pass { (l.t("spotcheck-pass")) },
            (_, _) => span.badge.fail { (l.t("spotcheck-fail")) },
        }
        @if critical { " " span.badge.critical { (l.t("inspections-critical-failure")) } }
    }
}

pub struct ResultItem {
    pub section: String,
    pub text: String,
    pub clause: String,
    pub outcome: Outcome,
    pub points: f64,
    pub max: f64,
    pub answer: String,
    pub note: Option<String>,
    pub photo: Option<String>,
    pub critical: bool,
    /// For a failed item: each module it calls for and what became of it, in words.
    pub training: Vec<(CallState, String)>,
}

pub struct TrainingRow {
    pub title: String,
    pub due: String,
    pub critical: bool,
}

pub struct ResultView {
    pub id: Uuid,
    pub checklist: String,
    pub version: i32,
    pub site: String,
    pub subject: String,
    pub position: Option<String>,
    pub inspector: String,
    pub shift: String,
    pub status: InspectionStatus,
    pub percent: Option<f64>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<bool>,
    pub critical: bool,
    pub sections: Vec<SectionScore>,
    pub items: Vec<ResultItem>,
    pub training: Vec<TrainingRow>,
    pub can_acknowledge: bool,
    /// When it was submitted, in the site's time zone.
    pub submitted: Option<String>,
    pub acknowledged: Option<String>,
    pub can_void: bool,
    pub void_reason: Option<String>,
    /// Its corrective actions and signatures (views::actions::follow_up).
    pub follow_up: Markup,
}

pub fn result(chrome: &Chrome, v: &ResultView) -> Markup {
    let l = chrome.lang;
    let failed: Vec<&ResultItem> = v
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Failed)
        .collect();
    page(
        chrome,
        &l.t("inspections-spot-check-result"),
        "/inspections",
        html! {
            div.card {
                div.result-head {
                    span.score { (v.percent.map(percent).unwrap_or_else(|| "—".into())) }
                    (pass_badge(l, v.status, v.passed, v.critical))
                }
                h1 { (v.checklist) }
                p.muted {
                    (v.subject) " · " (v.position.as_deref().unwrap_or("—")) " · " (v.site) " · " (v.shift)
                    br;
                    (l.t("inspections-inspector")) ": " (v.inspector) " · " (l.t("spotcheck-version")) " " (v.version)
                    @if let Some(at) = &v.submitted { " · " (l.t("inspections-submitted")) " " span.submitted-at { (at) } }
                    " · " a href={ "/inspections/" (v.id) "/report.pdf" } { (l.t("inspections-pdf-report")) }
                    @if chrome.role.emails_reports() { " · " a.email-report href={ "/inspections/" (v.id) "/email" } { (l.t("notify-email-report")) } }
                    @if let (Some(s), Some(m)) = (v.score, v.max_score) { " · " (format!("{s:.1} / {m:.1}")) }
                }
                @if let Some(reason) = &v.void_reason {
                    p.error { (l.t_args("typed-inspection-voided", &[("reason", reason.as_str().into())])) }
                }
                @if let Some(at) = &v.acknowledged {
                    p.ok { (l.t_args("typed-acknowledged-at", &[("at", at.as_str().into())])) }
                } @else if v.can_acknowledge {
                    form method="post" action={ "/inspections/" (v.id) "/acknowledge" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        button.primary type="submit" { (l.t("inspections-i-have-read-this-result")) }
                    }
                }
            }
            @if v.can_void {
                details.card {
                    summary { (l.t("inspections-void-this-inspection")) }
                    form method="post" action={ "/inspections/" (v.id) "/void" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        label { (l.t("inspections-reason-required-kept-in-the"))
                            textarea name="reason" maxlength="500" required {}
                        }
                        button type="submit" { (l.t("inspections-void-2")) }
                    }
                }
            }
            @if !failed.is_empty() {
                section.card {
                    h2 { (l.t("inspections-items-that-failed")) " (" (failed.len()) ")" }
                    @for i in &failed {
                        div.item {
                            p.text {
                                (i.text) span.clause { "§" (i.clause) }
                                @if i.critical { span.critical-tag { (l.t("spotcheck-critical")) } }
                            }
                            p.muted { (i.section) " · " (l.t("inspections-recorded")) ": " (i.answer) }
                            @if let Some(n) = &i.note { p { (n) } }
                            @if let Some(p) = &i.photo { div.photo-row { img src=(p) alt=(l.t("js-photo")); } }
                            @for (state, text) in &i.training {
                                p.training-call data-state=(state.label()) {
                                    (l.t("polish-staff-training-for-item")) ": " (text)
                                }
                            }
                        }
                    }
                }
            }
            (v.follow_up)
            @if !v.training.is_empty() {
                section.card {
                    h2 { (l.t("inspections-training-assigned")) }
                    table {
                        tr { th { (l.t("layout-module")) } th { (l.t("layout-due")) } }
                        @for t in &v.training {
                            tr {
                                td { (t.title) @if t.critical { " " span.badge.critical { (l.t("spotcheck-critical")) } } }
                                td { (t.due) }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("inspections-sections")) }
                table {
                    tr { th { (l.t("inspections-section")) } th.num { (l.t("layout-score")) } th.num { "%" } }
                    @for s in &v.sections {
                        tr {
                            td { (s.title) }
                            td.num { (format!("{:.1} / {:.1}", s.score, s.max)) }
                            td.num { @if s.max > 0.0 { (percent(s.score / s.max * 100.0)) } @else { "—" } }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("inspections-all-items")) }
                table {
                    tr { th { (l.t("inspections-item")) } th { (l.t("inspections-recorded")) } th.num { (l.t("inspections-points")) } }
                    @for i in &v.items {
                        tr {
                            td { (i.text) " " span.clause { "§" (i.clause) } }
                            td {
                                @match i.outcome {
                                    Outcome::Passed => span.badge.pass { (l.t("spotcheck-pass")) },
                                    Outcome::Failed => span.badge.fail { (l.t("spotcheck-fail")) },
                                    _ => span.badge.na { (l.t("spotcheck-n-a")) },
                                }
                                " " (i.answer)
                            }
                            td.num { (format!("{:.1} / {:.1}", i.points, i.max)) }
                        }
                    }
                }
            }
        },
    )
}

pub struct ListRow {
    pub id: Uuid,
    /// When it was submitted, in its site's zone (named here when the rows' zones differ).
    pub submitted: Option<String>,
    pub date: String,
    pub period: String,
    pub site: String,
    pub subject: String,
    pub inspector: String,
    pub checklist: String,
    pub status: InspectionStatus,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub critical: bool,
    pub acknowledged: bool,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
}

pub struct ListView {
    /// Whether the rows' times share one zone, named in the column heading.
    pub naming: ZoneNaming,
    pub rows: Vec<ListRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub sites: Vec<SelectOption>,
    pub people: Vec<SelectOption>,
    pub inspectors: Vec<SelectOption>,
    pub checklists: Vec<SelectOption>,
    pub filter: Vec<(String, String)>,
    pub staff_view: bool,
}

impl ListView {
    fn selected(&self, name: &str) -> Option<&str> {
        self.filter
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn page_link(&self, page: u64) -> String {
        let mut query: Vec<String> = self
            .filter
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        query.push(format!("page={page}"));
        format!("/inspections?{}", query.join("&"))
    }
}

/// The list's filters that only a link sets (the dashboard's Pareto and position).
const HIDDEN_FILTERS: [&str; 2] = ["failed_item", "position"];

fn select(
    l: Lang,
    name: &str,
    label: &str,
    options: &[SelectOption],
    selected: Option<&str>,
) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                option value="" { (l.t("inspections-all")) }
                @for o in options { option value=(o.value) selected[selected == Some(o.value.as_str())] { (o.label) } }
            }
        }
    }
}

pub fn list(chrome: &Chrome, v: &ListView) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("layout-inspections"),
        "/inspections",
        html! {
            h1 { (l.t("layout-inspections")) }
            @if !v.staff_view {
                form.filters method="get" action="/inspections" {
                    (select(l, "site", &l.t("spotcheck-site"), &v.sites, v.selected("site")))
                    (select(l, "subject", &l.t("role-staff"), &v.people, v.selected("subject")))
                    (select(l, "inspector", &l.t("inspections-inspector"), &v.inspectors, v.selected("inspector")))
                    (select(l, "checklist", &l.t("layout-checklist"), &v.checklists, v.selected("checklist")))
                    label { (l.t("inspections-from")) input type="date" name="from" value=[v.selected("from")]; }
                    label { (l.t("inspections-to")) input type="date" name="to" value=[v.selected("to")]; }
                    (select(l, "kind", &l.t("inspections-kind"), &[
                        SelectOption { value: "first".into(), label: l.t("inspections-spot-checks-no-re-checks") },
                        SelectOption { value: "recheck".into(), label: l.t("inspections-re-checks") },
                    ], v.selected("kind")))
                    (select(l, "status", &l.t("inspections-status"), &[
                        SelectOption { value: "submitted".into(), label: l.t("inspections-submitted-2") },
                        SelectOption { value: "voided".into(), label: l.t("inspections-voided") },
                    ], v.selected("status")))
                    // Filters a drill-down set that the form has no field for, kept when
                    // it is submitted again.
                    @for name in HIDDEN_FILTERS {
                        @if let Some(value) = v.selected(name) { input type="hidden" name=(name) value=(value); }
                    }
                    button.primary type="submit" { (l.t("inspections-filter")) }
                }
            }
            p.muted { (v.total) " " (l.t("inspections-inspections")) }
            @if v.rows.is_empty() {
                p.empty { (l.t("inspections-no-inspections-match")) }
            } @else {
                table {
                    tr {
                        th { (l.t("layout-date")) }
                        th {
                            @match v.naming.shared() {
                                Some(tz) => { (l.t_args("zone-submitted-in", &[("zone", tz.name().into())])) }
                                None => { (l.t("zone-submitted")) }
                            }
                        }
                        th { (l.t("role-staff")) }
                        th { (l.t("layout-checklist")) }
                        th { (l.t("spotcheck-site")) }
                        th { (l.t("inspections-inspector")) }
                        th.num { (l.t("layout-score")) }
                        th { (l.t("layout-result")) }
                    }
                    @for r in &v.rows {
                        tr {
                            td { a href={ "/inspections/" (r.id) } { (r.date) } br; span.muted { (r.period) } }
                            td.submitted-at { (r.submitted.as_deref().unwrap_or("—")) }
                            td { (r.subject) }
                            td { (r.checklist) }
                            td { (r.site) }
                            td { (r.inspector) }
                            td.num { (r.percent.map(percent).unwrap_or_else(|| "—".into())) }
                            td {
                                (pass_badge(l, r.status, r.passed, r.critical))
                                @if v.staff_view && !r.acknowledged { " " span.badge.draft { (l.t("layout-to-read")) } }
                            }
                        }
                    }
                }
                @if v.pages > 1 {
                    nav.pager {
                        @if v.page > 0 { a.button href=(v.page_link(v.page - 1)) { "← " (l.t("inspections-previous")) } }
                        span { (v.page + 1) " / " (v.pages) }
                        @if v.page + 1 < v.pages { a.button href=(v.page_link(v.page + 1)) { (l.t("inspections-next")) " →" } }
                    }
                }
            }
        },
    )
}

pub fn shift_text(l: Lang, date: chrono::NaiveDate, period: ShiftPeriod) -> String {
    format!("{date} {}", period_label(l, period))
}
