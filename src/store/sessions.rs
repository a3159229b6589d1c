//! Sign-in sessions in the database, so any app instance can serve any request: a
//! session row is keyed by the SHA-256 of the cookie's random token. Also the record of
//! sign-in attempts that throttling counts, and the pruning of expired sessions (done at
//! every sign-in, so the table holds about as many rows as there are people signed in).

use chrono::{DateTime, Duration, Utc};
use entity::{login_attempt, session, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};

use super::StoreResult;
use super::org;
use crate::auth::{random_token, token_hash};
use crate::domain::access::Scope;

/// A session lasts a long shift without activity before it expires.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account from one address in the throttle window. Counted
/// per address so that someone guessing at an account locks out only themselves: its
/// owner, elsewhere, still signs in.
const MAX_FAILURES: u64 = 5;
/// Failed sign-ins allowed from one address, whatever the accounts, in the window.
const MAX_ADDRESS_FAILURES: u64 = 20;
const THROTTLE_MINUTES: i64 = 15;

/// A live session with its active person and their scope.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person: user::Model,
    pub scope: Scope,
    pub csrf: String,
}

/// The session a cookie's token names, if it has not expired and its person is active,
/// with the person's scope (`None` too for a role this build does not know). Its expiry
/// slides, at most once a minute so reads stay reads.
pub async fn resume(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<SignedIn>> {
    // The session, its person and their sites in one query (every request makes it): the
    // sites as one text of ids, "3,17,42". Joined as rows instead, a person at 200 sites
    // made 200 rows of every session and user column on each request.
    let site_ids = match db.get_database_backend() {
        DatabaseBackend::Postgres => "string_agg(CAST(\"site_id\" AS text), ',')",
        _ => "group_concat(\"site_id\", ',')",
    };
    let query = session::Entity::find_by_id(token_hash(token))
        .find_also_related(user::Entity)
        .expr_as(
            Expr::cust(format!(
                "(SELECT {site_ids} FROM \"user_site\" \
                 WHERE \"user_site\".\"user_id\" = \"session\".\"user_id\")"
            )),
            "site_ids",
        )
        .into_query();
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    let session = session::Model::from_query_result(&row, "A_")?;
    let Some(person) = user::Model::from_query_result_optional(&row, "B_")?
        .filter(|u| session.expires_at > now && u.active)
    else {
        return Ok(None);
    };
    let sites: Option<String> = row.try_get("", "site_ids")?;
    let Some(scope) = org::scope_with_sites(&person, sites.as_deref().unwrap_or(""))? else {
        return Ok(None);
    };
    if now - session.last_seen_at > Duration::minutes(1) {
        let mut active: session::ActiveModel = session.clone().into();
        active.last_seen_at = Set(now);
        active.expires_at = Set(now + Duration::hours(SESSION_HOURS));
        active.update(db).await?;
    }
    Ok(Some(SignedIn {
        person,
        scope,
        csrf: session.csrf,
    }))
}

/// The language the person of an unexpired session chose, if any.
pub async fn chosen_locale(db: &DatabaseConnection, token: &str) -> StoreResult<Option<String>> {
    Ok(session::Entity::find_by_id(token_hash(token))
        .find_also_related(user::Entity)
        .one(db)
        .await?
        .filter(|(s, _)| s.expires_at > Utc::now())
        .and_then(|(_, person)| person?.locale))
}

/// Whether sign-ins from `client` are held back: too many failures in the window for
/// this account from there, or for any accounts from there.
pub async fn throttled(
    db: &DatabaseConnection,
    client: &str,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let failures_here = || {
        login_attempt::Entity::find()
            .filter(login_attempt::Column::Client.eq(client))
            .filter(login_attempt::Column::Succeeded.eq(false))
            .filter(login_attempt::Column::At.gt(now - Duration::minutes(THROTTLE_MINUTES)))
    };
    let for_account = failures_here()
        .filter(login_attempt::Column::Email.eq(email))
        .count(db)
        .await?;
    let for_address = failures_here().count(db).await?;
    Ok(for_account >= MAX_FAILURES || for_address >= MAX_ADDRESS_FAILURES)
}

/// The active person with this (lower-case) email, who may sign in.
pub async fn active_person(
    db: &DatabaseConnection,
    email: &str,
) -> StoreResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .filter(|u| u.active))
}

/// Record a sign-in attempt, for throttling.
pub async fn record_attempt(
    db: &DatabaseConnection,
    email: &str,
    succeeded: bool,
    client: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    login_attempt::ActiveModel {
        email: Set(email.to_string()),
        succeeded: Set(succeeded),
        at: Set(now),
        client: Set(Some(client.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Open a session for a person who has just signed in, and return its token (for the
/// cookie: the database keeps only its hash). A new token at every sign-in, so a
/// session id planted before sign-in is worthless. Expired sessions are pruned here.
pub async fn open(db: &DatabaseConnection, person: i32, now: DateTime<Utc>) -> StoreResult<String> {
    prune_expired(db, now).await?;
    let token = random_token();
    session::ActiveModel {
        id: Set(token_hash(&token)),
        user_id: Set(person),
        csrf: Set(random_token()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// End the session a cookie's token names.
pub async fn close(db: &DatabaseConnection, token: &str) -> StoreResult<()> {
    session::Entity::delete_by_id(token_hash(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Delete the sessions that expired before `now`; returns how many.
pub async fn prune_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> StoreResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
