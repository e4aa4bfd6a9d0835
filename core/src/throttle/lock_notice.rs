//! What a lock tells: when a subject's wrong guesses reach the limit, the
//! account's activity records the lock and its customer is emailed, once, saying
//! what was guessed and whose guesses it stops.

use crate::CoreError;
use crate::notices::{LockedFor, Notice};
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::store::Store;
use crate::vocabulary::{Account, Guess};

/// The lock of one subject, just made.
pub(super) struct LockNotice {
    pub guess: Guess,
    pub locked_for: LockedFor,
    /// Wrong guesses in a row, the one that locked included.
    pub failures: i32,
}

impl LockNotice {
    /// Records the lock of `account`, whose guesser is `requester`, and stores its email.
    pub(super) async fn send(self, store: &Store, account: &Account, requester: &Requester) -> Result<(), CoreError> {
        let Self { guess, locked_for, failures } = self;
        let mut change = store.begin(account, requester).await?;
        change.record(SecurityEvent::Locked(guess)).await?;
        change.notify(Notice::Locked { guess, locked_for, failures }).await?;
        change.commit().await?;
        Ok(())
    }
}
