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
    /// The message id of its name for people (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            SiteKind::ServiceCentre => "site-kind-service-centre",
            SiteKind::Lobby => "site-kind-lobby",
            SiteKind::SalesHall => "site-kind-sales-hall",
            SiteKind::ShowFlat => "site-kind-show-flat",
            SiteKind::Office => "site-kind-office",
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

/// How a new person signs in: a generated password shown once, one the admin typed, or
/// not at all (a record only). Never left to a blank password field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    Generate,
    Password,
    None,
}

impl SignIn {
    pub const ALL: [SignIn; 3] = [SignIn::Generate, SignIn::Password, SignIn::None];

    pub fn as_str(self) -> &'static str {
        match self {
            SignIn::Generate => "generate",
            SignIn::Password => "password",
            SignIn::None => "none",
        }
    }

    /// The form's value; a form that sends none (an older page, a script) generates.
    pub fn parse(raw: &str) -> Option<SignIn> {
        match raw {
            "" => Some(SignIn::Generate),
            _ => SignIn::ALL.into_iter().find(|s| s.as_str() == raw),
        }
    }

    /// The message id of the choice on the form (crate::i18n).
    pub fn label(self) -> &'static str {
        match self {
            SignIn::Generate => "polish-staff-signin-generate",
            SignIn::Password => "polish-staff-signin-password",
            SignIn::None => "polish-staff-signin-none",
        }
    }
}

/// A password for someone who is to sign in, shown once to whoever made the account:
/// 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
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
