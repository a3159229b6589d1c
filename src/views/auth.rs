//! The sign-in page.

use maud::{Markup, html};

use super::layout::bare_page;
use crate::domain::Lang;
use crate::i18n::Localize;

pub fn sign_in(lang: Lang, csrf: &str, next: &str, email: &str, error: Option<&str>) -> Markup {
    let l = lang;
    bare_page(
        l,
        &l.t("auth-sign-in"),
        html! {
            div.card.signin {
                h1 { "Decorum" }
                p.muted { (l.t("auth-front-of-house-spot-checks")) }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/signin" {
                    input type="hidden" name="_csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label { (l.t("auth-email"))
                        input type="email" name="email" value=(email) autocomplete="username" required autofocus;
                    }
                    label { (l.t("auth-password"))
                        input type="password" name="password" autocomplete="current-password" required;
                    }
                    button.primary.big type="submit" { (l.t("auth-sign-in")) }
                }
            }
        },
    )
}
