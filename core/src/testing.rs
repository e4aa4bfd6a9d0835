//! What the core's own tests share: a moment to stand the clock at, accounts
//! stored straight in the database, and durations that read as sentences.

use std::time::Duration;

use sea_orm::{ActiveModelTrait as _, DatabaseConnection, Set};

use crate::clock::UnixTime;
use crate::db::entities::user;
use crate::vocabulary::{Account, SecurityStamp};

/// Where test clocks stand: 2026-11-22 08:30 UTC.
pub(crate) const NOW: UnixTime = 1_795_336_200;

pub(crate) fn minutes(count: u64) -> Duration {
    Duration::from_secs(count * 60)
}

/// An account named Ana Lim with `email`, stored straight in the database.
pub(crate) async fn account(db: &DatabaseConnection, email: &str) -> Account {
    let model = user::ActiveModel {
        email: Set(email.into()),
        name: Set("Ana Lim".into()),
        password_hash: Set("unused".into()),
        created_at: Set(NOW),
        security_stamp: Set(SecurityStamp::generate().as_str().to_owned()),
        ..Default::default()
    };
    model.insert(db).await.unwrap().into()
}

/// An account with id `id`, not stored: for tests of what reads an account only.
pub(crate) fn account_at(id: i32, email: &str) -> Account {
    Account { id, name: "Ana Lim".into(), email: email.into(), security_stamp: SecurityStamp::generate() }
}
