//! An account as the services see it, and the two things every change to its
//! security relies on: its security stamp, and its row taken first.

use std::fmt;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _};

use crate::db::entities::user;

/// An account as the rest of the portal sees it: never with its password hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i32,
    pub name: String,
    pub email: String,
    /// The security stamp it was read with.
    pub(crate) security_stamp: SecurityStamp,
}

impl From<user::Model> for Account {
    fn from(model: user::Model) -> Self {
        Self {
            id: model.id,
            name: model.name,
            email: model.email,
            security_stamp: SecurityStamp::from_stored(model.security_stamp),
        }
    }
}

/// 128 random bits, renewed by every change to the account's security: what a
/// session, a device note or a reset link was issued under stops counting when
/// the account's stamp moves on.
#[derive(Clone, PartialEq, Eq)]
pub struct SecurityStamp(String);

impl SecurityStamp {
    pub(crate) fn generate() -> Self {
        use base64::Engine as _;
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The stamp as a column stores it.
    pub(crate) fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityStamp(<redacted>)")
    }
}

/// The first statement of every transaction that changes an account's security:
/// it takes the account's row, so changes to one account run one after another
/// (on PostgreSQL, a row lock: two racing sets of recovery codes cannot both
/// survive), and on SQLite the transaction holds the write lock from its start, so
/// no other writer can make what it reads stale. [`crate::store::SecurityChange`] is its
/// one caller.
pub(crate) async fn lock_for_change(connection: &impl ConnectionTrait, account_id: i32) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::SecurityStamp, Expr::col(user::Column::SecurityStamp))
        .filter(user::Column::Id.eq(account_id))
        .exec(connection)
        .await?;
    Ok(())
}
