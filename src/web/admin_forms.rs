//! The admin's site and person forms, typed. A posted form is read into an input
//! struct whose rules are declared with validator's derive; a valid input is parsed
//! once into domain values (`domain::org`, `Role`, `Gender`, dates, zones) that the
//! store takes as they are. Problems come back as one message per field, in the
//! viewer's language, in the order the form shows its fields.

use chrono::{Datelike, NaiveDate};
use validator::{Validate, ValidateArgs, ValidationError, ValidationErrors};

use crate::domain::Lang;
use crate::domain::access::Role;
use crate::domain::clock::{self, Tz};
use crate::domain::org::{MAX_NAME_CHARS, Name, SiteCode, SiteKind};
use crate::domain::scoring::Gender;
use crate::store::admin::PersonEdit;

const MIN_PASSWORD_CHARS: u64 = 8;
const MAX_PASSWORD_CHARS: u64 = 256;
const MAX_EMAIL_CHARS: u64 = 254;

/// Name/value pairs from a form or a query string, in order (repeated names for
/// checkboxes), so no input is refused by the extractor.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().trim().to_string()
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.trim())
    }

    pub fn checked(&self, name: &str) -> bool {
        self.all(name).any(|v| !v.is_empty())
    }

    pub fn csrf(&self) -> Option<&str> {
        self.get("_csrf")
    }
}

// ── Rules ───────────────────────────────────────────────────────────────────

fn problem(code: &'static str) -> ValidationError {
    ValidationError::new(code)
}

fn name(raw: &str) -> Result<(), ValidationError> {
    Name::parse(raw).map(|_| ()).ok_or_else(|| problem("name"))
}

fn site_code(raw: &str) -> Result<(), ValidationError> {
    SiteCode::parse(raw)
        .map(|_| ())
        .ok_or_else(|| problem("site_code"))
}

fn site_kind(raw: &str) -> Result<(), ValidationError> {
    SiteKind::parse(raw)
        .map(|_| ())
        .ok_or_else(|| problem("site_kind"))
}

/// Left empty, a site is in the configured default zone.
fn time_zone(raw: &str) -> Result<(), ValidationError> {
    if raw.is_empty() || clock::parse_time_zone(raw).is_some() {
        Ok(())
    } else {
        Err(problem("time_zone"))
    }
}

fn role(raw: &str) -> Result<(), ValidationError> {
    Role::parse(raw).map(|_| ()).ok_or_else(|| problem("role"))
}

fn gender(raw: &str) -> Result<(), ValidationError> {
    parse_optional(raw, Gender::parse)
        .map(|_| ())
        .ok_or_else(|| problem("gender"))
}

/// A hire date in `YYYY-MM-DD` within a plausible span (1950 to next year: the zone
/// does not matter at that width); empty for none.
fn parse_hire_date(raw: &str) -> Result<Option<NaiveDate>, ValidationError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let this_year = chrono::Utc::now().year();
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) if (1950..=this_year + 1).contains(&d.year()) => Ok(Some(d)),
        Ok(_) => Err(problem("implausible")),
        Err(_) => Err(problem("not_a_date")),
    }
}

fn hire_date(raw: &str) -> Result<(), ValidationError> {
    parse_hire_date(raw).map(|_| ())
}

/// What the person form may choose from: the sites and positions there are.
pub struct Known {
    pub sites: Vec<i32>,
    pub positions: Vec<String>,
}

fn known_sites(raw: &[String], known: &Known) -> Result<(), ValidationError> {
    match raw
        .iter()
        .find(|s| !known.sites.iter().any(|id| id.to_string() == **s))
    {
        None => Ok(()),
        Some(unknown) => {
            let mut e = problem("unknown_site");
            e.add_param("site".into(), unknown);
            Err(e)
        }
    }
}

fn known_position(raw: &str, known: &Known) -> Result<(), ValidationError> {
    if raw.is_empty() || known.positions.iter().any(|p| p == raw) {
        Ok(())
    } else {
        Err(problem("unknown_position"))
    }
}

/// A staff member is inspected and trained at their sites, so an active one needs one.
fn staff_has_a_site(p: &PersonInput, _known: &Known) -> Result<(), ValidationError> {
    if p.active && p.role == Role::Staff.as_str() && p.sites.is_empty() {
        Err(problem("staff_needs_a_site"))
    } else {
        Ok(())
    }
}

/// An optional choice: empty is none, anything else must parse.
fn parse_optional<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
    if raw.is_empty() {
        Some(None)
    } else {
        parse(raw).map(Some)
    }
}

// ── Sites ───────────────────────────────────────────────────────────────────

/// What a site form posts. `code` only on the new-site form: a code never changes.
#[derive(Debug, Clone, Default, Validate)]
pub struct SiteInput {
    #[validate(custom(function = "site_code"))]
    pub code: Option<String>,
    #[validate(custom(function = "name"))]
    pub name: String,
    #[validate(custom(function = "site_kind"))]
    pub kind: String,
    #[validate(custom(function = "time_zone"))]
    pub time_zone: String,
}

/// A valid site form.
pub struct SiteValues {
    /// `None` when editing.
    pub code: Option<SiteCode>,
    pub name: Name,
    pub kind: SiteKind,
    pub time_zone: Tz,
}

impl SiteInput {
    /// The new-site form (with a code) or the edit form (without).
    pub fn read(f: &Fields, new: bool) -> SiteInput {
        SiteInput {
            code: new.then(|| f.text("code").to_ascii_uppercase()),
            name: f.text("name"),
            kind: f.text("kind"),
            time_zone: f.text("time_zone"),
        }
    }

    /// The site's values, or one message per field in the viewer's language.
    pub fn parse(&self, l: Lang, default_zone: Tz) -> Result<SiteValues, Vec<String>> {
        if let Err(errors) = self.validate() {
            return Err(self.messages(l, &errors));
        }
        let time_zone = if self.time_zone.is_empty() {
            Some(default_zone)
        } else {
            clock::parse_time_zone(&self.time_zone)
        };
        let code = self.code.as_deref().map(SiteCode::parse);
        match (
            code,
            Name::parse(&self.name),
            SiteKind::parse(&self.kind),
            time_zone,
        ) {
            (code @ (None | Some(Some(_))), Some(name), Some(kind), Some(time_zone)) => {
                Ok(SiteValues {
                    code: code.flatten(),
                    name,
                    kind,
                    time_zone,
                })
            }
            _ => Err(vec![unreadable(l)]),
        }
    }

    fn messages(&self, l: Lang, errors: &ValidationErrors) -> Vec<String> {
        let failed = |field: &str| errors.field_errors().contains_key(field);
        let mut out = Vec::new();
        if failed("code") {
            let code = self.code.as_deref().unwrap_or_default();
            out.push(if code.is_empty() {
                l.pick("請輸入場所代碼。", "Enter a code for the site.")
                    .to_string()
            } else {
                l.pick(
                    "場所代碼只可包含英文字母、數字及 -，最多32個字元。",
                    "A site code has only letters, digits and -, at most 32 of them.",
                )
                .to_string()
            });
        }
        if failed("name") {
            out.push(if self.name.is_empty() {
                l.pick("請輸入場所名稱。", "Enter the site's name.")
                    .to_string()
            } else {
                too_long(l, "場所名稱", "site's name")
            });
        }
        if failed("kind") {
            out.push(if self.kind.is_empty() {
                l.pick("請選擇場所類型。", "Choose the kind of site.")
                    .to_string()
            } else {
                format!(
                    "{} `{}`",
                    l.pick("未知的場所類型", "Unknown kind of site"),
                    self.kind
                )
            });
        }
        if failed("time_zone") {
            out.push(format!(
                "`{}` {}",
                self.time_zone,
                l.pick(
                    "不是時區名稱；請從清單選擇，例如 Asia/Hong_Kong。",
                    "is not a time zone; choose one from the list, e.g. Asia/Hong_Kong."
                )
            ));
        }
        out
    }
}

/// The message for a site code someone else has.
pub fn site_code_taken(l: Lang, code: &str) -> String {
    format!(
        "{} {} {}",
        l.pick("場所代碼", "The site code"),
        code,
        l.pick("已被使用。", "is already used.")
    )
}

// ── People ──────────────────────────────────────────────────────────────────

/// What a person form posts. `email` and `password` only on the new-person form;
/// `password` is `None` when left empty (a person who does not sign in).
#[derive(Debug, Clone, Default, Validate)]
#[validate(
    context = Known,
    schema(function = "staff_has_a_site", use_context, skip_on_field_errors = false)
)]
pub struct PersonInput {
    #[validate(custom(function = "name"))]
    pub name: String,
    #[validate(email, length(min = 1, max = "MAX_EMAIL_CHARS"))]
    pub email: Option<String>,
    #[validate(custom(function = "role"))]
    pub role: String,
    #[validate(custom(function = "known_sites", use_context))]
    pub sites: Vec<String>,
    #[validate(custom(function = "known_position", use_context))]
    pub position: String,
    #[validate(custom(function = "gender"))]
    pub gender: String,
    #[validate(custom(function = "hire_date"))]
    pub hire_date: String,
    #[validate(length(min = "MIN_PASSWORD_CHARS", max = "MAX_PASSWORD_CHARS"))]
    pub password: Option<String>,
    pub active: bool,
}

/// A valid person form: the person as the store takes them (sites by id, each once),
/// and from the new-person form the email (lower case) and password.
pub struct PersonValues {
    pub person: PersonEdit,
    pub email: Option<String>,
    pub password: Option<String>,
}

impl PersonInput {
    /// The new-person form (email, password; always active) or the edit form.
    pub fn read(f: &Fields, new: bool) -> PersonInput {
        PersonInput {
            name: f.text("name"),
            email: new.then(|| f.text("email").to_lowercase()),
            role: f.text("role"),
            sites: f
                .all("site")
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect(),
            position: f.text("position"),
            gender: f.text("gender"),
            hire_date: f.text("hire_date"),
            // Never trimmed: spaces may be part of a password.
            password: f
                .get("password")
                .filter(|p| new && !p.is_empty())
                .map(str::to_string),
            active: new || f.checked("active"),
        }
    }

    /// The ids of the sites ticked that exist, each once (for echoing the form).
    pub fn known_site_ids(&self, known: &Known) -> Vec<i32> {
        let mut ids = Vec::new();
        for raw in &self.sites {
            if let Ok(id) = raw.parse::<i32>()
                && known.sites.contains(&id)
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
        ids
    }

    /// The person's values, or one message per field in the viewer's language.
    pub fn parse(&self, l: Lang, known: &Known) -> Result<PersonValues, Vec<String>> {
        if let Err(errors) = self.validate_with_args(known) {
            return Err(self.messages(l, &errors));
        }
        let parsed = (
            Name::parse(&self.name),
            Role::parse(&self.role),
            parse_optional(&self.gender, Gender::parse),
            parse_hire_date(&self.hire_date).ok(),
        );
        let (Some(name), Some(role), Some(gender), Some(hire_date)) = parsed else {
            return Err(vec![unreadable(l)]);
        };
        Ok(PersonValues {
            person: PersonEdit {
                name,
                role,
                sites: self.known_site_ids(known),
                position: Some(self.position.clone()).filter(|p| !p.is_empty()),
                gender,
                hire_date,
                active: self.active,
            },
            email: self.email.clone(),
            password: self.password.clone(),
        })
    }

    fn messages(&self, l: Lang, errors: &ValidationErrors) -> Vec<String> {
        let fields = errors.field_errors();
        let code = |field: &str| {
            fields
                .get(field)
                .and_then(|e| e.first())
                .map(|e| e.code.to_string())
        };
        let mut out = Vec::new();
        if let Some(e) = fields.get("sites").and_then(|e| e.first()) {
            let site = e
                .params
                .get("site")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            out.push(format!("{} `{site}`", l.pick("未知的場所", "Unknown site")));
        }
        if code("name").is_some() {
            out.push(if self.name.is_empty() {
                l.pick("請輸入姓名。", "Enter the person's name.")
                    .to_string()
            } else {
                too_long(l, "姓名", "name")
            });
        }
        if code("role").is_some() {
            out.push(l.pick("請選擇角色。", "Choose a role.").to_string());
        }
        if code("__all__").is_some() {
            out.push(
                l.pick(
                    "員工至少要屬於一個場所。",
                    "A staff member needs at least one site.",
                )
                .to_string(),
            );
        }
        if code("position").is_some() {
            out.push(format!(
                "{} `{}`",
                l.pick("未知的崗位", "Unknown position"),
                self.position
            ));
        }
        if code("gender").is_some() {
            out.push(
                l.pick("性別須為女或男。", "Gender is female or male.")
                    .to_string(),
            );
        }
        match code("hire_date").as_deref() {
            Some("implausible") => out.push(
                l.pick("入職日期不合理。", "That hire date is not plausible.")
                    .to_string(),
            ),
            Some(_) => out.push(
                l.pick(
                    "入職日期須為日期（YYYY-MM-DD）。",
                    "The hire date must be a date (YYYY-MM-DD).",
                )
                .to_string(),
            ),
            None => {}
        }
        if code("email").is_some() {
            let email = self.email.as_deref().unwrap_or_default();
            out.push(if email.is_empty() {
                l.pick("請輸入電郵地址。", "Enter an email address.")
                    .to_string()
            } else {
                format!(
                    "{email} {}",
                    l.pick("不是有效的電郵地址。", "is not a valid email address.")
                )
            });
        }
        if code("password").is_some() {
            let short = self
                .password
                .as_deref()
                .is_some_and(|p| (p.chars().count() as u64) < MIN_PASSWORD_CHARS);
            out.push(if short {
                l.pick(
                    "初始密碼至少要有8個字元（或留空）。",
                    "The initial password needs at least 8 characters (or leave it empty).",
                )
                .to_string()
            } else {
                l.pick("密碼太長。", "That password is too long.")
                    .to_string()
            });
        }
        out
    }
}

/// The message for an email someone else has.
pub fn email_taken(l: Lang, email: &str) -> String {
    format!(
        "{} {email}",
        l.pick("已有人使用此電郵：", "Someone already has the email"),
    )
}

/// The message for an admin demoting or deactivating themself.
pub fn cannot_demote_self(l: Lang) -> String {
    l.pick(
        "你不能降低自己的角色或停用自己的帳戶；請由另一位管理員處理。",
        "You cannot demote or deactivate yourself; ask another admin to.",
    )
    .to_string()
}

fn too_long(l: Lang, what_zh: &str, what_en: &str) -> String {
    match l {
        Lang::Zh => format!("{what_zh}不能超過{MAX_NAME_CHARS}個字。"),
        Lang::En => format!("The {what_en} can be at most {MAX_NAME_CHARS} characters."),
    }
}

/// Validation passed but a value did not parse: the rules and the parsers disagree.
pub fn unreadable(l: Lang) -> String {
    l.pick("表格內容無法讀取。", "The form could not be read.")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            sites: vec![1, 2],
            positions: vec!["concierge".into()],
        }
    }

    fn person() -> PersonInput {
        PersonInput {
            name: "陳美玲".into(),
            email: Some("may@t.test".into()),
            role: "staff".into(),
            sites: vec!["1".into()],
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_person_parses_into_domain_values() {
        let values = person().parse(Lang::En, &known()).unwrap();
        let person = values.person;
        assert_eq!(person.role, Role::Staff);
        assert_eq!(person.sites, vec![1]);
        assert_eq!(person.name.as_str(), "陳美玲");
        assert!(person.position.is_none() && person.hire_date.is_none());
    }

    #[test]
    fn every_bad_field_gets_one_message_in_the_viewers_language() {
        let bad = PersonInput {
            name: String::new(),
            email: Some("not-an-email".into()),
            role: "emperor".into(),
            sites: vec!["9".into(), "x".into()],
            position: "astronaut".into(),
            gender: "other".into(),
            hire_date: "05/01/2026".into(),
            password: Some("short".into()),
            active: true,
        };
        let en = bad.parse(Lang::En, &known()).err().unwrap();
        assert_eq!(en.len(), 8, "{en:?}");
        assert!(en.contains(&"Unknown site `9`".to_string()), "{en:?}");
        let zh = bad.parse(Lang::Zh, &known()).err().unwrap();
        assert_eq!(zh.len(), 8);
        assert!(
            zh.iter()
                .all(|m| !m.contains("Enter") && !m.contains("Unknown"))
        );
    }

    #[test]
    fn active_staff_need_a_site() {
        let alone = PersonInput {
            sites: Vec::new(),
            ..person()
        };
        let problems = alone.parse(Lang::En, &known()).err().unwrap();
        assert_eq!(problems, vec!["A staff member needs at least one site."]);
    }

    #[test]
    fn a_site_form_reports_every_field_once() {
        let bad = SiteInput {
            code: Some("bad code!".into()),
            name: "x".repeat(MAX_NAME_CHARS + 1),
            kind: "castle".into(),
            time_zone: "Mars/Olympus".into(),
        };
        let problems = bad.parse(Lang::En, chrono_tz::UTC).err().unwrap();
        assert_eq!(problems.len(), 4, "{problems:?}");
        let good = SiteInput {
            code: Some("JL-LOBBY".into()),
            name: "Lobby".into(),
            kind: "lobby".into(),
            time_zone: String::new(),
        };
        let values = good.parse(Lang::En, chrono_tz::UTC).ok().unwrap();
        assert_eq!(values.code.unwrap().as_str(), "JL-LOBBY");
        assert_eq!(values.kind, SiteKind::Lobby);
    }
}
