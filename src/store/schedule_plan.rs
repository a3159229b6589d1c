//! Dropping people's scheduled-mail plan (`scheduled_due`) when what it was worked out
//! from changes, in the transaction of the change; the next minute tick of
//! `store::schedule` plans them again. Apart from `schedule`, so the stores that change
//! people, sites and preferences need not depend on the scheduler (and it on them).

use entity::{scheduled_due, user_site};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::StoreResult;

/// People per statement.
const CHUNK: usize = 500;

/// Drop the plan of these people (their role, sites, preferences or being active
/// changed; their site's zone): the next tick plans them again from what is stored
/// then. Called in the transaction of the change.
pub async fn forget<C: ConnectionTrait>(db: &C, people: &[i32]) -> StoreResult<()> {
    for chunk in people.chunks(CHUNK) {
        scheduled_due::Entity::delete_many()
            .filter(scheduled_due::Column::UserId.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Drop the plan of everyone who belongs to `site` (its time zone changed).
pub async fn forget_site<C: ConnectionTrait>(db: &C, site: i32) -> StoreResult<()> {
    scheduled_due::Entity::delete_many()
        .filter(
            scheduled_due::Column::UserId.in_subquery(
                Query::select()
                    .column(user_site::Column::UserId)
                    .from(user_site::Entity)
                    .and_where(user_site::Column::SiteId.eq(site))
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Drop the whole plan: the worker does when it starts, since the job definitions and
/// the default zone the plan was made with are those of the binary that made it.
pub async fn forget_everyone(db: &DatabaseConnection) -> StoreResult<()> {
    scheduled_due::Entity::delete_many().exec(db).await?;
    Ok(())
}
