//! An item's `when`: the conditions on the subject or the context under which it applies,
//! checked against the fields and options they name.

use std::ops::Range;

use toml::Spanned;

use super::parser::{Parser, toml_number};
use super::references::Namespace;
use crate::domain::checklist::*;
use crate::i18n::Message;

impl Parser<'_> {
    pub(super) fn conditions(
        &mut self,
        when: &Spanned<toml::Value>,
        context: &[ContextField],
    ) -> Vec<Condition> {
        let span = when.span();
        let tables: Vec<&toml::Table> = match when.get_ref() {
            toml::Value::Table(t) => vec![t],
            toml::Value::Array(list) if !list.is_empty() => {
                let tables: Vec<_> = list.iter().filter_map(|v| v.as_table()).collect();
                if tables.len() != list.len() {
                    self.error(&span, Message::new("lint-when-list"));
                    return Vec::new();
                }
                tables
            }
            _ => {
                self.error(
                    &span,
                    Message::new("lint-when-table")
                        .arg("example", r#"{ field = "subject.gender", is = "female" }"#),
                );
                return Vec::new();
            }
        };
        tables
            .into_iter()
            .filter_map(|t| self.condition(t, &span, context))
            .collect()
    }

    fn condition(
        &mut self,
        table: &toml::Table,
        span: &Range<usize>,
        context: &[ContextField],
    ) -> Option<Condition> {
        for name in table.keys() {
            if !["field", "is", "in", "min", "max"].contains(&name.as_str()) {
                self.error(
                    span,
                    Message::new("lint-condition-unknown-key").arg("key", name),
                );
                return None;
            }
        }
        let Some(path) = table.get("field").and_then(|f| f.as_str()) else {
            self.error(span, Message::new("lint-condition-needs-field"));
            return None;
        };
        let Some(field) = Field::parse(path) else {
            self.error(
                span,
                Message::new("lint-condition-unknown-field").arg("field", path),
            );
            return None;
        };
        let test = match (
            table.get("is"),
            table.get("in"),
            table.get("min"),
            table.get("max"),
        ) {
            (Some(v), None, None, None) => Test::Is(self.condition_value(v, span)?),
            (None, Some(toml::Value::Array(list)), None, None) if !list.is_empty() => Test::In(
                list.iter()
                    .map(|v| self.condition_value(v, span))
                    .collect::<Option<Vec<_>>>()?,
            ),
            (None, None, min, max) if min.is_some() || max.is_some() => {
                let min = min.map(toml_number);
                let max = max.map(toml_number);
                if min == Some(None) || max == Some(None) {
                    self.error(span, Message::new("lint-condition-min-max-numbers"));
                    return None;
                }
                Test::Range {
                    min: min.flatten(),
                    max: max.flatten(),
                }
            }
            _ => {
                self.error(span, Message::new("lint-condition-one-test"));
                return None;
            }
        };
        self.check_condition_values(&field, &test, span, context)?;
        Some(Condition { field, test })
    }

    fn condition_value(&mut self, value: &toml::Value, span: &Range<usize>) -> Option<Value> {
        match value {
            toml::Value::String(s) => Some(Value::Text(s.clone())),
            v => match toml_number(v) {
                Some(n) => Some(Value::Number(n)),
                None => {
                    self.error(span, Message::new("lint-condition-value-type"));
                    None
                }
            },
        }
    }

    /// The values a condition compares with must be ones the field can take.
    fn check_condition_values(
        &mut self,
        field: &Field,
        test: &Test,
        span: &Range<usize>,
        context: &[ContextField],
    ) -> Option<()> {
        let values: Vec<&Value> = match test {
            Test::Is(v) => vec![v],
            Test::In(list) => list.iter().collect(),
            Test::Range { .. } => Vec::new(),
        };
        match field {
            Field::SubjectGender => {
                for v in values {
                    if !matches!(v.as_text(), Some("female" | "male")) {
                        self.error(span, Message::new("lint-condition-gender").arg("value", v));
                        return None;
                    }
                }
                if matches!(test, Test::Range { .. }) {
                    self.error(span, Message::new("lint-condition-gender-range"));
                    return None;
                }
            }
            Field::SubjectPosition => {
                for v in values {
                    let Some(key) = v.as_text() else {
                        self.error(span, Message::new("lint-condition-position-keys"));
                        return None;
                    };
                    let site = self.site(span.start);
                    self.refs
                        .used
                        .push((Namespace::Position, key.to_string(), site));
                }
                if matches!(test, Test::Range { .. }) {
                    self.error(span, Message::new("lint-condition-position-range"));
                    return None;
                }
            }
            Field::Context(key) => match context.iter().find(|c| c.key == *key).map(|c| &c.kind) {
                None => {
                    self.error(
                        span,
                        Message::new("lint-condition-unknown-context").arg("key", key),
                    );
                    return None;
                }
                Some(ContextKind::Choice { options, .. }) => {
                    if matches!(test, Test::Range { .. }) {
                        self.error(
                            span,
                            Message::new("lint-condition-choice-range").arg("key", key),
                        );
                        return None;
                    }
                    for v in values {
                        if !options
                            .iter()
                            .any(|o| Some(o.value.as_str()) == v.as_text())
                        {
                            self.error(
                                span,
                                Message::new("lint-condition-not-option")
                                    .arg("value", v)
                                    .arg("key", key),
                            );
                            return None;
                        }
                    }
                }
                Some(ContextKind::Number { .. }) => {
                    if values.iter().any(|v| v.as_number().is_none()) {
                        self.error(span, Message::new("lint-condition-number").arg("key", key));
                        return None;
                    }
                }
            },
        }
        Some(())
    }
}
