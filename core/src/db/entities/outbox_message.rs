//! A message to deliver. Written in the same transaction as the change it reports,
//! delivered by the outbox worker, kept with its delivery time once sent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `email` or `sms`.
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    /// For `sms`: sealed under the master key while waiting, empty once sent.
    pub body_text: String,
    pub body_html: Option<String>,
    pub created_at: i64,
    pub attempts: i32,
    /// Not tried before this time: the retry backoff, or a worker's lease on it.
    pub next_attempt_at: i64,
    /// Dropped unsent if still waiting then (a text whose code has expired).
    pub deliver_by: Option<i64>,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    /// Set when delivery was given up after failing for a day: kept for an operator.
    pub failed_at: Option<i64>,
    /// Lower goes first: 0 for sign-in codes, 1 for the rest.
    pub priority: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
