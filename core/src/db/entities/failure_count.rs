//! Consecutive failures of one kind for one subject: wrong codes of an account,
//! wrong passwords typed for an email. Counted in the database so that every
//! session and every server sees the same count.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "failure_counts")]
pub struct Model {
    /// What is tried: `sign_in` (passwords), `code` (second-factor codes) or
    /// `step_up` (passwords re-typed to confirm a change).
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// Who tries: `device:<account id>:<device id>` (one browser the account knows), `account:<id>` or
    /// `email:<hex SHA-256>` (every other browser).
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    pub consecutive: i32,
    pub last_failed_at: i64,
    /// Set when the subject locks at a threshold; only support clears it.
    pub locked_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
