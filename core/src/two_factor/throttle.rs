//! Failed codes (and re-typed passwords) of an account. After a few in a row each
//! attempt waits longer ([`crate::backoff`]); at [`LOCKOUT_FAILURES`] the code step
//! locks until support clears it, and the customer is told by email. A success
//! starts the count afresh.

use sea_orm::DatabaseConnection;

use crate::CoreError;
use crate::accounts::Account;
use crate::clock;
use crate::failure_counts::FailureCounts;
use crate::outbox::{Outbox, notices};

pub const LOCKOUT_FAILURES: i32 = 20;

#[derive(Clone)]
pub struct CodeThrottle {
    db: DatabaseConnection,
    counts: FailureCounts,
    outbox: Outbox,
    support: String,
}

impl CodeThrottle {
    pub fn new(db: DatabaseConnection, outbox: Outbox, support: String) -> Self {
        Self { counts: FailureCounts::new(db.clone(), "code"), db, outbox, support }
    }

    /// Whether the account may try a code (or its password) now.
    pub async fn check(&self, account_id: i32) -> Result<(), CoreError> {
        self.counts.check(&account_id.to_string()).await
    }

    /// Counts a failure, and returns the error to answer it with: a wrong code, a
    /// wait before the next try, or the lockout (emailing the customer once).
    pub async fn record_failure(&self, account: &Account, failure: CoreError) -> Result<CoreError, CoreError> {
        let now = clock::now();
        let subject = account.id.to_string();
        let consecutive = self.counts.record(&subject, now).await?;
        if consecutive < LOCKOUT_FAILURES {
            return Ok(FailureCounts::answer(consecutive, failure));
        }
        if self.counts.lock(&subject, now).await? {
            tracing::warn!(account = account.id, consecutive, "code step locked after repeated failures");
            Outbox::enqueue(&self.db, notices::code_step_locked(account, consecutive, now, &self.support)).await?;
            self.outbox.wake();
        }
        Ok(CoreError::CodeStepLocked)
    }

    /// Starts the count afresh after a success.
    pub async fn reset(&self, account_id: i32) -> Result<(), CoreError> {
        self.counts.reset(&account_id.to_string()).await
    }
}
