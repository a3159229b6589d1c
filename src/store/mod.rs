//! Queries and writes over sea-orm, grouped by aggregate. Handlers and the CLI call
//! these; nothing here renders or parses HTTP.

pub mod actions;
pub mod admin;
pub mod audit;
pub mod files;
pub mod filter;
pub mod inspections;
pub mod library;
pub mod module_images;
pub mod oidc;
pub mod org;
pub mod outbox;
pub mod plan;
pub mod proposals;
pub mod quality;
pub mod reports;
pub mod schedule;
pub mod schedule_plan;
pub mod sessions;
pub mod stats;
pub mod submit;
pub mod tokens;
pub mod training;
pub mod users;

use crate::i18n::Message;

/// Errors from the store: database failures, or a request that breaks a rule.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// The request breaks a rule; the message says which, in the viewer's language.
    #[error("{0}")]
    Invalid(Message),
    /// What was not found, for logs only: people are told "not available" (403).
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(Message),
    /// A rule about who may do it, not about what was asked.
    #[error("{0}")]
    Forbidden(Message),
}

impl StoreError {
    /// What the person is told about this error (the database's own text for a failure).
    pub fn message(&self) -> Message {
        match self {
            StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::Forbidden(m) => {
                m.clone()
            }
            other => Message::literal(other.to_string()),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Begin a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first could find another
/// connection's commit in between and fail at its first write instead of waiting.
pub async fn begin_write<C: sea_orm::TransactionTrait>(
    db: &C,
) -> Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
