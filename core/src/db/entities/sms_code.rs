//! The one live SMS code of an account (a new code replaces the old), with the
//! counts that limit how often codes are sent to it.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::IntoCondition;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// `sign_in`, or `setup` (the number being set up, not yet the account's).
    pub purpose: String,
    /// Where the code went, in E.164.
    pub phone: String,
    /// HMAC of the code under the master key; `None` once used.
    pub code_hash: Option<String>,
    pub expires_at: i64,
    /// The last send, for the resend cooldown.
    pub sent_at: i64,
    /// The hour the send count belongs to started here.
    pub window_started_at: i64,
    pub sends_in_window: i32,
    /// For a setup code, the session that asked for it (its stored key): no other
    /// may use it.
    pub session_id: Option<String>,
}

/// `purpose` of a code to sign in with.
pub const PURPOSE_SIGN_IN: &str = "sign_in";
/// `purpose` of a code to a number being set up.
pub const PURPOSE_SETUP: &str = "setup";

/// Voids the codes of the rows `which` picks: each stops working and leaves its
/// session. The rows stay, so their cooldowns and hourly counts go on limiting
/// texts: deleting them would let a sign-out or a change start a fresh hour.
pub(crate) async fn void(connection: &impl ConnectionTrait, which: impl IntoCondition) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::CodeHash, Expr::value(None::<String>))
        .col_expr(Column::SessionId, Expr::value(None::<String>))
        .filter(which)
        .exec(connection)
        .await?;
    Ok(())
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
