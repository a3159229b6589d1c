//! Reading the checklist library from disk: which files to read for a lint, and the
//! whole library for an import. The parsing itself is pure (`domain::library`).

use std::path::{Path, PathBuf};

use crate::domain::library::{Diagnostic, Library, SourceFile, parse_library, usable_library};
use crate::i18n::Message;

/// Every `.toml` file, and every `.svg` diagram, under the given paths (files as given,
/// directories walked),
/// sorted so diagnostics come out in a stable order.
/// A path that cannot be read is reported and the others are still listed.
pub fn toml_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if let Err(problem) = walk(path, &mut found) {
            problems.push(problem);
        }
    }
    found.sort();
    found.dedup();
    (found, problems)
}

fn walk(path: &Path, found: &mut Vec<PathBuf>) -> Result<(), Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| io_problem(path, &e))?;
    if meta.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| io_problem(path, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_problem(path, &e))?;
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() || p.extension().is_some_and(|e| e == "toml" || e == "svg") {
                walk(&p, found)?;
            }
        }
    } else {
        found.push(path.to_path_buf());
    }
    Ok(())
}

fn io_problem(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
        message: Message::new("lint-cannot-read").arg("detail", e),
    }
}

fn read(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(SourceFile {
                    path: path.clone(),
                    text,
                }),
                Err(e) => problems.push(Diagnostic {
                    file: path.clone(),
                    line: 1,
                    column: 1,
                    message: Message::new("lint-not-utf8")
                        .arg("offset", e.utf8_error().valid_up_to()),
                }),
            },
            Err(e) => problems.push(io_problem(path, &e)),
        }
    }
    (files, problems)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The library the linted `paths` are checked against: the one named on the command line,
/// else the default one only when every path is inside it (a file of it being edited).
/// Linting another directory — a copy, another branch's checklists — lints exactly that,
/// instead of finding every key in it again in ./checklists.
pub fn lint_reference<'a>(
    paths: &[PathBuf],
    library_dir: &'a Path,
    named: bool,
) -> Option<&'a Path> {
    let library = canonical(library_dir);
    let inside = !paths.is_empty() && paths.iter().all(|p| canonical(p).starts_with(&library));
    (named || inside).then_some(library_dir)
}

/// Lint the files under `paths`. References they make to things they do not define
/// themselves are resolved against the library in `library_dir` (when given and it
/// exists), so a single checklist file can be linted on its own. Only problems in the
/// linted files are reported.
pub fn lint(paths: &[PathBuf], library_dir: Option<&Path>) -> Vec<Diagnostic> {
    let (targets, mut problems) = toml_files(paths);
    let target_set: Vec<PathBuf> = targets.iter().map(|p| canonical(p)).collect();
    let (mut others, _) = match library_dir {
        Some(dir) => toml_files(&[dir.to_path_buf()]),
        None => Default::default(),
    };
    others.retain(|p| !target_set.contains(&canonical(p)));

    // The library's other files come first, so a duplicate is reported at the linted file.
    let (mut files, _) = read(&others);
    let (target_files, target_problems) = read(&targets);
    files.extend(target_files);
    problems.extend(target_problems);
    let (_, diagnostics) = parse_library(&files);
    problems.extend(
        diagnostics
            .into_iter()
            .filter(|d| targets.contains(&d.file)),
    );
    problems.sort();
    problems
}

/// Every library file that can be read, and the problems of those that cannot.
fn read_library(library_dir: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let (paths, mut problems) = toml_files(&[library_dir.to_path_buf()]);
    let (files, unreadable) = read(&paths);
    problems.extend(unreadable);
    (files, problems)
}

/// Load the whole library for use; any problem makes it unusable.
pub fn load(library_dir: &Path) -> Result<Library, Vec<Diagnostic>> {
    let (files, mut problems) = read_library(library_dir);
    let (library, diagnostics) = parse_library(&files);
    problems.extend(diagnostics);
    if problems.is_empty() {
        Ok(library)
    } else {
        Err(problems)
    }
}

/// Load what can be used of the library — every file that lints clean, and those that
/// depend only on them — with every problem found, so a bad edit to one file does not
/// take the others (or the service) down.
pub fn load_usable(library_dir: &Path) -> (Library, Vec<Diagnostic>) {
    let (files, mut problems) = read_library(library_dir);
    let (library, diagnostics) = usable_library(&files);
    problems.extend(diagnostics);
    problems.sort();
    (library, problems)
}

/// The library's readable files, for linting an edit in its place (`domain::authoring`).
pub fn sources(library_dir: &Path) -> Vec<SourceFile> {
    read_library(library_dir).0
}

/// The file among `files` that defines the checklist or module `key`, else where a new
/// one would go (with no text).
pub fn file_for(
    files: &[SourceFile],
    library_dir: &Path,
    kind: crate::domain::authoring::Editable,
    key: &str,
) -> SourceFile {
    files
        .iter()
        .find(|f| {
            crate::domain::authoring::declared(&f.text)
                .is_some_and(|(k, found)| k == kind && found == key)
        })
        .cloned()
        .unwrap_or_else(|| SourceFile {
            path: kind.new_path(library_dir, key),
            text: String::new(),
        })
}

/// What `decorum checklists export` wrote: a line per file, and the counts.
#[derive(Debug, Default)]
pub struct Exported {
    pub lines: Vec<String>,
    pub checklists: usize,
    pub modules: usize,
    pub copied: usize,
}

impl Exported {
    pub fn summary(&self, dir: &Path) -> String {
        format!(
            "exported {} checklist(s) and {} module(s) to {}; {} other library file(s) copied",
            self.checklists,
            self.modules,
            dir.display(),
            self.copied
        )
    }
}

/// Write `checklists` and `modules` as TOML files into `dir` (created if missing), each
/// under the name its file has in the library at `library_dir` (a new one where the
/// editor would put it), and copy the library's other files (positions, the standard,
/// the diagrams) beside them, so `dir` is a whole library that lints and imports.
pub fn export(
    dir: &Path,
    library_dir: &Path,
    checklists: &[crate::domain::Checklist],
    modules: &[crate::domain::training::Module],
) -> std::io::Result<Exported> {
    use crate::domain::authoring::Editable;
    use crate::domain::library::writer;

    let files = sources(library_dir);
    let same_dir = canonical(dir) == canonical(library_dir);
    let relative = |path: &Path| -> PathBuf {
        path.strip_prefix(library_dir)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.file_name().map(PathBuf::from).unwrap_or_default())
    };
    let mut out = Exported::default();
    let mut write = |path: PathBuf, text: &str, what: String| -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        out.lines.push(format!("wrote {} ({what})", path.display()));
        Ok(())
    };
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for c in checklists {
        let file = file_for(&files, library_dir, Editable::Checklist, &c.key);
        written.push(canonical(&file.path));
        write(
            dir.join(relative(&file.path)),
            &writer::checklist_toml(c),
            format!("checklist {}", c.key),
        )?;
    }
    for m in modules {
        let file = file_for(&files, library_dir, Editable::Module, &m.key);
        written.push(canonical(&file.path));
        write(
            dir.join(relative(&file.path)),
            &writer::module_toml(m),
            format!("module {}", m.key),
        )?;
    }
    out.checklists = checklists.len();
    out.modules = modules.len();
    if !same_dir {
        let (paths, _) = toml_files(&[library_dir.to_path_buf()]);
        for path in paths {
            let defines = files
                .iter()
                .find(|f| f.path == path)
                .and_then(|f| crate::domain::authoring::declared(&f.text))
                .is_some();
            if defines || written.contains(&canonical(&path)) {
                continue; // a checklist or module: written from the database, or retired
            }
            let target = dir.join(relative(&path));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&path, &target)?;
            out.copied += 1;
        }
    }
    Ok(out)
}
