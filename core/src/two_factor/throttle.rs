//! Failed codes, counted per account in the database so that every session and
//! every server sees the same count. After [`FREE_FAILURES`] in a row each attempt
//! waits longer; at [`LOCKOUT_FAILURES`] the code step locks until support clears
//! it, and the customer is told by email. A success starts the count afresh.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::accounts::Account;
use crate::clock::{self, UnixTime};
use crate::db::entities::code_failure;
use crate::outbox::{Outbox, notices};

pub const FREE_FAILURES: i32 = 5;
pub const LOCKOUT_FAILURES: i32 = 20;
const FIRST_DELAY_SECS: i64 = 10;
const MAX_DELAY_SECS: i64 = 15 * 60;

/// How long after the last failure the next attempt may come, having failed
/// `consecutive` times in a row: nothing for the first few, then doubling.
pub fn delay_after(consecutive: i32) -> i64 {
    if consecutive < FREE_FAILURES {
        return 0;
    }
    let doublings = u32::try_from(consecutive - FREE_FAILURES).unwrap_or(u32::MAX).min(20);
    (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS)
}

#[derive(Clone)]
pub struct CodeThrottle {
    db: DatabaseConnection,
    outbox: Outbox,
    support: String,
}

impl CodeThrottle {
    pub fn new(db: DatabaseConnection, outbox: Outbox, support: String) -> Self {
        Self { db, outbox, support }
    }

    /// Whether the account may try a code (or its password) now.
    pub async fn check(&self, account_id: i32) -> Result<(), CoreError> {
        let Some(failures) = code_failure::Entity::find_by_id(account_id).one(&self.db).await? else {
            return Ok(());
        };
        if failures.locked_at.is_some() {
            return Err(CoreError::CodeStepLocked);
        }
        let wait = failures.last_failed_at + delay_after(failures.consecutive) - clock::now();
        if wait > 0 { Err(CoreError::TooManyAttempts { retry_after_secs: wait }) } else { Ok(()) }
    }

    /// Counts a failure, and returns the error to answer it with: a wrong code, a
    /// wait before the next try, or the lockout (emailing the customer once).
    pub async fn record_failure(&self, account: &Account, failure: CoreError) -> Result<CoreError, CoreError> {
        let now = clock::now();
        // One atomic upsert: two servers counting at once both count.
        code_failure::Entity::insert(code_failure::ActiveModel {
            user_id: Set(account.id),
            consecutive: Set(1),
            last_failed_at: Set(now),
            locked_at: Set(None),
        })
        .on_conflict(
            OnConflict::column(code_failure::Column::UserId)
                .value(
                    code_failure::Column::Consecutive,
                    sea_orm::sea_query::ExprTrait::add(
                        Expr::col((code_failure::Entity, code_failure::Column::Consecutive)),
                        1,
                    ),
                )
                .value(code_failure::Column::LastFailedAt, now)
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        let consecutive =
            code_failure::Entity::find_by_id(account.id).one(&self.db).await?.map_or(1, |f| f.consecutive);
        if consecutive >= LOCKOUT_FAILURES {
            self.lock(account, consecutive, now).await?;
            return Ok(CoreError::CodeStepLocked);
        }
        match delay_after(consecutive) {
            0 => Ok(failure),
            wait => Ok(CoreError::TooManyAttempts { retry_after_secs: wait }),
        }
    }

    /// Starts the count afresh after a success.
    pub async fn reset(&self, account_id: i32) -> Result<(), CoreError> {
        code_failure::Entity::delete_many()
            .filter(code_failure::Column::UserId.eq(account_id))
            .filter(code_failure::Column::LockedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Locks the code step; only the call that locks it sends the email.
    async fn lock(&self, account: &Account, consecutive: i32, now: UnixTime) -> Result<(), CoreError> {
        let locked = code_failure::Entity::update_many()
            .col_expr(code_failure::Column::LockedAt, Expr::value(now))
            .filter(code_failure::Column::UserId.eq(account.id))
            .filter(code_failure::Column::LockedAt.is_null())
            .exec(&self.db)
            .await?;
        if locked.rows_affected == 1 {
            tracing::warn!(account = account.id, consecutive, "code step locked after repeated failures");
            Outbox::enqueue(&self.db, notices::code_step_locked(account, consecutive, now, &self.support)).await?;
            self.outbox.wake();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_five_failures_and_double_up_to_fifteen_minutes() {
        assert_eq!((0..5).map(delay_after).collect::<Vec<_>>(), [0; 5]);
        assert_eq!(delay_after(5), 10);
        assert_eq!(delay_after(6), 20);
        assert_eq!(delay_after(7), 40);
        assert_eq!(delay_after(12), 900);
        assert_eq!(delay_after(19), 900);
        assert_eq!(delay_after(i32::MAX), 900);
    }
}
