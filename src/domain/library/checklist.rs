//! A checklist file: its head, its context fields and its items (each kind's own fields
//! are checked in `item_kinds`, an item's `when` in `conditions`).

use std::collections::BTreeSet;
use std::ops::Range;

use super::parser::{KeyStyle, Parser, toml_number};
use toml::Spanned;

use super::raw::{RawAction, RawChecklistFile, RawContext, RawItem};
use super::references::Namespace;
use crate::domain::actions::{ActionRule, MAX_DUE_DAYS, OwnerRole};
use crate::domain::checklist::*;
use crate::i18n::Message;

impl Parser<'_> {
    pub(super) fn checklist(&mut self, raw: RawChecklistFile) -> Option<Checklist> {
        let errors_before = self.out.len();
        let head = raw.checklist;
        self.define(Namespace::Checklist, &head.key);
        let key = self.key(&head.key, "lint-what-checklist", KeyStyle::Kebab);
        let title = self.text(head.title, "lint-what-checklist-title");
        let description = head
            .description
            .map(|d| self.text(d, "lint-what-checklist-description"));
        let positions = self.references(Namespace::Position, head.positions, "`positions`", true);
        let pass_mark = self.percent(&head.pass_mark, "`pass_mark`");
        if head.source.get_ref().trim().is_empty() {
            self.error(&head.source.span(), Message::new("lint-source-empty"));
        }
        let context = self.context_fields(raw.context);

        if raw.section.is_empty() {
            self.error(
                &head.key.span(),
                Message::new("lint-checklist-no-section").arg("key", &key),
            );
        }
        let mut section_keys = BTreeSet::new();
        let mut item_keys = BTreeSet::new();
        let mut sections = Vec::new();
        for raw_section in raw.section {
            let section_key = self.key(&raw_section.key, "lint-what-section", KeyStyle::Kebab);
            if !section_keys.insert(section_key.clone()) {
                self.error(
                    &raw_section.key.span(),
                    Message::new("lint-duplicate-section").arg("key", &section_key),
                );
            }
            let title = self.text(raw_section.title, "lint-what-section-title");
            if raw_section.item.is_empty() {
                self.error(
                    &raw_section.key.span(),
                    Message::new("lint-section-no-item").arg("key", &section_key),
                );
            }
            let mut items = Vec::new();
            for raw_item in raw_section.item {
                if !item_keys.insert(raw_item.key.get_ref().clone()) {
                    self.error(
                        &raw_item.key.span(),
                        Message::new("lint-duplicate-item")
                            .arg("item", raw_item.key.get_ref())
                            .arg("checklist", &key),
                    );
                }
                if let Some(item) = self.item(raw_item, &context) {
                    items.push(item);
                }
            }
            sections.push(Section {
                key: section_key,
                title,
                items,
            });
        }
        (self.out.len() == errors_before).then_some(Checklist {
            key,
            title,
            description,
            positions,
            pass_mark,
            source: head.source.into_inner(),
            context,
            sections,
            sign_off: head.sign_off.unwrap_or(false),
        })
    }

    fn context_fields(&mut self, raw: Vec<RawContext>) -> Vec<ContextField> {
        let mut seen = BTreeSet::new();
        let mut fields = Vec::new();
        for field in raw {
            let key = self.key(&field.key, "lint-what-context", KeyStyle::Snake);
            if !seen.insert(key.clone()) {
                self.error(
                    &field.key.span(),
                    Message::new("lint-duplicate-context").arg("key", &key),
                );
            }
            let label = self.text(field.label, "lint-what-context-label");
            let kind = match field.kind.get_ref().as_str() {
                "choice" => {
                    if field.min.is_some() || field.max.is_some() {
                        self.error(&field.key.span(), Message::new("lint-choice-min-max"));
                    }
                    let Some(options) = field.options else {
                        self.error(
                            &field.key.span(),
                            Message::new("lint-choice-needs-options").arg("key", &key),
                        );
                        continue;
                    };
                    if options.get_ref().len() < 2 {
                        self.error(&options.span(), Message::new("lint-choice-two-options"));
                    }
                    let mut values = BTreeSet::new();
                    let mut list = Vec::new();
                    for option in options.into_inner() {
                        let option_span = option.span();
                        let (label, mut fields) =
                            self.text_with_fields(option, &["value"], "lint-what-option-label");
                        let value = match fields.remove("value") {
                            Some(v) => match v.get_ref().as_str() {
                                Some(s) => Spanned::new(v.span(), s.to_string()),
                                None => {
                                    self.error(&v.span(), Message::new("lint-option-value-string"));
                                    continue;
                                }
                            },
                            None => {
                                self.error(
                                    &option_span,
                                    Message::new("lint-missing-field").arg("field", "value"),
                                );
                                continue;
                            }
                        };
                        let value_span = value.span();
                        let value = self.key(&value, "lint-what-option", KeyStyle::Snake);
                        if !values.insert(value.clone()) {
                            self.error(
                                &value_span,
                                Message::new("lint-duplicate-option").arg("value", &value),
                            );
                        }
                        list.push(ChoiceOption { value, label });
                    }
                    let default = match field.default {
                        None => None,
                        Some(d) => match d.get_ref().as_str() {
                            Some(v) if values.contains(v) => Some(v.to_string()),
                            _ => {
                                self.error(
                                    &d.span(),
                                    Message::new("lint-default-not-option").arg("key", &key),
                                );
                                None
                            }
                        },
                    };
                    ContextKind::Choice {
                        options: list,
                        default,
                    }
                }
                "number" => {
                    if field.options.is_some() {
                        self.error(&field.key.span(), Message::new("lint-number-options"));
                    }
                    let (Some(min), Some(max)) = (field.min, field.max) else {
                        self.error(
                            &field.key.span(),
                            Message::new("lint-number-needs-min-max").arg("key", &key),
                        );
                        continue;
                    };
                    if min.get_ref() > max.get_ref() {
                        self.error(
                            &min.span(),
                            Message::new("lint-min-above-max")
                                .arg("min", min.get_ref())
                                .arg("max", max.get_ref()),
                        );
                    }
                    let default = match field.default {
                        None => None,
                        Some(d) => match toml_number(d.get_ref()) {
                            Some(v) if v >= *min.get_ref() && v <= *max.get_ref() => Some(v),
                            _ => {
                                self.error(
                                    &d.span(),
                                    Message::new("lint-default-out-of-range")
                                        .arg("key", &key)
                                        .arg("min", min.get_ref())
                                        .arg("max", max.get_ref()),
                                );
                                None
                            }
                        },
                    };
                    ContextKind::Number {
                        min: *min.get_ref(),
                        max: *max.get_ref(),
                        default,
                    }
                }
                other => {
                    self.error(
                        &field.kind.span(),
                        Message::new("lint-unknown-context-kind").arg("kind", other),
                    );
                    continue;
                }
            };
            fields.push(ContextField { key, label, kind });
        }
        fields
    }

    fn item(&mut self, raw: RawItem, context: &[ContextField]) -> Option<Item> {
        let errors_before = self.out.len();
        let key = self.key(&raw.key, "lint-what-item", KeyStyle::Kebab);
        let clause_span = raw.clause.span();
        let site = self.site(clause_span.start);
        self.refs
            .used
            .push((Namespace::Clause, raw.clause.get_ref().clone(), site));
        self.refs.traced.insert(raw.clause.get_ref().clone());
        let text = self.text(raw.text, "lint-what-item-text");
        let guidance = self.text(raw.guidance, "lint-what-item-guidance");
        let weight = match raw.weight {
            None => 1.0,
            Some(w) => {
                let v = *w.get_ref();
                if !(v > 0.0 && v <= 100.0) {
                    self.error(&w.span(), Message::new("lint-weight").arg("value", v));
                }
                v
            }
        };
        let training = self.references(Namespace::Module, raw.training, "`training`", true);
        let when = match &raw.when {
            None => Vec::new(),
            Some(w) => self.conditions(w, context),
        };

        let kind_span = raw.kind.span();
        let kind_name = raw.kind.get_ref().clone();
        let fields: [(&str, Option<Range<usize>>); 13] = [
            ("max", raw.max.as_ref().map(|v| v.span())),
            ("min", raw.min.as_ref().map(|v| v.span())),
            ("pass_at", raw.pass_at.as_ref().map(|v| v.span())),
            ("labels", raw.labels.as_ref().map(|v| v.span())),
            ("unit", raw.unit.as_ref().map(|v| v.span())),
            ("target", raw.target.as_ref().map(|v| v.span())),
            ("tolerance", raw.tolerance.as_ref().map(|v| v.span())),
            ("range", raw.range.as_ref().map(|v| v.span())),
            ("script", raw.script.as_ref().map(|v| v.span())),
            ("phrases", raw.phrases.as_ref().map(|v| v.span())),
            ("steps", raw.steps.as_ref().map(|v| v.span())),
            ("in_order", raw.in_order.as_ref().map(|v| v.span())),
            ("limit", raw.limit.as_ref().map(|v| v.span())),
        ];
        let allowed: &[&str] = match kind_name.as_str() {
            "check" => &[],
            "scale" => &["max", "pass_at", "labels"],
            "measure" => &["unit", "target", "tolerance", "min", "max", "range"],
            "script" => &["script", "phrases", "pass_at"],
            "steps" => &["steps", "in_order", "pass_at"],
            "limit" => &["unit", "limit"],
            other => {
                self.error(
                    &kind_span,
                    Message::new("lint-unknown-item-kind")
                        .arg("kind", other)
                        .arg("expected", ItemKind::NAMES.join(", ")),
                );
                return None;
            }
        };
        for (name, span) in &fields {
            if let Some(span) = span
                && !allowed.contains(name)
            {
                self.error(
                    span,
                    Message::new("lint-field-not-for-kind")
                        .arg("field", name)
                        .arg("kind", &kind_name),
                );
            }
        }

        let kind = match kind_name.as_str() {
            "check" => Some(ItemKind::Check),
            "scale" => self.scale_kind(&raw.key, raw.max, raw.pass_at, raw.labels),
            "measure" => self
                .measure_kind(
                    &raw.key,
                    raw.unit,
                    raw.target,
                    raw.tolerance,
                    raw.min,
                    raw.max,
                )
                .and_then(|measure| self.with_input_range(&raw.key, measure, raw.range)),
            "script" => self.script_kind(&raw.key, raw.script, raw.phrases, raw.pass_at),
            "steps" => self.steps_kind(&raw.key, raw.steps, raw.in_order, raw.pass_at),
            "limit" => self.limit_kind(&raw.key, raw.unit, raw.limit, context, &when),
            _ => None,
        };
        let basis = match &raw.basis {
            None => Basis::Source,
            Some(b) => Basis::parse(b.get_ref()).unwrap_or_else(|| {
                self.error(
                    &b.span(),
                    Message::new("lint-unknown-basis")
                        .arg("basis", b.get_ref())
                        .arg("expected", Basis::NAMES.join(", ")),
                );
                Basis::Source
            }),
        };
        let action = raw.action.and_then(|a| self.action_rule(a));
        let kind = kind?;
        (self.out.len() == errors_before).then_some(Item {
            key,
            clause: raw.clause.into_inner(),
            text,
            guidance,
            weight,
            critical: raw.critical.unwrap_or(false),
            required: raw.required.unwrap_or(true),
            na: raw.na.unwrap_or(true),
            training,
            when,
            kind,
            basis,
            action,
        })
    }

    /// An item's `action` table: a role at the site, a number of days, and the text.
    fn action_rule(&mut self, raw: Spanned<RawAction>) -> Option<ActionRule> {
        let raw = raw.into_inner();
        let owner = OwnerRole::parse(raw.owner.get_ref());
        if owner.is_none() {
            self.error(
                &raw.owner.span(),
                Message::new("lint-unknown-owner").arg("owner", raw.owner.get_ref()),
            );
        }
        let days = *raw.due_days.get_ref();
        let due_days = u32::try_from(days)
            .ok()
            .filter(|d| (1..=MAX_DUE_DAYS).contains(d));
        if due_days.is_none() {
            self.error(
                &raw.due_days.span(),
                Message::new("lint-action-due-days")
                    .arg("max", MAX_DUE_DAYS)
                    .arg("value", days),
            );
        }
        let text = self.text(raw.text, "lint-what-action-text");
        Some(ActionRule {
            owner: owner?,
            due_days: due_days?,
            text,
            photo: raw.photo.unwrap_or(false),
        })
    }
}
