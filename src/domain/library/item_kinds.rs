//! The fields of each kind of checklist item: scale, measure, script, steps and limit.

use std::collections::BTreeMap;

use toml::Spanned;

use super::parser::Parser;
use super::raw::{RawLimit, RawText};
use crate::domain::checklist::*;
use crate::i18n::Message;

impl Parser<'_> {
    pub(super) fn scale_kind(
        &mut self,
        key: &Spanned<String>,
        max: Option<Spanned<f64>>,
        pass_at: Option<Spanned<f64>>,
        labels: Option<Spanned<Vec<RawText>>>,
    ) -> Option<ItemKind> {
        let Some(max) = max else {
            self.error(&key.span(), Message::new("lint-scale-needs-max"));
            return None;
        };
        let max = self.count(&max, "`max`", 1, 10)?;
        let pass_at = match pass_at {
            None => max,
            Some(p) => self.count(&p, "`pass_at`", 0, max)?,
        };
        let labels = match labels {
            None => Vec::new(),
            Some(l) => {
                if l.get_ref().len() != max as usize + 1 {
                    self.error(
                        &l.span(),
                        Message::new("lint-scale-labels")
                            .count("count", max as usize + 1)
                            .arg("max", max),
                    );
                }
                self.texts(l.into_inner(), "lint-what-scale-label")
            }
        };
        Some(ItemKind::Scale {
            max,
            pass_at,
            labels,
        })
    }

    pub(super) fn measure_kind(
        &mut self,
        key: &Spanned<String>,
        unit: Option<Spanned<String>>,
        target: Option<Spanned<f64>>,
        tolerance: Option<Spanned<f64>>,
        min: Option<Spanned<f64>>,
        max: Option<Spanned<f64>>,
    ) -> Option<ItemKind> {
        let unit = self.unit(key, unit, "measure")?;
        let allowed = match (target, tolerance) {
            (Some(t), Some(tol)) => {
                if let Some(span) = min.as_ref().or(max.as_ref()).map(|v| v.span()) {
                    self.error(&span, Message::new("lint-measure-both"));
                }
                if *tol.get_ref() < 0.0 {
                    self.error(&tol.span(), Message::new("lint-tolerance-negative"));
                }
                Allowed::target(*t.get_ref(), *tol.get_ref())
            }
            (Some(t), None) => {
                self.error(&t.span(), Message::new("lint-target-needs-tolerance"));
                return None;
            }
            (None, Some(tol)) => {
                self.error(&tol.span(), Message::new("lint-tolerance-needs-target"));
                return None;
            }
            (None, None) => {
                if min.is_none() && max.is_none() {
                    self.error(&key.span(), Message::new("lint-measure-needs-bounds"));
                    return None;
                }
                if let (Some(lo), Some(hi)) = (&min, &max)
                    && lo.get_ref() > hi.get_ref()
                {
                    self.error(
                        &lo.span(),
                        Message::new("lint-min-above-max")
                            .arg("min", lo.get_ref())
                            .arg("max", hi.get_ref()),
                    );
                }
                Allowed::range(min.map(|v| *v.get_ref()), max.map(|v| *v.get_ref()))
            }
        };
        Some(ItemKind::Measure {
            unit,
            allowed,
            range: None,
        })
    }

    /// A measure with its `range` checked and set (see [`Self::input_range`]).
    pub(super) fn with_input_range(
        &mut self,
        key: &Spanned<String>,
        measure: ItemKind,
        range: Option<Spanned<Vec<f64>>>,
    ) -> Option<ItemKind> {
        let ItemKind::Measure { unit, allowed, .. } = measure else {
            return Some(measure);
        };
        let range = self.input_range(key, &unit, &allowed, range)?;
        Some(ItemKind::Measure {
            unit,
            allowed,
            range,
        })
    }

    /// A measure's `range = [min, max]`: the values the form accepts. It must hold every
    /// passing value; without it the unit needs a default (see `default_input_range`).
    fn input_range(
        &mut self,
        key: &Spanned<String>,
        unit: &str,
        allowed: &Allowed,
        range: Option<Spanned<Vec<f64>>>,
    ) -> Option<Option<(f64, f64)>> {
        let (span, given) = match &range {
            Some(r) => match r.get_ref()[..] {
                [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => {
                    (r.span(), Some((lo, hi)))
                }
                _ => {
                    self.error(&r.span(), Message::new("lint-range-two-numbers"));
                    return None;
                }
            },
            None => (key.span(), None),
        };
        let Some((lo, hi)) = given.or_else(|| default_input_range(unit)) else {
            self.error(
                &key.span(),
                Message::new("lint-unit-no-default-range").arg("unit", unit),
            );
            return None;
        };
        let (pass_lo, pass_hi) = allowed.bounds();
        let outside =
            pass_lo.is_some_and(|v| v < lo || v > hi) || pass_hi.is_some_and(|v| v < lo || v > hi);
        if outside {
            let id = if given.is_some() {
                "lint-range-excludes-pass"
            } else {
                "lint-default-range-excludes-pass"
            };
            self.error(
                &span,
                Message::new(id)
                    .arg("lo", lo)
                    .arg("hi", hi)
                    .arg("unit", unit),
            );
            return None;
        }
        Some(given)
    }

    fn unit(
        &mut self,
        key: &Spanned<String>,
        unit: Option<Spanned<String>>,
        kind: &str,
    ) -> Option<String> {
        match unit {
            Some(u) if !u.get_ref().trim().is_empty() => Some(u.into_inner()),
            Some(u) => {
                self.error(&u.span(), Message::new("lint-unit-empty"));
                None
            }
            None => {
                self.error(
                    &key.span(),
                    Message::new("lint-needs-unit").arg("kind", kind),
                );
                None
            }
        }
    }

    pub(super) fn script_kind(
        &mut self,
        key: &Spanned<String>,
        script: Option<RawText>,
        phrases: Option<Spanned<Vec<RawText>>>,
        pass_at: Option<Spanned<f64>>,
    ) -> Option<ItemKind> {
        let (Some(script), Some(phrases)) = (script, phrases) else {
            self.error(&key.span(), Message::new("lint-script-needs"));
            return None;
        };
        let script = self.text(script, "lint-what-script");
        let count = phrases.get_ref().len();
        if count == 0 {
            self.error(&phrases.span(), Message::new("lint-phrases-empty"));
            return None;
        }
        let phrases = self.texts(phrases.into_inner(), "lint-what-phrase");
        let pass_at = match pass_at {
            None => count as u32,
            Some(p) => self.count(&p, "`pass_at`", 1, count as u32)?,
        };
        Some(ItemKind::Script {
            script,
            phrases,
            pass_at,
        })
    }

    pub(super) fn steps_kind(
        &mut self,
        key: &Spanned<String>,
        steps: Option<Spanned<Vec<RawText>>>,
        in_order: Option<Spanned<bool>>,
        pass_at: Option<Spanned<f64>>,
    ) -> Option<ItemKind> {
        let Some(steps) = steps else {
            self.error(&key.span(), Message::new("lint-steps-needs"));
            return None;
        };
        let count = steps.get_ref().len();
        if count < 2 {
            self.error(&steps.span(), Message::new("lint-steps-two"));
            return None;
        }
        let steps = self.texts(steps.into_inner(), "lint-what-step");
        let pass_at = match pass_at {
            None => count as u32,
            Some(p) => self.count(&p, "`pass_at`", 1, count as u32)?,
        };
        Some(ItemKind::Steps {
            steps,
            in_order: in_order.is_some_and(|v| *v.get_ref()),
            pass_at,
        })
    }

    pub(super) fn limit_kind(
        &mut self,
        key: &Spanned<String>,
        unit: Option<Spanned<String>>,
        limit: Option<Spanned<RawLimit>>,
        context: &[ContextField],
        when: &[Condition],
    ) -> Option<ItemKind> {
        let unit = self.unit(key, unit, "limit");
        let Some(limit) = limit else {
            self.error(
                &key.span(),
                Message::new("lint-limit-needs").arg("example", "limit = { by = …, base = { … } }"),
            );
            return None;
        };
        let limit_span = limit.span();
        let raw = limit.into_inner();
        let by = raw.by.get_ref().clone();
        let options: Vec<String> = match context.iter().find(|c| c.key == by).map(|c| &c.kind) {
            Some(ContextKind::Choice { options, .. }) => {
                options.iter().map(|o| o.value.clone()).collect()
            }
            Some(ContextKind::Number { .. }) => {
                self.error(
                    &raw.by.span(),
                    Message::new("lint-by-is-number").arg("key", &by),
                );
                return None;
            }
            None => {
                self.error(
                    &raw.by.span(),
                    Message::new("lint-by-unknown").arg("key", &by),
                );
                return None;
            }
        };
        // Options the item's own condition rules out need no cap.
        let field = Field::Context(by.clone());
        let reachable: Vec<&String> = options
            .iter()
            .filter(|o| {
                when.iter()
                    .filter(|c| c.field == field)
                    .all(|c| c.test.holds(Some(&Value::Text((*o).clone()))))
            })
            .collect();
        for option in &reachable {
            if !raw.base.get_ref().contains_key(*option) {
                self.error(
                    &raw.base.span(),
                    Message::new("lint-base-no-cap").arg("option", option),
                );
            }
        }
        self.check_caps(&raw.base, &options, &by, "base");
        if let Some(extra) = &raw.extra {
            self.check_caps(extra, &options, &by, "extra");
        }
        let per = match &raw.per {
            None => {
                if raw.extra.is_some() || raw.above.is_some() {
                    self.error(&limit_span, Message::new("lint-extra-needs-per"));
                }
                None
            }
            Some(per) => {
                match context
                    .iter()
                    .find(|c| c.key == *per.get_ref())
                    .map(|c| &c.kind)
                {
                    Some(ContextKind::Number { .. }) => {}
                    Some(ContextKind::Choice { .. }) => self.error(
                        &per.span(),
                        Message::new("lint-per-is-choice").arg("key", per.get_ref()),
                    ),
                    None => self.error(
                        &per.span(),
                        Message::new("lint-per-unknown").arg("key", per.get_ref()),
                    ),
                }
                if raw.extra.is_none() {
                    self.error(&per.span(), Message::new("lint-per-needs-extra"));
                }
                Some(per.get_ref().clone())
            }
        };
        Some(ItemKind::Limit {
            unit: unit?,
            limit: LimitRule {
                by,
                base: raw.base.into_inner(),
                per,
                above: raw.above.unwrap_or(0.0),
                extra: raw.extra.map(|e| e.into_inner()).unwrap_or_default(),
            },
        })
    }

    fn check_caps(
        &mut self,
        caps: &Spanned<BTreeMap<String, f64>>,
        options: &[String],
        by: &str,
        what: &str,
    ) {
        for (option, amount) in caps.get_ref() {
            if !options.contains(option) {
                self.error(
                    &caps.span(),
                    Message::new("lint-cap-not-option")
                        .arg("field", what)
                        .arg("option", option)
                        .arg("by", by),
                );
            }
            if !(amount.is_finite() && *amount >= 0.0) {
                self.error(
                    &caps.span(),
                    Message::new("lint-cap-negative")
                        .arg("field", what)
                        .arg("option", option),
                );
            }
        }
    }
}
