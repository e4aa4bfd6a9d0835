//! Failed codes, counted per account in the database so that every session and
//! every server sees the same count. After a few in a row each attempt waits longer
//! ([`crate::backoff`]); at [`LOCKOUT_FAILURES`] the code step locks until support
//! clears it, and the customer is told by email. A success starts the count afresh.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::accounts::Account;
use crate::backoff::delay_after;
use crate::clock::{self, UnixTime};
use crate::db::entities::code_failure;
use crate::outbox::{Outbox, notices};

pub const LOCKOUT_FAILURES: i32 = 20;

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
