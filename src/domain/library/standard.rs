//! A standard's file: the source it comes from and its clauses, which checklist items
//! trace and training modules teach.

use super::parser::{KeyStyle, Parser};
use super::raw::RawStandardFile;
use super::references::Namespace;
use crate::domain::training::Clause;
use crate::i18n::Message;

impl Parser<'_> {
    pub(super) fn standard(&mut self, raw: RawStandardFile) -> Vec<Clause> {
        let source = self.key(&raw.source.key, "lint-what-source", KeyStyle::Kebab);
        self.text(raw.source.title, "lint-what-source-title");
        if let Some(d) = raw.source.description {
            self.text(d, "lint-what-source-description");
        }
        raw.clause
            .into_iter()
            .map(|c| {
                self.define(Namespace::Clause, &c.id);
                let id = c.id.get_ref().clone();
                if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
                    self.error(&c.id.span(), Message::new("lint-clause-id").arg("id", &id));
                }
                Clause {
                    id,
                    source: source.clone(),
                    title: c.title.map(|t| self.text(t, "lint-what-clause-title")),
                    text: self.text(c.text, "lint-what-clause-text"),
                    inspect: c.inspect.unwrap_or(true),
                }
            })
            .collect()
    }
}
