//! The audit log, read-only: the quality department and admins browse who changed what.
//! There is no route that edits or deletes it.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use entity::audit_log;
use serde::Deserialize;
use serde_json::Value as Json;

use super::error::{AppError, AppResult};
use super::query::Query;
use super::session::Viewer;
use crate::app::AppState;
use crate::domain::Lang;
use crate::domain::access::Role;
use crate::domain::audit::{FieldChange, changes};
use crate::domain::clock::ZoneNaming;
use crate::i18n::Localize;
use crate::store::{audit, org};
use crate::views::audit::{self as view, AuditRow, kind_name};

const PER_PAGE: u64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    entity: Option<String>,
    page: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    if !viewer.role().reads_audit_log() {
        return Err(AppError::Forbidden);
    }
    let l = viewer.lang;
    let entity = q.entity.filter(|e| !e.trim().is_empty());
    let page = super::query::page_number(q.page.as_deref())?;
    let (rows, total) = audit::page(&state.db, entity.as_deref(), page, PER_PAGE).await?;
    let inspected = audit::inspection_subjects(
        &state.db,
        rows.iter()
            .filter(|r| r.entity == "inspection")
            .filter_map(|r| r.entity_id.parse().ok())
            .collect(),
    )
    .await?;
    let mut people: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    people.extend(rows.iter().filter_map(|r| {
        let by_id = (r.entity == "user")
            .then(|| r.entity_id.parse().ok())
            .flatten();
        by_id.or_else(|| r.after.as_ref()?.get("user")?.as_i64().map(|v| v as i32))
    }));
    people.extend(inspected.values());
    let names = Names {
        people: org::names(&state.db, people).await?,
        positions: org::positions(&state.db)
            .await?
            .iter()
            .map(|p| (p.key.clone(), org::position_name(p).get(l).to_string()))
            .collect(),
        inspected,
        lang: l,
    };
    // Entries belong to no site: times in the zone the viewer's sites share, or the
    // default, named once on the page.
    let zone = super::siteless_zone(&state, &viewer.scope).await?;
    let naming = ZoneNaming::Once(zone);
    let rows: Vec<AuditRow> = rows
        .into_iter()
        .map(|r| AuditRow {
            at: naming.format_seconds(zone, r.at),
            sentence: names.sentence(&r),
            changes: names.table(&r),
            raw: raw(&r),
        })
        .collect();
    Ok(view::list(
        &viewer.chrome(),
        &rows,
        entity.as_deref(),
        page,
        total.div_ceil(PER_PAGE),
        naming,
    )
    .into_response())
}

/// The entry as stored, for the toggle.
fn raw(r: &audit_log::Model) -> String {
    let show = |v: &Option<Json>| {
        v.as_ref().map_or("—".to_string(), |v| {
            serde_json::to_string_pretty(v).unwrap_or_default()
        })
    };
    format!(
        "{} {} {}\nbefore: {}\nafter: {}",
        r.action,
        r.entity,
        r.entity_id,
        show(&r.before),
        show(&r.after)
    )
}

/// What turns ids, keys and values into words for the viewer.
struct Names {
    people: HashMap<i32, String>,
    positions: HashMap<String, String>,
    /// The person checked in each spot-check on the page.
    inspected: HashMap<uuid::Uuid, i32>,
    lang: Lang,
}

impl Names {
    fn person(&self, id: i32) -> String {
        self.people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// Who or what the entry is about, by name where there is one.
    fn subject(&self, r: &audit_log::Model) -> String {
        let field = |name: &str| {
            [&r.after, &r.before]
                .into_iter()
                .flatten()
                .find_map(|v| v.get(name)?.as_str().map(String::from))
        };
        match r.entity.as_str() {
            "user" => match r.entity_id.parse() {
                Ok(id) if self.people.contains_key(&id) => self.person(id),
                _ => field("name").unwrap_or_else(|| format!("#{}", r.entity_id)),
            },
            "site" => field("name").unwrap_or_else(|| format!("#{}", r.entity_id)),
            "inspection" => match r
                .entity_id
                .parse()
                .ok()
                .and_then(|id| self.inspected.get(&id))
            {
                Some(person) => self.person(*person),
                None => r.entity_id.chars().take(8).collect(),
            },
            "checklist_version" | "training_module_version" => field("checklist")
                .or_else(|| field("module"))
                .unwrap_or_else(|| format!("#{}", r.entity_id)),
            _ => field("name").unwrap_or_else(|| format!("#{}", r.entity_id)),
        }
    }

    fn sentence(&self, r: &audit_log::Model) -> String {
        let l = self.lang;
        let actor = r
            .actor_id
            .map_or_else(|| l.t("audit-command-line"), |id| self.person(id));
        let subject = self.subject(r);
        let after = |name: &str| r.after.as_ref().and_then(|v| v.get(name)).cloned();
        let args = |extra: &[(&'static str, String)]| {
            let mut list = vec![
                ("actor", actor.clone().into()),
                ("subject", subject.clone().into()),
                ("kind", kind_name(l, &r.entity).into()),
            ];
            list.extend(extra.iter().map(|(k, v)| (*k, v.clone().into())));
            list
        };
        match (r.action.as_str(), r.entity.as_str()) {
            ("update", _) => {
                let list = changes(r.before.as_ref(), r.after.as_ref());
                match list.as_slice() {
                    [one] => {
                        let field = self.field(&one.field);
                        let before = self.value(&one.field, one.before.as_ref());
                        let after = self.value(&one.field, one.after.as_ref());
                        let id = match (&one.before, &one.after) {
                            (None, _) => "polish-quality-audit-set",
                            (_, None) => "polish-quality-audit-cleared",
                            _ => "polish-quality-audit-changed",
                        };
                        l.t_args(
                            id,
                            &args(&[("field", field), ("before", before), ("after", after)]),
                        )
                    }
                    many => {
                        let fields: Vec<String> =
                            many.iter().map(|c| self.field(&c.field)).collect();
                        l.t_args(
                            "polish-quality-audit-changed-many",
                            &args(&[("fields", fields.join(&l.t("list-and")))]),
                        )
                    }
                }
            }
            ("create", _) => l.t_args("polish-quality-audit-created", &args(&[])),
            ("void", _) => l.t_args(
                "polish-quality-audit-voided",
                &args(&[("reason", self.value("reason", after("reason").as_ref()))]),
            ),
            ("acknowledge", _) => l.t_args("polish-quality-audit-acknowledged", &args(&[])),
            ("assign", _) => {
                let person = after("user")
                    .and_then(|v| v.as_i64())
                    .map_or_else(String::new, |id| self.person(id as i32));
                let module = self.value("module", after("module").as_ref());
                l.t_args(
                    "polish-quality-audit-assigned",
                    &args(&[("person", person), ("module", module)]),
                )
            }
            ("assign_curriculum", _) => l.t_args(
                "polish-quality-audit-assigned-curriculum",
                &args(&[(
                    "position",
                    self.value("position", after("position").as_ref()),
                )]),
            ),
            ("complete", _) | ("quiz_failed", _) => l.t_args(
                if r.action == "complete" {
                    "polish-quality-audit-quiz-passed"
                } else {
                    "polish-quality-audit-quiz-failed"
                },
                &args(&[("percent", self.value("percent", after("percent").as_ref()))]),
            ),
            ("import", _) => l.t_args(
                "polish-quality-audit-imported",
                &args(&[("version", self.value("version", after("version").as_ref()))]),
            ),
            _ => l.t_args(
                "polish-quality-audit-other",
                &args(&[("action", r.action.clone())]),
            ),
        }
    }

    /// The before/after table of an update or a creation.
    fn table(&self, r: &audit_log::Model) -> Vec<(String, String, String)> {
        if !matches!(r.action.as_str(), "update" | "create" | "void") {
            return Vec::new();
        }
        changes(r.before.as_ref(), r.after.as_ref())
            .into_iter()
            .map(
                |FieldChange {
                     field,
                     before,
                     after,
                 }| {
                    (
                        self.field(&field),
                        self.value(&field, before.as_ref()),
                        self.value(&field, after.as_ref()),
                    )
                },
            )
            .collect()
    }

    /// A field's name in words (its key where the catalog has none).
    fn field(&self, key: &str) -> String {
        let l = self.lang;
        let id = match key {
            "name" => "polish-quality-field-name",
            "email" => "polish-quality-field-email",
            "role" => "polish-quality-field-role",
            "sites" => "polish-quality-field-sites",
            "position" => "polish-quality-field-position",
            "gender" => "polish-quality-field-gender",
            "hire_date" => "polish-quality-field-hire-date",
            "active" => "polish-quality-field-active",
            "code" => "polish-quality-field-code",
            "kind" => "polish-quality-field-kind",
            "time_zone" => "polish-quality-field-time-zone",
            "status" => "polish-quality-field-status",
            "reason" => "polish-quality-field-reason",
            "percent" => "polish-quality-field-percent",
            "passed" => "polish-quality-field-passed",
            "due" => "polish-quality-field-due",
            "module" => "polish-quality-field-module",
            _ => return key.to_string(),
        };
        l.t(id)
    }

    /// A field's value in words: names for people, positions and roles, yes or no.
    fn value(&self, field: &str, value: Option<&Json>) -> String {
        let l = self.lang;
        let Some(value) = value else {
            return "—".to_string();
        };
        match (field, value) {
            (_, Json::Bool(true)) => l.t("polish-quality-yes"),
            (_, Json::Bool(false)) => l.t("polish-quality-no"),
            ("role", Json::String(s)) => {
                Role::parse(s).map_or_else(|| s.clone(), |r| l.t(r.label()))
            }
            ("position", Json::String(s)) => {
                self.positions.get(s).cloned().unwrap_or_else(|| s.clone())
            }
            ("gender", Json::String(s)) if s == "female" => l.t("admin-female"),
            ("gender", Json::String(s)) if s == "male" => l.t("admin-male"),
            ("user", Json::Number(n)) => n
                .as_i64()
                .map_or_else(String::new, |id| self.person(id as i32)),
            (_, Json::String(s)) => s.clone(),
            (_, Json::Array(list)) => list
                .iter()
                .map(|v| self.value(field, Some(v)))
                .collect::<Vec<_>>()
                .join(", "),
            (_, Json::Null) => "—".to_string(),
            (_, other) => other.to_string(),
        }
    }
}
