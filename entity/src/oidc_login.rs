//! A sign-in begun at the company's OpenID provider and not yet finished. The id is the
//! SHA-256 of the `state` sent to the provider, so a copy of the database cannot finish
//! anyone's sign-in; the row is deleted when the browser comes back, or when it expires.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_login")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier the token request proves the sign-in with.
    pub pkce_verifier: String,
    /// Where to go after signing in (a local path).
    pub next: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
