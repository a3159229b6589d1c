//! The sign-in page: the password form, and the company's single sign-on button beside
//! it when one is configured.

use maud::{Markup, html};

use super::layout::bare_page;
use crate::domain::Lang;
use crate::i18n::Localize;

/// The ways to sign in the page offers, as the configuration has them.
#[derive(Debug, Clone, Default)]
pub struct SignInMethods {
    /// Single sign-on is configured; the company's name for its button, if given.
    pub company: Option<Option<String>>,
    /// Only admins may use the password form (it is folded away).
    pub password_admins_only: bool,
}

pub fn sign_in(
    lang: Lang,
    methods: &SignInMethods,
    csrf: &str,
    next: &str,
    email: &str,
    error: Option<&str>,
) -> Markup {
    let l = lang;
    let password_form = html! {
        form method="post" action="/signin" {
            input type="hidden" name="_csrf" value=(csrf);
            input type="hidden" name="next" value=(next);
            label { (l.t("auth-email"))
                input type="email" name="email" value=(email) autocomplete="username" required autofocus[methods.company.is_none()];
            }
            label { (l.t("auth-password"))
                input type="password" name="password" autocomplete="current-password" required;
            }
            button.primary.big type="submit" { (l.t("auth-sign-in")) }
        }
    };
    bare_page(
        l,
        &l.t("auth-sign-in"),
        html! {
            div.card.signin {
                h1 { "Decorum" }
                p.muted { (l.t("auth-front-of-house-spot-checks")) }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                @if let Some(company) = &methods.company {
                    @let label = match company {
                        Some(name) => l.t_args("oidc-sign-in-with", &[("name", name.as_str().into())]),
                        None => l.t("oidc-sign-in-with-company"),
                    };
                    @let href = format!("/signin/oidc?next={}", percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC));
                    a.button.primary.big #sso href=(href) { (label) }
                    @if methods.password_admins_only {
                        details.password-sign-in {
                            summary { (l.t("oidc-admins-password")) }
                            (password_form)
                        }
                    } @else {
                        p.muted { (l.t("oidc-or")) }
                        (password_form)
                    }
                } @else {
                    (password_form)
                }
            }
        },
    )
}
