//! Consecutive wrong passwords at sign-in for one typed email, known or not.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_failures")]
pub struct Model {
    /// Hex SHA-256 of the normalised email: the table says nothing of who tried.
    #[sea_orm(primary_key, auto_increment = false)]
    pub email_digest: String,
    pub consecutive: i32,
    pub last_failed_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
