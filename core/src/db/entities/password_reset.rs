//! An account's live password-reset link. The email holds a random token; the
//! table holds only its SHA-256, so a copy of the database opens no link.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_resets")]
pub struct Model {
    /// One link an account: asking again replaces it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// Hex SHA-256 of the link's token.
    #[sea_orm(unique)]
    pub token_digest: String,
    pub requested_at: i64,
    pub expires_at: i64,
    /// The account's security stamp when the link was sent: a security change
    /// since (a password changed, sessions ended) voids the link.
    pub security_stamp: String,
    /// When the account's second factor (or a recovery code) was given for this
    /// link; a new password is refused without it while 2FA is on.
    pub second_factor_at: Option<i64>,
    /// When a code was texted for this link: one text a link, so that someone who
    /// reads the customer's email cannot use up the account's sign-in texts.
    pub texted_at: Option<i64>,
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
