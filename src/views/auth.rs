//! The sign-in page.

use maud::{Markup, html};

use super::layout::bare_page;
use crate::domain::Lang;

pub fn sign_in(lang: Lang, csrf: &str, next: &str, email: &str, error: Option<&str>) -> Markup {
    let l = lang;
    bare_page(
        l,
        l.pick("登入", "Sign in"),
        html! {
            div.card.signin {
                h1 { "Decorum" }
                p.muted { (l.pick("前線服務標準抽查與培訓", "Front-of-house spot-checks and training")) }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/signin" {
                    input type="hidden" name="_csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label { (l.pick("電郵", "Email"))
                        input type="email" name="email" value=(email) autocomplete="username" required autofocus;
                    }
                    label { (l.pick("密碼", "Password"))
                        input type="password" name="password" autocomplete="current-password" required;
                    }
                    button.primary.big type="submit" { (l.pick("登入", "Sign in")) }
                }
            }
        },
    )
}
