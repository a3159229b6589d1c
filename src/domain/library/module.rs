//! A training module file: its pages and its quiz.

use std::collections::BTreeSet;

use super::parser::{KeyStyle, Parser};
use super::raw::RawModuleFile;
use super::references::Namespace;
use crate::domain::training::{Diagram, Image, Module, Page, Question, QuizOption, is_image_file};
use crate::i18n::Message;

impl Parser<'_> {
    pub(super) fn module(&mut self, raw: RawModuleFile) -> Option<Module> {
        let errors_before = self.out.len();
        let head = raw.module;
        self.define(Namespace::Module, &head.key);
        let key = self.key(&head.key, "lint-what-module", KeyStyle::Kebab);
        let title = self.text(head.title, "lint-what-module-title");
        let summary = self.text(head.summary, "lint-what-module-summary");
        let clauses = self.references(Namespace::Clause, head.clauses, "`clauses`", true);
        let pass_mark = self.percent(&head.pass_mark, "`pass_mark`");
        if *head.due_days.get_ref() == 0 {
            self.error(&head.due_days.span(), Message::new("lint-due-days-zero"));
        }
        if *head.due_days_critical.get_ref() == 0
            || head.due_days_critical.get_ref() > head.due_days.get_ref()
        {
            self.error(
                &head.due_days_critical.span(),
                Message::new("lint-due-days-critical"),
            );
        }
        if raw.page.is_empty() {
            self.error(
                &head.key.span(),
                Message::new("lint-module-no-page").arg("key", &key),
            );
        }
        let pages = raw
            .page
            .into_iter()
            .map(|p| Page {
                title: self.text(p.title, "lint-what-page-title"),
                body: self.text(p.body, "lint-what-page-body"),
                diagrams: p
                    .diagram
                    .into_iter()
                    .map(|d| {
                        self.use_key(Namespace::Diagram, &d.key);
                        Diagram {
                            key: d.key.into_inner(),
                            caption: self.text(d.caption, "lint-what-diagram-caption"),
                            // Filled in from the library's SVG file once every file is read.
                            svg: String::new(),
                        }
                    })
                    .collect(),
                images: p
                    .image
                    .into_iter()
                    .map(|i| {
                        if !is_image_file(i.file.get_ref()) {
                            self.error(
                                &i.file.span(),
                                Message::new("lint-image-file-name")
                                    .arg("name", i.file.get_ref().as_str()),
                            );
                        }
                        Image {
                            file: i.file.into_inner(),
                            alt: self.text(i.alt, "lint-what-image-alt"),
                        }
                    })
                    .collect(),
            })
            .collect();
        if raw.question.is_empty() {
            self.error(
                &head.key.span(),
                Message::new("lint-module-no-question").arg("key", &key),
            );
        }
        let mut question_keys = BTreeSet::new();
        let mut questions = Vec::new();
        for q in raw.question {
            let qkey = self.key(&q.key, "lint-what-question", KeyStyle::Kebab);
            if !question_keys.insert(qkey.clone()) {
                self.error(
                    &q.key.span(),
                    Message::new("lint-duplicate-question").arg("key", &qkey),
                );
            }
            let multiple = match q.kind.get_ref().as_str() {
                "single" => false,
                "multiple" => true,
                other => {
                    self.error(
                        &q.kind.span(),
                        Message::new("lint-unknown-question-kind").arg("kind", other),
                    );
                    continue;
                }
            };
            let options_span = q.options.span();
            let options: Vec<QuizOption> = q
                .options
                .into_inner()
                .into_iter()
                .map(|o| {
                    let (text, fields) =
                        self.text_with_fields(o, &["correct"], "lint-what-answer-option");
                    let correct = match fields.get("correct") {
                        None => false,
                        Some(c) => c.get_ref().as_bool().unwrap_or_else(|| {
                            self.error(&c.span(), Message::new("lint-correct-bool"));
                            false
                        }),
                    };
                    QuizOption { text, correct }
                })
                .collect();
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                self.error(&options_span, Message::new("lint-question-two-options"));
            } else if !multiple && correct != 1 {
                self.error(
                    &options_span,
                    Message::new("lint-single-one-correct").count("count", correct),
                );
            } else if multiple && correct == 0 {
                self.error(&options_span, Message::new("lint-multiple-one-correct"));
            }
            questions.push(Question {
                key: qkey,
                multiple,
                text: self.text(q.text, "lint-what-question"),
                options,
                explanation: q.explanation.map(|e| self.text(e, "lint-what-explanation")),
            });
        }
        (self.out.len() == errors_before).then_some(Module {
            key,
            title,
            summary,
            clauses,
            minutes: *head.minutes.get_ref(),
            pass_mark,
            due_days: *head.due_days.get_ref(),
            due_days_critical: *head.due_days_critical.get_ref(),
            pages,
            questions,
        })
    }
}
