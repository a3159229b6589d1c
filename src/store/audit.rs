//! The append-only audit log. There is deliberately no update or delete here.

use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value as Json;

/// Record a change made by `actor` (`None` for the command line).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Option<i32>,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    before: Option<Json>,
    after: Option<Json>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(actor),
        action: Set(action.to_string()),
        entity: Set(entity.to_string()),
        entity_id: Set(entity_id.to_string()),
        before: Set(before),
        after: Set(after),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
