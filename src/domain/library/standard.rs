//! A standard's file: the source it comes from and its clauses, which checklist items
//! trace and training modules teach.

use super::parser::{KeyStyle, Parser};
use super::raw::RawStandardFile;
use super::references::Namespace;
use crate::domain::training::Clause;

impl Parser<'_> {
    pub(super) fn standard(&mut self, raw: RawStandardFile) -> Vec<Clause> {
        let source = self.key(&raw.source.key, "source", KeyStyle::Kebab);
        self.text(raw.source.title, "source title");
        if let Some(d) = raw.source.description {
            self.text(d, "source description");
        }
        raw.clause
            .into_iter()
            .map(|c| {
                self.define(Namespace::Clause, &c.id);
                let id = c.id.get_ref().clone();
                if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
                    self.error(
                        &c.id.span(),
                        format!("clause id `{id}` must be non-empty with no spaces"),
                    );
                }
                Clause {
                    id,
                    source: source.clone(),
                    title: c.title.map(|t| self.text(t, "clause title")),
                    text: self.text(c.text, "clause text"),
                    inspect: c.inspect.unwrap_or(true),
                }
            })
            .collect()
    }
}
