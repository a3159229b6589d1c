//! The page shell: head, navigation, language switch, sign-out, and the error page.

use std::sync::LazyLock;

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};

use super::Chrome;
use crate::domain::Lang;
use crate::domain::access::Role;

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
            @if lang == Lang::Zh { meta name="lang" content="zh-Hant"; }
        }
    }
}

fn html_lang(lang: Lang) -> &'static str {
    lang.pick("zh-Hant", "en")
}

/// A signed-in page.
pub fn page(chrome: &Chrome, title: &str, current: &str, body: Markup) -> Markup {
    let l = chrome.lang;
    let (role_zh, role_en) = chrome.role.label();
    let mut links: Vec<(&str, &str)> = vec![("/", l.pick("首頁", "Home"))];
    if chrome.role != Role::Staff {
        links.push(("/spotchecks/new", l.pick("開始抽查", "Spot-check")));
        links.push(("/plan", l.pick("抽查計劃", "Plan")));
    }
    links.push(("/inspections", l.pick("檢查記錄", "Inspections")));
    links.push(("/training", l.pick("培訓", "Training")));
    if chrome.role.sees_reports() {
        links.push(("/quality", l.pick("品質趨勢", "Quality")));
    }
    if chrome.role.reads_audit_log() {
        links.push(("/audit", l.pick("稽核紀錄", "Audit")));
    }
    if chrome.role == Role::Admin {
        links.push(("/admin", l.pick("管理", "Admin")));
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
                        span.role { (l.pick(role_zh, role_en)) }
                        form.inline method="post" action="/settings/lang" {
                            input type="hidden" name="_csrf" value=(chrome.csrf);
                            input type="hidden" name="next" value=(current);
                            @let other = if l == Lang::Zh { Lang::En } else { Lang::Zh };
                            button.link type="submit" name="lang" value=(other.code()) {
                                (l.pick("English", "中文"))
                            }
                        }
                        form.inline method="post" action="/signout" {
                            input type="hidden" name="_csrf" value=(chrome.csrf);
                            button.link type="submit" { (l.pick("登出", "Sign out")) }
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

/// Error pages speak both languages: they may be shown before we know who is asking.
pub fn error_page(status: StatusCode, messages: &[String]) -> Markup {
    let (zh, en) = match status {
        StatusCode::FORBIDDEN => ("無權查看", "Not available to you"),
        StatusCode::NOT_FOUND => ("找不到頁面", "Page not found"),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            ("資料有誤", "Please check the input")
        }
        StatusCode::TOO_MANY_REQUESTS => ("嘗試次數過多", "Too many attempts"),
        StatusCode::SERVICE_UNAVAILABLE => ("暫時無法使用", "Temporarily unavailable"),
        _ => ("發生錯誤", "Something went wrong"),
    };
    html! {
        (DOCTYPE)
        html lang="zh-Hant" {
            (head(Lang::Zh, en))
            body.bare {
                main.content.narrow {
                    h1 { (zh) " · " (en) }
                    @for m in messages { p.error { (m) } }
                    p { a.button href="/" { "返回首頁 · Back to home" } }
                }
            }
        }
    }
}

/// Which clock a page spanning several sites shows its times and "today" in.
pub fn zone_note(lang: Lang, zone: &str) -> Markup {
    html! {
        p.muted.zone-note {
            (lang.pick("日期及時間以此時區計算：", "Dates and times are in "))
            strong { (zone) }
            (lang.pick("（你主要場所的時區；未屬任何場所則為系統預設）。",
                       " (your primary site's time zone, or the configured default if you belong to no site)."))
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
