//! A customer account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-cased and trimmed, unique.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// Argon2id, PHC string format.
    pub password_hash: String,
    pub created_at: i64,
    /// Random, renewed by every change to the account's security (its second
    /// factor): sessions and device cookies made under another stamp are void.
    pub security_stamp: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
