//! One entry of an account's security activity. Rows are only ever inserted (and
//! purged when old): a trigger refuses updates.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i32,
    pub occurred_at: i64,
    /// What happened, as [`crate::security_events::SecurityEvent`] stores it.
    pub kind: String,
    /// The method, the kind of guess or a count, depending on `kind`.
    pub detail: Option<String>,
    /// `client` (whoever used the browser) or `support`.
    pub actor: String,
    /// Why support acted.
    pub reason: Option<String>,
    pub ip: Option<String>,
    /// Like "Chrome on Linux".
    pub browser: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
