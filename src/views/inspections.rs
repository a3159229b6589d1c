//! Inspection results and the history list.

use maud::{Markup, html};
use uuid::Uuid;

use super::layout::{page, percent};
use super::{Chrome, urlencode};
use crate::domain::Lang;
use crate::domain::clock::period_label;
use crate::domain::record::SectionScore;

pub fn pass_badge(l: Lang, status: &str, passed: Option<bool>, critical: bool) -> Markup {
    html! {
        @match (status, passed) {
            ("draft", _) => span.badge.draft { (l.pick("草稿", "Draft")) },
            ("void", _) => span.badge.na { (l.pick("已作廢", "Void")) },
            (_, Some(true)) => span.badge.pass { (l.pick("合格", "Pass")) },
            (_, _) => span.badge.fail { (l.pick("不合格", "Fail")) },
        }
        @if critical { " " span.badge.critical { (l.pick("關鍵項不合格", "Critical failure")) } }
    }
}

pub struct ResultItem {
    pub section: String,
    pub text: String,
    pub clause: String,
    pub outcome: &'static str,
    pub points: f64,
    pub max: f64,
    pub answer: String,
    pub note: Option<String>,
    pub photo: Option<String>,
    pub critical: bool,
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
    pub status: String,
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
}

pub fn result(chrome: &Chrome, v: &ResultView) -> Markup {
    let l = chrome.lang;
    let failed: Vec<&ResultItem> = v.items.iter().filter(|i| i.outcome == "failed").collect();
    page(
        chrome,
        l.pick("抽查結果", "Spot-check result"),
        "/inspections",
        html! {
            div.card {
                div.result-head {
                    span.score { (v.percent.map(percent).unwrap_or_else(|| "—".into())) }
                    (pass_badge(l, &v.status, v.passed, v.critical))
                }
                h1 { (v.checklist) }
                p.muted {
                    (v.subject) " · " (v.position.as_deref().unwrap_or("—")) " · " (v.site) " · " (v.shift)
                    br;
                    (l.pick("檢查人", "Inspector")) ": " (v.inspector) " · " (l.pick("版本", "version")) " " (v.version)
                    @if let Some(at) = &v.submitted { " · " (l.pick("提交於", "submitted")) " " span.submitted-at { (at) } }
                    " · " a href={ "/inspections/" (v.id) "/report.pdf" } { (l.pick("下載 PDF 報告", "PDF report")) }
                    @if let (Some(s), Some(m)) = (v.score, v.max_score) { " · " (format!("{s:.1} / {m:.1}")) }
                }
                @if let Some(reason) = &v.void_reason {
                    p.error { (l.pick("此檢查已作廢：", "This inspection was voided: ")) (reason) }
                }
                @if let Some(at) = &v.acknowledged {
                    p.ok { (l.pick("員工已確認結果：", "Acknowledged by the staff member: ")) (at) }
                } @else if v.can_acknowledge {
                    form method="post" action={ "/inspections/" (v.id) "/acknowledge" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        button.primary type="submit" { (l.pick("我已閱讀此結果", "I have read this result")) }
                    }
                }
            }
            @if v.can_void {
                details.card {
                    summary { (l.pick("作廢此檢查", "Void this inspection")) }
                    form method="post" action={ "/inspections/" (v.id) "/void" } {
                        input type="hidden" name="_csrf" value=(chrome.csrf);
                        label { (l.pick("原因（必填，會記錄在稽核紀錄）", "Reason (required; kept in the audit log)"))
                            textarea name="reason" maxlength="500" required {}
                        }
                        button type="submit" { (l.pick("作廢", "Void")) }
                    }
                }
            }
            @if !failed.is_empty() {
                section.card {
                    h2 { (l.pick("不合格項目", "Items that failed")) " (" (failed.len()) ")" }
                    @for i in &failed {
                        div.item {
                            p.text {
                                (i.text) span.clause { "§" (i.clause) }
                                @if i.critical { span.critical-tag { (l.pick("關鍵", "Critical")) } }
                            }
                            p.muted { (i.section) " · " (l.pick("記錄", "Recorded")) ": " (i.answer) }
                            @if let Some(n) = &i.note { p { (n) } }
                            @if let Some(p) = &i.photo { div.photo-row { img src=(p) alt=(l.pick("照片", "Photo")); } }
                        }
                    }
                }
            }
            @if !v.training.is_empty() {
                section.card {
                    h2 { (l.pick("已安排的培訓", "Training assigned")) }
                    table {
                        tr { th { (l.pick("課程", "Module")) } th { (l.pick("到期", "Due")) } }
                        @for t in &v.training {
                            tr {
                                td { (t.title) @if t.critical { " " span.badge.critical { (l.pick("關鍵", "Critical")) } } }
                                td { (t.due) }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.pick("各部分得分", "Sections")) }
                table {
                    tr { th { (l.pick("部分", "Section")) } th.num { (l.pick("得分", "Score")) } th.num { "%" } }
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
                h2 { (l.pick("全部項目", "All items")) }
                table {
                    tr { th { (l.pick("項目", "Item")) } th { (l.pick("記錄", "Recorded")) } th.num { (l.pick("得分", "Points")) } }
                    @for i in &v.items {
                        tr {
                            td { (i.text) " " span.clause { "§" (i.clause) } }
                            td {
                                @match i.outcome {
                                    "passed" => span.badge.pass { (l.pick("合格", "Pass")) },
                                    "failed" => span.badge.fail { (l.pick("不合格", "Fail")) },
                                    _ => span.badge.na { (l.pick("不適用", "N/A")) },
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
    pub date: String,
    pub period: String,
    pub site: String,
    pub subject: String,
    pub inspector: String,
    pub checklist: String,
    pub status: String,
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
                option value="" { (l.pick("全部", "All")) }
                @for o in options { option value=(o.value) selected[selected == Some(o.value.as_str())] { (o.label) } }
            }
        }
    }
}

pub fn list(chrome: &Chrome, v: &ListView) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        l.pick("檢查記錄", "Inspections"),
        "/inspections",
        html! {
            h1 { (l.pick("檢查記錄", "Inspections")) }
            @if !v.staff_view {
                form.filters method="get" action="/inspections" {
                    (select(l, "site", l.pick("場所", "Site"), &v.sites, v.selected("site")))
                    (select(l, "subject", l.pick("員工", "Staff"), &v.people, v.selected("subject")))
                    (select(l, "inspector", l.pick("檢查人", "Inspector"), &v.inspectors, v.selected("inspector")))
                    (select(l, "checklist", l.pick("檢查表", "Checklist"), &v.checklists, v.selected("checklist")))
                    label { (l.pick("由", "From")) input type="date" name="from" value=[v.selected("from")]; }
                    label { (l.pick("至", "To")) input type="date" name="to" value=[v.selected("to")]; }
                    (select(l, "kind", l.pick("類別", "Kind"), &[
                        SelectOption { value: "first".into(), label: l.pick("抽查（不含複查）", "Spot-checks (no re-checks)").into() },
                        SelectOption { value: "recheck".into(), label: l.pick("複查", "Re-checks").into() },
                    ], v.selected("kind")))
                    (select(l, "status", l.pick("狀態", "Status"), &[
                        SelectOption { value: "submitted".into(), label: l.pick("已提交", "Submitted").into() },
                        SelectOption { value: "voided".into(), label: l.pick("已作廢", "Voided").into() },
                    ], v.selected("status")))
                    // Filters a drill-down set that the form has no field for, kept when
                    // it is submitted again.
                    @for name in HIDDEN_FILTERS {
                        @if let Some(value) = v.selected(name) { input type="hidden" name=(name) value=(value); }
                    }
                    button.primary type="submit" { (l.pick("篩選", "Filter")) }
                }
            }
            p.muted { (v.total) " " (l.pick("項檢查", "inspections")) }
            @if v.rows.is_empty() {
                p.empty { (l.pick("沒有符合條件的檢查。", "No inspections match.")) }
            } @else {
                table {
                    tr {
                        th { (l.pick("日期", "Date")) }
                        th { (l.pick("員工", "Staff")) }
                        th { (l.pick("檢查表", "Checklist")) }
                        th { (l.pick("場所", "Site")) }
                        th { (l.pick("檢查人", "Inspector")) }
                        th.num { (l.pick("得分", "Score")) }
                        th { (l.pick("結果", "Result")) }
                    }
                    @for r in &v.rows {
                        tr {
                            td { a href={ "/inspections/" (r.id) } { (r.date) } br; span.muted { (r.period) } }
                            td { (r.subject) }
                            td { (r.checklist) }
                            td { (r.site) }
                            td { (r.inspector) }
                            td.num { (r.percent.map(percent).unwrap_or_else(|| "—".into())) }
                            td {
                                (pass_badge(l, &r.status, r.passed, r.critical))
                                @if v.staff_view && !r.acknowledged { " " span.badge.draft { (l.pick("待確認", "To read")) } }
                            }
                        }
                    }
                }
                @if v.pages > 1 {
                    nav.pager {
                        @if v.page > 0 { a.button href=(v.page_link(v.page - 1)) { "← " (l.pick("上一頁", "Previous")) } }
                        span { (v.page + 1) " / " (v.pages) }
                        @if v.page + 1 < v.pages { a.button href=(v.page_link(v.page + 1)) { (l.pick("下一頁", "Next")) " →" } }
                    }
                }
            }
        },
    )
}

pub fn shift_text(l: Lang, date: chrono::NaiveDate, period: &str) -> String {
    format!("{date} {}", period_label(l, period))
}
