//! The "kept on this device" page: an empty list that static/app.js fills from the
//! tablet's own storage (the server never sees what is kept until it is sent), and the
//! space that storage uses on the device.

use maud::{Markup, html};

use super::Chrome;
use super::layout::page;

pub fn kept(chrome: &Chrome) -> Markup {
    let l = chrome.lang;
    page(
        chrome,
        l.pick("保存在此裝置", "Kept on this device"),
        "/kept",
        html! {
            h1 { (l.pick("保存在此裝置的抽查", "Spot-checks kept on this device")) }
            p.muted {
                (l.pick(
                    "提交後未送達伺服器的抽查會保存在這裡，直到伺服器確認收到為止；恢復連線後會自動送出。",
                    "A submitted spot-check stays here until the server confirms it has it; it is sent by itself when the connection returns.",
                ))
            }
            p { button #kept-send type="button" { (l.pick("立即送出", "Send now")) } }
            ul.kept-list #kept-list {}
            p.muted #kept-empty { (l.pick("此裝置沒有保存任何抽查。", "Nothing is kept on this device.")) }
            p.notice #kept-others hidden {}
            // Filled by static/app.js from navigator.storage (estimate, persisted).
            section.card #kept-storage {
                h2 { (l.pick("此裝置的儲存空間", "Storage on this device")) }
                p.storage-figures #storage-figures { "—" }
                p.muted #storage-persistence {}
                p.notice #storage-warning hidden {}
            }
        },
    )
}
