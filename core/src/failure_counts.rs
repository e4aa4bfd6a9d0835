//! Consecutive failures, counted in the database per scope (what failed) and
//! subject (who), so every session and every server sees one count. The throttles
//! of sign-in ([`crate::sign_in_throttle`]) and of codes
//! ([`crate::two_factor::CodeThrottle`]) are policies over it.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::backoff::delay_after;
use crate::clock::{self, UnixTime};
use crate::db::entities::failure_count::{self, Column, Entity};

#[derive(Clone)]
pub struct FailureCounts {
    db: DatabaseConnection,
    scope: &'static str,
}

impl FailureCounts {
    pub fn new(db: DatabaseConnection, scope: &'static str) -> Self {
        Self { db, scope }
    }

    /// Whether `subject` may try now: not locked, and past the wait its failures earned.
    pub async fn check(&self, subject: &str) -> Result<(), CoreError> {
        let Some(count) = Entity::find_by_id((self.scope.to_owned(), subject.to_owned())).one(&self.db).await? else {
            return Ok(());
        };
        if count.locked_at.is_some() {
            return Err(CoreError::CodeStepLocked);
        }
        let wait = count.last_failed_at + delay_after(count.consecutive) - clock::now();
        if wait > 0 { Err(CoreError::TooManyAttempts { retry_after_secs: wait }) } else { Ok(()) }
    }

    /// Counts one more failure; returns how many there now are in a row.
    pub async fn record(&self, subject: &str, now: UnixTime) -> Result<i32, CoreError> {
        // One atomic upsert: failures on several servers at once all count.
        Entity::insert(failure_count::ActiveModel {
            scope: Set(self.scope.to_owned()),
            subject: Set(subject.to_owned()),
            consecutive: Set(1),
            last_failed_at: Set(now),
            locked_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([Column::Scope, Column::Subject])
                .value(Column::Consecutive, ExprTrait::add(Expr::col((Entity, Column::Consecutive)), 1))
                .value(Column::LastFailedAt, now)
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        let count = Entity::find_by_id((self.scope.to_owned(), subject.to_owned())).one(&self.db).await?;
        Ok(count.map_or(1, |count| count.consecutive))
    }

    /// The error for a failure that made `consecutive` in a row: `failure` itself,
    /// or a wait once the free tries are used up.
    pub fn answer(consecutive: i32, failure: CoreError) -> CoreError {
        match delay_after(consecutive) {
            0 => failure,
            wait => CoreError::TooManyAttempts { retry_after_secs: wait },
        }
    }

    /// Locks `subject`; true only for the one call that locked it.
    pub async fn lock(&self, subject: &str, now: UnixTime) -> Result<bool, CoreError> {
        let locked = Entity::update_many()
            .col_expr(Column::LockedAt, Expr::value(now))
            .filter(Column::Scope.eq(self.scope))
            .filter(Column::Subject.eq(subject))
            .filter(Column::LockedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(locked.rows_affected == 1)
    }

    /// Starts the count afresh after a success; a lock stays.
    pub async fn reset(&self, subject: &str) -> Result<(), CoreError> {
        Entity::delete_many()
            .filter(Column::Scope.eq(self.scope))
            .filter(Column::Subject.eq(subject))
            .filter(Column::LockedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets unlocked counts nobody added to since `before`; returns how many.
    pub async fn forget_older_than(&self, before: UnixTime) -> Result<u64, CoreError> {
        let result = Entity::delete_many()
            .filter(Column::Scope.eq(self.scope))
            .filter(Column::LockedAt.is_null())
            .filter(Column::LastFailedAt.lte(before))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}
