//! The errors the core reports. Each says what a caller can act on; database and
//! worker failures are kept apart from what the customer did wrong.

use crate::password::{HashError, PasswordRejected};
use crate::phone::InvalidPhone;
use crate::secrets::SealError;
use crate::vocabulary::{Budget, Guess, InvalidInput};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The email and password do not match an account. Deliberately one variant for
    /// "no such email" and "wrong password", so callers cannot tell them apart.
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    #[error(transparent)]
    PasswordRejected(#[from] PasswordRejected),
    /// The password typed to confirm a change is wrong.
    #[error("wrong password")]
    WrongPassword,
    /// A security change without a recent password re-confirmation in this session.
    #[error("the password must be confirmed first")]
    PasswordConfirmationRequired,
    #[error("the code is wrong or expired")]
    InvalidCode,
    /// The session a step belongs to ended while the step ran.
    #[error("the session has ended")]
    SessionEnded,
    /// A password-reset link that is wrong, used, expired, or from before a
    /// security change of its account.
    #[error("the password-reset link is not valid")]
    ResetLinkInvalid,
    /// A passkey's answer that does not check out: tampered, for another site, to
    /// a challenge used or expired, from a credential the account does not have.
    #[error("the passkey was refused")]
    PasskeyRefused,
    /// The requester's network spent its hourly budget.
    #[error("the network spent its {budget:?} budget; retry in {retry_after_secs} s")]
    NetworkBudgetSpent { budget: Budget, retry_after_secs: i64 },
    /// The account has no passkey with that id.
    #[error("no such passkey")]
    PasskeyNotFound,
    /// Removing the account's last passkey would turn 2FA off: the customer must
    /// say so.
    #[error("removing the last passkey turns two-factor authentication off")]
    LastPasskey,
    /// A passkey's signature counter went backwards: two copies of it exist.
    #[error("the passkey's counter went backwards")]
    PasskeyCloned,
    /// A second text for one reset link.
    #[error("a code was already texted for this reset link")]
    ResetCodeAlreadySent,
    /// A new password through a reset link before the second factor was given.
    #[error("the second factor must be given first")]
    SecondFactorRequired,
    /// Not one of the account's unspent recovery codes.
    #[error("the recovery code is wrong or spent")]
    InvalidRecoveryCode,
    #[error("the code was already used")]
    CodeAlreadyUsed,
    #[error("too many wrong {guess:?} attempts; retry in {retry_after_secs} s")]
    TooManyAttempts { guess: Guess, retry_after_secs: i64 },
    /// Too many wrong codes (or step-up passwords) in a row: only support unlocks.
    #[error("locked after too many wrong {0:?} attempts")]
    Locked(Guess),
    /// Another SMS code would come too soon after the last, or past the hourly cap.
    #[error("an SMS code can be sent again in {retry_after_secs} s")]
    SmsResendTooSoon { retry_after_secs: i64 },
    #[error(transparent)]
    InvalidPhone(#[from] InvalidPhone),
    /// Texts do not go to this country (`SMS_COUNTRIES`).
    #[error("texts are not sent to +{country_code} numbers")]
    SmsCountryNotServed { country_code: u16 },
    /// The portal sent as many texts as it may this hour.
    #[error("the hourly ceiling of texts is reached; retry in {retry_after_secs} s")]
    SmsCeilingReached { retry_after_secs: i64 },
    /// No setup in progress, or it expired (10 minutes).
    #[error("no authenticator setup is in progress")]
    SetupExpired,
    #[error("two-factor authentication is already on")]
    TwoFactorAlreadyOn,
    #[error("two-factor authentication is off")]
    TwoFactorOff,
    /// The stored second factor cannot be read (a method this server does not know,
    /// a missing field, a secret that does not open): nothing is allowed until
    /// support looks at it.
    #[error("the stored second factor of account {account_id} cannot be read")]
    TwoFactorUnreadable { account_id: i32 },
    /// A stored waiting reset this server cannot read: it is neither shown as
    /// nobody's nor performed until support looks at it.
    #[error("the waiting reset of account {account_id} cannot be read")]
    WaitingResetUnreadable { account_id: i32 },
    /// A stored security event this server cannot read.
    #[error("security event {id} cannot be read")]
    EventUnreadable { id: i64 },
    #[error(transparent)]
    Sealing(#[from] SealError),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Hashing(#[from] HashError),
    /// Something the server stores that it cannot read back (a credential id, a
    /// sealed passkey that does not parse), or the system's random source failed.
    #[error("internal failure: {0}")]
    Worker(String),
}
