//! Sites and people as an admin enters them: the kinds of site, a site's code, and how
//! long a name may be. The admin forms parse into these once; the store trusts them.

/// Longest site or person name accepted.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest site code accepted.
pub const MAX_CODE_CHARS: usize = 32;

/// The kinds of site there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    ServiceCentre,
    Lobby,
    SalesHall,
    ShowFlat,
    Office,
}

impl SiteKind {
    pub const ALL: [SiteKind; 5] = [
        SiteKind::ServiceCentre,
        SiteKind::Lobby,
        SiteKind::SalesHall,
        SiteKind::ShowFlat,
        SiteKind::Office,
    ];

    /// The name stored and posted.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::ServiceCentre => "service_centre",
            SiteKind::Lobby => "lobby",
            SiteKind::SalesHall => "sales_hall",
            SiteKind::ShowFlat => "show_flat",
            SiteKind::Office => "office",
        }
    }

    pub fn parse(raw: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// (Chinese, English)
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SiteKind::ServiceCentre => ("服務中心", "Service centre"),
            SiteKind::Lobby => ("大堂", "Lobby"),
            SiteKind::SalesHall => ("銷售大廳", "Sales hall"),
            SiteKind::ShowFlat => ("示範單位", "Show flat"),
            SiteKind::Office => ("辦公室", "Office"),
        }
    }
}

/// A site's code: upper-case letters, digits and `-`, at most [`MAX_CODE_CHARS`]. It
/// names the site in files and on the command line, and never changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteCode(String);

impl SiteCode {
    pub fn parse(raw: &str) -> Option<SiteCode> {
        let ok = !raw.is_empty()
            && raw.chars().count() <= MAX_CODE_CHARS
            && raw
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        ok.then(|| SiteCode(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A site's or person's name: trimmed, not empty, at most [`MAX_NAME_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str) -> Option<Name> {
        let name = raw.trim();
        (!name.is_empty() && name.chars().count() <= MAX_NAME_CHARS).then(|| Name(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_codes_are_upper_case_letters_digits_and_dashes() {
        assert!(SiteCode::parse("JL-LOBBY").is_some());
        assert!(SiteCode::parse("jl-lobby").is_none());
        assert!(SiteCode::parse("bad code!").is_none());
        assert!(SiteCode::parse("").is_none());
        assert!(SiteCode::parse(&"A".repeat(MAX_CODE_CHARS + 1)).is_none());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  陳美玲 ").unwrap().as_str(), "陳美玲");
        assert!(Name::parse("   ").is_none());
        assert!(Name::parse(&"名".repeat(MAX_NAME_CHARS)).is_some());
        assert!(Name::parse(&"名".repeat(MAX_NAME_CHARS + 1)).is_none());
    }

    #[test]
    fn site_kinds_round_trip() {
        for kind in SiteKind::ALL {
            assert_eq!(SiteKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SiteKind::parse("castle"), None);
    }
}
