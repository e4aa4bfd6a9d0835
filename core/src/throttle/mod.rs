//! Guessing, slowed down. Every password or code check is an [`Attempt`] reserved
//! *before* the check runs: one atomic statement counts it as a failure and refuses
//! it when the wait is not over, so N parallel guesses on any number of servers get
//! at most the free allowance of answers. The check's [`Verdict`] settles it: a
//! right answer starts the count afresh; an attempt dropped unsettled stays counted.
//!
//! Failures are counted per [`Bucket`]: a browser with a valid device cookie for the
//! account has a count of its own, and everyone else shares one. Someone guessing a
//! customer's password from elsewhere slows down only the elsewhere; the customer's
//! own browser signs in at once (OWASP, "Slow Brute Force Protection Using Device
//! Cookies").

mod failure_counts;

pub use crate::db::entities::failure_count::Model as FailureCount;
use failure_counts::FailureCounts;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::CoreError;
use crate::accounts::Account;
use crate::backoff::delay_after;
use crate::clock;
use crate::devices::{Client, DeviceId};
use crate::outbox::Outbox;
use crate::outbox::notices::{self, LockedFor};
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
pub use crate::vocabulary::Guess;

/// At this many wrong codes (or step-up passwords) in a row, a bucket locks until
/// support clears it.
pub const LOCKOUT_FAILURES: i32 = 20;
/// Sign-in counts nobody added to for a day are forgotten.
const FORGET_SIGN_IN_AFTER_SECS: i64 = 24 * 60 * 60;

/// What a throttle counts, and whether it locks.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    scope: &'static str,
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
        scope: "sign_in",
        guess: Guess::Password,
        lock_after: None,
        wrong: SecurityEvent::SignInFailed,
        answer_alike: true,
    };
    /// The current password typed to change it: sign-in's counts (the same scope),
    /// so a stolen session guesses no faster than a sign-in could, and never a
    /// lock; a wrong one is recorded as what it is.
    pub const PASSWORD_CHANGE: Self = Self {
        scope: "sign_in",
        guess: Guess::Password,
        lock_after: None,
        wrong: SecurityEvent::PasswordChangeFailed,
        answer_alike: false,
    };
    /// Second-factor codes, at sign-in and in setups.
    pub const CODE: Self = Self {
        scope: "code",
        guess: Guess::Code,
        lock_after: Some(LOCKOUT_FAILURES),
        wrong: SecurityEvent::WrongCode,
        answer_alike: false,
    };
    /// Passwords re-typed to confirm a security change.
    pub const STEP_UP: Self = Self {
        scope: "step_up",
        guess: Guess::Password,
        lock_after: Some(LOCKOUT_FAILURES),
        wrong: SecurityEvent::StepUpFailed,
        answer_alike: false,
    };
}

/// Whose failures count together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// One browser that signed in to the account since its last security change.
    Device { account_id: i32, device: DeviceId },
    /// Everyone trying an email at sign-in from a browser the account does not
    /// know (registered or not: the count says nothing about which emails exist).
    UntrustedEmail(String),
    /// Everyone trying for an account from a browser it does not know; and every
    /// setup code of the account, wherever it is typed (a throwaway account's
    /// browsers must not buy more guesses at a code sent to someone's number).
    UntrustedAccount(i32),
    /// Everyone giving an account's second factor to reset its password from a
    /// browser it does not know: apart from sign-in's, so that someone who reads
    /// the customer's email, without the password, cannot lock their sign-in.
    UntrustedReset(i32),
}

impl Bucket {
    /// The bucket of sign-in attempts for `email` (trimmed, lower-cased).
    pub fn sign_in(client: Client, email: &str) -> Self {
        match client {
            Client::Trusted { account_id, device } => Self::Device { account_id, device },
            Client::Untrusted => Self::UntrustedEmail(email.to_owned()),
        }
    }

    /// The bucket of attempts for a known account.
    pub fn account(client: Client, account_id: i32) -> Self {
        match client {
            Client::Trusted { account_id, device } => Self::Device { account_id, device },
            Client::Untrusted => Self::UntrustedAccount(account_id),
        }
    }

    /// The bucket of second-factor attempts to reset a known account's password.
    pub fn password_reset(client: Client, account_id: i32) -> Self {
        match client {
            Client::Trusted { account_id, device } => Self::Device { account_id, device },
            Client::Untrusted => Self::UntrustedReset(account_id),
        }
    }

    /// The key it is stored under; an email only as its hash.
    fn subject(&self) -> String {
        match self {
            // With the account, so support can clear an account's counts.
            Self::Device { account_id, device } => format!("device:{account_id}:{}", device.as_str()),
            Self::UntrustedEmail(email) => format!("email:{}", crate::digest::sha256_hex(email)),
            Self::UntrustedAccount(id) => format!("account:{id}"),
            Self::UntrustedReset(id) => format!("reset:{id}"),
        }
    }
}

/// A throttle for one [`Rule`]; cheap to clone.
#[derive(Clone)]
pub struct Throttle {
    counts: FailureCounts,
    rule: Rule,
    /// Where lockout emails go.
    outbox: Outbox,
    support: String,
}

impl Throttle {
    pub fn new(db: DatabaseConnection, rule: Rule, outbox: Outbox, support: String) -> Self {
        Self { counts: FailureCounts::new(db, rule.scope), rule, outbox, support }
    }

    /// Reserves one attempt for `bucket` by `requester`, or refuses with the wait
    /// (or the lock). A wrong guess at `account` goes into its security activity,
    /// and the customer is told by email if the bucket locks.
    pub async fn reserve(
        &self,
        bucket: &Bucket,
        account: Option<&Account>,
        requester: &Requester,
    ) -> Result<Attempt, CoreError> {
        self.reserve_on(self.counts.db(), bucket, account, requester).await
    }

    /// Like [`reserve`](Self::reserve), on `connection`: in a transaction, the count
    /// is part of it, and its row stays locked until it ends, so other attempts in
    /// the same bucket wait for this one's verdict.
    pub async fn reserve_on(
        &self,
        connection: &impl ConnectionTrait,
        bucket: &Bucket,
        account: Option<&Account>,
        requester: &Requester,
    ) -> Result<Attempt, CoreError> {
        let subject = bucket.subject();
        let now = clock::now();
        let Some(consecutive) = self.counts.reserve(connection, &subject, self.rule.lock_after, now).await? else {
            return Err(self.refusal(connection, &subject, now).await?);
        };
        let locked_for = match bucket {
            Bucket::Device { .. } => LockedFor::OneKnownBrowser,
            Bucket::UntrustedReset(_) => LockedFor::PasswordResets,
            Bucket::UntrustedEmail(_) | Bucket::UntrustedAccount(_) => LockedFor::UnknownBrowsers,
        };
        let guesser = account.map(|account| (account.clone(), requester.clone()));
        Ok(Attempt { throttle: self.clone(), subject, consecutive, locked_for, guesser })
    }

    /// Support's unlock, on `connection`: forgets every count and lock of `account`
    /// under this rule, in every browser. Returns how many there were.
    pub async fn clear_account(&self, connection: &impl ConnectionTrait, account: &Account) -> Result<u64, CoreError> {
        let (subjects, devices) = Self::subjects_of(account);
        self.counts.clear(connection, &subjects, &devices).await
    }

    /// The counts of `account` under this rule, for the support tool.
    pub async fn counts_of(&self, account: &Account) -> Result<Vec<FailureCount>, CoreError> {
        let (subjects, devices) = Self::subjects_of(account);
        self.counts.of(&subjects, &devices).await
    }

    /// Every subject that counts for `account`: those of the browsers it does not
    /// know, and the prefix of those of its known browsers.
    fn subjects_of(account: &Account) -> ([String; 3], String) {
        let untrusted = [
            Bucket::UntrustedAccount(account.id).subject(),
            Bucket::UntrustedEmail(account.email.clone()).subject(),
            Bucket::UntrustedReset(account.id).subject(),
        ];
        (untrusted, format!("device:{}:", account.id))
    }

    /// Forgets counts nobody has added to for a day; returns how many. Only sign-in
    /// counts: a slow guesser of codes must still reach the lock.
    pub async fn purge_stale(&self) -> Result<u64, CoreError> {
        if self.rule.lock_after.is_some() {
            return Ok(0);
        }
        self.counts.forget_older_than(clock::now() - FORGET_SIGN_IN_AFTER_SECS).await
    }

    async fn refusal(
        &self,
        connection: &impl ConnectionTrait,
        subject: &str,
        now: clock::UnixTime,
    ) -> Result<CoreError, CoreError> {
        let count = self.counts.find(connection, subject).await?;
        let locked = count.as_ref().is_some_and(|count| {
            count.locked_at.is_some() || self.rule.lock_after.is_some_and(|limit| count.consecutive >= limit)
        });
        if locked {
            crate::telemetry::throttle_refusal(self.rule.scope, "locked");
            return Ok(CoreError::Locked(self.rule.guess));
        }
        crate::telemetry::throttle_refusal(self.rule.scope, "wait");
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
    subject: String,
    consecutive: i32,
    /// Whose guesses a lock would stop, as its email says.
    locked_for: LockedFor,
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
                let db = self.throttle.counts.db().clone();
                self.succeed_on(&db).await?;
                Ok(proved)
            }
            Verdict::Wrong(failure) => Err(self.failed(failure).await?),
            Verdict::NotAGuess(error) => {
                self.throttle.counts.refund(&self.subject).await?;
                Err(error)
            }
        }
    }

    /// Settles a right attempt on `connection`, inside the transaction that acts on
    /// it: the count starts afresh (a lock stays) only if that transaction commits.
    pub async fn succeed_on(self, connection: &impl ConnectionTrait) -> Result<(), CoreError> {
        self.throttle.counts.reset(connection, &self.subject).await
    }

    /// The error for a wrong attempt: `failure` itself, a wait once the free tries
    /// are used up, or the lock (emailing the customer once).
    async fn failed(self, failure: CoreError) -> Result<CoreError, CoreError> {
        let Throttle { counts, rule, outbox, support } = &self.throttle;
        let now = clock::now();
        let locks = rule.lock_after.is_some_and(|limit| self.consecutive >= limit);
        // The lock first: whatever fails after it, the bucket stays locked.
        let newly_locked = locks && counts.lock(&self.subject, now).await?;
        if newly_locked {
            tracing::warn!(subject = %self.subject, consecutive = self.consecutive, scope = rule.scope, "locked after repeated failures");
        }
        if let Some((account, requester)) = &self.guesser {
            if rule.answer_alike {
                let (db, account_id, requester, wrong) =
                    (outbox.db().clone(), account.id, requester.clone(), rule.wrong);
                tokio::spawn(async move {
                    let recorded = SecurityEvents::record(&db, account_id, wrong, &Actor::Client, &requester);
                    if let Err(error) = recorded.await {
                        tracing::warn!(account = account_id, %error, "cannot record a failed sign-in");
                    }
                });
            } else {
                SecurityEvents::record(outbox.db(), account.id, rule.wrong, &Actor::Client, requester).await?;
            }
            if newly_locked {
                crate::telemetry::throttle_lock(rule.scope);
                let locked = SecurityEvent::Locked(rule.guess);
                SecurityEvents::record(outbox.db(), account.id, locked, &Actor::Client, requester).await?;
                let notice = notices::locked(account, rule.guess, self.locked_for, self.consecutive, now, support);
                Outbox::enqueue(outbox.db(), notice).await?;
                outbox.wake();
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
}
