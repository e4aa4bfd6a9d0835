//! How many reset links each email address asked for in the current hour: at most
//! [`REQUESTS_PER_HOUR`], whether or not an account has the address, so the limit
//! tells nobody which addresses are customers'. Counted and checked in one upsert.

use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::password_reset_request::{ActiveModel, Column, Entity};
use crate::hourly_window::HourlyWindow;
use crate::secrets::{MasterKey, keyed_digest};

/// Links one address may be sent in an hour.
pub const REQUESTS_PER_HOUR: i32 = 3;

/// Counts a request for `email`; `false` when its hour is full (nothing is
/// counted then).
pub(super) async fn count(
    db: &DatabaseConnection,
    key: &MasterKey,
    email: &str,
    now: UnixTime,
) -> Result<bool, CoreError> {
    let window = HourlyWindow::new(Entity, Column::WindowStartedAt, Column::RequestsInWindow, REQUESTS_PER_HOUR, now);
    let counted = Entity::insert(ActiveModel {
        email_digest: Set(keyed_digest(key, "password_reset:email", email)),
        window_started_at: Set(now),
        requests_in_window: Set(1),
    })
    .on_conflict(window.counting_on([Column::EmailDigest]))
    .exec_without_returning(db)
    .await?;
    Ok(counted == 1)
}

/// Deletes the counts of hours that are over; returns how many.
pub(super) async fn purge(db: &DatabaseConnection, now: UnixTime) -> Result<u64, CoreError> {
    let purged = Entity::delete_many().filter(Column::WindowStartedAt.lte(now - 60 * 60)).exec(db).await?;
    Ok(purged.rows_affected)
}
