//! The "kept on this device" page: an empty list that static/app.js fills from the
//! tablet's own storage (the server never sees what is kept until it is sent), and the
//! space that storage uses on the device.

use crate::i18n::Localize;
use maud::{Markup, html};

use super::Chrome;
use super::layout::page;

pub fn kept(chrome: &Chrome) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        &l.t("kept-kept-on-this-device"),
        "/kept",
        html! {
            h1 { (l.t("kept-spot-checks-kept-on-this")) }
            p.muted {
                (l.t("kept-a-submitted-spot-check-stays"))
            }
            p { button #kept-send type="button" { (l.t("kept-send-now")) } }
            ul.kept-list #kept-list {}
            p.muted #kept-empty { (l.t("kept-nothing-is-kept-on-this")) }
            p.notice #kept-others hidden {}
            // Filled by static/app.js from navigator.storage (estimate, persisted).
            section.card #kept-storage {
                h2 { (l.t("kept-storage-on-this-device")) }
                p.storage-figures #storage-figures { "—" }
                p.muted #storage-persistence {}
                p.notice #storage-warning hidden {}
            }
        },
    )
}
