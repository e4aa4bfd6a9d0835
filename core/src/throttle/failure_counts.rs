//! Consecutive failures in the database, per scope (what is tried) and subject (who
//! tries), so every session and every server sees one count. Each statement here is
//! atomic on its own: an attempt is counted by the same statement that decides
//! whether it may happen, so racing requests on many servers cannot slip past.

use sea_orm::Condition;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, IdenStatic as _, QueryFilter as _,
    QueryTrait as _, Set,
};

use super::Scope;
use super::subject::AccountSubjects;
use crate::CoreError;
use crate::backoff::{self, FREE_FAILURES, MAX_DELAY_SECS};
use crate::clock::UnixTime;
use crate::db::entities::failure_count::{self, Column, Entity, Model};

#[derive(Clone)]
pub struct FailureCounts {
    db: DatabaseConnection,
    scope: Scope,
}

impl FailureCounts {
    pub fn new(db: DatabaseConnection, scope: Scope) -> Self {
        Self { db, scope }
    }

    /// Counts an attempt by `subject` as a failure in advance, if one may be made
    /// now: not locked, fewer than `lock_after` in a row, and past the wait the last
    /// failures earned. Returns the count including this attempt, or `None` when
    /// refused. One upsert both checks and counts, on `connection` (in a
    /// transaction, the count's row stays locked until it ends).
    pub async fn reserve(
        &self,
        connection: &impl ConnectionTrait,
        subject: &str,
        lock_after: Option<i32>,
        now: UnixTime,
    ) -> Result<Option<i32>, CoreError> {
        let column = |column: Column| Expr::col((Entity, column));
        let mut may_try =
            column(Column::LockedAt).is_null().and(column(Column::LastFailedAt).add(earned_delay()).lte(now));
        if let Some(limit) = lock_after {
            may_try = may_try.and(column(Column::Consecutive).lt(limit));
        }
        let mut statement = Entity::insert(failure_count::ActiveModel {
            scope: Set(self.scope.stored().to_owned()),
            subject: Set(subject.to_owned()),
            consecutive: Set(1),
            last_failed_at: Set(now),
            locked_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([Column::Scope, Column::Subject])
                .value(Column::Consecutive, column(Column::Consecutive).add(1))
                .value(Column::LastFailedAt, now)
                .action_and_where(may_try)
                .to_owned(),
        )
        .into_query();
        statement.returning_col(Column::Consecutive);
        let counted = connection.query_one(&statement).await?;
        Ok(counted.map(|row| row.try_get::<i32>("", Column::Consecutive.as_str())).transpose()?)
    }

    /// The count of `subject`, if it has one.
    pub async fn find(&self, connection: &impl ConnectionTrait, subject: &str) -> Result<Option<Model>, CoreError> {
        Ok(Entity::find_by_id((self.scope.stored().to_owned(), subject.to_owned())).one(connection).await?)
    }

    /// Takes back an attempt counted in advance that turned out not to be a guess.
    pub async fn refund(&self, subject: &str) -> Result<(), CoreError> {
        Entity::update_many()
            .col_expr(Column::Consecutive, Expr::col(Column::Consecutive).sub(1))
            .filter(Column::Scope.eq(self.scope.stored()))
            .filter(Column::Subject.eq(subject))
            .filter(Column::Consecutive.gt(0))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Locks `subject`; true only for the one call that locked it.
    pub async fn lock(&self, subject: &str, now: UnixTime) -> Result<bool, CoreError> {
        let locked = Entity::update_many()
            .col_expr(Column::LockedAt, Expr::value(now))
            .filter(Column::Scope.eq(self.scope.stored()))
            .filter(Column::Subject.eq(subject))
            .filter(Column::LockedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(locked.rows_affected == 1)
    }

    /// Starts the count afresh after a success; a lock stays.
    pub async fn reset(&self, connection: &impl ConnectionTrait, subject: &str) -> Result<(), CoreError> {
        Entity::delete_many()
            .filter(Column::Scope.eq(self.scope.stored()))
            .filter(Column::Subject.eq(subject))
            .filter(Column::LockedAt.is_null())
            .exec(connection)
            .await?;
        Ok(())
    }

    /// The counts (and locks) of one account's subjects.
    pub async fn of(&self, subjects: &AccountSubjects) -> Result<Vec<Model>, CoreError> {
        Ok(Entity::find()
            .filter(Column::Scope.eq(self.scope.stored()))
            .filter(Self::among(subjects))
            .all(&self.db)
            .await?)
    }

    /// On `connection`: forgets the counts and locks of one account's subjects;
    /// returns how many there were.
    pub async fn clear(&self, connection: &impl ConnectionTrait, subjects: &AccountSubjects) -> Result<u64, CoreError> {
        let cleared = Entity::delete_many()
            .filter(Column::Scope.eq(self.scope.stored()))
            .filter(Self::among(subjects))
            .exec(connection)
            .await?;
        Ok(cleared.rows_affected)
    }

    fn among(subjects: &AccountSubjects) -> Condition {
        Condition::any()
            .add(Column::Subject.is_in(subjects.exact.iter().cloned()))
            .add(Column::Subject.starts_with(&subjects.device_prefix))
    }

    /// Forgets unlocked counts nobody added to since `before`; returns how many.
    pub async fn forget_older_than(&self, before: UnixTime) -> Result<u64, CoreError> {
        let result = Entity::delete_many()
            .filter(Column::Scope.eq(self.scope.stored()))
            .filter(Column::LockedAt.is_null())
            .filter(Column::LastFailedAt.lte(before))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

/// [`backoff::delay_after`] of the row's count, in SQL.
fn earned_delay() -> CaseStatement {
    let consecutive = || Expr::col((Entity, Column::Consecutive));
    let free = CaseStatement::new().case(consecutive().lt(FREE_FAILURES), 0);
    backoff::steps()
        .fold(free, |case, (count, delay)| case.case(consecutive().lte(count), delay))
        .finally(MAX_DELAY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backoff::delay_after;

    async fn counts() -> FailureCounts {
        FailureCounts::new(crate::db::for_tests().await, Scope::Code)
    }

    #[tokio::test]
    async fn the_free_tries_pass_then_each_waits_what_the_last_failure_earned() {
        let counts = counts().await;
        let mut now = 1_000_000;
        for expected in 1..=FREE_FAILURES {
            assert_eq!(counts.reserve(&counts.db, "ana", None, now).await.unwrap(), Some(expected));
        }
        assert_eq!(counts.reserve(&counts.db, "ana", None, now).await.unwrap(), None, "the sixth waits");
        assert_eq!(counts.reserve(&counts.db, "bo", None, now).await.unwrap(), Some(1), "others are not affected");
        now += delay_after(FREE_FAILURES) - 1;
        assert_eq!(counts.reserve(&counts.db, "ana", None, now).await.unwrap(), None, "a second early");
        now += 1;
        assert_eq!(counts.reserve(&counts.db, "ana", None, now).await.unwrap(), Some(FREE_FAILURES + 1));
        now += delay_after(FREE_FAILURES + 1);
        assert_eq!(counts.reserve(&counts.db, "ana", None, now).await.unwrap(), Some(FREE_FAILURES + 2));
    }

    #[tokio::test]
    async fn a_refund_a_reset_and_a_lock() {
        let counts = counts().await;
        let now = 1_000_000;
        for _ in 0..3 {
            counts.reserve(&counts.db, "ana", None, now).await.unwrap();
        }
        counts.refund("ana").await.unwrap();
        assert_eq!(counts.find(&counts.db, "ana").await.unwrap().unwrap().consecutive, 2);
        counts.reset(&counts.db, "ana").await.unwrap();
        assert!(counts.find(&counts.db, "ana").await.unwrap().is_none());

        counts.reserve(&counts.db, "ana", None, now).await.unwrap();
        assert!(counts.lock("ana", now).await.unwrap());
        assert!(!counts.lock("ana", now).await.unwrap(), "locked once");
        counts.reset(&counts.db, "ana").await.unwrap();
        assert_eq!(
            counts.reserve(&counts.db, "ana", None, now + 86_400).await.unwrap(),
            None,
            "a lock outlives waits and resets"
        );
    }

    #[tokio::test]
    async fn the_limit_refuses_before_anyone_locks() {
        let counts = counts().await;
        let mut now = 1_000_000;
        for expected in 1..=3 {
            assert_eq!(counts.reserve(&counts.db, "ana", Some(3), now).await.unwrap(), Some(expected));
            now += 3_600;
        }
        assert_eq!(counts.reserve(&counts.db, "ana", Some(3), now).await.unwrap(), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn of_many_racing_attempts_only_the_free_ones_are_reserved() {
        let counts = counts().await;
        let mut racing = tokio::task::JoinSet::new();
        for _ in 0..30 {
            let counts = counts.clone();
            racing.spawn(async move { counts.reserve(&counts.db, "ana", None, 1_000_000).await.unwrap() });
        }
        let reserved = racing.join_all().await.into_iter().flatten().count();
        assert_eq!(reserved, FREE_FAILURES as usize);
    }
}
