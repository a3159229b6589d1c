//! Joins each language's Fluent files (`locales/{tag}/*.ftl`, in name order) into one
//! catalog per language in OUT_DIR, which src/i18n.rs embeds: a feature's messages can
//! live in a file of their own (`locales/en/actions.ftl`) beside `main.ftl`.

use std::fs;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=locales");
    for tag in ["zh-Hant", "zh-Hans", "en"] {
        let dir = Path::new("locales").join(tag);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
            .collect();
        files.sort();
        let mut catalog = String::new();
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let text =
                fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            catalog.push_str(&format!("# ---- {}\n", file.display()));
            catalog.push_str(&text);
            if !catalog.ends_with('\n') {
                catalog.push('\n');
            }
        }
        fs::write(Path::new(&out).join(format!("{tag}.ftl")), catalog)
            .expect("OUT_DIR is writable");
    }
}
