//! Customer accounts: registering one, checking an email and password against it,
//! and changing the password ([`change_password`]).

mod change_password;

pub use change_password::PasswordChanged;

use sea_orm::{ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::db::entities::user;
use crate::devices::{Client, Devices};
use crate::network_budgets::NetworkBudgets;
use crate::password::{Lane, Password, PasswordHash, PasswordHasher, Place, check_new_password};
use crate::requester::Requester;
use crate::store::Store;
use crate::throttle::{Subject, Throttle, Verdict};
use crate::vocabulary::{Account, Budget, SecurityStamp, normalize_email, normalize_name};

#[derive(Clone)]
pub struct Accounts {
    store: Store,
    hasher: PasswordHasher,
    devices: Devices,
    budgets: NetworkBudgets,
    /// Built for [`crate::throttle::Rule::SIGN_IN`].
    throttle: Throttle,
    /// Built for [`crate::throttle::Rule::PASSWORD_CHANGE`]: sign-in's counts.
    password_change_throttle: Throttle,
}

impl Accounts {
    /// `throttles`: sign-in's, and the password change's.
    pub fn new(
        store: Store,
        hasher: PasswordHasher,
        devices: Devices,
        budgets: NetworkBudgets,
        throttles: [Throttle; 2],
    ) -> Self {
        let [throttle, password_change_throttle] = throttles;
        Self { store, hasher, devices, budgets, throttle, password_change_throttle }
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
        Ok(self.hasher.warm_up().await?)
    }

    /// Creates an account for `requester`. The email is the sign-in name: trimmed,
    /// lower-cased, unique. Each try with valid input spends one of the network's
    /// registrations and password checks, before it is told whether the email is
    /// taken: a network learns which emails are registered only so fast.
    pub async fn register(
        &self,
        name: &str,
        email: &str,
        password: Password,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let name = normalize_name(name)?;
        let email = normalize_email(email)?;
        check_new_password(&password, &email)?;
        let place = self.hasher.place(Lane::Untrusted)?;
        self.budgets.spend(Budget::Registrations, requester).await?;
        self.budgets.spend(Budget::PasswordChecks, requester).await?;
        if self.find_by_email(&email).await?.is_some() {
            return Err(CoreError::EmailTaken);
        }
        let PasswordHash(password_hash) = self.hasher.hash(place, password).await?;
        let inserted = user::ActiveModel {
            email: Set(email),
            name: Set(name),
            password_hash: Set(password_hash),
            created_at: Set(self.store.now()),
            security_stamp: Set(SecurityStamp::generate().as_str().to_owned()),
            ..Default::default()
        }
        .insert(self.store.db())
        .await;
        match inserted {
            Ok(model) => Ok(model.into()),
            // Two registrations raced past the check above; the unique index decided.
            Err(error) if crate::db::is_unique_violation(&error) => Err(CoreError::EmailTaken),
            Err(error) => Err(error.into()),
        }
    }

    /// The account with this email and password, typed by `requester`. An unknown
    /// email and a wrong password give the same error after the same work (one
    /// Argon2 verification), and are slowed down alike after a few in a row: for
    /// the email, or, in a browser that signed in to the account before, for that
    /// browser alone. The attempt is counted before the password is checked.
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
            Err(CoreError::NetworkBudgetSpent { .. }) => "network_budget",
            Err(CoreError::Hashing(crate::password::HashError::Busy)) => "busy",
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
        let account = found.as_ref().map(|(_, account)| account);
        let client = self.client_of(requester, account);
        // A stranger's place is taken first, so a full lane refuses before the
        // attempt costs anything; a known browser's after its attempt is counted,
        // so a browser the throttle refuses never holds the account's turn.
        enum Admitted {
            Stranger(Place),
            Known { account: i32 },
        }
        let admitted = match &client {
            Client::Trusted { account_id, .. } => Admitted::Known { account: *account_id },
            Client::Untrusted => Admitted::Stranger(self.strangers_place(requester).await?),
        };
        let attempt = self.throttle.reserve(&Subject::sign_in(client, &email), account, requester).await?;
        let place = match admitted {
            Admitted::Stranger(place) => place,
            Admitted::Known { account } => match self.hasher.place(Lane::Known { account }) {
                Ok(place) => place,
                Err(busy) => return attempt.settle(Verdict::NotAGuess(busy.into())).await,
            },
        };
        let (stored, account) = found.unzip();
        let verdict = match (self.hasher.verify(place, password, stored).await?, account) {
            (true, Some(account)) => Verdict::Right(account),
            _ => Verdict::Wrong(CoreError::InvalidCredentials),
        };
        attempt.settle(verdict).await
    }

    /// Whom the account takes `requester` for: a browser with a valid note for
    /// it, or a stranger.
    fn client_of(&self, requester: &Requester, account: Option<&Account>) -> Client {
        account.map_or(Client::Untrusted, |account| self.devices.recognise(&requester.device_cookies, account))
    }

    /// A place among strangers in the Argon2 lanes (or a refusal at once when too
    /// many wait), paid for with one of the network's password checks.
    async fn strangers_place(&self, requester: &Requester) -> Result<Place, CoreError> {
        let place = self.hasher.place(Lane::Untrusted)?;
        self.budgets.spend(Budget::PasswordChecks, requester).await?;
        Ok(place)
    }

    /// A place in the Argon2 lanes for a check of `account`'s password by
    /// `requester`: a browser the account knows waits in the known lane and
    /// spends nothing; anyone else waits among strangers.
    async fn admit(&self, requester: &Requester, account: &Account) -> Result<Place, CoreError> {
        match self.client_of(requester, Some(account)) {
            Client::Trusted { .. } => Ok(self.hasher.place(Lane::Known { account: account.id })?),
            Client::Untrusted => self.strangers_place(requester).await,
        }
    }

    /// Whether `password` is the account's password (re-confirmation before a
    /// change, in a signed-in session: the known lane), as the verdict for the
    /// attempt the caller holds: no place in the account's turn is not a guess.
    pub async fn check_password(&self, account: &Account, password: Password) -> Result<Verdict<()>, CoreError> {
        let place = match self.hasher.place(Lane::Known { account: account.id }) {
            Ok(place) => place,
            Err(busy) => return Ok(Verdict::NotAGuess(busy.into())),
        };
        let found = user::Entity::find_by_id(account.id).one(self.store.db()).await?;
        let stored = found.map(|model| PasswordHash(model.password_hash));
        Ok(match self.hasher.verify(place, password, stored).await? {
            true => Verdict::Right(()),
            false => Verdict::Wrong(CoreError::WrongPassword),
        })
    }

    /// The stored hash of `password` as `account`'s new password, chosen by
    /// `requester` outside a session (a reset link), once it meets the
    /// registration policy: paid for as a check of the account's password.
    pub(crate) async fn hash_new_password(
        &self,
        account: &Account,
        password: Password,
        requester: &Requester,
    ) -> Result<String, CoreError> {
        check_new_password(&password, &account.email)?;
        let place = self.admit(requester, account).await?;
        let PasswordHash(hash) = self.hasher.hash(place, password).await?;
        Ok(hash)
    }

    /// Whether `requester` is a browser the account with `email` (normalised)
    /// knows. Only that browser's own valid note says yes, so the answer tells a
    /// stranger nothing about which emails have accounts.
    pub(crate) async fn knows_browser(&self, email: &str, requester: &Requester) -> Result<bool, CoreError> {
        let account = self.find_by_email(email).await?.map(Account::from);
        Ok(matches!(self.client_of(requester, account.as_ref()), Client::Trusted { .. }))
    }

    async fn find_by_email(&self, email: &str) -> Result<Option<user::Model>, CoreError> {
        Ok(user::Entity::find().filter(user::Column::Email.eq(email)).one(self.store.db()).await?)
    }
}
