//! A diagram file of the library (`checklists/diagrams/*.svg`): its key is its name, and
//! its content is held to plain drawing, so module pages can show it inline as it is.

use super::Library;
use super::parser::Parser;
use super::references::{Namespace, Site};
use crate::i18n::Message;

/// The SVG elements a diagram may use: shapes, text and grouping. Nothing that runs
/// (script), loads (image, use, foreignObject) or restyles the page (style) is allowed.
const ELEMENTS: [&str; 17] = [
    "svg",
    "g",
    "path",
    "line",
    "polyline",
    "polygon",
    "rect",
    "circle",
    "ellipse",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "marker",
    "lineargradient",
    "stop",
];

/// Why an SVG text may not be put in a page, with the byte offset of the first offence:
/// an element outside [`ELEMENTS`], an event handler (`on…=`), a link (`href`), a
/// `style`, a declaration (`<!DOCTYPE`, `<!ENTITY`), a processing instruction other than
/// the XML declaration, or no `<svg` root.
pub fn svg_problem(svg: &str) -> Option<(usize, Message)> {
    let lower = svg.to_ascii_lowercase();
    let mut rest = 0;
    let mut saw_svg = false;
    while let Some(found) = lower[rest..].find('<') {
        let at = rest + found;
        let after = &lower[at + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            match comment.find("-->") {
                Some(n) => rest = at + 1 + 3 + n + 3,
                None => return Some((at, Message::new("lint-svg-comment"))),
            }
            continue;
        }
        if after.starts_with("?xml ") && at == 0 {
            rest = at + 1;
            continue;
        }
        if after.starts_with('!') || after.starts_with('?') {
            return Some((at, Message::new("lint-svg-declaration")));
        }
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .collect();
        if !ELEMENTS.contains(&name.as_str()) {
            return Some((
                at,
                Message::new("lint-svg-element")
                    .arg("element", format!("<{name}>"))
                    .arg("allowed", ELEMENTS.join(", ")),
            ));
        }
        saw_svg |= name == "svg";
        // The attributes of this tag, up to its end.
        let end = after.find('>').map_or(lower.len(), |n| at + 1 + n);
        let tag = &lower[at..end];
        for (n, _) in tag.match_indices('=') {
            let attribute: String = tag[..n]
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if attribute.starts_with("on") || attribute.ends_with("href") || attribute == "style" {
                return Some((
                    at + n - attribute.len(),
                    Message::new("lint-svg-attribute").arg("attribute", &attribute),
                ));
            }
        }
        rest = end;
    }
    (!saw_svg).then(|| (0, Message::new("lint-svg-no-root")))
}

impl Parser<'_> {
    /// An SVG file: its name (without `.svg`) is the key pages use, its text the drawing.
    pub(super) fn diagram(&mut self, library: &mut Library) {
        let file = self.file();
        let key = file
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let valid = !key.is_empty()
            && key.len() <= 64
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            self.error(
                &(0..0),
                Message::new("lint-diagram-name").arg("name", format!("{key}.svg")),
            );
            return;
        }
        if let Some((at, message)) = svg_problem(&file.text) {
            self.error(&(at..at), message);
            return;
        }
        let site: Site = self.site(0);
        self.refs
            .defined
            .push((Namespace::Diagram, key.clone(), site));
        library.diagrams.insert(key, file.text.clone());
    }
}

/// Put each page's diagrams' drawings in place, once every file is read (a reference to
/// a diagram that is not there is reported by the reference check).
pub(super) fn fill_in(library: &mut Library) {
    let drawings = std::mem::take(&mut library.diagrams);
    for module in &mut library.modules {
        for page in &mut module.pages {
            for diagram in &mut page.diagrams {
                if let Some(svg) = drawings.get(&diagram.key) {
                    diagram.svg = svg.clone();
                }
            }
        }
    }
    library.diagrams = drawings;
}

#[cfg(test)]
mod tests {
    use super::svg_problem;

    #[test]
    fn plain_drawings_pass_and_anything_active_is_refused() {
        let ok = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><!-- a <b> comment --><line x1="0" y1="0" x2="5" y2="5" stroke="currentColor"/><text x="1" y="9">30°</text></svg>"##;
        assert_eq!(svg_problem(ok), None);
        for bad in [
            r#"<svg><script>alert(1)</script></svg>"#,
            r#"<svg><circle r="2" onclick="alert(1)"/></svg>"#,
            r#"<svg><circle r="2" ONLOAD = "x"/></svg>"#,
            r#"<svg><a href="https://example.com"><circle r="2"/></a></svg>"#,
            r##"<svg><use xlink:href="#x"/></svg>"##,
            r#"<svg><rect style="fill:url(https://x)"/></svg>"#,
            r#"<svg><foreignObject><p>x</p></foreignObject></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg/>"#,
            r#"<svg><image href="x.png"/></svg>"#,
            "no drawing here",
        ] {
            assert!(svg_problem(bad).is_some(), "{bad}");
        }
    }
}
