//! The bundled font, the width of a text in it, and the breaking of Chinese and English
//! text into lines.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::domain::text::is_cjk;

static FONT_TTF: &[u8] = include_bytes!("../../fonts/NotoSansTC-Regular.ttf");

/// The bundled face, parsed once per process (≈ 7 MB of TrueType).
pub fn font() -> &'static ParsedFont {
    static FONT: OnceLock<ParsedFont> = OnceLock::new();
    FONT.get_or_init(|| {
        ParsedFont::from_bytes(FONT_TTF, 0, &mut Vec::new())
            .expect("the bundled fonts/NotoSansTC-Regular.ttf parses")
    })
}

/// How wide `text` is at `size` points, from the font's advance widths.
pub fn text_width(text: &str, size: f32) -> f32 {
    let f = font();
    let upm = f.font_metrics.units_per_em.max(1) as f32;
    let units: u32 = text
        .chars()
        .map(|c| f.get_horizontal_advance(f.lookup_glyph_index(c as u32).unwrap_or(0)) as u32)
        .sum();
    units as f32 * size / upm
}

/// Punctuation that must not start a line (it stays with the character before).
fn no_break_before(c: char) -> bool {
    "，。、；：！？）」』》〉】．,.;:!?)]}%’”…·".contains(c)
}

/// Punctuation that must not end a line (it goes with the character after).
fn no_break_after(c: char) -> bool {
    "（「『《〈【([{‘“".contains(c)
}

/// Split text into the pieces a line may break between: a Latin word, one CJK
/// character, or a run of spaces (`None`). Closing punctuation sticks to what comes
/// before it and opening punctuation to what comes after.
fn pieces(text: &str) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    let mut word = String::new();
    let mut glue_next = false;
    let flush = |word: &mut String, out: &mut Vec<Option<String>>| {
        if !word.is_empty() {
            out.push(Some(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            if !matches!(out.last(), Some(None)) {
                out.push(None);
            }
            glue_next = false;
            continue;
        }
        if no_break_before(c) {
            if !word.is_empty() {
                word.push(c);
            } else if let Some(Some(last)) = out.last_mut() {
                last.push(c);
            } else {
                word.push(c);
            }
            continue;
        }
        if is_cjk(c) {
            if glue_next {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                word.push(c);
            }
            glue_next = no_break_after(c);
            if !glue_next {
                flush(&mut word, &mut out);
            }
            continue;
        }
        // Latin and everything else accumulate into a word.
        if glue_next || !word.is_empty() && !word.chars().last().is_some_and(is_cjk) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            word.push(c);
        }
        glue_next = no_break_after(c);
    }
    flush(&mut word, &mut out);
    out
}

/// Break `text` into lines no wider than `width` at `size`: between Latin words, between
/// CJK characters (keeping punctuation where it belongs), and inside a word only when
/// the word alone is too wide. Newlines in the text are kept.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let space = text_width(" ", size);
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        let mut pending_space = false;
        for piece in pieces(paragraph) {
            let Some(piece) = piece else {
                pending_space = !line.is_empty();
                continue;
            };
            let w = text_width(&piece, size);
            let gap = if pending_space { space } else { 0.0 };
            pending_space = false;
            if line_w + gap + w <= width {
                if gap > 0.0 {
                    line.push(' ');
                }
                line.push_str(&piece);
                line_w += gap + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if w <= width {
                line.push_str(&piece);
                line_w = w;
                continue;
            }
            // A word wider than the line: break it between characters.
            for c in piece.chars() {
                let cw = text_width(c.encode_utf8(&mut [0; 4]), size);
                if line_w + cw > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Cut `text` to fit `width`, ending in "…" when shortened.
pub fn ellipsize(text: &str, size: f32, width: f32) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let budget = width - text_width("…", size);
    let mut w = 0.0;
    for c in text.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]), size);
        if w + cw > budget {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_wraps_between_characters_and_keeps_punctuation() {
        let lines = wrap(
            "保持微笑，主動問候客人。保持微笑，主動問候客人。",
            10.0,
            60.0,
        );
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(text_width(line, 10.0) <= 60.0 + 10.0, "{line}");
            assert!(
                !line.starts_with('，') && !line.starts_with('。'),
                "{lines:?}"
            );
        }
        assert_eq!(
            lines.concat(),
            "保持微笑，主動問候客人。保持微笑，主動問候客人。"
        );
    }

    #[test]
    fn english_wraps_between_words() {
        let lines = wrap(
            "Greet every guest within five seconds of arrival",
            10.0,
            120.0,
        );
        assert!(lines.len() > 1);
        assert_eq!(
            lines.join(" "),
            "Greet every guest within five seconds of arrival"
        );
        for line in &lines {
            assert!(text_width(line, 10.0) <= 120.0, "{line}");
        }
    }

    #[test]
    fn mixed_text_and_long_words_wrap() {
        let lines = wrap(
            "鞠躬 Bow 30° 禮節性鞠躬30度 supercalifragilistic",
            9.0,
            40.0,
        );
        for line in &lines {
            assert!(text_width(line, 9.0) <= 40.0 + 9.0, "{line}");
        }
        assert_eq!(wrap("", 9.0, 40.0), vec![String::new()]);
        assert_eq!(wrap("a\nb", 9.0, 40.0), vec!["a", "b"]);
    }

    #[test]
    fn ellipsize_shortens_only_what_is_too_wide() {
        assert_eq!(ellipsize("短", 10.0, 100.0), "短");
        let cut = ellipsize("這是一段很長很長很長很長的文字", 10.0, 50.0);
        assert!(cut.ends_with('…') && text_width(&cut, 10.0) <= 50.0);
    }
}
