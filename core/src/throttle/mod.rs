//! Guessing, slowed down. Every password or code check is an [`Attempt`] reserved
//! *before* the check runs: one atomic statement counts it as a failure and refuses
//! it when the wait is not over, so N parallel guesses on any number of servers get
//! at most the free allowance of answers. The check's [`Verdict`] settles it: a
//! right answer starts the count afresh; an attempt dropped unsettled stays counted.
//!
//! Failures are counted per [`Subject`]: a browser with a valid device cookie for the
//! account has a count of its own, and everyone else shares one. Someone guessing a
//! customer's password from elsewhere slows down only the elsewhere; the customer's
//! own browser signs in at once (OWASP, "Slow Brute Force Protection Using Device
//! Cookies").

mod failure_counts;
mod lock_notice;
#[cfg(test)]
mod scenarios;
mod subject;

pub use subject::{Scope, Subject};

use failure_counts::FailureCounts;
use lock_notice::LockNotice;
use sea_orm::ConnectionTrait;
use subject::AccountSubjects;

use crate::CoreError;
pub use crate::backoff::delay_after;
use crate::clock::UnixTime;
use crate::db::entities::failure_count;
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::store::Store;
use crate::vocabulary::Account;
pub use crate::vocabulary::Guess;

/// At this many wrong codes (or step-up passwords) in a row, a subject locks until
/// support clears it.
pub const LOCKOUT_FAILURES: i32 = 20;
/// Sign-in counts nobody added to for a day are forgotten.
const FORGET_SIGN_IN_AFTER_SECS: i64 = 24 * 60 * 60;

/// What a throttle counts, and whether it locks.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    scope: Scope,
    guess: Guess,
    lock_after: Option<i32>,
    /// What the account's security activity records for a wrong guess.
    wrong: SecurityEvent,
    /// Whether the answer must not show that the account exists (sign-in): then the
    /// event is written after the answer, so it costs the answer no time.
    answer_alike: bool,
}

impl Rule {
    /// Passwords at sign-in. Never locks: no one can shut a customer out.
    pub const SIGN_IN: Self = Self {
        scope: Scope::SignIn,
        guess: Guess::Password,
        lock_after: None,
        wrong: SecurityEvent::SignInFailed,
        answer_alike: true,
    };
    /// The current password typed to change it: sign-in's counts (its scope), so
    /// a stolen session guesses no faster than a sign-in could, and never a lock;
    /// a wrong one is recorded as what it is.
    pub const PASSWORD_CHANGE: Self = Self {
        scope: Scope::SignIn,
        guess: Guess::Password,
        lock_after: None,
        wrong: SecurityEvent::PasswordChangeFailed,
        answer_alike: false,
    };
    /// Second-factor codes, at sign-in and in setups.
    pub const CODE: Self = Self {
        scope: Scope::Code,
        guess: Guess::Code,
        lock_after: Some(LOCKOUT_FAILURES),
        wrong: SecurityEvent::WrongCode,
        answer_alike: false,
    };
    /// Passwords re-typed to confirm a security change.
    pub const STEP_UP: Self = Self {
        scope: Scope::StepUp,
        guess: Guess::Password,
        lock_after: Some(LOCKOUT_FAILURES),
        wrong: SecurityEvent::StepUpFailed,
        answer_alike: false,
    };
}

/// A count of failures in a row, as the support tool shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureCount {
    pub scope: Scope,
    pub subject: Subject,
    pub consecutive: i32,
    pub last_failed_at: UnixTime,
    /// Since when it is locked, until support clears it.
    pub locked_at: Option<UnixTime>,
}

impl FailureCount {
    /// A stored count, read strictly: a scope or subject this server does not know
    /// refuses, never reads as no count.
    fn read(row: failure_count::Model) -> Result<Self, CoreError> {
        match (Scope::from_stored(&row.scope), Subject::from_stored(&row.subject)) {
            (Some(scope), Some(subject)) => Ok(Self {
                scope,
                subject,
                consecutive: row.consecutive,
                last_failed_at: row.last_failed_at,
                locked_at: row.locked_at,
            }),
            _ => {
                tracing::error!(scope = %row.scope, "a stored failure count cannot be read");
                Err(CoreError::Worker(format!("a failure count of scope {:?} cannot be read", row.scope)))
            }
        }
    }
}

/// A throttle for one [`Rule`]; cheap to clone.
#[derive(Clone)]
pub struct Throttle {
    counts: FailureCounts,
    rule: Rule,
    /// Where the wrong guesses and the locks are recorded and told.
    store: Store,
}

impl Throttle {
    pub fn new(store: Store, rule: Rule) -> Self {
        Self { counts: FailureCounts::new(store.db().clone(), rule.scope), rule, store }
    }

    /// Reserves one attempt for `subject` by `requester`, or refuses with the wait
    /// (or the lock). A wrong guess at `account` goes into its security activity,
    /// and the customer is told by email if the subject locks.
    pub async fn reserve(
        &self,
        subject: &Subject,
        account: Option<&Account>,
        requester: &Requester,
    ) -> Result<Attempt, CoreError> {
        self.reserve_on(self.store.db(), subject, account, requester).await
    }

    /// Like [`reserve`](Self::reserve), on `connection`: in a transaction, the count
    /// is part of it, and its row stays locked until it ends, so other attempts on
    /// the same subject wait for this one's verdict.
    pub async fn reserve_on(
        &self,
        connection: &impl ConnectionTrait,
        subject: &Subject,
        account: Option<&Account>,
        requester: &Requester,
    ) -> Result<Attempt, CoreError> {
        let stored = subject.stored();
        let now = self.store.now();
        let Some(consecutive) = self.counts.reserve(connection, &stored, self.rule.lock_after, now).await? else {
            return Err(self.refusal(connection, &stored, now).await?);
        };
        let guesser = account.map(|account| (account.clone(), requester.clone()));
        Ok(Attempt { throttle: self.clone(), subject: subject.clone(), consecutive, guesser })
    }

    /// Support's unlock, on `connection`: forgets every count and lock of `account`
    /// under this rule, in every browser. Returns how many there were.
    pub(crate) async fn clear_account(
        &self,
        connection: &impl ConnectionTrait,
        account: &Account,
    ) -> Result<u64, CoreError> {
        self.counts.clear(connection, &AccountSubjects::of(account)).await
    }

    /// The counts of `account` under this rule, for the support tool.
    pub async fn counts_of(&self, account: &Account) -> Result<Vec<FailureCount>, CoreError> {
        let rows = self.counts.of(&AccountSubjects::of(account)).await?;
        rows.into_iter().map(FailureCount::read).collect()
    }

    /// Forgets counts nobody has added to for a day; returns how many. Only sign-in
    /// counts: a slow guesser of codes must still reach the lock.
    pub async fn purge_stale(&self) -> Result<u64, CoreError> {
        if self.rule.lock_after.is_some() {
            return Ok(0);
        }
        self.counts.forget_older_than(self.store.now() - FORGET_SIGN_IN_AFTER_SECS).await
    }

    async fn refusal(
        &self,
        connection: &impl ConnectionTrait,
        subject: &str,
        now: UnixTime,
    ) -> Result<CoreError, CoreError> {
        let count = self.counts.find(connection, subject).await?;
        let locked = count.as_ref().is_some_and(|count| {
            count.locked_at.is_some() || self.rule.lock_after.is_some_and(|limit| count.consecutive >= limit)
        });
        let scope = self.rule.scope.stored();
        if locked {
            crate::telemetry::throttle_refusal(scope, "locked");
            return Ok(CoreError::Locked(self.rule.guess));
        }
        crate::telemetry::throttle_refusal(scope, "wait");
        // A count reset between the refusal and this read: the next try is free.
        let wait = count.map_or(1, |count| count.last_failed_at + delay_after(count.consecutive) - now);
        Ok(CoreError::TooManyAttempts { guess: self.rule.guess, retry_after_secs: wait.max(1) })
    }
}

/// What a check of a password or code found.
#[derive(Debug)]
pub enum Verdict<T> {
    /// Right, with what it proved.
    Right(T),
    /// Wrong: answered with this error (or a wait, or the lock).
    Wrong(CoreError),
    /// Not a guess (a right code, already used): not counted, answered with this error.
    NotAGuess(CoreError),
}

impl<T> Verdict<T> {
    /// The same verdict, with what a right one proved turned by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Verdict<U> {
        match self {
            Self::Right(proved) => Verdict::Right(f(proved)),
            Self::Wrong(error) => Verdict::Wrong(error),
            Self::NotAGuess(error) => Verdict::NotAGuess(error),
        }
    }
}

/// An attempt counted in advance as a failure. [`settle`](Self::settle) it with the
/// check's verdict; dropped unsettled (an error on the way), it stays a failure.
#[must_use = "an attempt stays a failure until it is settled"]
pub struct Attempt {
    throttle: Throttle,
    subject: Subject,
    consecutive: i32,
    /// Whose account is guessed at, and by whom.
    guesser: Option<(Account, Requester)>,
}

impl Attempt {
    /// Counts the attempt as the verdict says: a right one starts the count afresh
    /// (a lock stays), a wrong one stays counted, and what was not a guess is taken
    /// back. Returns what was proved, or the error to answer with.
    pub async fn settle<T>(self, verdict: Verdict<T>) -> Result<T, CoreError> {
        match verdict {
            Verdict::Right(proved) => {
                let db = self.throttle.store.db().clone();
                self.succeed_on(&db).await?;
                Ok(proved)
            }
            Verdict::Wrong(failure) => Err(self.failed(failure).await?),
            Verdict::NotAGuess(error) => {
                self.throttle.counts.refund(&self.subject.stored()).await?;
                Err(error)
            }
        }
    }

    /// Settles a right attempt on `connection`, inside the transaction that acts on
    /// it: the count starts afresh (a lock stays) only if that transaction commits.
    pub async fn succeed_on(self, connection: &impl ConnectionTrait) -> Result<(), CoreError> {
        self.throttle.counts.reset(connection, &self.subject.stored()).await
    }

    /// The error for a wrong attempt: `failure` itself, a wait once the free tries
    /// are used up, or the lock (recorded and emailed once, by its [`LockNotice`]).
    async fn failed(self, failure: CoreError) -> Result<CoreError, CoreError> {
        let Throttle { counts, rule, store } = &self.throttle;
        let locks = rule.lock_after.is_some_and(|limit| self.consecutive >= limit);
        // The lock first: whatever fails after it, the subject stays locked.
        let newly_locked = locks && counts.lock(&self.subject.stored(), store.now()).await?;
        if let Some((account, requester)) = &self.guesser {
            self.record_wrong(account, requester).await?;
            if newly_locked {
                tracing::warn!(
                    account = account.id,
                    consecutive = self.consecutive,
                    scope = rule.scope.stored(),
                    "locked after repeated failures"
                );
                crate::telemetry::throttle_lock(rule.scope.stored());
                let notice =
                    LockNotice { guess: rule.guess, locked_for: self.subject.locked_for(), failures: self.consecutive };
                notice.send(store, account, requester).await?;
            }
        }
        if locks {
            return Ok(CoreError::Locked(rule.guess));
        }
        Ok(match delay_after(self.consecutive) {
            0 => failure,
            wait => CoreError::TooManyAttempts { guess: rule.guess, retry_after_secs: wait },
        })
    }

    /// Records the wrong guess in the account's activity: after the answer has
    /// gone when the answer must not show the account exists.
    async fn record_wrong(&self, account: &Account, requester: &Requester) -> Result<(), CoreError> {
        let Throttle { rule, store, .. } = &self.throttle;
        if !rule.answer_alike {
            return store.record(account.id, rule.wrong, requester).await;
        }
        let (store, account_id, requester, wrong) = (store.clone(), account.id, requester.clone(), rule.wrong);
        tokio::spawn(async move {
            if let Err(error) = store.record(account_id, wrong, &requester).await {
                tracing::warn!(account = account_id, %error, "cannot record a failed sign-in");
            }
        });
        Ok(())
    }
}
