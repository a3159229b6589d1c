//! The UI's words, looked up by message id in Fluent catalogs (`locales/{tag}/*.ftl`,
//! joined per language by build.rs and embedded in the binary): `l.t("nav-home")`, and with arguments
//! `l.t_args("items-count", &[("count", n.into())])`, where the catalog's selectors get
//! plurals right ("1 item", "2 items"). The page script reads the `js-` messages from the
//! same catalogs, served as JSON by [`script_messages`].
//!
//! Fallback: a message missing from zh-Hans is taken from zh-Hant (the company's source
//! language, closest in vocabulary), then English; one missing from zh-Hant or English is
//! taken from the other. A message missing everywhere shows as `⟦id⟧`, so it is seen on
//! the page and found by the tests; the shipped catalogs hold the same ids (a test here
//! checks), so the fallbacks are a safety net for a catalog in progress.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use serde_json::{Value, json};

use crate::domain::Lang;

/// Each language's catalog source (its `.ftl` files joined by build.rs), embedded at build time.
pub const CATALOGS: &[(Lang, &str)] = &[
    (
        Lang::Zh,
        include_str!(concat!(env!("OUT_DIR"), "/zh-Hant.ftl")),
    ),
    (
        Lang::ZhHans,
        include_str!(concat!(env!("OUT_DIR"), "/zh-Hans.ftl")),
    ),
    (Lang::En, include_str!(concat!(env!("OUT_DIR"), "/en.ftl"))),
];

/// Where a language looks for a message, in order.
fn fallback_chain(lang: Lang) -> &'static [Lang] {
    match lang {
        Lang::ZhHans => &[Lang::ZhHans, Lang::Zh, Lang::En],
        Lang::Zh => &[Lang::Zh, Lang::En],
        Lang::En => &[Lang::En, Lang::Zh],
    }
}

/// How a message no catalog holds is shown.
pub fn missing_marker(id: &str) -> String {
    format!("⟦{id}⟧")
}

struct Bundles(Vec<(Lang, FluentBundle<FluentResource>)>);

impl Bundles {
    fn get(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        &self
            .0
            .iter()
            .find(|(l, _)| *l == lang)
            .expect("every language has a catalog")
            .1
    }
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| {
    Bundles(
        CATALOGS
            .iter()
            .map(|(lang, source)| {
                (
                    *lang,
                    bundle(*lang, source).unwrap_or_else(|e| panic!("{e}")),
                )
            })
            .collect(),
    )
});

/// A language's catalog parsed into a bundle, or what is wrong with it.
fn bundle(lang: Lang, source: &str) -> Result<FluentBundle<FluentResource>, String> {
    let locale = lang
        .tag()
        .parse()
        .map_err(|e| format!("{}: {e:?}", lang.tag()))?;
    let resource = FluentResource::try_new(source.to_string())
        .map_err(|(_, errors)| format!("locales/{}/*.ftl: {errors:?}", lang.tag()))?;
    let mut bundle = FluentBundle::new_concurrent(vec![locale]);
    // Unicode isolation marks around arguments would end up in CSV cells and PDFs.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("locales/{}/*.ftl: {errors:?}", lang.tag()))?;
    Ok(bundle)
}

fn format(lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
    for &source in fallback_chain(lang) {
        let bundle = BUNDLES.get(source);
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(id, lang = lang.tag(), ?errors, "a message did not format");
            }
            return text.into_owned();
        }
    }
    missing_marker(id)
}

/// Items said as one list in `lang` ("a, b, c"; 「甲」、「乙」), the separator from the
/// catalog (`list-and`), for a whole message to take as one argument.
pub fn list<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    let separator = lang.t("list-and");
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(&separator)
}

/// Looking a message up in the viewer's language.
pub trait Localize {
    /// The message `id`.
    fn t(self, id: &str) -> String;
    /// The message `id` with its arguments: `&[("count", n.into())]`.
    fn t_args(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String;
}

impl Localize for Lang {
    fn t(self, id: &str) -> String {
        format(self, id, None)
    }

    fn t_args(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        format(self, id, Some(&fluent))
    }
}

/// A sentence said later, once the language is known: an error is made before the
/// answer is rendered in the viewer's language. Either a catalog message with its
/// arguments, or a text that is the same in every language (an identifier, a detail
/// from the store).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Message {
    Catalog {
        id: &'static str,
        /// Each argument a message of its own: a plain value is a [`Message::Literal`].
        args: Vec<(&'static str, Message)>,
    },
    Literal(String),
    /// A count, which the catalog's plural selectors choose by ("1 item", "2 items").
    Count(i64),
}

impl Message {
    pub fn new(id: &'static str) -> Message {
        Message::Catalog {
            id,
            args: Vec::new(),
        }
    }

    /// The message with one more argument.
    pub fn arg(self, name: &'static str, value: impl ToString) -> Message {
        self.arg_said(name, Message::Literal(value.to_string()))
    }

    /// The message with a count as an argument, for a plural selector.
    pub fn count(self, name: &'static str, n: usize) -> Message {
        self.arg_said(name, Message::Count(i64::try_from(n).unwrap_or(i64::MAX)))
    }

    /// The message with one more argument that is itself said in the viewer's language
    /// ("item `bow`: { $detail }", the detail being another message).
    pub fn arg_said(mut self, name: &'static str, value: Message) -> Message {
        if let Message::Catalog { args, .. } = &mut self {
            args.push((name, value));
        }
        self
    }

    /// A text that is the same in every language, or already in the viewer's.
    pub fn literal(text: impl Into<String>) -> Message {
        Message::Literal(text.into())
    }

    /// The sentence in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        match self {
            Message::Catalog { id, args } => {
                let args: Vec<(&str, FluentValue)> = args
                    .iter()
                    .map(|(name, value)| match value {
                        Message::Count(n) => (*name, FluentValue::from(*n)),
                        other => (*name, FluentValue::from(other.say(lang))),
                    })
                    .collect();
                lang.t_args(id, &args)
            }
            Message::Literal(text) => text.clone(),
            Message::Count(n) => n.to_string(),
        }
    }
}

/// English, for logs and the command line (which speak English).
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::En))
    }
}

/// The page script's messages (ids starting `js-`) for a language, fallbacks filled in,
/// as JSON the script formats itself: each message a list of parts, a part being text,
/// `{"var": name}` or `{"select": name, "variants": {key: parts}, "default": key}` (the
/// script picks a plural key with `Intl.PluralRules` for the language's tag).
pub fn script_messages(lang: Lang) -> Value {
    let mut messages = serde_json::Map::new();
    for &source in fallback_chain(lang).iter().rev() {
        let bundle = BUNDLES.get(source);
        for id in message_ids(source).filter(|id| id.starts_with("js-")) {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                messages.insert(id.to_string(), pattern_json(pattern));
            }
        }
    }
    json!({ "tag": lang.tag(), "messages": messages })
}

/// The ids a language's catalog defines, in file order.
pub fn message_ids(lang: Lang) -> impl Iterator<Item = &'static str> {
    let source = CATALOGS
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, s)| *s)
        .unwrap_or("");
    fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(partial, _)| partial)
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(message) => Some(message.id.name),
            _ => None,
        })
}

fn pattern_json(pattern: &ast::Pattern<&str>) -> Value {
    Value::Array(
        pattern
            .elements
            .iter()
            .map(|element| match element {
                ast::PatternElement::TextElement { value } => Value::from(*value),
                ast::PatternElement::Placeable { expression } => expression_json(expression),
            })
            .collect(),
    )
}

fn expression_json(expression: &ast::Expression<&str>) -> Value {
    match expression {
        ast::Expression::Select { selector, variants } => {
            let mut keyed = serde_json::Map::new();
            let mut default = String::new();
            for variant in variants {
                let key = match &variant.key {
                    ast::VariantKey::Identifier { name } => name.to_string(),
                    ast::VariantKey::NumberLiteral { value } => value.to_string(),
                };
                if variant.default {
                    default = key.clone();
                }
                keyed.insert(key, pattern_json(&variant.value));
            }
            json!({ "select": inline_json(selector), "variants": keyed, "default": default })
        }
        ast::Expression::Inline(inline) => match inline {
            ast::InlineExpression::VariableReference { id } => json!({ "var": id.name }),
            other => inline_json(other),
        },
    }
}

/// What the script supports besides variables and selectors: literals (`{"{"}`).
fn inline_json(inline: &ast::InlineExpression<&str>) -> Value {
    match inline {
        ast::InlineExpression::VariableReference { id } => Value::from(id.name),
        ast::InlineExpression::StringLiteral { value } => Value::from(*value),
        ast::InlineExpression::NumberLiteral { value } => Value::from(*value),
        _ => Value::from("⟦unsupported⟧"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_catalog_parses_and_holds_the_same_messages() {
        let ids = |lang| message_ids(lang).collect::<BTreeSet<_>>();
        let reference = ids(Lang::Zh);
        for (lang, source) in CATALOGS {
            bundle(*lang, source).unwrap();
            let own = ids(*lang);
            let missing: Vec<_> = reference.difference(&own).collect();
            let extra: Vec<_> = own.difference(&reference).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in zh-Hant {extra:?}",
                lang.tag()
            );
        }
    }

    /// Every `lint-…` id the library's lint and its callers say, with the nouns passed as
    /// `what`, is in every language's catalog (checked by reading the code).
    #[test]
    fn every_lint_message_the_code_says_is_in_every_catalog() {
        const SOURCES: [&str; 16] = [
            include_str!("domain/library/checklist.rs"),
            include_str!("domain/library/conditions.rs"),
            include_str!("domain/library/diagram.rs"),
            include_str!("domain/library/item_kinds.rs"),
            include_str!("domain/library/module.rs"),
            include_str!("domain/library/parser.rs"),
            include_str!("domain/library/positions.rs"),
            include_str!("domain/library/raw.rs"),
            include_str!("domain/library/references.rs"),
            include_str!("domain/library/standard.rs"),
            include_str!("domain/library/mod.rs"),
            include_str!("domain/text.rs"),
            include_str!("domain/authoring.rs"),
            include_str!("library_files.rs"),
            include_str!("web/authoring.rs"),
            include_str!("views/layout.rs"),
        ];
        // Each string literal that starts `"lint-` or `"zone-`, up to its closing quote.
        let said: BTreeSet<&str> = SOURCES
            .iter()
            .flat_map(|source| source.split('"').skip(1))
            .filter(|s| s.starts_with("lint-") || s.starts_with("zone-"))
            .filter(|s| {
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
            .filter(|s| !s.ends_with('-'))
            .collect();
        assert!(said.len() > 100, "{} ids found", said.len());
        for lang in [Lang::Zh, Lang::ZhHans, Lang::En] {
            let ids: BTreeSet<&str> = message_ids(lang).collect();
            let missing: Vec<_> = said.difference(&ids).collect();
            assert!(missing.is_empty(), "{}: missing {missing:?}", lang.tag());
        }
    }

    #[test]
    fn lists_take_the_languages_separator() {
        assert_eq!(list(Lang::En, &["a", "b", "c"]), "a, b, c");
        assert_eq!(list(Lang::Zh, &["甲", "乙"]), "甲、乙");
        assert_eq!(list(Lang::ZhHans, &["甲"]), "甲");
        assert_eq!(list::<&str>(Lang::En, &[]), "");
    }

    #[test]
    fn plurals_and_missing_messages() {
        let items = |lang: Lang, n: i64| lang.t_args("items-count", &[("count", n.into())]);
        assert_eq!(items(Lang::En, 1), "1 item");
        assert_eq!(items(Lang::En, 2), "2 items");
        assert_eq!(items(Lang::Zh, 1), "1 項");
        assert_eq!(items(Lang::ZhHans, 2), "2 项");
        assert_eq!(Lang::En.t("no-such-message"), "⟦no-such-message⟧");
    }

    #[test]
    fn the_script_gets_its_messages_with_selectors_as_data() {
        let en = script_messages(Lang::En);
        assert_eq!(en["tag"], "en");
        let messages = en["messages"].as_object().unwrap();
        assert!(!messages.is_empty());
        assert!(messages.keys().all(|id| id.starts_with("js-")));
        assert!(!en.to_string().contains("unsupported"));
    }
}
