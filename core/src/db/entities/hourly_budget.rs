//! What one holder spent of one hourly budget: a network (as a keyed digest) of
//! its registrations, say, or the whole portal of its text messages.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hourly_budgets")]
pub struct Model {
    /// Which budget: `registration`, `password_check`, `texts`, …
    #[sea_orm(primary_key, auto_increment = false)]
    pub budget: String,
    /// Whose: a network's keyed digest, or `all`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub holder: String,
    /// The hour the count belongs to started here.
    pub window_started_at: i64,
    pub spent_in_window: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
