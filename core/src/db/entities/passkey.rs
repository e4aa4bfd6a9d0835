//! A passkey of an account: webauthn-rs' credential, sealed and bound to the
//! account and its id, with its signature counter in the clear for the check.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkeys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// The credential id, base64url: what the browser names the passkey by.
    #[sea_orm(unique)]
    pub credential_id: String,
    /// What the customer called it ("MacBook Touch ID").
    pub name: String,
    /// `webauthn_rs::prelude::Passkey` as JSON, sealed.
    pub sealed_passkey: String,
    /// The signature counter of the last use (0 until the first): it must go up,
    /// unless the authenticator keeps none (0 every time).
    pub sign_count: i64,
    /// Also signs in without a password (when it verified the user).
    pub passwordless: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// Set when it looked cloned; a suspended passkey is refused.
    pub suspended_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
