//! Passkeys (WebAuthn), through `webauthn-rs`: registering one for a signed-in
//! account, and checking one where the second factor is asked. Credentials are
//! bound to the site's origin and relying-party id, so a fake site cannot relay
//! them. webauthn-rs checks the origin, the RP id, the challenge and the
//! signature; the portal keeps the ceremonies (single use, five minutes, any
//! server: [`ceremonies`]) and refuses a signature counter that goes backwards (a
//! cloned authenticator), by the condition of the `UPDATE` that records the use,
//! and suspends that passkey.
//!
//! Work in progress (issue 12): the pages, sign-in, switching, passwordless.

mod ceremonies;
mod config;

pub use config::PasskeyConfig;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    Set,
};
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse,
    Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};
use webauthn_rs_proto::options::ResidentKeyRequirement;

use crate::CoreError;
use crate::accounts::{Account, InvalidInput, is_unique_violation, lock_for_change};
use crate::clock::{self, UnixTime};
use crate::db::entities::passkey;
use crate::outbox::{Outbox, notices};
use crate::requester::Requester;
use crate::secrets::{MasterKey, SealedSecret, keyed_digest};
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::{Sessions, SignedIn};
use ceremonies::Purpose;

const MAX_NAME_CHARS: usize = 60;
/// Passkeys an account may have: enough for every device, and a bound on what a
/// stolen session could add.
pub const MAX_PASSKEYS: u64 = 10;

/// What adding a passkey did.
#[derive(Clone, Debug)]
pub struct PasskeyAdded {
    pub passkey: PasskeyListing,
    /// The account as it now is (a new security stamp: its other sessions ended).
    pub account: Account,
    pub sessions_ended: u64,
}

/// A passkey as its customer sees it in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyListing {
    pub id: i32,
    pub name: String,
    pub added_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
    pub passwordless: bool,
}

#[derive(Clone)]
pub struct Passkeys {
    db: DatabaseConnection,
    key: MasterKey,
    webauthn: Arc<Webauthn>,
    outbox: Outbox,
    /// Who the emails tell customers to contact.
    support: String,
}

impl Passkeys {
    /// Works on the database the outbox stores its messages in.
    pub fn new(key: MasterKey, config: &PasskeyConfig, outbox: Outbox, support: String) -> Result<Self, String> {
        let webauthn = WebauthnBuilder::new(&config.rp_id, &config.origin)
            .and_then(|builder| builder.rp_name(&config.rp_name).build())
            .map_err(|error| format!("passkeys for {} at {}: {error}", config.rp_id, config.origin))?;
        let db = outbox.db().clone();
        Ok(Self { db, key, webauthn: Arc::new(webauthn), outbox, support })
    }

    /// The options for the browser's dialog that creates a passkey for the
    /// account signed in as `signed_in` (the caller checks the password was
    /// re-confirmed). The account's passkeys are excluded, so one authenticator
    /// is not registered twice; a passkey that stays on the device is preferred.
    pub async fn start_registration(&self, signed_in: &SignedIn) -> Result<CreationChallengeResponse, CoreError> {
        let account = &signed_in.account;
        let exclude = self.stored(account.id).await?.iter().map(|(_, key)| key.cred_id().clone()).collect();
        let (mut options, state) = self
            .webauthn
            .start_passkey_registration(self.user_handle(account)?, &account.email, &account.name, Some(exclude))
            .map_err(refused)?;
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Preferred);
        }
        ceremonies::start(&self.db, &self.key, &signed_in.token, Purpose::Register, account.id, &state).await?;
        Ok(options)
    }

    /// The browser's answer to [`start_registration`](Self::start_registration):
    /// checked by webauthn-rs against the ceremony this session started (once,
    /// within five minutes), then added as `name` in one transaction, as every
    /// change of factor is: at most [`MAX_PASSKEYS`], the account's security stamp
    /// renewed (its other sessions end, so a stolen one cannot race it), recorded
    /// and emailed.
    pub async fn finish_registration(
        &self,
        signed_in: &SignedIn,
        name: &str,
        passwordless: bool,
        answer: &RegisterPublicKeyCredential,
        requester: &Requester,
    ) -> Result<PasskeyAdded, CoreError> {
        use sea_orm::{PaginatorTrait as _, TransactionTrait as _};

        let name = passkey_name(name)?;
        let account = &signed_in.account;
        let state = ceremonies::take(&self.db, &self.key, &signed_in.token, Purpose::Register, account.id).await?;
        let created = self.webauthn.finish_passkey_registration(answer, &state).map_err(refused)?;
        let credential_id = URL_SAFE_NO_PAD.encode(created.cred_id().as_slice());
        let now = clock::now();
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        let held = passkey::Entity::find().filter(passkey::Column::UserId.eq(account.id)).count(&transaction).await?;
        if held >= MAX_PASSKEYS {
            return Err(InvalidInput::TooManyPasskeys.into());
        }
        let inserted = passkey::ActiveModel {
            user_id: Set(account.id),
            credential_id: Set(credential_id.clone()),
            name: Set(name.clone()),
            sealed_passkey: Set(self.seal(account.id, &credential_id, &created)?),
            sign_count: Set(0),
            passwordless: Set(passwordless),
            created_at: Set(now),
            last_used_at: Set(None),
            suspended_at: Set(None),
            ..Default::default()
        }
        .insert(&transaction)
        .await;
        let stored = match inserted {
            Ok(stored) => stored,
            // The same credential registered twice (the unique index).
            Err(error) if is_unique_violation(&error) => return Err(CoreError::PasskeyRefused),
            Err(error) => return Err(error.into()),
        };
        let (renewed, sessions_ended) = Sessions::renew_after_change(&transaction, signed_in).await?;
        SecurityEvents::record(&transaction, account.id, SecurityEvent::PasskeyAdded, &Actor::Client, requester)
            .await?;
        Outbox::enqueue(&transaction, notices::passkey_added(&renewed, &name, now, &self.support)).await?;
        transaction.commit().await?;
        self.outbox.wake();
        Ok(PasskeyAdded { passkey: listing(stored), account: renewed, sessions_ended })
    }

    /// The account's passkeys, oldest first.
    pub async fn of_account(&self, account_id: i32) -> Result<Vec<PasskeyListing>, CoreError> {
        let rows = passkey::Entity::find()
            .filter(passkey::Column::UserId.eq(account_id))
            .order_by_asc(passkey::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(listing).collect())
    }

    /// The options for the browser's dialog that uses one of `account`'s passkeys,
    /// in the session `pending` (half-way through sign-in).
    pub async fn start_authentication(&self, pending: &SignedIn) -> Result<RequestChallengeResponse, CoreError> {
        let account = &pending.account;
        let usable = self.stored(account.id).await?.into_iter().filter(|(row, _)| row.suspended_at.is_none());
        let keys: Vec<Passkey> = usable.map(|(_, key)| key).collect();
        if keys.is_empty() {
            return Err(CoreError::PasskeyRefused);
        }
        let (options, state) = self.webauthn.start_passkey_authentication(&keys).map_err(refused)?;
        ceremonies::start(&self.db, &self.key, &pending.token, Purpose::SignIn, account.id, &state).await?;
        Ok(options)
    }

    /// Checks the browser's answer to [`start_authentication`](Self::start_authentication)
    /// and records the use. A signature counter that did not go up (two copies of
    /// the passkey exist) is refused and recorded; so is an answer from another
    /// account's passkey, to another challenge, or from another site.
    pub async fn finish_authentication(
        &self,
        pending: &SignedIn,
        answer: &PublicKeyCredential,
        requester: &Requester,
    ) -> Result<(), CoreError> {
        let account = &pending.account;
        let state = ceremonies::take(&self.db, &self.key, &pending.token, Purpose::SignIn, account.id).await?;
        let checked = match self.webauthn.finish_passkey_authentication(answer, &state) {
            Ok(checked) => checked,
            Err(WebauthnError::CredentialPossibleCompromise) => {
                let credential_id = URL_SAFE_NO_PAD.encode(answer.raw_id.as_slice());
                return self.cloned(account, &credential_id, requester).await;
            }
            Err(error) => return Err(refused(error)),
        };
        let credential_id = URL_SAFE_NO_PAD.encode(checked.cred_id().as_slice());
        let found = self.stored(account.id).await?.into_iter().find(|(row, _)| row.credential_id == credential_id);
        let Some((row, mut key)) = found.filter(|(row, _)| row.suspended_at.is_none()) else {
            return Err(CoreError::PasskeyRefused);
        };
        key.update_credential(&checked);
        let counter = i64::from(checked.counter());
        // Recorded only if the counter still goes up: of two racing uses, or a use
        // racing a clone, one records; a counter stuck at 0 has none to check.
        let recorded = passkey::Entity::update_many()
            .col_expr(passkey::Column::SignCount, Expr::value(counter))
            .col_expr(passkey::Column::SealedPasskey, Expr::value(self.seal(account.id, &credential_id, &key)?))
            .col_expr(passkey::Column::LastUsedAt, Expr::value(clock::now()))
            .filter(passkey::Column::Id.eq(row.id))
            .filter(match counter {
                0 => passkey::Column::SignCount.eq(0),
                _ => passkey::Column::SignCount.lt(counter),
            })
            .exec(&self.db)
            .await?;
        if recorded.rows_affected != 1 {
            return self.cloned(account, &credential_id, requester).await;
        }
        Ok(())
    }

    /// Deletes ceremonies past their five minutes; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        ceremonies::purge_expired(&self.db).await
    }

    /// A use whose counter went backwards: the passkey is suspended (two copies of
    /// it exist, and which one is the customer's cannot be told), and it is recorded.
    async fn cloned(&self, account: &Account, credential_id: &str, requester: &Requester) -> Result<(), CoreError> {
        tracing::warn!(account = account.id, "a passkey's signature counter went backwards: suspended");
        passkey::Entity::update_many()
            .col_expr(passkey::Column::SuspendedAt, Expr::value(clock::now()))
            .filter(passkey::Column::UserId.eq(account.id))
            .filter(passkey::Column::CredentialId.eq(credential_id))
            .exec(&self.db)
            .await?;
        let event = SecurityEvent::PasskeyCounterWentBack;
        SecurityEvents::record(&self.db, account.id, event, &Actor::Client, requester).await?;
        Err(CoreError::PasskeyCloned)
    }

    /// The account's passkeys, opened. One that does not open is an error: a
    /// sealed row this server cannot read refuses, never skips.
    async fn stored(&self, account_id: i32) -> Result<Vec<(passkey::Model, Passkey)>, CoreError> {
        let rows = passkey::Entity::find().filter(passkey::Column::UserId.eq(account_id)).all(&self.db).await?;
        rows.into_iter()
            .map(|row| {
                let sealed = SealedSecret::from_stored(row.sealed_passkey.clone());
                let json = sealed.open(&self.key, &seal_context(account_id, &row.credential_id))?;
                let key = serde_json::from_slice(&json).map_err(|error| CoreError::Worker(error.to_string()))?;
                Ok((row, key))
            })
            .collect()
    }

    fn seal(&self, account_id: i32, credential_id: &str, key: &Passkey) -> Result<String, CoreError> {
        let json = serde_json::to_vec(key).map_err(|error| CoreError::Worker(error.to_string()))?;
        Ok(SealedSecret::seal(&self.key, &seal_context(account_id, credential_id), &json).into_stored())
    }

    /// The account's user handle for authenticators: stable, and revealing neither
    /// its id nor its email (a keyed digest of the id).
    fn user_handle(&self, account: &Account) -> Result<Uuid, CoreError> {
        let digest = keyed_digest(&self.key, "webauthn:user", &account.id.to_string());
        let bytes: Vec<u8> =
            (0..16).filter_map(|i| u8::from_str_radix(digest.get(2 * i..2 * i + 2)?, 16).ok()).collect();
        Uuid::from_slice(&bytes).map_err(|error| CoreError::Worker(error.to_string()))
    }
}

fn seal_context(account_id: i32, credential_id: &str) -> String {
    format!("passkey:{account_id}:{credential_id}")
}

fn listing(row: passkey::Model) -> PasskeyListing {
    PasskeyListing {
        id: row.id,
        name: row.name,
        added_at: row.created_at,
        last_used_at: row.last_used_at,
        passwordless: row.passwordless,
    }
}

fn passkey_name(name: &str) -> Result<String, CoreError> {
    let name = name.trim();
    let fits = (1..=MAX_NAME_CHARS).contains(&name.chars().count()) && !name.chars().any(char::is_control);
    if fits { Ok(name.to_owned()) } else { Err(InvalidInput::PasskeyName.into()) }
}

/// A WebAuthn answer that does not check out, logged for the operator; the
/// customer is told only that the passkey was refused.
fn refused(error: WebauthnError) -> CoreError {
    tracing::info!(%error, "passkey refused");
    CoreError::PasskeyRefused
}

#[cfg(test)]
mod tests;
