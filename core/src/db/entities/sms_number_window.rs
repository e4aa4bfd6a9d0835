//! The texts one number received in the current hour, for one purpose: whichever
//! accounts asked, it gets at most a few (SMS pumping), and sign-in codes to a
//! verified number have a budget apart from setup codes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_number_windows")]
pub struct Model {
    /// The number, in E.164.
    #[sea_orm(primary_key, auto_increment = false)]
    pub phone: String,
    /// `sign_in` or `setup`, as in `sms_codes`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub purpose: String,
    /// The hour the count belongs to started here.
    pub window_started_at: i64,
    pub sends_in_window: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
