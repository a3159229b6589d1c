//! An item's `when`: the conditions on the subject or the context under which it applies,
//! checked against the fields and options they name.

use std::ops::Range;

use toml::Spanned;

use super::parser::{Parser, toml_number};
use super::references::Namespace;
use crate::domain::checklist::*;

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
                    self.error(&span, "`when` must be a condition table or a list of them");
                    return Vec::new();
                }
                tables
            }
            _ => {
                self.error(&span, "`when` must be a condition table, such as { field = \"subject.gender\", is = \"female\" }, or a list of them");
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
                    format!("unknown condition key `{name}` (expected field, is, in, min, max)"),
                );
                return None;
            }
        }
        let Some(path) = table.get("field").and_then(|f| f.as_str()) else {
            self.error(
                span,
                "a condition needs `field`, such as \"subject.gender\" or \"context.guests\"",
            );
            return None;
        };
        let Some(field) = Field::parse(path) else {
            self.error(span, format!("condition on unknown field `{path}` (expected subject.gender, subject.position or context.<key>)"));
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
                    self.error(span, "`min` and `max` in a condition must be numbers");
                    return None;
                }
                Test::Range {
                    min: min.flatten(),
                    max: max.flatten(),
                }
            }
            _ => {
                self.error(span, "a condition needs exactly one test: `is`, `in` (a non-empty list), or `min`/`max`");
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
                    self.error(span, "condition values must be strings or numbers");
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
                        self.error(
                            span,
                            format!("subject.gender is `female` or `male`, not `{v}`"),
                        );
                        return None;
                    }
                }
                if matches!(test, Test::Range { .. }) {
                    self.error(span, "subject.gender takes `is` or `in`, not `min`/`max`");
                    return None;
                }
            }
            Field::SubjectPosition => {
                for v in values {
                    let Some(key) = v.as_text() else {
                        self.error(span, "subject.position values are position keys");
                        return None;
                    };
                    let site = self.site(span.start);
                    self.refs
                        .used
                        .push((Namespace::Position, key.to_string(), site));
                }
                if matches!(test, Test::Range { .. }) {
                    self.error(span, "subject.position takes `is` or `in`, not `min`/`max`");
                    return None;
                }
            }
            Field::Context(key) => match context.iter().find(|c| c.key == *key).map(|c| &c.kind) {
                None => {
                    self.error(span, format!("condition on unknown context field `{key}`"));
                    return None;
                }
                Some(ContextKind::Choice { options, .. }) => {
                    if matches!(test, Test::Range { .. }) {
                        self.error(
                            span,
                            format!("`{key}` is a choice: test it with `is` or `in`"),
                        );
                        return None;
                    }
                    for v in values {
                        if !options
                            .iter()
                            .any(|o| Some(o.value.as_str()) == v.as_text())
                        {
                            self.error(span, format!("`{v}` is not an option of `{key}`"));
                            return None;
                        }
                    }
                }
                Some(ContextKind::Number { .. }) => {
                    if values.iter().any(|v| v.as_number().is_none()) {
                        self.error(
                            span,
                            format!("`{key}` is a number: compare it with numbers"),
                        );
                        return None;
                    }
                }
            },
        }
        Some(())
    }
}
