//! A training module file: its pages and its quiz.

use std::collections::BTreeSet;

use super::parser::{KeyStyle, Parser};
use super::raw::RawModuleFile;
use super::references::Namespace;
use crate::domain::training::{Diagram, Image, Module, Page, Question, QuizOption, is_image_file};

impl Parser<'_> {
    pub(super) fn module(&mut self, raw: RawModuleFile) -> Option<Module> {
        let errors_before = self.out.len();
        let head = raw.module;
        self.define(Namespace::Module, &head.key);
        let key = self.key(&head.key, "module", KeyStyle::Kebab);
        let title = self.text(head.title, "module title");
        let summary = self.text(head.summary, "module summary");
        let clauses = self.references(Namespace::Clause, head.clauses, "`clauses`", true);
        let pass_mark = self.percent(&head.pass_mark, "`pass_mark`");
        if *head.due_days.get_ref() == 0 {
            self.error(&head.due_days.span(), "`due_days` must be at least 1");
        }
        if *head.due_days_critical.get_ref() == 0
            || head.due_days_critical.get_ref() > head.due_days.get_ref()
        {
            self.error(
                &head.due_days_critical.span(),
                "`due_days_critical` must be from 1 to `due_days`",
            );
        }
        if raw.page.is_empty() {
            self.error(&head.key.span(), format!("module `{key}` has no [[page]]"));
        }
        let pages = raw
            .page
            .into_iter()
            .map(|p| Page {
                title: self.text(p.title, "page title"),
                body: self.text(p.body, "page body"),
                diagrams: p
                    .diagram
                    .into_iter()
                    .map(|d| {
                        self.use_key(Namespace::Diagram, &d.key);
                        Diagram {
                            key: d.key.into_inner(),
                            caption: self.text(d.caption, "diagram caption"),
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
                                format!(
                                    "`{}` is not an uploaded image's name (64 hex digits and .jpg, .png or .webp, as the upload gives it)",
                                    i.file.get_ref()
                                ),
                            );
                        }
                        Image {
                            file: i.file.into_inner(),
                            alt: self.text(i.alt, "image alt text"),
                        }
                    })
                    .collect(),
            })
            .collect();
        if raw.question.is_empty() {
            self.error(
                &head.key.span(),
                format!("module `{key}` has no quiz [[question]]"),
            );
        }
        let mut question_keys = BTreeSet::new();
        let mut questions = Vec::new();
        for q in raw.question {
            let qkey = self.key(&q.key, "question", KeyStyle::Kebab);
            if !question_keys.insert(qkey.clone()) {
                self.error(&q.key.span(), format!("duplicate question key `{qkey}`"));
            }
            let multiple = match q.kind.get_ref().as_str() {
                "single" => false,
                "multiple" => true,
                other => {
                    self.error(
                        &q.kind.span(),
                        format!("unknown question kind `{other}` (expected single or multiple)"),
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
                    let (text, fields) = self.text_with_fields(o, &["correct"], "answer option");
                    let correct = match fields.get("correct") {
                        None => false,
                        Some(c) => c.get_ref().as_bool().unwrap_or_else(|| {
                            self.error(&c.span(), "an answer's `correct` must be true or false");
                            false
                        }),
                    };
                    QuizOption { text, correct }
                })
                .collect();
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                self.error(&options_span, "a question needs at least two options");
            } else if !multiple && correct != 1 {
                self.error(
                    &options_span,
                    format!("a `single` question needs exactly one correct option, not {correct}"),
                );
            } else if multiple && correct == 0 {
                self.error(
                    &options_span,
                    "a `multiple` question needs at least one correct option",
                );
            }
            questions.push(Question {
                key: qkey,
                multiple,
                text: self.text(q.text, "question"),
                options,
                explanation: q.explanation.map(|e| self.text(e, "explanation")),
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
