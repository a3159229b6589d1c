//! The layers' arrows, checked by reading the source: src/domain is pure (no store, web,
//! views, reports, entities or sea-orm); the store never reaches up into web, views or
//! reports; views and reports take what they are given (no web, no store, no entities);
//! and the store's modules depend on each other without a cycle.
//!
//! Paths are read from the code with comments and string literals taken out: `use`
//! lines (with their `{…}` groups) and paths written inline alike, `super::` resolved
//! against the file's module (and any inline `mod … {}` inside it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files allowed to break a rule marked `excepted`: none, and it should stay that way.
const KNOWN_EXCEPTIONS: &[&str] = &[];

/// What a layer may not name: modules of this crate, and outside crates.
struct Rule {
    layer: &'static str,
    crate_modules: &'static [&'static str],
    outside: &'static [&'static str],
    /// Whether [`KNOWN_EXCEPTIONS`] may break it.
    excepted: bool,
}

const RULES: &[Rule] = &[
    Rule {
        layer: "domain",
        crate_modules: &["store", "web", "views", "reports"],
        outside: &["entity", "sea_orm"],
        excepted: false,
    },
    Rule {
        layer: "store",
        crate_modules: &["web", "views", "reports"],
        outside: &[],
        excepted: false,
    },
    Rule {
        layer: "views",
        crate_modules: &["web"],
        outside: &[],
        excepted: false,
    },
    Rule {
        layer: "reports",
        crate_modules: &["web"],
        outside: &[],
        excepted: false,
    },
    Rule {
        layer: "views",
        crate_modules: &["store"],
        outside: &["entity", "sea_orm"],
        excepted: true,
    },
    Rule {
        layer: "reports",
        crate_modules: &["store"],
        outside: &["entity", "sea_orm"],
        excepted: true,
    },
];

#[test]
fn layers_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = source_files(&root.join("src"));
    assert!(files.len() > 50, "read {} files", files.len());
    let mut broken = Vec::new();
    for (path, module) in &files {
        let shown = path.strip_prefix(root).unwrap().display().to_string();
        let source = std::fs::read_to_string(path).unwrap();
        broken.extend(
            breaches(
                &module_path(module),
                &source,
                KNOWN_EXCEPTIONS.contains(&shown.as_str()),
            )
            .into_iter()
            .map(|b| format!("{shown}: {b}")),
        );
    }
    assert!(
        broken.is_empty(),
        "imports against the layers:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_store_has_no_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<(String, String)> = source_files(&root.join("src"))
        .into_iter()
        .filter(|(_, module)| module.starts_with("store::"))
        .map(|(path, module)| (module, std::fs::read_to_string(path).unwrap()))
        .collect();
    let graph = store_graph(&files);
    // The reader works: it sees an arrow that is meant to be there.
    assert!(
        graph
            .get("inspections")
            .is_some_and(|to| to.contains("submit")),
        "{graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the store's modules form a cycle: {}", cycle.join(" → "));
    }
}

/// Handlers, views and reports run no query: every read and write is a store function.
#[test]
fn no_query_outside_the_store() {
    const QUERYING: &[&str] = &[
        "EntityTrait",
        "QueryFilter",
        "::Entity::",
        "ActiveModel",
        "execute_unprepared",
        "Statement::",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for (path, module) in source_files(&root.join("src")) {
        let layer = module.split("::").next().unwrap_or_default();
        if !matches!(layer, "web" | "views" | "reports") {
            continue;
        }
        let code = without_comments_and_strings(&std::fs::read_to_string(&path).unwrap());
        for word in QUERYING.iter().filter(|w| code.contains(**w)) {
            found.push(format!("{module}: {word}"));
        }
    }
    assert!(
        found.is_empty(),
        "queries outside src/store:\n{}",
        found.join("\n")
    );
}

/// The README's Layout names every source file, so a newcomer finds each in the map.
#[test]
fn the_readme_layout_names_every_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let layout = readme
        .split("## Layout")
        .nth(1)
        .expect("a Layout section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let missing: Vec<String> = source_files(&root.join("src"))
        .into_iter()
        .map(|(path, _)| {
            let relative = path.strip_prefix(root.join("src")).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .filter(|relative| !layout.contains(&format!(" {relative} ")))
        .collect();
    assert!(
        missing.is_empty(),
        "README's Layout does not name {missing:?}: add a line for each, with what it is for"
    );
}

/// The checker itself, on made-up files: it must see what it is there to see.
#[test]
fn the_checker_sees_breaches_and_cycles() {
    let domain =
        "use crate::store::org;\nfn f() { let _ = sea_orm::DbErr::Custom(String::new()); }";
    let found = breaches(&module_path("domain::clock"), domain, false);
    assert_eq!(found.len(), 2, "{found:?}");
    let grouped = "use crate::{domain::Lang, web::session};";
    assert_eq!(
        breaches(&module_path("views::home"), grouped, false).len(),
        1
    );
    let quiet = "// use crate::web::x;\nconst S: &str = \"crate::web::y\";\nuse super::layout;";
    assert!(breaches(&module_path("views::home"), quiet, false).is_empty());
    let excepted = "use crate::store::org;";
    assert!(breaches(&module_path("views::admin"), excepted, true).is_empty());
    assert_eq!(
        breaches(&module_path("views::admin"), excepted, false).len(),
        1
    );
    // An inline module's `super` is the file's module, not its parent.
    let outer = "use super::super::web::x;";
    assert_eq!(breaches(&module_path("store::org"), outer, false).len(), 1);
    let nested = "mod tests {\n    use super::super::web::x;\n}";
    assert!(breaches(&module_path("store::org"), nested, false).is_empty());

    let files = vec![
        ("store::a".to_string(), "use super::b::x;".to_string()),
        (
            "store::b".to_string(),
            "use crate::store::c::y;".to_string(),
        ),
        (
            "store::c::d".to_string(),
            "use super::super::a::z;".to_string(),
        ),
        ("store::c".to_string(), "mod d;".to_string()),
    ];
    let graph = store_graph(&files);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let files = &files[..2];
    assert_eq!(find_cycle(&store_graph(files)), None);
}

/// Every .rs file under `src` with its module path (`store::stats::tally`), the binary's
/// root left out: `crate` there is the CLI, not the library.
fn source_files(src: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).unwrap().with_extension("");
                let mut parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                    parts.pop();
                }
                if parts == ["main"] {
                    continue;
                }
                out.push((path, parts.join("::")));
            }
        }
    }
    out.sort();
    out
}

fn module_path(module: &str) -> Vec<String> {
    module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// What a file at `module` names against the rules of its layer.
fn breaches(module: &[String], source: &str, excepted: bool) -> Vec<String> {
    let Some(layer) = module.first() else {
        return Vec::new();
    };
    let mut out = BTreeSet::new();
    for path in resolved_paths(module, source) {
        for rule in RULES.iter().filter(|r| r.layer == layer.as_str()) {
            if rule.excepted && excepted {
                continue;
            }
            let named = match &path {
                Resolved::InCrate(p) => p
                    .first()
                    .filter(|m| rule.crate_modules.contains(&m.as_str()))
                    .map(|m| format!("crate::{m}")),
                Resolved::Outside(c) => rule.outside.contains(&c.as_str()).then(|| c.clone()),
            };
            if let Some(named) = named {
                out.insert(format!("{layer} names {named}"));
            }
        }
    }
    out.into_iter().collect()
}

/// Which store module depends on which (a directory module counts as one).
fn store_graph(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(m, _)| module_path(m).get(1).cloned())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, source) in files {
        let module = module_path(module);
        let Some(from) = module.get(1) else { continue };
        let arrows = graph.entry(from.clone()).or_default();
        for path in resolved_paths(&module, source) {
            if let Resolved::InCrate(p) = path
                && p.first().is_some_and(|s| s == "store")
                && let Some(to) = p.get(1).filter(|to| modules.contains(*to) && *to != from)
            {
                arrows.insert(to.clone());
            }
        }
    }
    graph
}

/// A cycle in the graph, as the modules around it (the first again at the end).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[derive(Debug)]
enum Resolved {
    /// A path in this crate, from its root.
    InCrate(Vec<String>),
    /// An outside crate's name.
    Outside(String),
}

/// Every path the code writes, resolved: `crate::`, `super::` and `self::` to paths
/// from the crate's root, anything else to the outside crate it may start with.
fn resolved_paths(module: &[String], source: &str) -> Vec<Resolved> {
    let code = without_comments_and_strings(source);
    let tokens = tokenize(&code);
    let mut out = Vec::new();
    // Inline modules open at a brace depth: (name, depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t == "{") => {
                inline.push((tokens[i + 1].clone(), depth + 1));
            }
            _ => {}
        }
        let starts_path = is_ident(&tokens[i])
            && tokens.get(i + 1).is_some_and(|t| t == "::")
            && (i == 0 || (tokens[i - 1] != "::" && tokens[i - 1] != "."));
        if starts_path {
            let here: Vec<String> = module
                .iter()
                .cloned()
                .chain(inline.iter().map(|(m, _)| m.clone()))
                .collect();
            let (paths, next) = read_path(&tokens, i);
            for p in paths {
                if let Some(r) = resolve(&here, &p) {
                    out.push(r);
                }
            }
            i = next;
            continue;
        }
        i += 1;
    }
    out
}

fn resolve(here: &[String], path: &[String]) -> Option<Resolved> {
    let mut at: Vec<String> = here.to_vec();
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            at.clear();
            rest = &path[1..];
        }
        "self" => rest = &path[1..],
        "super" => {
            while rest.first().is_some_and(|s| s == "super") {
                at.pop();
                rest = &rest[1..];
            }
        }
        outside => return Some(Resolved::Outside(outside.to_string())),
    }
    at.extend(rest.iter().cloned());
    Some(Resolved::InCrate(at))
}

/// The path starting at token `i`, expanded through `{…}` groups; and the token after it.
fn read_path(tokens: &[String], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = vec![tokens[i].clone()];
    i += 1;
    while tokens.get(i).is_some_and(|t| t == "::") {
        match tokens.get(i + 1).map(String::as_str) {
            Some("{") => {
                let mut out = Vec::new();
                i += 2;
                while i < tokens.len() && tokens[i] != "}" {
                    if is_ident(&tokens[i]) || tokens[i] == "*" {
                        let (inner, next) = read_path(tokens, i);
                        out.extend(
                            inner
                                .into_iter()
                                .map(|p| prefix.iter().cloned().chain(p).collect::<Vec<String>>()),
                        );
                        i = next;
                    } else {
                        i += 1;
                    }
                }
                return (out, i + 1);
            }
            Some(t) if is_ident(t) || t == "*" => {
                prefix.push(t.to_string());
                i += 2;
            }
            // `::<T>` and the like end the path.
            _ => break,
        }
    }
    (vec![prefix], i)
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::`, and every other character as a token of its own.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// The code with comments, string literals and character literals blanked out (a
/// lifetime's quote is kept apart from a character's by what follows it).
fn without_comments_and_strings(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // 'x', '\n', '\u{..}' are characters; 'a (no closing quote soon) a lifetime.
            let close = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(end) => {
                    out.push_str("' '");
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}
