//! A WebAuthn ceremony under way: the challenge and what webauthn-rs needs to
//! check the answer, sealed; one per session and purpose, used once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_ceremonies")]
pub struct Model {
    /// The SHA-256 the session is stored under: the browser that started it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_digest: String,
    /// `register` or `sign_in`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub purpose: String,
    pub user_id: i32,
    pub sealed_state: String,
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
