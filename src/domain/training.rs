//! Training content and rules: modules with pages and a quiz, positions with their
//! new-hire curricula, the clause register of the source standard, and quiz grading.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::text::Text;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub key: String,
    pub title: Text,
    pub summary: Text,
    pub clauses: Vec<String>,
    pub minutes: u32,
    /// Quiz percent needed to pass.
    pub pass_mark: f64,
    pub due_days: u32,
    pub due_days_critical: u32,
    pub pages: Vec<Page>,
    pub questions: Vec<Question>,
}

impl Module {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a module always serializes")
    }

    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.to_json().as_bytes()))
    }

    /// Grade a quiz: `chosen[q]` holds the option indexes picked for question `q`.
    /// A question scores only when exactly its correct options are picked.
    pub fn grade(&self, chosen: &[BTreeSet<usize>]) -> QuizResult {
        let correct = self
            .questions
            .iter()
            .enumerate()
            .filter(|(q, question)| chosen.get(*q).is_some_and(|c| *c == question.correct()))
            .count();
        let total = self.questions.len();
        let percent = if total == 0 {
            100.0
        } else {
            correct as f64 * 100.0 / total as f64
        };
        QuizResult {
            correct,
            total,
            percent,
            passed: percent >= self.pass_mark,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuizResult {
    pub correct: usize,
    pub total: usize,
    pub percent: f64,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub title: Text,
    pub body: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub multiple: bool,
    pub text: Text,
    pub options: Vec<QuizOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Text>,
}

impl Question {
    pub fn correct(&self) -> BTreeSet<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizOption {
    pub text: Text,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub key: String,
    pub name: Text,
    pub curriculum: Vec<String>,
    pub curriculum_due_days: u32,
}

/// One clause of the source standard, as registered for traceability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    pub id: String,
    /// The register file's `[source] key`.
    pub source: String,
    pub title: Option<Text>,
    pub text: Text,
    /// False for context-only clauses that no item needs to check.
    pub inspect: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(multiple: bool, correct: &[usize]) -> Question {
        Question {
            key: "q".into(),
            multiple,
            text: Text::new("問", "Q"),
            options: (0..3)
                .map(|i| QuizOption {
                    text: Text::new(i.to_string(), i.to_string()),
                    correct: correct.contains(&i),
                })
                .collect(),
            explanation: None,
        }
    }

    fn module(questions: Vec<Question>) -> Module {
        Module {
            key: "m".into(),
            title: Text::new("模", "M"),
            summary: Text::new("摘", "S"),
            clauses: vec![],
            minutes: 5,
            pass_mark: 80.0,
            due_days: 7,
            due_days_critical: 2,
            pages: vec![],
            questions,
        }
    }

    fn picks(list: &[&[usize]]) -> Vec<BTreeSet<usize>> {
        list.iter().map(|p| p.iter().copied().collect()).collect()
    }

    #[test]
    fn quiz_needs_exactly_the_correct_options() {
        let m = module(vec![question(false, &[1]), question(true, &[0, 2])]);
        let all_right = m.grade(&picks(&[&[1], &[0, 2]]));
        assert_eq!((all_right.correct, all_right.passed), (2, true));
        let partial = m.grade(&picks(&[&[1], &[0]]));
        assert_eq!(
            (partial.correct, partial.percent, partial.passed),
            (1, 50.0, false)
        );
        let too_many = m.grade(&picks(&[&[1, 2], &[0, 2]]));
        assert_eq!(too_many.correct, 1);
        let unanswered = m.grade(&[]);
        assert_eq!((unanswered.correct, unanswered.passed), (0, false));
    }
}
