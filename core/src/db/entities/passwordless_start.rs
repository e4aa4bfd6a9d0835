//! The passwordless passkey sign-ins one network started in the current hour: the
//! client's address (an IPv6 one by its /64) kept only as a keyed digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passwordless_starts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub network_digest: String,
    /// The hour the count belongs to started here.
    pub window_started_at: i64,
    pub starts_in_window: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
