//! What one network spent of one hourly budget: the client's network kept only as
//! a keyed digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "network_budgets")]
pub struct Model {
    /// Which budget: `registration`, `password_check` or `passwordless_start`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub budget: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub network_digest: String,
    /// The hour the count belongs to started here.
    pub window_started_at: i64,
    pub spent_in_window: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
