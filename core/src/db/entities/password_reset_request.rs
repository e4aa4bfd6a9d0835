//! The reset links asked for one email address in the current hour, whether or not
//! an account has it: the address is kept only as a keyed digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_reset_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub email_digest: String,
    /// The hour the count belongs to started here.
    pub window_started_at: i64,
    pub requests_in_window: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
