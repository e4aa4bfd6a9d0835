//! Customer accounts: registering one, checking an email and password against it,
//! and changing the password ([`change_password`]).

mod change_password;

pub use change_password::PasswordChanged;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    Set,
};

use crate::CoreError;
use crate::clock;
use crate::db::entities::user;
use crate::devices::{Client, Devices};
use crate::outbox::Outbox;
use crate::password::{Password, PasswordHash, PasswordHasher, check_new_password};
use crate::requester::Requester;
use crate::throttle::{Bucket, Throttle, Verdict};

const MAX_NAME_CHARS: usize = 100;
/// RFC 5321 caps a forward path at 256 octets including the angle brackets.
const MAX_EMAIL_CHARS: usize = 254;

/// Input a customer can correct, with the words to tell them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    #[error("Enter your name.")]
    MissingName,
    #[error("Use at most {MAX_NAME_CHARS} characters for your name.")]
    NameTooLong,
    #[error("Enter a valid email address, like name@example.com.")]
    InvalidEmail,
    #[error("Give the passkey a name of 1 to 60 characters, like \"MacBook Touch ID\".")]
    PasskeyName,
    #[error("You have 10 passkeys, the most an account can have: remove one to add another.")]
    TooManyPasskeys,
}

/// An account as the rest of the portal sees it: never with its password hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i32,
    pub name: String,
    pub email: String,
    /// The security stamp it was read with; see [`user::Model::security_stamp`].
    pub(crate) security_stamp: String,
}

impl From<user::Model> for Account {
    fn from(model: user::Model) -> Self {
        Self { id: model.id, name: model.name, email: model.email, security_stamp: model.security_stamp }
    }
}

/// A new security stamp: 128 random bits.
pub(crate) fn new_security_stamp() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The first statement of every transaction that changes an account's security:
/// it takes the account's row, so changes to one account run one after another
/// (on PostgreSQL, a row lock: two racing sets of recovery codes cannot both
/// survive), and on SQLite the transaction holds the write lock from its start, so
/// no other writer can make what it reads stale.
pub(crate) async fn lock_for_change(connection: &impl ConnectionTrait, account_id: i32) -> Result<(), CoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::SecurityStamp, Expr::col(user::Column::SecurityStamp))
        .filter(user::Column::Id.eq(account_id))
        .exec(connection)
        .await?;
    Ok(())
}

#[derive(Clone)]
pub struct Accounts {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    devices: Devices,
    /// Built for [`crate::throttle::Rule::SIGN_IN`].
    throttle: Throttle,
    /// Built for [`crate::throttle::Rule::PASSWORD_CHANGE`]: sign-in's counts.
    password_change_throttle: Throttle,
    /// Where the password-changed email waits: woken once it is stored.
    outbox: Outbox,
    /// Who the emails tell customers to contact.
    support: String,
}

impl Accounts {
    /// `throttles`: sign-in's, and the password change's.
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        devices: Devices,
        throttles: [Throttle; 2],
        outbox: Outbox,
        support: String,
    ) -> Self {
        let [throttle, password_change_throttle] = throttles;
        Self { db, hasher, devices, throttle, password_change_throttle, outbox, support }
    }

    /// The throttle on wrong passwords at sign-in, for the purge worker.
    pub fn sign_in_throttle(&self) -> &Throttle {
        &self.throttle
    }

    /// How many passwords this server has checked since it started.
    pub fn passwords_checked(&self) -> u64 {
        self.hasher.verifications()
    }

    /// Readies what sign-in needs before the first customer arrives.
    pub async fn warm_up(&self) -> Result<(), CoreError> {
        self.hasher.warm_up().await
    }

    /// Creates an account. The email is the sign-in name: trimmed, lower-cased, unique.
    pub async fn register(&self, name: &str, email: &str, password: Password) -> Result<Account, CoreError> {
        let name = normalize_name(name)?;
        let email = normalize_email(email)?;
        check_new_password(&password, &email)?;
        if self.find_by_email(&email).await?.is_some() {
            return Err(CoreError::EmailTaken);
        }
        let PasswordHash(password_hash) = self.hasher.hash(password).await?;
        let inserted = user::ActiveModel {
            email: Set(email),
            name: Set(name),
            password_hash: Set(password_hash),
            created_at: Set(clock::now()),
            security_stamp: Set(new_security_stamp()),
            ..Default::default()
        }
        .insert(&self.db)
        .await;
        match inserted {
            Ok(model) => Ok(model.into()),
            // Two registrations raced past the check above; the unique index decided.
            Err(error) if is_unique_violation(&error) => Err(CoreError::EmailTaken),
            Err(error) => Err(error.into()),
        }
    }

    /// The account with this email and password, typed by `requester`. An unknown email and a wrong password give the same error
    /// after the same work (one Argon2 verification), and are slowed down alike
    /// after a few in a row: for the email, or, in a browser that signed in to the
    /// account before, for that browser alone. The attempt is counted before the
    /// password is checked.
    pub async fn authenticate(
        &self,
        email: &str,
        password: Password,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let result = self.check_sign_in(email, password, requester).await;
        crate::telemetry::sign_in(match &result {
            Ok(_) => "right",
            Err(CoreError::InvalidCredentials) => "wrong",
            Err(CoreError::TooManyAttempts { .. }) => "throttled",
            Err(CoreError::Locked(_)) => "locked",
            Err(_) => "error",
        });
        result
    }

    async fn check_sign_in(
        &self,
        email: &str,
        password: Password,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let email = email.trim().to_lowercase();
        let found = self
            .find_by_email(&email)
            .await?
            .map(|model| (PasswordHash(model.password_hash.clone()), Account::from(model)));
        let client = found
            .as_ref()
            .map_or(Client::Untrusted, |(_, account)| self.devices.recognise(&requester.device_cookies, account));
        let account = found.as_ref().map(|(_, account)| account);
        let attempt = self.throttle.reserve(&Bucket::sign_in(client, &email), account, requester).await?;
        let (stored, account) = found.unzip();
        let verdict = match (self.hasher.verify(password, stored).await?, account) {
            (true, Some(account)) => Verdict::Right(account),
            _ => Verdict::Wrong(CoreError::InvalidCredentials),
        };
        attempt.settle(verdict).await
    }

    /// Whether `password` is the account's password (re-confirmation before a change).
    pub async fn check_password(&self, account: &Account, password: Password) -> Result<bool, CoreError> {
        let found = user::Entity::find_by_id(account.id).one(&self.db).await?;
        let stored = found.map(|model| PasswordHash(model.password_hash));
        self.hasher.verify(password, stored).await
    }

    /// The stored hash of `password` as `account`'s new password, once it meets
    /// the registration policy.
    pub(crate) async fn hash_new_password(&self, account: &Account, password: Password) -> Result<String, CoreError> {
        check_new_password(&password, &account.email)?;
        let PasswordHash(hash) = self.hasher.hash(password).await?;
        Ok(hash)
    }

    async fn find_by_email(&self, email: &str) -> Result<Option<user::Model>, CoreError> {
        Ok(user::Entity::find().filter(user::Column::Email.eq(email)).one(&self.db).await?)
    }
}

/// An account named Ana Lim with `email`, stored straight in the database, for the
/// core's own tests.
#[cfg(test)]
pub(crate) async fn insert_for_tests(db: &DatabaseConnection, email: &str) -> Account {
    let model = user::ActiveModel {
        email: Set(email.into()),
        name: Set("Ana Lim".into()),
        password_hash: Set("unused".into()),
        created_at: Set(clock::now()),
        security_stamp: Set(new_security_stamp()),
        ..Default::default()
    };
    model.insert(db).await.unwrap().into()
}

pub(crate) fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

fn normalize_name(name: &str) -> Result<String, InvalidInput> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    match name.chars().count() {
        0 => Err(InvalidInput::MissingName),
        n if n > MAX_NAME_CHARS => Err(InvalidInput::NameTooLong),
        _ => Ok(name),
    }
}

/// Trims and lower-cases an email, and checks it has the shape `local@domain.tld`.
/// Deliverability is the mail server's business; this only catches typing slips.
pub fn normalize_email(email: &str) -> Result<String, InvalidInput> {
    let email = email.trim().to_lowercase();
    let well_formed = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|label| !label.is_empty())
        });
    if well_formed { Ok(email) } else { Err(InvalidInput::InvalidEmail) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(normalize_email("  Ana.Lim@Example.COM "), Ok("ana.lim@example.com".into()));
    }

    #[test]
    fn malformed_emails_are_refused() {
        for email in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "a na@example.com",
            "ana@example..com",
        ] {
            assert_eq!(normalize_email(email), Err(InvalidInput::InvalidEmail), "{email:?}");
        }
        assert_eq!(normalize_email(&format!("{}@example.com", "a".repeat(250))), Err(InvalidInput::InvalidEmail));
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(normalize_name("  Ana Lim "), Ok("Ana Lim".into()));
        assert_eq!(normalize_name(" \t "), Err(InvalidInput::MissingName));
        assert_eq!(normalize_name(&"n".repeat(101)), Err(InvalidInput::NameTooLong));
    }
}
