//! The positions file: each position's name and training curriculum.

use super::parser::{KeyStyle, Parser};
use super::raw::RawPositionsFile;
use super::references::Namespace;
use crate::domain::training::Position;
use crate::i18n::Message;

impl Parser<'_> {
    pub(super) fn positions(&mut self, raw: RawPositionsFile) -> Vec<Position> {
        raw.position
            .into_iter()
            .map(|p| {
                self.define(Namespace::Position, &p.key);
                let key = self.key(&p.key, "lint-what-position", KeyStyle::Kebab);
                if *p.curriculum_due_days.get_ref() == 0 {
                    self.error(
                        &p.curriculum_due_days.span(),
                        Message::new("lint-curriculum-due-days"),
                    );
                }
                Position {
                    key,
                    name: self.text(p.name, "lint-what-position-name"),
                    curriculum: self.references(
                        Namespace::Module,
                        p.curriculum,
                        "`curriculum`",
                        false,
                    ),
                    curriculum_due_days: *p.curriculum_due_days.get_ref(),
                }
            })
            .collect()
    }
}
