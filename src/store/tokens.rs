//! API tokens: made on the command line, shown once, stored as a SHA-256.

use crate::i18n::Message;
use chrono::Utc;
use entity::{api_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::{StoreError, StoreResult, audit};
use crate::auth::{random_token, token_hash};

/// Create a token for the person with this email; returns the token (shown once).
pub async fn create(db: &DatabaseConnection, email: &str, name: &str) -> StoreResult<String> {
    let email = email.trim().to_lowercase();
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| {
            StoreError::Invalid(Message::new("refuse-no-active-person").arg("email", email))
        })?;
    if name.trim().is_empty() {
        return Err(StoreError::Invalid(Message::new(
            "refuse-token-name-needed",
        )));
    }
    let token = format!("dct_{}", random_token());
    let row = api_token::ActiveModel {
        user_id: Set(person.id),
        name: Set(name.trim().to_string()),
        token_hash: Set(token_hash(&token)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        None,
        "create",
        "api_token",
        row.id,
        None,
        Some(json!({ "user": person.id, "name": row.name })),
    )
    .await?;
    Ok(token)
}

/// The active person a token acts for, if it is valid.
pub async fn owner(db: &DatabaseConnection, token: &str) -> StoreResult<Option<user::Model>> {
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut used: api_token::ActiveModel = row.clone().into();
    used.last_used_at = Set(Some(Utc::now()));
    used.update(db).await?;
    Ok(user::Entity::find_by_id(row.user_id)
        .one(db)
        .await?
        .filter(|u| u.active))
}
