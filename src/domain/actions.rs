//! Corrective actions and sign-off, pure: which failed items raise an action (the
//! inspector's choice, the checklist's `action` table, or always for a critical failure),
//! their owners and due dates, who may close, verify or reopen one, when one is overdue,
//! and the signatures a spot-check carries at its end.
//!
//! Form fields, per item key `K` (posted with the spot-check, so the offline outbox
//! carries them too): `act.K` = `1` raises an action; `act.K.text`, `act.K.owner`
//! (`manager`, `supervisor` or a person's id), `act.K.due` (a date) and
//! `act.K.priority` (`low`, `normal`, `high`) describe it, each optional. Sign-off:
//! `sig.subject` (a PNG data URL), `sig.declined` = `1`, `sig.inspector` (a PNG data URL).

use std::collections::BTreeMap;

use base64::Engine;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::access::{Role, Scope};
use super::checklist::Checklist;
use super::scoring::Scorecard;
use super::text::Text;
use crate::i18n::Message;

/// Longest action text kept, in characters.
pub const MAX_TEXT: usize = 1000;
/// Largest signature image accepted (a drawn signature is a few kilobytes).
pub const MAX_SIGNATURE_BYTES: usize = 256 * 1024;
/// The furthest due date an inspector may set, in days from today.
pub const MAX_DUE_DAYS: u32 = 365;

/// A role at the action's site that owns it: whoever holds it there at the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnerRole {
    Manager,
    Supervisor,
}

impl OwnerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerRole::Manager => "manager",
            OwnerRole::Supervisor => "supervisor",
        }
    }

    pub fn parse(s: &str) -> Option<OwnerRole> {
        match s {
            "manager" => Some(OwnerRole::Manager),
            "supervisor" => Some(OwnerRole::Supervisor),
            _ => None,
        }
    }

    pub fn role(self) -> Role {
        match self {
            OwnerRole::Manager => Role::Manager,
            OwnerRole::Supervisor => Role::Supervisor,
        }
    }
}

/// Who answers for an action: one person, or a role at the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Person(i32),
    Role(OwnerRole),
}

impl Owner {
    /// Read the form's `act.K.owner`: a role's word or a person's id.
    pub fn parse(s: &str) -> Option<Owner> {
        OwnerRole::parse(s)
            .map(Owner::Role)
            .or_else(|| s.parse::<i32>().ok().filter(|n| *n > 0).map(Owner::Person))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Low, Priority::Normal, Priority::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Days to fix when nobody says: a day for what is urgent, a week, or two.
    pub fn default_due_days(self) -> u32 {
        match self {
            Priority::High => 1,
            Priority::Normal => 7,
            Priority::Low => 14,
        }
    }
}

/// Where an action is: waiting on its owner, closed and waiting on a check, or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Open,
    Closed,
    Verified,
}

/// Where an action came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Raised by the inspector on the form.
    Inspector,
    /// The checklist's `action` table for the item.
    Checklist,
    /// A critical failure, which always raises one.
    Critical,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Inspector => "inspector",
            Origin::Checklist => "checklist",
            Origin::Critical => "critical",
        }
    }
}

/// An item's `action` table in a checklist file: what failing it raises by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRule {
    pub owner: OwnerRole,
    pub due_days: u32,
    pub text: Text,
    /// Whether closing needs a photo as evidence.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub photo: bool,
}

/// What the inspector asked for on the form, for one failed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub item: String,
    pub text: Option<String>,
    pub owner: Option<Owner>,
    pub due: Option<NaiveDate>,
    pub priority: Option<Priority>,
}

/// An action to store with its spot-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub item: String,
    /// What to fix as the inspector wrote it; `None` shows the checklist's words (the
    /// rule's text, or the item's own), in the reader's language.
    pub text: Option<String>,
    pub owner: Owner,
    pub due: NaiveDate,
    pub priority: Priority,
    pub photo_required: bool,
    pub origin: Origin,
}

/// The date `days` after `today` (the last day representable when that overflows).
pub fn due_in(today: NaiveDate, days: u32) -> NaiveDate {
    today
        .checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

/// Read the inspector's action fields (`act.K…`). Fields for items the checklist does
/// not have, and values that cannot be used, are problems naming the field.
pub fn parse_requests(
    checklist: &Checklist,
    pairs: &[(String, String)],
) -> (Vec<Request>, Vec<Message>) {
    let mut fields: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, value) in pairs {
        let Some(rest) = name.strip_prefix("act.") else {
            continue;
        };
        let (key, part) = rest.split_once('.').unwrap_or((rest, ""));
        if checklist.item(key).is_none() {
            problems.push(Message::new("typed-action-unknown-item").arg("key", key));
            continue;
        }
        fields.entry(key).or_default().insert(part, value.trim());
    }
    let mut requests = Vec::new();
    for (key, f) in fields {
        if !f.get("").is_some_and(|v| *v == "1" || *v == "on") {
            continue;
        }
        let given = |part: &str| f.get(part).copied().filter(|v| !v.is_empty());
        let text = given("text").map(str::to_string);
        if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
            problems.push(
                Message::new("typed-action-text-too-long")
                    .arg("key", key)
                    .arg("max", MAX_TEXT),
            );
        }
        let owner = given("owner").and_then(|v| {
            let owner = Owner::parse(v);
            if owner.is_none() {
                problems.push(
                    Message::new("typed-action-not-an-owner")
                        .arg("key", key)
                        .arg("value", v),
                );
            }
            owner
        });
        let due = given("due").and_then(|v| {
            let due = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            if due.is_none() {
                problems.push(
                    Message::new("typed-action-not-a-date")
                        .arg("key", key)
                        .arg("value", v),
                );
            }
            due
        });
        let priority = given("priority").and_then(|v| {
            let p = Priority::parse(v);
            if p.is_none() {
                problems.push(
                    Message::new("typed-action-not-a-priority")
                        .arg("key", key)
                        .arg("value", v),
                );
            }
            p
        });
        requests.push(Request {
            item: key.to_string(),
            text,
            owner,
            due,
            priority,
        });
    }
    (requests, problems)
}

/// The actions a scored spot-check raises: for each failed item, the inspector's
/// request if there is one, else the checklist's rule, else one for a critical failure.
/// A request for an item that did not fail, or a due date in the past or more than a
/// year ahead, is a problem.
pub fn plan(
    checklist: &Checklist,
    card: &Scorecard,
    requests: &[Request],
    today: NaiveDate,
) -> Result<Vec<NewAction>, Vec<Message>> {
    let mut problems = Vec::new();
    for r in requests {
        if !card.failed.contains(&r.item) {
            problems.push(Message::new("typed-action-not-failed").arg("key", &r.item));
        }
        if let Some(due) = r.due
            && (due < today || due > due_in(today, MAX_DUE_DAYS))
        {
            problems.push(
                Message::new("typed-action-due-out-of-range")
                    .arg("key", &r.item)
                    .arg("due", due)
                    .arg("from", today)
                    .arg("to", due_in(today, MAX_DUE_DAYS)),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    for key in &card.failed {
        let Some(item) = checklist.item(key) else {
            continue;
        };
        let rule = item.action.as_ref();
        let critical = card.critical_failures.contains(key);
        let origin = if let Some(r) = requests.iter().find(|r| &r.item == key) {
            Some((Origin::Inspector, Some(r)))
        } else if rule.is_some() {
            Some((Origin::Checklist, None))
        } else if critical {
            Some((Origin::Critical, None))
        } else {
            None
        };
        let Some((origin, request)) = origin else {
            continue;
        };
        let priority = request.and_then(|r| r.priority).unwrap_or(if critical {
            Priority::High
        } else {
            Priority::Normal
        });
        let owner = request
            .and_then(|r| r.owner)
            .or(rule.map(|r| Owner::Role(r.owner)))
            .unwrap_or(Owner::Role(OwnerRole::Manager));
        let due = request.and_then(|r| r.due).unwrap_or_else(|| {
            due_in(
                today,
                rule.map_or(priority.default_due_days(), |r| r.due_days),
            )
        });
        out.push(NewAction {
            item: key.clone(),
            text: request.and_then(|r| r.text.clone()),
            owner,
            due,
            priority,
            photo_required: rule.is_some_and(|r| r.photo),
            origin,
        });
    }
    Ok(out)
}

/// What the rules need to know of a stored action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub site: i32,
    pub owner: Owner,
    pub raised_by: i32,
    pub closed_by: Option<i32>,
    pub stage: Stage,
    pub due: NaiveDate,
}

impl Facts {
    /// Whether the viewer is the action's owner: the person, or someone holding the
    /// role at the action's site.
    pub fn owned_by(&self, scope: &Scope) -> bool {
        match self.owner {
            Owner::Person(id) => id == scope.user_id,
            Owner::Role(r) => scope.role == r.role() && scope.sites.contains(&self.site),
        }
    }

    /// Owners, the inspector who raised it, and anyone but staff who sees the site.
    pub fn visible_to(&self, scope: &Scope) -> bool {
        self.owned_by(scope)
            || self.raised_by == scope.user_id
            || (scope.role != Role::Staff && scope.can_view_site(self.site))
    }

    /// An open action is closed by its owner, or by a manager of its site (or an admin).
    pub fn may_close(&self, scope: &Scope) -> bool {
        self.stage == Stage::Open && (self.owned_by(scope) || scope.can_manage_at(self.site))
    }

    /// A closure is checked by the inspector who raised the action or a manager of the
    /// site, never by the person who closed it.
    pub fn may_verify(&self, scope: &Scope) -> bool {
        self.stage == Stage::Closed
            && self.closed_by != Some(scope.user_id)
            && (self.raised_by == scope.user_id || scope.can_manage_at(self.site))
    }

    /// Reopening a closure is for the same people as verifying it.
    pub fn may_reopen(&self, scope: &Scope) -> bool {
        self.may_verify(scope)
    }

    /// Open past its due date. A closed action waiting on its check is not overdue: its
    /// owner has done their part.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.stage == Stage::Open && self.due < today
    }
}

/// The inspected person's part of a sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectSign {
    Signed(Vec<u8>),
    Declined,
}

/// The signatures at the end of a spot-check, as PNG images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    pub subject: SubjectSign,
    pub inspector: Vec<u8>,
}

/// A drawn signature posted as `data:image/png;base64,…`, checked to be a PNG.
pub fn signature_png(data_url: &str) -> Result<Vec<u8>, Message> {
    let not_png = || Message::new("typed-signature-not-png");
    let b64 = data_url
        .trim()
        .strip_prefix("data:image/png;base64,")
        .ok_or_else(not_png)?;
    if b64.len() > MAX_SIGNATURE_BYTES * 4 / 3 + 4 {
        return Err(Message::new("typed-signature-too-large"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| Message::new("typed-signature-unreadable"))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(not_png());
    }
    Ok(bytes)
}

/// Read the sign-off fields. A checklist without `sign_off` takes none (`Ok(None)`); one
/// with it needs the inspector's signature and the person's, or their refusal.
pub fn parse_sign_off(
    checklist: &Checklist,
    pairs: &[(String, String)],
) -> Result<Option<SignOff>, Vec<Message>> {
    if !checklist.sign_off {
        return Ok(None);
    }
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut problems = Vec::new();
    let declined = get("sig.declined").is_some_and(|v| v == "1" || v == "on");
    let subject = match (get("sig.subject"), declined) {
        (_, true) => Some(SubjectSign::Declined),
        (Some(url), false) => signature_png(url)
            .map_err(|e| {
                problems.push(Message::new("typed-sign-off-subject").arg_said("problem", e))
            })
            .ok()
            .map(SubjectSign::Signed),
        (None, false) => {
            problems.push(Message::new("typed-sign-off-subject-missing"));
            None
        }
    };
    let inspector = match get("sig.inspector") {
        Some(url) => signature_png(url)
            .map_err(|e| {
                problems.push(Message::new("typed-sign-off-inspector").arg_said("problem", e))
            })
            .ok(),
        None => {
            problems.push(Message::new("typed-sign-off-inspector-missing"));
            None
        }
    };
    match (subject, inspector) {
        (Some(subject), Some(inspector)) if problems.is_empty() => {
            Ok(Some(SignOff { subject, inspector }))
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    fn stage() -> impl Strategy<Value = Stage> {
        prop::sample::select(vec![Stage::Open, Stage::Closed, Stage::Verified])
    }

    fn owner() -> impl Strategy<Value = Owner> {
        prop_oneof![
            (1..6i32).prop_map(Owner::Person),
            Just(Owner::Role(OwnerRole::Manager)),
            Just(Owner::Role(OwnerRole::Supervisor)),
        ]
    }

    fn date(days: u32) -> NaiveDate {
        due_in(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), days)
    }

    fn facts() -> impl Strategy<Value = Facts> {
        (
            1..4i32,
            owner(),
            1..6i32,
            prop::option::of(1..6i32),
            stage(),
            0..60u32,
        )
            .prop_map(|(site, owner, raised_by, closed_by, stage, due)| Facts {
                site,
                owner,
                raised_by,
                closed_by,
                stage,
                due: date(due),
            })
    }

    fn scope() -> impl Strategy<Value = Scope> {
        (1..6i32, role(), prop::collection::vec(1..4i32, 0..3)).prop_map(
            |(user_id, role, sites)| Scope {
                user_id,
                role,
                sites,
            },
        )
    }

    proptest! {
        #[test]
        fn nobody_verifies_their_own_closure(f in facts(), s in scope()) {
            if f.closed_by == Some(s.user_id) {
                prop_assert!(!f.may_verify(&s) && !f.may_reopen(&s));
            }
        }

        #[test]
        fn each_step_needs_its_stage(f in facts(), s in scope()) {
            prop_assert!(!f.may_close(&s) || f.stage == Stage::Open);
            prop_assert!(!f.may_verify(&s) || f.stage == Stage::Closed);
            prop_assert!(!f.may_reopen(&s) || f.stage == Stage::Closed);
        }

        #[test]
        fn whoever_may_act_may_see(f in facts(), s in scope()) {
            if f.may_close(&s) || f.may_verify(&s) {
                prop_assert!(f.visible_to(&s));
            }
        }

        #[test]
        fn another_sites_people_neither_see_nor_act(f in facts(), s in scope()) {
            let elsewhere = matches!(s.role, Role::Manager | Role::Supervisor | Role::Staff)
                && !s.sites.contains(&f.site)
                && f.owner != Owner::Person(s.user_id)
                && f.raised_by != s.user_id;
            if elsewhere {
                prop_assert!(!f.visible_to(&s));
                prop_assert!(!f.may_close(&s) && !f.may_verify(&s));
            }
        }

        #[test]
        fn overdue_is_open_and_past_due(f in facts(), today in 0..60u32) {
            let today = date(today);
            prop_assert_eq!(f.overdue(today), f.stage == Stage::Open && f.due < today);
            // Never overdue on its due date, and a later day never makes it less so.
            prop_assert!(!f.overdue(f.due));
            if f.overdue(today) {
                prop_assert!(f.overdue(today.succ_opt().unwrap()));
            }
        }

        #[test]
        fn due_dates_count_forward(days in 0..4000u32) {
            let today = date(0);
            let due = due_in(today, days);
            prop_assert_eq!((due - today).num_days(), i64::from(days));
        }
    }

    const LIST: &str = r#"
[checklist]
key = "f"
title = { zh = "表", en = "Form" }
positions = ["p"]
pass_mark = 80
source = "t"
sign_off = true

[[section]]
key = "s"
title = { zh = "節", en = "S" }

[[section.item]]
key = "uniform"
clause = "c"
kind = "check"
text = { zh = "制服", en = "Uniform" }
guidance = { zh = "看", en = "Look" }
training = ["m"]

[section.item.action]
owner = "OWNER"
due_days = DAYS
text = { zh = "換制服", en = "Replace the uniform" }
photo = true

[[section.item]]
key = "post"
clause = "c"
kind = "check"
text = { zh = "崗位", en = "Post" }
guidance = { zh = "看", en = "Look" }
training = ["m"]
critical = true

[[section.item]]
key = "smile"
clause = "c"
kind = "check"
text = { zh = "笑", en = "Smile" }
guidance = { zh = "看", en = "Look" }
training = ["m"]
"#;

    fn parsed(owner: &str, days: &str) -> (Option<Checklist>, Vec<String>) {
        let text = LIST.replace("OWNER", owner).replace("DAYS", days);
        let (lib, problems) =
            crate::domain::library::parse_library(&[crate::domain::library::SourceFile {
                path: "f.toml".into(),
                text,
            }]);
        let messages = problems
            .into_iter()
            .map(|d| d.message.to_string())
            .collect();
        (lib.checklists.into_iter().next(), messages)
    }

    #[test]
    fn the_action_table_and_sign_off_are_read_and_linted() {
        let (checklist, _) = parsed("supervisor", "3");
        let checklist = checklist.expect("the checklist parses");
        assert!(checklist.sign_off);
        let rule = checklist.item("uniform").unwrap().action.clone().unwrap();
        assert_eq!(
            (rule.owner, rule.due_days, rule.photo),
            (OwnerRole::Supervisor, 3, true)
        );
        assert_eq!(
            rule.text.get(crate::domain::Lang::En),
            "Replace the uniform"
        );

        let (none, problems) = parsed("boss", "0");
        assert!(none.is_none());
        assert!(
            problems
                .iter()
                .any(|p| p.contains("unknown action owner `boss`")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`due_days` must be from 1")),
            "{problems:?}"
        );
    }

    #[test]
    fn failures_raise_the_actions_the_rules_say() {
        use crate::domain::scoring::{Answer, Answers, Context, Subject, score};
        let checklist = parsed("supervisor", "3").0.unwrap();
        let answers: Answers = [
            ("uniform".to_string(), Answer::Fail),
            ("post".to_string(), Answer::Fail),
            ("smile".to_string(), Answer::Fail),
        ]
        .into_iter()
        .collect();
        let card = score(&checklist, &Subject::default(), &Context::new(), &answers);
        let today = date(0);
        // By themselves: the checklist's rule and the critical failure; not the smile.
        let auto = plan(&checklist, &card, &[], today).unwrap();
        let by = |list: &[NewAction], key: &str| list.iter().find(|a| a.item == key).cloned();
        let rule = by(&auto, "uniform").unwrap();
        assert_eq!(
            (rule.origin, rule.owner, rule.due),
            (
                Origin::Checklist,
                Owner::Role(OwnerRole::Supervisor),
                date(3)
            )
        );
        assert!(rule.photo_required);
        let critical = by(&auto, "post").unwrap();
        assert_eq!(
            (critical.origin, critical.priority, critical.due),
            (Origin::Critical, Priority::High, date(1))
        );
        assert!(by(&auto, "smile").is_none());
        // The inspector's request wins, and may raise one for any failed item.
        let asked = Request {
            item: "smile".into(),
            text: Some("Practise".into()),
            owner: Some(Owner::Person(4)),
            due: Some(date(2)),
            priority: None,
        };
        let all = plan(&checklist, &card, std::slice::from_ref(&asked), today).unwrap();
        assert_eq!(all.len(), 3);
        let smile = by(&all, "smile").unwrap();
        assert_eq!(
            (smile.origin, smile.owner, smile.due, smile.priority),
            (
                Origin::Inspector,
                Owner::Person(4),
                date(2),
                Priority::Normal
            )
        );
        // A due date in the past, or an item that passed, is refused.
        let late = Request {
            due: Some(date(0).pred_opt().unwrap()),
            ..asked.clone()
        };
        assert!(plan(&checklist, &card, &[late], today).is_err());
        let passed = score(
            &checklist,
            &Subject::default(),
            &Context::new(),
            &Answers::new(),
        );
        assert!(plan(&checklist, &passed, &[asked], today).is_err());
    }

    #[test]
    fn owners_read_from_the_form() {
        assert_eq!(
            Owner::parse("manager"),
            Some(Owner::Role(OwnerRole::Manager))
        );
        assert_eq!(Owner::parse("12"), Some(Owner::Person(12)));
        assert_eq!(Owner::parse("-3"), None);
        assert_eq!(Owner::parse("boss"), None);
    }

    #[test]
    fn signatures_must_be_png() {
        assert!(signature_png("data:image/png;base64,iVBORw0KGgo=").is_ok());
        assert!(signature_png("data:image/png;base64,PHNjcmlwdD4=").is_err());
        assert!(signature_png("data:image/svg+xml;base64,PHN2Zz4=").is_err());
        assert!(signature_png("data:image/png;base64,!!!").is_err());
    }

    /// The form's problems are catalog messages, said whole in each language.
    #[test]
    fn form_problems_are_said_in_every_language() {
        let checklist = parsed("supervisor", "3").0.unwrap();
        let pairs: Vec<(String, String)> = [
            ("act.ghost", "1"),
            ("act.smile", "1"),
            ("act.smile.owner", "boss"),
            ("act.smile.due", "tomorrow"),
            ("act.smile.priority", "urgent"),
            ("sig.subject", "data:image/svg+xml;base64,PHN2Zz4="),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        let (_, mut problems) = parse_requests(&checklist, &pairs);
        let mut signed = checklist.clone();
        signed.sign_off = true;
        problems.extend(parse_sign_off(&signed, &pairs).unwrap_err());
        assert_eq!(problems.len(), 6, "{problems:?}");
        assert!(
            problems
                .iter()
                .all(|p| matches!(p, Message::Catalog { .. }))
        );
        let en: Vec<String> = problems
            .iter()
            .map(|p| p.say(crate::domain::Lang::En))
            .collect();
        assert_eq!(en[0], "action: unknown item `ghost`");
        assert_eq!(en[1], "action for `smile`: `boss` is not an owner");
        assert_eq!(
            en[4],
            "sign-off of the person checked: the signature is not a PNG image"
        );
        assert_eq!(en[5], "sign-off: the inspector signs too");
        for lang in [crate::domain::Lang::Zh, crate::domain::Lang::ZhHans] {
            for p in &problems {
                let said = p.say(lang);
                assert!(!said.contains('⟦') && !said.contains("action"), "{said}");
            }
        }
    }
}
