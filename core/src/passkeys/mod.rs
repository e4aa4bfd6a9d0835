//! Passkeys (WebAuthn), through `webauthn-rs`: registering one for a signed-in
//! account, checking one where the second factor is asked, and signing in with
//! one alone ([`passwordless`]). Credentials are bound to the site's origin and
//! relying-party id, so a fake site cannot relay them. webauthn-rs checks the
//! origin, the RP id, the challenge, user verification and the signature; the
//! portal keeps the ceremonies (single use, five minutes, any server:
//! [`ceremonies`]) and refuses a signature counter that does not go up (a cloned
//! authenticator), by the condition of the `UPDATE` that records the use, and
//! suspends that passkey.
//!
//! What a passkey means for the account (the factor it turns on, the sessions it
//! ends, the emails) is [`crate::two_factor`]'s: this module stores and checks.

mod ceremonies;
mod config;
mod passwordless;

pub use config::PasskeyConfig;
pub use passwordless::VisitorToken;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, Set,
};
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, CredentialID, Passkey, PublicKeyCredential,
    RegisterPublicKeyCredential, RequestChallengeResponse, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};
use webauthn_rs_proto::options::ResidentKeyRequirement;

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::passkey;
use crate::network_budgets::NetworkBudgets;
use crate::notices::Notice;
use crate::secrets::{MasterKey, SealedSecret, contexts, keyed_digest};
use crate::security_events::SecurityEvent;
use crate::sessions::{SessionToken, SignedIn};
use crate::step_up::PasswordConfirmed;
use crate::store::{SecurityChange, Store};
use crate::throttle::Verdict;
use crate::vocabulary::InvalidInput;
use ceremonies::Purpose;

const MAX_NAME_CHARS: usize = 60;
/// Passkeys an account may have: enough for every device, and a bound on what a
/// stolen session could add.
pub const MAX_PASSKEYS: u64 = 10;

/// A passkey as its customer sees it in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyListing {
    pub id: i32,
    pub name: String,
    pub added_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
    pub passwordless: bool,
    /// Refused since its counter went backwards (a copy of it exists).
    pub suspended: bool,
}

/// A passkey the browser just created and webauthn-rs checked, not stored yet.
pub(crate) struct NewPasskey(Passkey);

/// A passkey's name as its customer typed it: trimmed, 1 to 60 characters, no
/// control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    pub fn parse(typed: &str) -> Result<Self, CoreError> {
        let name = typed.trim();
        let fits = (1..=MAX_NAME_CHARS).contains(&name.chars().count()) && !name.chars().any(char::is_control);
        if fits { Ok(Self(name.to_owned())) } else { Err(InvalidInput::PasskeyName.into()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone)]
pub struct Passkeys {
    store: Store,
    key: MasterKey,
    webauthn: Arc<Webauthn>,
    /// Passwordless starts are counted per network.
    budgets: NetworkBudgets,
}

impl Passkeys {
    pub fn new(store: Store, key: MasterKey, budgets: NetworkBudgets, config: &PasskeyConfig) -> Result<Self, String> {
        let webauthn = WebauthnBuilder::new(&config.rp_id, &config.origin)
            .and_then(|builder| builder.rp_name(&config.rp_name).build())
            .map_err(|error| format!("passkeys for {} at {}: {error}", config.rp_id, config.origin))?;
        Ok(Self { store, key, webauthn: Arc::new(webauthn), budgets })
    }

    fn db(&self) -> &DatabaseConnection {
        self.store.db()
    }

    /// The options for the browser's dialog that creates a passkey for the
    /// account signed in as `signed_in`, whose password was typed in this request.
    /// The account's passkeys are excluded, so one authenticator is not registered
    /// twice; a passkey that stays on the device is preferred.
    pub async fn start_registration(
        &self,
        signed_in: &SignedIn,
        _: PasswordConfirmed,
    ) -> Result<CreationChallengeResponse, CoreError> {
        let account = &signed_in.account;
        let exclude = self.credential_ids(account.id).await?;
        let (mut options, state) = self
            .webauthn
            .start_passkey_registration(self.user_handle(account.id)?, &account.email, &account.name, Some(exclude))
            .map_err(refused)?;
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Preferred);
        }
        let owner = signed_in.token.digest();
        let ceremony = ceremonies::Ceremony { owner: &owner, purpose: Purpose::Register, account_id: Some(account.id) };
        ceremony.start(self.db(), &self.key, &state, self.store.now()).await?;
        Ok(options)
    }

    /// The browser's answer to [`start_registration`](Self::start_registration),
    /// checked by webauthn-rs against the ceremony this session started (taken
    /// once, within five minutes). Stored by [`insert_on`](Self::insert_on).
    pub(crate) async fn check_registration(
        &self,
        signed_in: &SignedIn,
        answer: &RegisterPublicKeyCredential,
    ) -> Result<NewPasskey, CoreError> {
        let owner = signed_in.token.digest();
        let ceremony =
            ceremonies::Ceremony { owner: &owner, purpose: Purpose::Register, account_id: Some(signed_in.account.id) };
        let state = ceremony.take(self.db(), &self.key, self.store.now()).await?;
        let created = self.webauthn.finish_passkey_registration(answer, &state).map_err(refused)?;
        Ok(NewPasskey(created))
    }

    /// Stores `new` as the account's, named `name`, in `change`, which locked the
    /// account: at most [`MAX_PASSKEYS`] of them, and a credential once (the
    /// unique index).
    pub(crate) async fn insert(
        &self,
        change: &SecurityChange<'_>,
        name: &PasskeyName,
        passwordless: bool,
        new: NewPasskey,
    ) -> Result<PasskeyListing, CoreError> {
        let (connection, account_id) = (change.connection(), change.account().id);
        if Self::held(connection, account_id).await? >= MAX_PASSKEYS {
            return Err(InvalidInput::TooManyPasskeys.into());
        }
        let credential_id = URL_SAFE_NO_PAD.encode(new.0.cred_id().as_slice());
        let inserted = passkey::ActiveModel {
            user_id: Set(account_id),
            credential_id: Set(credential_id.clone()),
            name: Set(name.as_str().to_owned()),
            sealed_passkey: Set(self.seal(account_id, &credential_id, &new.0)?),
            sign_count: Set(0),
            passwordless: Set(passwordless),
            created_at: Set(change.now()),
            last_used_at: Set(None),
            suspended_at: Set(None),
            ..Default::default()
        }
        .insert(connection)
        .await;
        match inserted {
            Ok(stored) => Ok(listing(stored)),
            Err(error) if crate::db::is_unique_violation(&error) => Err(CoreError::PasskeyRefused),
            Err(error) => Err(error.into()),
        }
    }

    /// The account's passkeys, oldest first.
    pub async fn of_account(&self, account_id: i32) -> Result<Vec<PasskeyListing>, CoreError> {
        let rows = passkey::Entity::find()
            .filter(passkey::Column::UserId.eq(account_id))
            .order_by_asc(passkey::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(listing).collect())
    }

    /// How many passkeys `account_id` has that are not suspended.
    pub(crate) async fn usable(connection: &impl ConnectionTrait, account_id: i32) -> Result<u64, CoreError> {
        Ok(passkey::Entity::find()
            .filter(passkey::Column::UserId.eq(account_id))
            .filter(passkey::Column::SuspendedAt.is_null())
            .count(connection)
            .await?)
    }

    /// How many passkeys `account_id` has, suspended or not.
    pub(crate) async fn held(connection: &impl ConnectionTrait, account_id: i32) -> Result<u64, CoreError> {
        Ok(passkey::Entity::find().filter(passkey::Column::UserId.eq(account_id)).count(connection).await?)
    }

    /// Renames `account_id`'s passkey `id`; `false` if it has none such.
    pub(crate) async fn rename(&self, account_id: i32, id: i32, name: &PasskeyName) -> Result<bool, CoreError> {
        let renamed = passkey::Entity::update_many()
            .col_expr(passkey::Column::Name, Expr::value(name.as_str()))
            .filter(passkey::Column::Id.eq(id))
            .filter(passkey::Column::UserId.eq(account_id))
            .exec(self.db())
            .await?;
        Ok(renamed.rows_affected == 1)
    }

    /// Deletes `account_id`'s passkey `id` on `connection`; it as it was, if it
    /// had one such.
    pub(crate) async fn remove_on(
        connection: &impl ConnectionTrait,
        account_id: i32,
        id: i32,
    ) -> Result<Option<PasskeyListing>, CoreError> {
        let found = passkey::Entity::find_by_id(id).one(connection).await?.filter(|row| row.user_id == account_id);
        let Some(found) = found else { return Ok(None) };
        passkey::Entity::delete_by_id(found.id).exec(connection).await?;
        Ok(Some(listing(found)))
    }

    /// Deletes all of `account_id`'s passkeys on `connection`: 2FA turned off, by
    /// the customer or by support.
    pub(crate) async fn discard(connection: &impl ConnectionTrait, account_id: i32) -> Result<u64, CoreError> {
        let removed =
            passkey::Entity::delete_many().filter(passkey::Column::UserId.eq(account_id)).exec(connection).await?;
        Ok(removed.rows_affected)
    }

    /// The options for the browser's dialog that uses one of the account's
    /// passkeys, in the session `pending` (half-way through sign-in).
    pub async fn start_authentication(&self, pending: &SignedIn) -> Result<RequestChallengeResponse, CoreError> {
        let account_id = pending.account.id;
        let usable = self.stored(account_id).await?.into_iter().filter(|(row, _)| row.suspended_at.is_none());
        let keys: Vec<Passkey> = usable.map(|(_, key)| key).collect();
        if keys.is_empty() {
            return Err(CoreError::PasskeyRefused);
        }
        let (options, state) = self.webauthn.start_passkey_authentication(&keys).map_err(refused)?;
        let owner = pending.token.digest();
        let ceremony = ceremonies::Ceremony { owner: &owner, purpose: Purpose::SignIn, account_id: Some(account_id) };
        ceremony.start(self.db(), &self.key, &state, self.store.now()).await?;
        Ok(options)
    }

    /// In `change` (the step that counted the attempt): checks the browser's
    /// answer to [`start_authentication`](Self::start_authentication) for the
    /// session `owner`, and records the use. Refused: an answer to a challenge
    /// used, expired or never given, for another site, tampered, or from a
    /// passkey the account does not have or that is suspended. A counter that did
    /// not go up suspends the passkey, and the change says so.
    pub(crate) async fn check(
        &self,
        change: &mut SecurityChange<'_>,
        owner: &SessionToken,
        answer: &PublicKeyCredential,
    ) -> Result<Verdict<()>, CoreError> {
        let account_id = change.account().id;
        let owner = owner.digest();
        let ceremony = ceremonies::Ceremony { owner: &owner, purpose: Purpose::SignIn, account_id: Some(account_id) };
        let taken = ceremony.take(change.connection(), &self.key, change.now()).await;
        let state = match taken {
            Ok(state) => state,
            Err(CoreError::PasskeyRefused) => return Ok(Verdict::Wrong(CoreError::PasskeyRefused)),
            Err(error) => return Err(error),
        };
        let checked = self.webauthn.finish_passkey_authentication(answer, &state);
        let credential_id = URL_SAFE_NO_PAD.encode(answer.raw_id.as_slice());
        let found = passkey::Entity::find()
            .filter(passkey::Column::CredentialId.eq(&credential_id))
            .filter(passkey::Column::UserId.eq(account_id))
            .one(change.connection())
            .await?;
        match found {
            Some(row) => self.record_use(change, &row, checked).await,
            None => Ok(Verdict::Wrong(CoreError::PasskeyRefused)),
        }
    }

    /// In `change`: records a use of the account's passkey `row` that webauthn-rs
    /// `checked`: the counter, the credential's new state and when, only if the
    /// counter still goes up, so of two racing uses, or a use racing a clone, one
    /// records. A suspended passkey is refused.
    async fn record_use(
        &self,
        change: &mut SecurityChange<'_>,
        row: &passkey::Model,
        checked: Result<AuthenticationResult, WebauthnError>,
    ) -> Result<Verdict<()>, CoreError> {
        if row.suspended_at.is_some() {
            return Ok(Verdict::Wrong(CoreError::PasskeyRefused));
        }
        let checked = match checked {
            Ok(checked) => checked,
            Err(WebauthnError::CredentialPossibleCompromise) => return Self::suspend(change, row).await,
            Err(error) => return Ok(Verdict::Wrong(refused(error))),
        };
        let credential_id = &row.credential_id;
        let mut key = self.open(row)?;
        key.update_credential(&checked);
        let counter = i64::from(checked.counter());
        let recorded = passkey::Entity::update_many()
            .col_expr(passkey::Column::SignCount, Expr::value(counter))
            .col_expr(passkey::Column::SealedPasskey, Expr::value(self.seal(row.user_id, credential_id, &key)?))
            .col_expr(passkey::Column::LastUsedAt, Expr::value(change.now()))
            .filter(passkey::Column::Id.eq(row.id))
            .filter(passkey::Column::SuspendedAt.is_null())
            // A counter stuck at 0 is an authenticator that keeps none.
            .filter(match counter {
                0 => passkey::Column::SignCount.eq(0),
                _ => passkey::Column::SignCount.lt(counter),
            })
            .exec(change.connection())
            .await?;
        match recorded.rows_affected {
            1 => Ok(Verdict::Right(())),
            // An authenticator that keeps no counter (synced passkeys) says
            // nothing about copies: the passkey was removed or suspended meanwhile.
            // One still going up when read: another genuine use recorded
            // meanwhile (two sign-ins at once). Neither is a copy, nor a guess.
            _ if counter == 0 || row.sign_count < counter => Ok(Verdict::NotAGuess(CoreError::PasskeyRefused)),
            _ => Self::suspend(change, row).await,
        }
    }

    /// Deletes ceremonies past their five minutes; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        ceremonies::purge_expired(self.db(), self.store.now()).await
    }

    /// In `change`: a use whose counter went backwards: two copies of the passkey
    /// exist, and which one is the customer's cannot be told. It is suspended,
    /// every session of the account ends (the copy may have signed one in first),
    /// and it is recorded and emailed: the caller commits the change even though
    /// the answer is refused. The account's row is taken first, as every change of
    /// factor does, so this cannot deadlock with a removal.
    async fn suspend(change: &mut SecurityChange<'_>, row: &passkey::Model) -> Result<Verdict<()>, CoreError> {
        change.lock_account().await?;
        tracing::warn!(
            account = row.user_id,
            passkey = row.id,
            "a passkey's signature counter went backwards: suspended"
        );
        passkey::Entity::update_many()
            .col_expr(passkey::Column::SuspendedAt, Expr::value(change.now()))
            .filter(passkey::Column::Id.eq(row.id))
            .exec(change.connection())
            .await?;
        change.end_all_sessions().await?;
        change.record(SecurityEvent::PasskeyCounterWentBack).await?;
        change.notify(Notice::PasskeySuspended { name: row.name.clone() }).await?;
        Ok(Verdict::Wrong(CoreError::PasskeyCloned))
    }

    /// The ids of the account's passkeys, read from their column: nothing needs
    /// opening to tell the browser which ones it already holds. One that does not
    /// decode refuses, never skips.
    async fn credential_ids(&self, account_id: i32) -> Result<Vec<CredentialID>, CoreError> {
        let rows = passkey::Entity::find().filter(passkey::Column::UserId.eq(account_id)).all(self.db()).await?;
        rows.iter()
            .map(|row| {
                let bytes = URL_SAFE_NO_PAD.decode(&row.credential_id);
                bytes
                    .map(CredentialID::from)
                    .map_err(|error| CoreError::Worker(format!("a stored credential id: {error}")))
            })
            .collect()
    }

    /// The account's passkeys, opened. One that does not open is an error: a
    /// sealed row this server cannot read refuses, never skips.
    async fn stored(&self, account_id: i32) -> Result<Vec<(passkey::Model, Passkey)>, CoreError> {
        let rows = passkey::Entity::find().filter(passkey::Column::UserId.eq(account_id)).all(self.db()).await?;
        rows.into_iter()
            .map(|row| {
                let key = self.open(&row)?;
                Ok((row, key))
            })
            .collect()
    }

    fn open(&self, row: &passkey::Model) -> Result<Passkey, CoreError> {
        let sealed = SealedSecret::from_stored(row.sealed_passkey.clone());
        let json = sealed.open(&self.key, &contexts::passkey(row.user_id, &row.credential_id))?;
        serde_json::from_slice(&json).map_err(|error| CoreError::Worker(format!("a stored passkey: {error}")))
    }

    fn seal(&self, account_id: i32, credential_id: &str, key: &Passkey) -> Result<String, CoreError> {
        let json = serde_json::to_vec(key).map_err(|error| CoreError::Worker(error.to_string()))?;
        Ok(SealedSecret::seal(&self.key, &contexts::passkey(account_id, credential_id), &json).into_stored())
    }

    /// The account's user handle for authenticators: stable, and revealing neither
    /// its id nor its email (a keyed digest of the id).
    fn user_handle(&self, account_id: i32) -> Result<Uuid, CoreError> {
        let digest = keyed_digest(&self.key, "webauthn:user", &account_id.to_string());
        let bytes: Vec<u8> =
            (0..16).filter_map(|i| u8::from_str_radix(digest.get(2 * i..2 * i + 2)?, 16).ok()).collect();
        Uuid::from_slice(&bytes).map_err(|error| CoreError::Worker(error.to_string()))
    }
}

fn listing(row: passkey::Model) -> PasskeyListing {
    PasskeyListing {
        id: row.id,
        name: row.name,
        added_at: row.created_at,
        last_used_at: row.last_used_at,
        passwordless: row.passwordless,
        suspended: row.suspended_at.is_some(),
    }
}

/// A WebAuthn answer that does not check out, logged for the operator; the
/// customer is told only that the passkey was refused.
fn refused(error: WebauthnError) -> CoreError {
    tracing::info!(%error, "passkey refused");
    CoreError::PasskeyRefused
}

#[cfg(test)]
mod tests;
