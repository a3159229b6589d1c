//! The cross-file checks: where each checklist, module, position and clause key is
//! defined and used, so duplicates, references to nothing and untraced clauses are found
//! once every file is read.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::{Diagnostic, Library};

/// Where a key is defined or used, for the cross-file checks.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) file: PathBuf,
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Site {
    pub(super) fn diagnostic(&self, message: String) -> Diagnostic {
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
    pub(super) fn noun(self) -> &'static str {
        match self {
            Namespace::Checklist => "checklist",
            Namespace::Module => "training module",
            Namespace::Position => "position",
            Namespace::Clause => "clause",
            Namespace::Diagram => "diagram",
        }
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
                out.push(site.diagnostic(format!(
                    "duplicate {} `{key}` (first defined at {}:{}:{})",
                    ns.noun(),
                    earlier.file.display(),
                    earlier.line,
                    earlier.column
                )));
            } else {
                first.insert((*ns, key.as_str()), site);
            }
        }
        for (ns, key, site) in &self.used {
            if !first.contains_key(&(*ns, key.as_str())) {
                out.push(site.diagnostic(format!("unknown {} `{key}`", ns.noun())));
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
                    out.push(site.diagnostic(format!(
                        "clause `{}` is not traced by any checklist item (add an item, or mark it `inspect = false`)",
                        clause.id
                    )));
                }
            }
        }
    }
}
