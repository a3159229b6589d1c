//! Notification pages: the webhook endpoints and delivery log, mail preferences, and
//! the form that emails a spot-check's report.

use maud::{Markup, html};
use uuid::Uuid;

use super::Chrome;
use super::layout::{page, times_note};
use crate::domain::Lang;
use crate::domain::clock::ZoneNaming;
use crate::domain::notify::{EventName, MailKind};
use crate::i18n::Localize;

pub struct EndpointRow {
    pub id: i32,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
}

pub struct DeliveryRow {
    pub id: i32,
    pub delivery_id: String,
    pub event: String,
    /// The endpoint's URL, or the recipient's name.
    pub target: String,
    /// The stored state: `pending`, `delivered` or `failed`.
    pub status: &'static str,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub error: Option<String>,
    pub created: String,
}

pub struct Preferences {
    pub lang: Option<Lang>,
    pub on: Vec<MailKind>,
    /// Whether the server sends mail at all.
    pub mail_on: bool,
}

pub struct PersonChoice {
    pub id: i32,
    pub name: String,
    pub email: String,
}

fn status_label(l: Lang, status: &str) -> String {
    l.t(match status {
        "delivered" => "notify-status-delivered",
        "failed" => "notify-status-failed",
        _ => "notify-status-pending",
    })
}

fn mail_label(kind: MailKind) -> &'static str {
    match kind {
        MailKind::TrainingAssigned => "notify-mail-kind-training",
        MailKind::CriticalAlert => "notify-mail-kind-critical",
        MailKind::Report => "notify-mail-kind-report",
        MailKind::ActionRaised => "sched-kind-action-raised",
        MailKind::TrainingOverdue => "sched-kind-training-overdue",
        MailKind::ActionsOverdue => "sched-kind-actions-overdue",
        MailKind::WeeklyPlan => "sched-kind-weekly-plan",
        MailKind::WeeklyDigest => "sched-kind-weekly-digest",
        MailKind::MonthlyReport => "sched-kind-monthly-report",
    }
}

fn deliveries(chrome: &Chrome, rows: &[DeliveryRow], again: bool) -> Markup {
    let l = chrome.lang;
    html! {
        @if rows.is_empty() {
            p.empty { (l.t("notify-nothing-yet")) }
        } @else {
            div.scroll {
                table.deliveries {
                    tr {
                        th { (l.t("notify-created")) } th { (l.t("notify-event")) }
                        th { (l.t("notify-target")) } th { (l.t("notify-status")) }
                        th { (l.t("notify-attempts")) } th { (l.t("notify-response")) }
                        th { (l.t("notify-latency")) } th { (l.t("notify-error")) } th {}
                    }
                    @for r in rows {
                        tr data-delivery=(r.delivery_id) data-status=(r.status) {
                            td { (r.created) }
                            td { code { (r.event) } }
                            td { (r.target) }
                            td { (status_label(l, r.status)) }
                            td { (r.attempts) }
                            td { @if let Some(c) = r.response_code { (c) } }
                            td { @if let Some(ms) = r.latency_ms { (ms) " ms" } }
                            td { (r.error.as_deref().unwrap_or("")) }
                            td {
                                @if again && r.status != "pending" {
                                    form method="post" action=(format!("/admin/deliveries/{}/again", r.id)) {
                                        input type="hidden" name="_csrf" value=(chrome.csrf);
                                        button type="submit" { (l.t("notify-send-again")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn webhooks(
    chrome: &Chrome,
    endpoints: &[EndpointRow],
    log: &[DeliveryRow],
    failed_mail: &[DeliveryRow],
    naming: ZoneNaming,
) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("notify-webhooks"),
        "/admin",
        html! {
            h1 { (l.t("notify-webhooks")) }
            p.muted { (l.t("notify-webhooks-intro")) }
            @if !endpoints.is_empty() {
                table.endpoints {
                    tr { th { "URL" } th { (l.t("notify-events")) } th { (l.t("notify-active")) } th {} }
                    @for e in endpoints {
                        tr {
                            td { code { (e.url) } }
                            td { (e.events.join(", ")) }
                            td { (if e.active { l.t("notify-yes") } else { l.t("notify-no") }) }
                            td {
                                form method="post" action=(format!("/admin/webhooks/{}/active", e.id)) {
                                    input type="hidden" name="_csrf" value=(chrome.csrf);
                                    input type="hidden" name="active" value=(if e.active { "false" } else { "true" });
                                    button type="submit" {
                                        (if e.active { l.t("notify-switch-off") } else { l.t("notify-switch-on") })
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (l.t("notify-add-endpoint")) }
            form.stack method="post" action="/admin/webhooks" {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                label { "URL" input type="url" name="url" required placeholder="https://example.com/hooks/decorum"; }
                label { (l.t("notify-secret")) input type="text" name="secret" required minlength="16" autocomplete="off"; }
                fieldset {
                    legend { (l.t("notify-events")) }
                    @for e in EventName::ALL {
                        label.check { input type="checkbox" name=(format!("event:{}", e.as_str())); " " code { (e.as_str()) } }
                    }
                }
                button.primary type="submit" { (l.t("notify-add")) }
            }
            h2 { (l.t("notify-delivery-log")) }
            (times_note(l, naming, true))
            (deliveries(chrome, log, true))
            h2 { (l.t("notify-failed-mail")) }
            (deliveries(chrome, failed_mail, true))
        },
    )
}

pub fn preferences(chrome: &Chrome, prefs: &Preferences) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("notify-preferences"),
        "/settings/mail",
        html! {
            h1 { (l.t("notify-preferences")) }
            @if !prefs.mail_on { p.muted { (l.t("notify-mail-off")) } }
            form.stack method="post" action="/settings/mail" {
                input type="hidden" name="_csrf" value=(chrome.csrf);
                fieldset {
                    legend { (l.t("notify-which-mails")) }
                    @for k in MailKind::ALL {
                        label.check {
                            input type="checkbox" name=(format!("mail:{}", k.as_str())) checked[prefs.on.contains(&k)];
                            " " (l.t(mail_label(k)))
                        }
                    }
                }
                label { (l.t("notify-mail-language"))
                    select name="lang" {
                        option value="" selected[prefs.lang.is_none()] { (l.t("notify-lang-as-interface")) }
                        @for lang in Lang::ALL {
                            option value=(lang.code()) selected[prefs.lang == Some(lang)] { (lang.endonym()) }
                        }
                    }
                }
                button.primary type="submit" { (l.t("notify-save")) }
            }
        },
    )
}

pub fn email_report(
    chrome: &Chrome,
    inspection: Uuid,
    people: &[PersonChoice],
    queued: Option<usize>,
) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("notify-email-report"),
        "/inspections",
        html! {
            h1 { (l.t("notify-email-report")) }
            @if let Some(n) = queued {
                p.notice role="status" { (l.t_args("notify-report-queued", &[("count", n.into())])) }
            }
            p { a href=(format!("/inspections/{inspection}")) { "← " (l.t("notify-back-to-result")) } }
            @if people.is_empty() {
                p.empty { (l.t("notify-no-one-to-send")) }
            } @else {
                form.stack method="post" action=(format!("/inspections/{inspection}/email")) {
                    input type="hidden" name="_csrf" value=(chrome.csrf);
                    fieldset {
                        legend { (l.t("notify-recipients")) }
                        @for p in people {
                            label.check {
                                input type="checkbox" name=(format!("to:{}", p.id));
                                " " (p.name) " " span.muted { (p.email) }
                            }
                        }
                    }
                    label { (l.t("notify-note")) textarea name="note" maxlength="1000" {} }
                    button.primary type="submit" { (l.t("notify-send")) }
                }
            }
        },
    )
}
