//! The cross-file checks: where each checklist, module, position and clause key is
//! defined and used, so duplicates, references to nothing and untraced clauses are found
//! once every file is read.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::{Diagnostic, Library};
use crate::i18n::Message;

/// Where a key is defined or used, for the cross-file checks.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) file: PathBuf,
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Site {
    pub(super) fn diagnostic(&self, message: Message) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Namespace {
    Checklist,
    Module,
    Position,
    Clause,
    Diagram,
}

impl Namespace {
    /// What a key of this namespace names, as a catalog message ("training module").
    pub(super) fn noun(self) -> Message {
        Message::new(match self {
            Namespace::Checklist => "lint-noun-checklist",
            Namespace::Module => "lint-noun-module",
            Namespace::Position => "lint-noun-position",
            Namespace::Clause => "lint-noun-clause",
            Namespace::Diagram => "lint-noun-diagram",
        })
    }
}

#[derive(Default)]
pub(super) struct References {
    pub(super) defined: Vec<(Namespace, String, Site)>,
    pub(super) used: Vec<(Namespace, String, Site)>,
    /// Clauses the items trace to, for the coverage check.
    pub(super) traced: BTreeSet<String>,
}

impl References {
    /// Duplicate definitions and references to nothing.
    pub(super) fn check(&self, out: &mut Vec<Diagnostic>) {
        let mut first: HashMap<(Namespace, &str), &Site> = HashMap::new();
        for (ns, key, site) in &self.defined {
            if let Some(earlier) = first.get(&(*ns, key.as_str())) {
                out.push(
                    site.diagnostic(
                        Message::new("lint-duplicate-key")
                            .arg_said("noun", ns.noun())
                            .arg("key", key)
                            .arg(
                                "first",
                                format!(
                                    "{}:{}:{}",
                                    earlier.file.display(),
                                    earlier.line,
                                    earlier.column
                                ),
                            ),
                    ),
                );
            } else {
                first.insert((*ns, key.as_str()), site);
            }
        }
        for (ns, key, site) in &self.used {
            if !first.contains_key(&(*ns, key.as_str())) {
                out.push(
                    site.diagnostic(
                        Message::new("lint-unknown-key")
                            .arg_said("noun", ns.noun())
                            .arg("key", key),
                    ),
                );
            }
        }
    }

    /// Every clause to inspect is traced by some checklist item.
    pub(super) fn check_coverage(&self, library: &Library, out: &mut Vec<Diagnostic>) {
        for clause in library.clauses.iter().filter(|c| c.inspect) {
            if !self.traced.contains(&clause.id) {
                let site = self
                    .defined
                    .iter()
                    .find(|(ns, key, _)| *ns == Namespace::Clause && *key == clause.id)
                    .map(|(_, _, site)| site);
                if let Some(site) = site {
                    out.push(site.diagnostic(
                        Message::new("lint-clause-untraced").arg("clause", &clause.id),
                    ));
                }
            }
        }
    }
}
