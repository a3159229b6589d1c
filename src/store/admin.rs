//! Writes and queries behind the admin pages: sites, people and their accounts,
//! positions, and the checklist library's versions. Every write runs in one transaction
//! together with its audit record (who, before, after), so a change is either whole and
//! recorded, or not made at all.

use crate::i18n::Message;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{checklist, checklist_version, position, session, site, user, user_site};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::{Value as Json, json};

use super::library::{self, StoredChecklist};
use super::users::{self, NewUser};
use super::{StoreError, StoreResult, audit};
use crate::domain::Text;
use crate::domain::access::Role;
use crate::domain::clock::Tz;
use crate::domain::org::{Name, SiteCode, SiteKind};
use crate::domain::scoring::Gender;
use crate::domain::versions::{ChecklistSummary, VersionMeta};

fn unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

// ── Overview ────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub sites: u64,
    pub people: u64,
    pub positions: u64,
    pub checklists: u64,
}

pub async fn counts<C: ConnectionTrait>(db: &C) -> StoreResult<Counts> {
    Ok(Counts {
        sites: site::Entity::find().count(db).await?,
        people: user::Entity::find().count(db).await?,
        positions: position::Entity::find().count(db).await?,
        checklists: checklist::Entity::find().count(db).await?,
    })
}

// ── Sites ───────────────────────────────────────────────────────────────────

#[derive(Debug, Clone)]
pub struct SiteRow {
    pub site: site::Model,
    /// Active people who belong to the site.
    pub people: usize,
}

/// Every site (active first, then by code) with how many active people belong to it.
pub async fn sites<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<SiteRow>> {
    let sites = site::Entity::find()
        .order_by_desc(site::Column::Active)
        .order_by_asc(site::Column::Code)
        .all(db)
        .await?;
    let active: Vec<i32> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let active: std::collections::HashSet<i32> = active.into_iter().collect();
    let mut per_site: HashMap<i32, usize> = HashMap::new();
    for m in user_site::Entity::find().all(db).await? {
        if active.contains(&m.user_id) {
            *per_site.entry(m.site_id).or_default() += 1;
        }
    }
    Ok(sites
        .into_iter()
        .map(|s| SiteRow {
            people: per_site.get(&s.id).copied().unwrap_or(0),
            site: s,
        })
        .collect())
}

/// Every site by code, for choosing people's sites.
pub async fn all_sites<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<site::Model>> {
    Ok(site::Entity::find()
        .order_by_asc(site::Column::Code)
        .all(db)
        .await?)
}

pub async fn site<C: ConnectionTrait>(db: &C, id: i32) -> StoreResult<site::Model> {
    site::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("site {id}")))
}

pub async fn site_code_taken<C: ConnectionTrait>(db: &C, code: &str) -> StoreResult<bool> {
    Ok(site::Entity::find()
        .filter(site::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

/// A new site, as the admin form parsed it.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub code: SiteCode,
    pub name: Name,
    pub kind: SiteKind,
    pub time_zone: Tz,
}

#[derive(Debug, Clone)]
pub struct SiteEdit {
    pub name: Name,
    pub kind: SiteKind,
    pub active: bool,
    pub time_zone: Tz,
}

fn site_json(s: &site::Model) -> Json {
    json!({ "code": s.code, "name": s.name, "kind": s.kind, "active": s.active, "time_zone": s.time_zone })
}

/// Create a site, recorded in the audit log as done by `actor`.
pub async fn create_site(
    db: &DatabaseConnection,
    actor: i32,
    new: NewSite,
) -> StoreResult<site::Model> {
    let code = new.code.as_str().to_string();
    let taken = || StoreError::Invalid(Message::new("refuse-site-code-taken").arg("code", &code));
    let txn = crate::store::begin_write(db).await?;
    if site_code_taken(&txn, &code).await? {
        return Err(taken());
    }
    let row = site::ActiveModel {
        code: Set(code.clone()),
        name: Set(new.name.into_string()),
        kind: Set(new.kind.as_str().to_string()),
        active: Set(true),
        time_zone: Set(new.time_zone.name().to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        Some(actor),
        "create",
        "site",
        row.id,
        None,
        Some(site_json(&row)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Change a site's name, kind and whether it is active.
pub async fn update_site(
    db: &DatabaseConnection,
    actor: i32,
    id: i32,
    edit: SiteEdit,
) -> StoreResult<site::Model> {
    let txn = crate::store::begin_write(db).await?;
    let before = site(&txn, id).await?;
    let mut row: site::ActiveModel = before.clone().into();
    row.name = Set(edit.name.into_string());
    row.kind = Set(edit.kind.as_str().to_string());
    row.active = Set(edit.active);
    row.time_zone = Set(edit.time_zone.name().to_string());
    let after = row.update(&txn).await?;
    if after.time_zone != before.time_zone {
        // Its people's scheduled mail goes by the new zone from the next tick.
        super::schedule_plan::forget_site(&txn, id).await?;
    }
    if after != before {
        audit::record(
            &txn,
            Some(actor),
            "update",
            "site",
            id,
            Some(site_json(&before)),
            Some(site_json(&after)),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

// ── People ──────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub site: Option<i32>,
    pub role: Option<Role>,
}

#[derive(Debug, Clone)]
pub struct PersonRow {
    pub user: user::Model,
    pub position: Option<position::Model>,
    pub sites: Vec<site::Model>,
}

/// One page of people by name, with their positions and sites, and how many match.
pub async fn people<C: ConnectionTrait>(
    db: &C,
    filter: &PeopleFilter,
    page: u64,
    per_page: u64,
) -> StoreResult<(Vec<PersonRow>, u64)> {
    let mut query = user::Entity::find();
    if let Some(role) = filter.role {
        query = query.filter(user::Column::Role.eq(role.as_str()));
    }
    if let Some(site_id) = filter.site {
        let members: Vec<i32> = user_site::Entity::find()
            .select_only()
            .column(user_site::Column::UserId)
            .filter(user_site::Column::SiteId.eq(site_id))
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(user::Column::Id.is_in(members));
    }
    let paginator = query
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let people = paginator.fetch_page(page).await?;

    let ids: Vec<i32> = people.iter().map(|u| u.id).collect();
    let memberships = user_site::Entity::find()
        .filter(user_site::Column::UserId.is_in(ids))
        .all(db)
        .await?;
    let sites: HashMap<i32, site::Model> = site::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let positions: HashMap<i32, position::Model> = position::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let rows = people
        .into_iter()
        .map(|u| {
            let mut own: Vec<site::Model> = memberships
                .iter()
                .filter(|m| m.user_id == u.id)
                .filter_map(|m| sites.get(&m.site_id).cloned())
                .collect();
            own.sort_by(|a, b| a.code.cmp(&b.code));
            PersonRow {
                position: u.position_id.and_then(|id| positions.get(&id).cloned()),
                sites: own,
                user: u,
            }
        })
        .collect();
    Ok((rows, total))
}

/// A person and the ids of their sites.
pub async fn person<C: ConnectionTrait>(db: &C, id: i32) -> StoreResult<(user::Model, Vec<i32>)> {
    let person = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("person {id}")))?;
    let mut sites: Vec<i32> = user_site::Entity::find()
        .filter(user_site::Column::UserId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.site_id)
        .collect();
    sites.sort_unstable();
    Ok((person, sites))
}

pub async fn email_taken<C: ConnectionTrait>(db: &C, email: &str) -> StoreResult<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
        .is_some())
}

/// Create a person (see `users::add`: memberships, curriculum and the audit record, in
/// one transaction), as done by `actor`.
pub async fn create_person(
    db: &DatabaseConnection,
    actor: i32,
    new: NewUser,
) -> StoreResult<user::Model> {
    let email = new.email.trim().to_lowercase();
    let txn = crate::store::begin_write(db).await?;
    let row = users::add(&txn, new, Some(actor))
        .await
        .map_err(|e| match e {
            StoreError::Db(db) if unique_violation(&db) => {
                StoreError::Invalid(Message::new("refuse-email-taken").arg("email", &email))
            }
            other => other,
        })?;
    txn.commit().await?;
    Ok(row)
}

#[derive(Debug, Clone)]
pub struct PersonEdit {
    pub name: Name,
    pub role: Role,
    pub sites: Vec<i32>,
    /// Position key.
    pub position: Option<String>,
    pub gender: Option<Gender>,
    pub hire_date: Option<NaiveDate>,
    pub active: bool,
}

/// What the audit log keeps of a person.
async fn person_json<C: ConnectionTrait>(
    db: &C,
    person: &user::Model,
    site_ids: &[i32],
) -> StoreResult<Json> {
    let mut codes: Vec<String> = site::Entity::find()
        .filter(site::Column::Id.is_in(site_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.code)
        .collect();
    codes.sort();
    let position = match person.position_id {
        Some(id) => position::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.key),
        None => None,
    };
    Ok(json!({
        "email": person.email,
        "name": person.name,
        "role": person.role,
        "sites": codes,
        "position": position,
        "gender": person.gender,
        "hire_date": person.hire_date,
        "active": person.active,
    }))
}

/// Change a person's name, role, sites, position, gender, hire date and whether they
/// are active. An admin cannot demote or deactivate themself (so there is always an
/// admin left). A deactivated person is signed out everywhere; a person moved to a new
/// position is assigned its curriculum.
pub async fn update_person(
    db: &DatabaseConnection,
    actor: i32,
    id: i32,
    edit: PersonEdit,
) -> StoreResult<user::Model> {
    if edit.active {
        users::check_staff_site(edit.role, edit.sites.len())?;
    }
    if id == actor && (edit.role != Role::Admin || !edit.active) {
        return Err(StoreError::Invalid(Message::new(
            "refuse-cannot-demote-self",
        )));
    }
    let txn = crate::store::begin_write(db).await?;
    let (before, before_sites) = person(&txn, id).await?;
    let position_id = match &edit.position {
        None => None,
        Some(key) => Some(
            position::Entity::find()
                .filter(position::Column::Key.eq(key))
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(Message::new("refuse-no-position").arg("key", key))
                })?
                .id,
        ),
    };
    let mut sites = edit.sites.clone();
    sites.sort_unstable();
    sites.dedup();
    let known = site::Entity::find()
        .filter(site::Column::Id.is_in(sites.clone()))
        .count(&txn)
        .await?;
    if known != sites.len() as u64 {
        return Err(StoreError::Invalid(Message::new(
            "refuse-unknown-site-chosen",
        )));
    }
    let before_json = person_json(&txn, &before, &before_sites).await?;

    let mut row: user::ActiveModel = before.clone().into();
    row.name = Set(edit.name.into_string());
    row.role = Set(edit.role.as_str().to_string());
    row.position_id = Set(position_id);
    row.gender = Set(edit.gender.map(|g| g.as_str().to_string()));
    row.hire_date = Set(edit.hire_date);
    row.active = Set(edit.active);
    let after = row.update(&txn).await?;
    if sites != before_sites {
        user_site::Entity::delete_many()
            .filter(user_site::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        for site_id in &sites {
            user_site::ActiveModel {
                user_id: Set(id),
                site_id: Set(*site_id),
            }
            .insert(&txn)
            .await?;
        }
    }
    let after_json = person_json(&txn, &after, &sites).await?;
    if after_json != before_json {
        audit::record(
            &txn,
            Some(actor),
            "update",
            "user",
            id,
            Some(before_json),
            Some(after_json),
        )
        .await?;
    }
    // Their scheduled mail goes by their new role, sites and being active.
    super::schedule_plan::forget(&txn, &[id]).await?;
    if before.active && !after.active {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
    }
    if after.active
        && after.role == Role::Staff.as_str()
        && after.position_id.is_some()
        && after.position_id != before.position_id
    {
        let today = super::org::today_at(&txn, &sites).await?;
        super::training::assign_curriculum(&txn, &after, today, Some(actor)).await?;
    }
    txn.commit().await?;
    Ok(after)
}

// ── Positions ───────────────────────────────────────────────────────────────

/// Every position by key, with how many active people hold it.
pub async fn positions<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<(position::Model, usize)>> {
    let held: Vec<Option<i32>> = user::Entity::find()
        .select_only()
        .column(user::Column::PositionId)
        .filter(user::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let mut count: HashMap<i32, usize> = HashMap::new();
    for id in held.into_iter().flatten() {
        *count.entry(id).or_default() += 1;
    }
    Ok(position::Entity::find()
        .order_by_asc(position::Column::Key)
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            let n = count.get(&p.id).copied().unwrap_or(0);
            (p, n)
        })
        .collect())
}

/// A position's key by its id.
pub async fn position_key<C: ConnectionTrait>(
    db: &C,
    id: Option<i32>,
) -> StoreResult<Option<String>> {
    Ok(match id {
        Some(id) => position::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.key),
        None => None,
    })
}

// ── Checklists ──────────────────────────────────────────────────────────────

type VersionTuple = (i32, i32, String, String, String, DateTime<Utc>);

async fn summary<C: ConnectionTrait>(
    db: &C,
    parent: checklist::Model,
) -> StoreResult<ChecklistSummary> {
    let rows: Vec<VersionTuple> = checklist_version::Entity::find()
        .select_only()
        .columns([
            checklist_version::Column::Id,
            checklist_version::Column::Version,
            checklist_version::Column::ContentHash,
            checklist_version::Column::TitleZh,
            checklist_version::Column::TitleEn,
            checklist_version::Column::CreatedAt,
        ])
        .filter(checklist_version::Column::ChecklistId.eq(parent.id))
        .order_by_desc(checklist_version::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    let versions: Vec<VersionMeta> = rows
        .into_iter()
        .map(
            |(id, version, content_hash, zh, en, created_at)| VersionMeta {
                id,
                version,
                content_hash,
                title: Text::new(zh, en),
                created_at,
            },
        )
        .collect();
    let positions = match versions.first() {
        Some(v) => library::checklist_version(db, v.id)
            .await?
            .checklist
            .positions
            .clone(),
        None => Vec::new(),
    };
    Ok(ChecklistSummary {
        key: parent.key,
        active: parent.active,
        versions,
        positions,
    })
}

/// Every checklist in the library by key, with its versions.
pub async fn checklists<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<ChecklistSummary>> {
    let parents = checklist::Entity::find()
        .order_by_asc(checklist::Column::Key)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(parents.len());
    for parent in parents {
        out.push(summary(db, parent).await?);
    }
    Ok(out)
}

/// One checklist by key, with its versions.
pub async fn checklist<C: ConnectionTrait>(db: &C, key: &str) -> StoreResult<ChecklistSummary> {
    let parent = checklist::Entity::find()
        .filter(checklist::Column::Key.eq(key))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("checklist {key}")))?;
    summary(db, parent).await
}

/// The definition of one version of a checklist.
pub async fn checklist_at<C: ConnectionTrait>(
    db: &C,
    summary: &ChecklistSummary,
    number: i32,
) -> StoreResult<StoredChecklist> {
    let meta = summary.version(number).ok_or_else(|| {
        StoreError::Invalid(
            Message::new("refuse-no-version")
                .arg("checklist", &summary.key)
                .arg("number", number),
        )
    })?;
    library::checklist_version(db, meta.id).await
}
