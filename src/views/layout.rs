//! The page shell: head, navigation, language switch, sign-out, and the error page.

use std::sync::LazyLock;

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};

use super::Chrome;
use crate::domain::Lang;
use crate::domain::access::Role;
use crate::domain::clock::ZoneNaming;
use crate::i18n::Localize;

pub const APP_CSS: &str = include_str!("../../static/app.css");
pub const APP_JS: &str = include_str!("../../static/app.js");
pub const ENGINE_JS: &str = include_str!("../../static/engine.js");
pub const SERVICE_WORKER_JS: &str = include_str!("../../static/sw.js");
pub const MANIFEST: &str = include_str!("../../static/manifest.webmanifest");
pub const ICON_SVG: &str = include_str!("../../static/icon.svg");

/// A short content hash, appended to asset URLs so browsers cache them until they change.
pub static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    hasher.update(APP_CSS);
    hasher.update(APP_JS);
    hasher.update(ENGINE_JS);
    hasher.update(SERVICE_WORKER_JS);
    hasher.update(MANIFEST);
    hasher.update(ICON_SVG);
    for (_, catalog) in crate::i18n::CATALOGS {
        hasher.update(catalog);
    }
    hex::encode(&hasher.finalize()[..6])
});

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
            meta name="theme-color" content="#1f3a5f";
            link rel="manifest" href="/manifest.webmanifest";
            link rel="icon" type="image/svg+xml" href="/static/icon.svg";
            title { (title) " · Decorum" }
            link rel="stylesheet" href={ "/static/app.css?v=" (*ASSET_VERSION) };
            script src={ "/static/engine.js?v=" (*ASSET_VERSION) } defer {}
            script src={ "/static/app.js?v=" (*ASSET_VERSION) } defer {}
            meta name="messages" content={ "/i18n/" (lang.tag()) ".json?v=" (*ASSET_VERSION) };
        }
    }
}

fn html_lang(lang: Lang) -> &'static str {
    lang.tag()
}

/// A signed-in page.
pub fn page(chrome: &Chrome, title: &str, current: &str, body: Markup) -> Markup {
    let l = chrome.lang;
    let mut links: Vec<(&str, String)> = vec![("/", l.t("layout-home"))];
    if chrome.role != Role::Staff {
        links.push(("/spotchecks/new", l.t("layout-spot-check")));
        links.push(("/plan", l.t("layout-plan")));
    }
    links.push(("/inspections", l.t("layout-inspections")));
    links.push(("/actions", l.t("actions-nav")));
    links.push(("/training", l.t("layout-training")));
    if chrome.role.sees_reports() {
        links.push(("/quality", l.t("layout-quality")));
    }
    if chrome.role.reads_audit_log() {
        links.push(("/audit", l.t("layout-audit")));
    }
    if chrome.role.authors_standard() {
        links.push(("/authoring", l.t("authoring-nav")));
    }
    if chrome.role == Role::Admin {
        links.push(("/admin", l.t("layout-admin")));
    }
    if chrome.role.manages_webhooks() {
        links.push(("/admin/webhooks", l.t("notify-webhooks")));
    }
    html! {
        (DOCTYPE)
        html lang=(html_lang(l)) {
            (head(l, title))
            body data-user=(chrome.user_id) {
                header.topbar {
                    a.brand href="/" { "Decorum" }
                    nav.mainnav {
                        @for (href, label) in &links {
                            a href=(href) class=[(*href == current).then_some("current")] { (label) }
                        }
                    }
                    div.who {
                        span.name { (chrome.name) }
                        span.role { (l.t(chrome.role.label())) }
                        form.inline method="post" action="/settings/lang" {
                            input type="hidden" name="_csrf" value=(chrome.csrf);
                            input type="hidden" name="next" value=(current);
                            @for other in Lang::ALL.into_iter().filter(|o| *o != l) {
                                button.link type="submit" name="lang" value=(other.code())
                                    lang=(other.tag()) { (other.endonym()) }
                            }
                        }
                        a.mail-settings href="/settings/mail" { (l.t("notify-preferences")) }
                        form.inline method="post" action="/signout" {
                            input type="hidden" name="_csrf" value=(chrome.csrf);
                            button.link type="submit" { (l.t("layout-sign-out")) }
                        }
                    }
                }
                div.net-status id="net-status" hidden {}
                main.content { (body) }
            }
        }
    }
}

/// A page with no one signed in (sign-in).
pub fn bare_page(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(html_lang(lang)) {
            (head(lang, title))
            body.bare {
                main.content.narrow { (body) }
                div.net-status id="net-status" hidden {}
            }
        }
    }
}

/// An error page, in the viewer's language; a Chinese one says its heading in English too,
/// as it may be shown before we know who is asking (the browser's language is a guess).
pub fn error_page(status: StatusCode, messages: &[String], lang: Lang) -> Markup {
    let title = match status {
        StatusCode::FORBIDDEN => "error-title-forbidden",
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "error-title-check-input",
        StatusCode::TOO_MANY_REQUESTS => "error-title-too-many",
        StatusCode::SERVICE_UNAVAILABLE => "error-title-unavailable",
        _ => "error-title-went-wrong",
    };
    let also_english = |id: &str| match lang {
        Lang::En => lang.t(id),
        _ => format!("{} · {}", lang.t(id), Lang::En.t(id)),
    };
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            (head(lang, &Lang::En.t(title)))
            body.bare {
                main.content.narrow {
                    h1 { (also_english(title)) }
                    @for m in messages { p.error { (m) } }
                    p { a.button href="/" { (also_english("error-back-home")) } }
                }
            }
        }
    }
}

/// Which clock a page spanning several sites shows its times and "today" in.
pub fn zone_note(lang: Lang, zone: &str) -> Markup {
    html! {
        p.muted.zone-note {
            @let text = lang.t_args("typed-zone-note", &[("zone", zone.into())]);
            // The zone stands out in the sentence, wherever the language puts it.
            @match text.split_once(zone) {
                Some((before, after)) => { (before) strong { (zone) } (after) }
                None => (text),
            }
        }
    }
}

/// What zone a list's times are in, said once above it: the one zone they share, or that
/// each time names its site's zone. `siteless` says the rows belong to no site (the zone
/// is the viewer's sites', or the default).
pub fn times_note(lang: Lang, naming: ZoneNaming, siteless: bool) -> Markup {
    // The zone's name stands out: the sentence is said with a mark where it goes.
    const MARK: &str = "\u{E000}";
    let (text, zone) = match naming.shared() {
        Some(tz) if siteless => (
            lang.t_args("zone-times-in-siteless", &[("zone", MARK.into())]),
            tz.name(),
        ),
        Some(tz) => (
            lang.t_args("zone-times-in", &[("zone", MARK.into())]),
            tz.name(),
        ),
        None => (lang.t("zone-times-each-row"), ""),
    };
    let (before, after) = text.split_once(MARK).unwrap_or((&text, ""));
    html! {
        p.muted.zone-note {
            (before)
            @if !zone.is_empty() { strong { (zone) } }
            (after)
        }
    }
}

/// Format a percent for display.
pub fn percent(p: f64) -> String {
    format!("{:.1}%", p)
}

/// A raw string known to be safe (used only for constant markup such as icons).
pub fn trusted(s: &'static str) -> PreEscaped<&'static str> {
    PreEscaped(s)
}
