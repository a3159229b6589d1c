//! People and their site memberships.

use crate::i18n::Message;
use chrono::{NaiveDate, Utc};
use entity::{position, site, user, user_site};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;

use super::{StoreError, StoreResult, audit};
use crate::auth::{Role, hash_password};
use crate::domain::scoring::{Gender, Subject};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: Option<String>,
    pub position: Option<String>,
    pub gender: Option<Gender>,
    pub hire_date: Option<NaiveDate>,
    /// Site codes.
    pub sites: Vec<String>,
}

/// A staff member is inspected and trained at their sites: without one nobody may check
/// them and no report counts them, so they are refused instead of stored invisible.
pub fn check_staff_site(role: Role, site_count: usize) -> StoreResult<()> {
    if role == Role::Staff && site_count == 0 {
        return Err(StoreError::Invalid(Message::new(STAFF_NEEDS_A_SITE)));
    }
    Ok(())
}

/// The message id of the rule that staff work at a site.
pub const STAFF_NEEDS_A_SITE: &str = "refuse-staff-needs-site";

/// Create a user with their site memberships, and assign a new hire their position's
/// curriculum — all in one transaction. `actor` is who did it (None: the command line).
pub async fn add_atomic(
    db: &DatabaseConnection,
    new: NewUser,
    actor: Option<i32>,
) -> StoreResult<user::Model> {
    let txn = crate::store::begin_write(db).await?;
    let row = add(&txn, new, actor).await?;
    txn.commit().await?;
    Ok(row)
}

/// The same within the caller's transaction.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    new: NewUser,
    actor: Option<i32>,
) -> StoreResult<user::Model> {
    let email = new.email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 {
        return Err(StoreError::Invalid(
            Message::new("refuse-not-an-email").arg("email", &email),
        ));
    }
    if new.name.trim().is_empty() {
        return Err(StoreError::Invalid(Message::new("refuse-name-required")));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
        .is_some()
    {
        return Err(StoreError::Invalid(
            Message::new("refuse-email-taken").arg("email", &email),
        ));
    }
    let position_id = match &new.position {
        None => None,
        Some(key) => Some(
            position::Entity::find()
                .filter(position::Column::Key.eq(key))
                .one(db)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(Message::new("refuse-unknown-position").arg("key", key))
                })?
                .id,
        ),
    };
    let mut site_ids = Vec::new();
    for code in &new.sites {
        let site = site::Entity::find()
            .filter(site::Column::Code.eq(code))
            .one(db)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(Message::new("refuse-unknown-site").arg("code", code))
            })?;
        site_ids.push(site.id);
    }
    check_staff_site(new.role, site_ids.len())?;
    let password_hash = match &new.password {
        Some(p) => Some(hash_password(p).map_err(|e| StoreError::Invalid(Message::literal(e)))?),
        None => None,
    };
    let row = user::ActiveModel {
        email: Set(email),
        name: Set(new.name.trim().to_string()),
        password_hash: Set(password_hash),
        role: Set(new.role.as_str().to_string()),
        position_id: Set(position_id),
        gender: Set(new.gender.map(|g| g.as_str().to_string())),
        hire_date: Set(new.hire_date),
        locale: Set(None),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let site_ids_of_row = site_ids.clone();
    for site_id in site_ids {
        user_site::ActiveModel {
            user_id: Set(row.id),
            site_id: Set(site_id),
        }
        .insert(db)
        .await?;
    }
    audit::record(
        db,
        actor,
        "create",
        "user",
        row.id,
        None,
        Some(json!({ "email": row.email, "name": row.name, "role": row.role, "sites": new.sites, "position": new.position })),
    )
    .await?;
    if new.role == Role::Staff {
        let today = super::org::today_at(db, &site_ids_of_row).await?;
        super::training::assign_curriculum(db, &row, today, actor).await?;
    }
    Ok(row)
}

/// The attributes conditional checklist items test.
/// Remember the language a person chose for the interface.
pub async fn set_locale<C: ConnectionTrait>(
    db: &C,
    person: &user::Model,
    locale: &str,
) -> StoreResult<()> {
    let mut active: user::ActiveModel = person.clone().into();
    active.locale = Set(Some(locale.to_string()));
    active.update(db).await?;
    Ok(())
}

pub async fn subject<C: ConnectionTrait>(db: &C, person: &user::Model) -> StoreResult<Subject> {
    let position = match person.position_id {
        Some(id) => position::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(subject_of(person, position.as_ref()))
}

/// The scoring attributes of a person whose position is already loaded.
pub fn subject_of(person: &user::Model, position: Option<&position::Model>) -> Subject {
    Subject {
        gender: person.gender.as_deref().and_then(Gender::parse),
        position: position.map(|p| p.key.clone()),
    }
}
