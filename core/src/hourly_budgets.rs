//! Hourly budgets: how much one holder (a network, or the whole portal) spent of
//! one budget in the current hour. Spending is one upsert that counts and checks,
//! so servers racing to spend agree without a lock, and a refused spend counts
//! nothing.

use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::hourly_budget::{ActiveModel, Column, Entity};
use crate::hourly_window::HourlyWindow;

const HOUR: i64 = 60 * 60;

/// One holder's budget.
pub(crate) struct HourlyBudget<'a> {
    /// Which budget, as stored.
    pub name: &'static str,
    /// Whose: a keyed digest, or a fixed word for one the whole portal shares.
    pub holder: &'a str,
    /// How much may be spent in an hour.
    pub cap: u32,
}

impl HourlyBudget<'_> {
    /// Spends one, on `connection` (a change's transaction, or the database), or
    /// refuses with the seconds until the holder's hour is over.
    pub(crate) async fn spend(&self, connection: &impl ConnectionTrait, now: UnixTime) -> Result<Spent, CoreError> {
        let cap = i32::try_from(self.cap).unwrap_or(i32::MAX);
        let window = HourlyWindow::new(Entity, Column::WindowStartedAt, Column::SpentInWindow, cap, now);
        let counted = Entity::insert(ActiveModel {
            budget: Set(self.name.to_owned()),
            holder: Set(self.holder.to_owned()),
            window_started_at: Set(now),
            spent_in_window: Set(1),
        })
        .on_conflict(window.counting_on([Column::Budget, Column::Holder]))
        .exec_without_returning(connection)
        .await?;
        if counted == 1 {
            return Ok(Spent::Counted);
        }
        let row = Entity::find_by_id((self.name.to_owned(), self.holder.to_owned())).one(connection).await?;
        let ends = row.map_or(now + HOUR, |row| row.window_started_at + HOUR);
        Ok(Spent::Refused { retry_after_secs: (ends - now).max(1) })
    }
}

/// What spending one did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spent {
    Counted,
    /// The hour's budget is spent; nothing was counted.
    Refused {
        retry_after_secs: i64,
    },
}

/// Deletes the counts of hours that are over; returns how many.
pub(crate) async fn purge(connection: &impl ConnectionTrait, now: UnixTime) -> Result<u64, CoreError> {
    let purged = Entity::delete_many().filter(Column::WindowStartedAt.lte(now - HOUR)).exec(connection).await?;
    Ok(purged.rows_affected)
}
