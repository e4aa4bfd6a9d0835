//! The second factor an account has turned on. No row: two-factor authentication is off.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "two_factor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// `totp` (authenticator app) or `sms`.
    pub method: String,
    /// The TOTP secret (`totp` only), sealed under the master key (`secrets::SealedSecret`).
    pub sealed_secret: Option<String>,
    /// The last TOTP time step accepted: a code at or before it is a replay.
    pub last_used_step: Option<i64>,
    /// Where SMS codes go, in E.164 (`sms` only).
    pub phone: Option<String>,
    pub enabled_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
