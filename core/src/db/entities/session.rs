//! A signed-in browser. The cookie holds a random token; the table holds only its
//! SHA-256, so a copy of the database cannot be used to sign in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// Hex SHA-256 of the cookie's token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: i32,
    pub created_at: i64,
    /// Moved forward as the customer uses the portal; the idle expiry counts from it.
    pub last_seen_at: i64,
    /// The absolute expiry: no activity extends a session past it.
    pub expires_at: i64,
    /// Set while the password was right but the second factor is still to come:
    /// such a session signs nobody in, and lives five minutes.
    pub awaiting_code_since: Option<i64>,
    /// When the customer last re-typed their password in this session; security
    /// changes need it within the last ten minutes.
    pub password_confirmed_at: Option<i64>,
    /// The account's security stamp when the session started (or last made a
    /// change): when the account's has moved on since, the session is void.
    pub security_stamp: String,
    /// The browser signed in, summarised ("Firefox on Windows"); empty when unknown.
    pub browser: String,
    /// The client's address at sign-in, when known.
    pub ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
