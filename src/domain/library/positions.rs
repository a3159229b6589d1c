//! The positions file: each position's name and training curriculum.

use super::parser::{KeyStyle, Parser};
use super::raw::RawPositionsFile;
use super::references::Namespace;
use crate::domain::training::Position;

impl Parser<'_> {
    pub(super) fn positions(&mut self, raw: RawPositionsFile) -> Vec<Position> {
        raw.position
            .into_iter()
            .map(|p| {
                self.define(Namespace::Position, &p.key);
                let key = self.key(&p.key, "position", KeyStyle::Kebab);
                if *p.curriculum_due_days.get_ref() == 0 {
                    self.error(
                        &p.curriculum_due_days.span(),
                        "`curriculum_due_days` must be at least 1",
                    );
                }
                Position {
                    key,
                    name: self.text(p.name, "position name"),
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
