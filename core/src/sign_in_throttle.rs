//! Password guessing at sign-in, slowed per typed email: after a few wrong passwords
//! in a row each attempt waits longer ([`crate::backoff`]). The count is kept for
//! the email as typed, whether or not an account has it, so the answers say nothing
//! about which emails are registered. Nothing locks: someone else's guesses can slow
//! a customer down, never shut them out.

use sea_orm::DatabaseConnection;

use crate::CoreError;
use crate::clock;
use crate::failure_counts::FailureCounts;

/// Counts older than this are forgotten by the purge.
const FORGET_AFTER_SECS: i64 = 24 * 60 * 60;

#[derive(Clone)]
pub struct SignInThrottle {
    counts: FailureCounts,
}

impl SignInThrottle {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { counts: FailureCounts::new(db, "sign_in") }
    }

    /// Whether a password may be tried for `email` now.
    pub async fn check(&self, email: &str) -> Result<(), CoreError> {
        self.counts.check(&digest(email)).await
    }

    /// Counts a wrong password; returns the error to answer with.
    pub async fn record_failure(&self, email: &str) -> Result<CoreError, CoreError> {
        let consecutive = self.counts.record(&digest(email), clock::now()).await?;
        Ok(FailureCounts::answer(consecutive, CoreError::InvalidCredentials))
    }

    /// Starts the count afresh after a right password.
    pub async fn reset(&self, email: &str) -> Result<(), CoreError> {
        self.counts.reset(&digest(email)).await
    }

    /// Forgets counts nobody has added to for a day; returns how many.
    pub async fn purge_stale(&self) -> Result<u64, CoreError> {
        self.counts.forget_older_than(clock::now() - FORGET_AFTER_SECS).await
    }
}

/// The table keeps no email in clear: it says nothing of who tried.
fn digest(email: &str) -> String {
    crate::digest::sha256_hex(email)
}
