//! An account's two-factor reset that waits: removed at `due_at` unless the
//! customer cancels it first. The cancel link's token is stored only as its
//! SHA-256, so a copy of the database cancels nothing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waiting_resets")]
pub struct Model {
    /// One waiting reset an account.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// Hex SHA-256 of the cancel link's token.
    #[sea_orm(unique)]
    pub cancel_digest: String,
    pub requested_at: i64,
    pub due_at: i64,
    /// Who asked: `customer`, `support` or `operator` (read strictly: anything
    /// else refuses).
    pub requested_by: String,
    /// The support agent's or operator's name, when one asked.
    pub agent: Option<String>,
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
