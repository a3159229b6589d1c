//! Sites, people and positions as the web pages need them: what a person may see, who
//! works where.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use entity::{position, site, user, user_site};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};

use super::StoreResult;
use crate::domain::access::{Role, Scope};
use crate::domain::clock;
use crate::domain::text::Text;

/// A site that is open for inspections (active), by id.
pub async fn active_site<C: ConnectionTrait>(db: &C, id: i32) -> StoreResult<Option<site::Model>> {
    Ok(site::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|s| s.active))
}

/// Active sites the person may see, by name.
pub async fn visible_sites<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> StoreResult<Vec<site::Model>> {
    let mut query = site::Entity::find().filter(site::Column::Active.eq(true));
    if let Some(ids) = scope.site_filter() {
        query = query.filter(site::Column::Id.is_in(ids.to_vec()));
    }
    Ok(query.order_by_asc(site::Column::Name).all(db).await?)
}

/// Active staff who belong to a site, with their positions, by name.
pub async fn staff_at<C: ConnectionTrait>(
    db: &C,
    site_id: i32,
) -> StoreResult<Vec<(user::Model, Option<position::Model>)>> {
    staff_at_sites(db, &[site_id]).await
}

/// Active staff at any of the sites, each once, by name: one query however many sites
/// (the memberships are a subquery, not thousands of bound ids).
pub async fn staff_at_sites<C: ConnectionTrait>(
    db: &C,
    site_ids: &[i32],
) -> StoreResult<Vec<(user::Model, Option<position::Model>)>> {
    let people = user::Entity::find()
        .filter(user::Column::Id.in_subquery(roster(site_ids, None)))
        .order_by_asc(user::Column::Name)
        .find_also_related(position::Entity)
        .all(db)
        .await?;
    Ok(people)
}

/// Who belongs to which of the sites, as (person, site) pairs.
pub async fn memberships_at<C: ConnectionTrait>(
    db: &C,
    site_ids: &[i32],
) -> StoreResult<Vec<(i32, i32)>> {
    Ok(user_site::Entity::find()
        .select_only()
        .columns([user_site::Column::UserId, user_site::Column::SiteId])
        .filter(user_site::Column::SiteId.is_in(site_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?)
}

/// The ids of active staff at any of the sites, in any of `positions` if given: a
/// subquery, for the database to compare with other sets of people.
pub fn roster(site_ids: &[i32], positions: Option<&[i32]>) -> sea_orm::sea_query::SelectStatement {
    let members = Query::select()
        .column(user_site::Column::UserId)
        .from(user_site::Entity)
        .and_where(user_site::Column::SiteId.is_in(site_ids.iter().copied()))
        .to_owned();
    let mut query = Query::select();
    query
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Id.in_subquery(members))
        .and_where(user::Column::Role.eq("staff"))
        .and_where(user::Column::Active.eq(true));
    if let Some(ids) = positions {
        query.and_where(user::Column::PositionId.is_in(ids.iter().copied()));
    }
    query
}

/// An active staff member who belongs to an active site, with the site and their
/// position, in one query; `None` for anyone else or a closed site. The membership is
/// joined on its key (person, site): going through [`roster`] would read every
/// membership of the site on each spot-check.
pub async fn staff_member_at<C: ConnectionTrait>(
    db: &C,
    site_id: i32,
    user_id: i32,
) -> StoreResult<Option<(site::Model, user::Model, Option<position::Model>)>> {
    let membership_site = user_site::Entity::belongs_to(site::Entity)
        .from(user_site::Column::SiteId)
        .to(site::Column::Id)
        .into();
    let found = user::Entity::find_by_id(user_id)
        .inner_join(user_site::Entity)
        .join(JoinType::InnerJoin, membership_site)
        .filter(user_site::Column::SiteId.eq(site_id))
        .filter(site::Column::Active.eq(true))
        .filter(user::Column::Role.eq("staff"))
        .filter(user::Column::Active.eq(true))
        .select_also(site::Entity)
        .find_also_related(position::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(person, site, position)| Some((site?, person, position))))
}

/// A person's name if the viewer may know of them: anyone's for admins and the quality
/// department; for others, someone who belongs to one of their sites or was
/// spot-checked at one (whose name their lists show anyway). `None` answers an unknown
/// id and a person out of view alike, so a filter on an id learns nothing more.
pub async fn name_in_view<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    person: i32,
) -> StoreResult<Option<String>> {
    let mut query = user::Entity::find_by_id(person);
    if let Some(sites) = scope.site_filter() {
        let members = Query::select()
            .column(user_site::Column::UserId)
            .from(user_site::Entity)
            .and_where(user_site::Column::SiteId.is_in(sites.iter().copied()))
            .to_owned();
        let checked = Query::select()
            .column(entity::inspection::Column::SubjectId)
            .from(entity::inspection::Entity)
            .and_where(entity::inspection::Column::SiteId.is_in(sites.iter().copied()))
            .and_where(entity::inspection::Column::SubjectId.eq(person))
            .to_owned();
        query = query.filter(
            sea_orm::Condition::any()
                .add(user::Column::Id.in_subquery(members))
                .add(user::Column::Id.in_subquery(checked)),
        );
    }
    Ok(query.one(db).await?.map(|u| u.name))
}

/// What a person may see and do: their role and the sites they belong to. `None` for a
/// role this build does not know (such a person cannot sign in or use a token).
pub async fn scope_of<C: ConnectionTrait>(
    db: &C,
    person: &user::Model,
) -> StoreResult<Option<Scope>> {
    if Role::parse(&person.role).is_none() {
        return Ok(None);
    }
    let sites: Vec<i32> = user_site::Entity::find()
        .select_only()
        .column(user_site::Column::SiteId)
        .filter(user_site::Column::UserId.eq(person.id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(scope(person, sites))
}

/// [`scope_of`] with the person's sites already read, as a text of ids ("3,17,42"; empty
/// for none), as the session query reads them.
pub fn scope_with_sites(person: &user::Model, site_ids: &str) -> StoreResult<Option<Scope>> {
    let sites = site_ids
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| {
            id.trim().parse::<i32>().map_err(|e| {
                sea_orm::DbErr::Custom(format!("a site id {id:?} of person {}: {e}", person.id))
            })
        })
        .collect::<Result<Vec<i32>, _>>()?;
    Ok(scope(person, sites))
}

fn scope(person: &user::Model, sites: Vec<i32>) -> Option<Scope> {
    Some(Scope {
        user_id: person.id,
        role: Role::parse(&person.role)?,
        sites,
    })
}

/// A position's name as a text: the table keeps Traditional Chinese and English (as the
/// library's positions file gives them); Simplified is made from the Traditional, so a
/// zh-Hans reader does not fall back to Traditional.
pub fn position_name(row: &position::Model) -> Text {
    Text::new(&row.name_zh, &row.name_en)
}

/// Every position, by key.
pub async fn positions<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<position::Model>> {
    Ok(position::Entity::find()
        .order_by_asc(position::Column::Key)
        .all(db)
        .await?)
}

/// The position with this key, if there is one.
pub async fn position_by_key<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> StoreResult<Option<position::Model>> {
    Ok(position::Entity::find()
        .filter(position::Column::Key.eq(key))
        .one(db)
        .await?)
}

pub async fn position_of<C: ConnectionTrait>(
    db: &C,
    person: &user::Model,
) -> StoreResult<Option<position::Model>> {
    Ok(match person.position_id {
        Some(id) => position::Entity::find_by_id(id).one(db).await?,
        None => None,
    })
}

/// Names of the given people, for lists.
/// People's names by id. The ids may repeat (one per sample, say) and be many: each is
/// asked for once, 500 at a time (SQLite binds at most 32,766 values in a statement,
/// and the all-sites report over a year names 60,000 samples' people).
pub async fn names<C: ConnectionTrait>(db: &C, ids: Vec<i32>) -> StoreResult<HashMap<i32, String>> {
    let ids: Vec<i32> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Name])
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

pub async fn site_names<C: ConnectionTrait>(db: &C) -> StoreResult<HashMap<i32, String>> {
    Ok(site::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// The stored time zone of each of these sites (empty where none was recorded).
pub async fn time_zones<C: ConnectionTrait>(
    db: &C,
    site_ids: &[i32],
) -> StoreResult<HashMap<i32, String>> {
    Ok(site::Entity::find()
        .select_only()
        .column(site::Column::Id)
        .column(site::Column::TimeZone)
        .filter(site::Column::Id.is_in(site_ids.iter().copied()))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Give every site with no zone recorded (those from before sites had zones) the
/// configured default, so it stays put if the default changes later. How many changed.
pub async fn record_default_time_zone<C: ConnectionTrait>(
    db: &C,
    zone: clock::Tz,
) -> StoreResult<u64> {
    Ok(site::Entity::update_many()
        .col_expr(site::Column::TimeZone, zone.name().into())
        .filter(site::Column::TimeZone.eq(""))
        .exec(db)
        .await?
        .rows_affected)
}

/// The zone of the first of these sites. The store cannot see the configured default,
/// so a site with no zone recorded (or no site) counts as the built-in default
/// (Asia/Shanghai); sites made since zones exist always record one.
pub async fn zone_at<C: ConnectionTrait>(db: &C, site_ids: &[i32]) -> StoreResult<clock::Tz> {
    let stored = match site_ids.iter().min() {
        Some(&first) => time_zones(db, &[first]).await?.remove(&first),
        None => None,
    };
    Ok(clock::zone_or(
        stored.as_deref().unwrap_or(""),
        clock::DEFAULT_TIME_ZONE,
    ))
}

/// Today at the first of these sites (see [`zone_at`]).
pub async fn today_at<C: ConnectionTrait>(db: &C, site_ids: &[i32]) -> StoreResult<NaiveDate> {
    let zone = zone_at(db, site_ids).await?;
    Ok(clock::local_date(zone, chrono::Utc::now()))
}

/// Everyone who belongs to one of the scope's sites (everyone, for a scope over all
/// sites), by name: the people the inspection list filters by.
pub async fn people_in_view<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> StoreResult<Vec<user::Model>> {
    let mut query = user::Entity::find().order_by_asc(user::Column::Name);
    if let Some(sites) = scope.site_filter() {
        let members: Vec<i32> = user_site::Entity::find()
            .filter(user_site::Column::SiteId.is_in(sites.to_vec()))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect();
        query = query.filter(user::Column::Id.is_in(members));
    }
    Ok(query.all(db).await?)
}

/// Active staff at any of the sites whose name contains `text`, by name, at most
/// `limit`: the suggestions of the dashboard's staff filter.
pub async fn staff_matching<C: ConnectionTrait>(
    db: &C,
    site_ids: &[i32],
    text: &str,
    limit: u64,
) -> StoreResult<Vec<(i32, String)>> {
    let mut query = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .filter(user::Column::Id.in_subquery(roster(site_ids, None)));
    if !text.trim().is_empty() {
        query = query.filter(user::Column::Name.contains(text.trim()));
    }
    Ok(query
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?)
}
