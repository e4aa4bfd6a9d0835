//! Password guessing at sign-in, slowed per typed email: after a few wrong passwords
//! in a row each attempt waits longer ([`crate::backoff`]). The count is kept for
//! the email as typed, whether or not an account has it, so the answers say nothing
//! about which emails are registered. Nothing locks: someone else's guesses can slow
//! a customer down, never shut them out.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};
use sha2::{Digest as _, Sha256};

use crate::CoreError;
use crate::backoff::delay_after;
use crate::clock;
use crate::db::entities::sign_in_failure;

/// Counts older than this are forgotten by the purge.
const FORGET_AFTER_SECS: i64 = 24 * 60 * 60;

#[derive(Clone)]
pub struct SignInThrottle {
    db: DatabaseConnection,
}

impl SignInThrottle {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Whether a password may be tried for `email` now.
    pub async fn check(&self, email: &str) -> Result<(), CoreError> {
        let Some(failures) = sign_in_failure::Entity::find_by_id(digest(email)).one(&self.db).await? else {
            return Ok(());
        };
        let wait = failures.last_failed_at + delay_after(failures.consecutive) - clock::now();
        if wait > 0 { Err(CoreError::TooManyAttempts { retry_after_secs: wait }) } else { Ok(()) }
    }

    /// Counts a wrong password; returns the error to answer with.
    pub async fn record_failure(&self, email: &str) -> Result<CoreError, CoreError> {
        let now = clock::now();
        let key = digest(email);
        // One atomic upsert, so failures on several servers all count.
        sign_in_failure::Entity::insert(sign_in_failure::ActiveModel {
            email_digest: Set(key.clone()),
            consecutive: Set(1),
            last_failed_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(sign_in_failure::Column::EmailDigest)
                .value(
                    sign_in_failure::Column::Consecutive,
                    sea_orm::sea_query::ExprTrait::add(
                        Expr::col((sign_in_failure::Entity, sign_in_failure::Column::Consecutive)),
                        1,
                    ),
                )
                .value(sign_in_failure::Column::LastFailedAt, now)
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        let consecutive = sign_in_failure::Entity::find_by_id(key).one(&self.db).await?.map_or(1, |f| f.consecutive);
        Ok(match delay_after(consecutive) {
            0 => CoreError::InvalidCredentials,
            wait => CoreError::TooManyAttempts { retry_after_secs: wait },
        })
    }

    /// Starts the count afresh after a right password.
    pub async fn reset(&self, email: &str) -> Result<(), CoreError> {
        sign_in_failure::Entity::delete_by_id(digest(email)).exec(&self.db).await?;
        Ok(())
    }

    /// Forgets counts nobody has added to for a day; returns how many.
    pub async fn purge_stale(&self) -> Result<u64, CoreError> {
        let result = sign_in_failure::Entity::delete_many()
            .filter(sign_in_failure::Column::LastFailedAt.lte(clock::now() - FORGET_AFTER_SECS))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

fn digest(email: &str) -> String {
    Sha256::digest(email.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}
