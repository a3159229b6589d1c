//! The append-only audit log: recording and reading. There is deliberately no update or
//! delete here.

use chrono::Utc;
use entity::audit_log;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
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
    record_all(
        db,
        vec![entry(actor, action, entity, entity_id, before, after)],
    )
    .await
}

/// A change as an audit row, to record with others in one statement ([`record_all`]).
pub fn entry(
    actor: Option<i32>,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    before: Option<Json>,
    after: Option<Json>,
) -> audit_log::ActiveModel {
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
}

/// Record changes in one statement (the row's id is not read back: nothing needs it).
pub async fn record_all<C: ConnectionTrait>(
    db: &C,
    entries: Vec<audit_log::ActiveModel>,
) -> Result<(), DbErr> {
    // SQLite allows 32,766 bound values in a statement; a row binds seven.
    for chunk in entries.chunks(2_000) {
        audit_log::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// One page of the log, newest first, of one kind of entity when given, with the count
/// of all its entries.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    entity: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(e) = entity {
        query = query.filter(audit_log::Column::Entity.eq(e));
    }
    let paginator = query
        .order_by_desc(audit_log::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page).await?;
    Ok((rows, total))
}

/// The person checked in each of these spot-checks, for naming them in the log.
pub async fn inspection_subjects<C: ConnectionTrait>(
    db: &C,
    ids: Vec<uuid::Uuid>,
) -> Result<std::collections::HashMap<uuid::Uuid, i32>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(entity::inspection::Entity::find()
        .select_only()
        .column(entity::inspection::Column::Id)
        .column(entity::inspection::Column::SubjectId)
        .filter(entity::inspection::Column::Id.is_in(ids))
        .into_tuple::<(uuid::Uuid, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
