//! A WebAuthn ceremony under way: the challenge and what webauthn-rs needs to
//! check the answer, sealed; one per owner and purpose, used once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_ceremonies")]
pub struct Model {
    /// Who started it: the SHA-256 a session (or a reset link) is stored under.
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner_digest: String,
    /// `register` or `sign_in`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub purpose: String,
    /// The account it is for; none for a passwordless sign-in, which learns the
    /// account from the passkey.
    pub user_id: Option<i32>,
    pub sealed_state: String,
    pub expires_at: i64,
}

/// `purpose` of a passkey being created.
pub const PURPOSE_REGISTER: &str = "register";

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
