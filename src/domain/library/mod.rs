//! Parse and lint the checklist library (see docs/checklist-format.md).
//!
//! Parsing is two-layered: serde reads each file into "raw" structs that keep the
//! source span of every value (`raw`), then `Parser` checks them and builds the validated
//! model, recording every problem with its `file:line:column` (`parser`, with one module
//! per kind of file: `checklist` with `item_kinds` and `conditions`, `module`,
//! `positions`, `standard`, and `diagram` for the SVG drawings module pages show). Cross-file references (clauses, modules, positions,
//! duplicate keys, clause coverage) are checked once all files are read (`references`).
//! The way back, from the model to a file's text, is `writer` (for the export and the
//! workbook round trip). Nothing here touches the file system: callers pass the file texts.

mod checklist;
mod conditions;
mod diagram;
mod item_kinds;
mod module;
mod parser;
mod positions;
mod raw;
mod references;
mod standard;
#[cfg(test)]
mod usable_tests;
pub mod writer;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::checklist::Checklist;
use super::training::{Clause, Module, Position};
use crate::i18n::Message;
use parser::Parser;
use references::References;

pub use diagram::svg_problem;

/// One file of the library, as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// A problem found in a file, located for editors and CI logs. Its message is a catalog
/// message (`locales/*/lint.ftl`), said in the author's language by the authoring pages;
/// `Display` says it in English, for the command line and logs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: Message,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Everything the library defines, validated.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub checklists: Vec<Checklist>,
    pub modules: Vec<Module>,
    pub positions: Vec<Position>,
    pub clauses: Vec<Clause>,
    /// The diagrams (`diagrams/*.svg`) by key, their SVG as written.
    pub diagrams: BTreeMap<String, String>,
}

impl Library {
    pub fn checklist(&self, key: &str) -> Option<&Checklist> {
        self.checklists.iter().find(|c| c.key == key)
    }

    pub fn module(&self, key: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.key == key)
    }

    pub fn position(&self, key: &str) -> Option<&Position> {
        self.positions.iter().find(|p| p.key == key)
    }

    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }
}

/// Parse and check a set of files together.
pub fn parse_library(files: &[SourceFile]) -> (Library, Vec<Diagnostic>) {
    let (library, refs, mut diagnostics) = parse_and_resolve(files);
    refs.check_coverage(&library, &mut diagnostics);
    diagnostics.sort();
    diagnostics.dedup();
    (library, diagnostics)
}

/// The part of a library that can be used while some of its files are broken, with every
/// problem found. A file with a problem is left out, then any file that leaving it out
/// breaks (a checklist naming a module whose file is broken), until the rest is clean.
/// A clause no item traces is reported but leaves nothing out: it is a gap in the
/// library, not a fault in the standard's file, and would otherwise take every checklist
/// with it whenever one checklist file is broken.
pub fn usable_library(files: &[SourceFile]) -> (Library, Vec<Diagnostic>) {
    let (_, mut problems) = parse_library(files);
    let mut kept: Vec<&SourceFile> = files.iter().collect();
    loop {
        let (library, _, diagnostics) = parse_and_resolve(kept.iter().copied());
        if diagnostics.is_empty() {
            problems.sort();
            problems.dedup();
            return (library, problems);
        }
        kept.retain(|f| !diagnostics.iter().any(|d| d.file == f.path));
        problems.extend(diagnostics);
    }
}

/// Parse the files and check their references to each other (all but clause coverage).
fn parse_and_resolve<'a>(
    files: impl IntoIterator<Item = &'a SourceFile>,
) -> (Library, References, Vec<Diagnostic>) {
    let mut library = Library::default();
    let mut diagnostics = Vec::new();
    let mut refs = References::default();
    for file in files {
        let mut parser = Parser::new(file, &mut diagnostics, &mut refs);
        parser.parse_file(&mut library);
    }
    refs.check(&mut diagnostics);
    diagram::fill_in(&mut library);
    (library, refs, diagnostics)
}
