//! Single sign-on's records: the sign-ins begun at the company's OpenID provider and not
//! yet finished (kept in the database, so any app instance can finish what another
//! began), finding the person an identity belongs to, and creating someone unknown just
//! in time when the configuration allows it.

use chrono::{DateTime, Duration, Utc};
use entity::{oidc_login, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::{StoreResult, audit};
use crate::auth::token_hash;
use crate::domain::access::Role;

/// How long a person may take at the provider's pages before the sign-in must start over.
pub const PENDING_MINUTES: i64 = 10;

/// What a begun sign-in keeps until the browser comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go afterwards (a local path).
    pub next: String,
}

/// Keep a begun sign-in under its `state` (stored as its hash). Expired ones are pruned
/// here, so the table holds about as many rows as there are sign-ins under way.
pub async fn begin(
    db: &DatabaseConnection,
    state: &str,
    pending: &Pending,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    oidc_login::Entity::delete_many()
        .filter(oidc_login::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    oidc_login::ActiveModel {
        id: Set(token_hash(state)),
        nonce: Set(pending.nonce.clone()),
        pkce_verifier: Set(pending.pkce_verifier.clone()),
        next: Set(pending.next.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(PENDING_MINUTES)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The begun sign-in `state` names, taken: it is deleted, so a callback works once
/// (of two instances racing on one callback, only the one whose delete removed the row
/// gets it). `None` for a state never issued, already used or expired.
pub async fn take(
    db: &DatabaseConnection,
    state: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Pending>> {
    let id = token_hash(state);
    let Some(row) = oidc_login::Entity::find_by_id(id.clone()).one(db).await? else {
        return Ok(None);
    };
    let deleted = oidc_login::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected;
    Ok((deleted == 1 && row.expires_at > now).then_some(Pending {
        nonce: row.nonce,
        pkce_verifier: row.pkce_verifier,
        next: row.next,
    }))
}

/// The person with this (lower-case) email, active or not.
pub async fn person_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> StoreResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// Create someone the provider vouched for but Decorum did not know, with `role`, no
/// password and no sites (an admin then places them), and record it in the audit log.
pub async fn create_just_in_time(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    issuer: &str,
    now: DateTime<Utc>,
) -> StoreResult<user::Model> {
    let txn = super::begin_write(db).await?;
    let row = user::ActiveModel {
        email: Set(email.to_string()),
        name: Set(name.to_string()),
        password_hash: Set(None),
        role: Set(role.as_str().to_string()),
        position_id: Set(None),
        gender: Set(None),
        hire_date: Set(None),
        locale: Set(None),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(row.id),
        "create",
        "user",
        row.id,
        None,
        Some(json!({
            "email": row.email,
            "name": row.name,
            "role": row.role,
            "sites": [],
            "signed_in_with": issuer,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
