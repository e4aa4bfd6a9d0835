//! Passkeys as a second factor: adding one (the account's method, or beside the
//! one it has), renaming and removing one, and signing in with one. Adding or
//! removing a passkey is a change of factor like any other: one transaction
//! locks the account, renews its security stamp (its other sessions end),
//! records the event and stores the email.

use sea_orm::{DatabaseTransaction, TransactionTrait as _};
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse};

use super::{Answer, SecondFactor, TwoFactor};
use crate::CoreError;
use crate::accounts::{Account, lock_for_change};
use crate::clock;
use crate::db::entities::two_factor;
use crate::outbox::{Outbox, notices};
use crate::passkeys::{PasskeyListing, PasskeyName, Passkeys};
use crate::recovery_codes::{RecoveryCode, RecoveryCodes};
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::{SessionToken, Sessions, SignedIn};

/// Where a new passkey goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasskeyPlace {
    /// "Setup Two-Factor Authentication": passkeys become the account's method,
    /// in place of the app or SMS (a switch, with no moment without a factor).
    Method,
    /// "Add a passkey": beside the method the account has (or as its method,
    /// when 2FA is off).
    Beside,
}

/// What adding a passkey did.
#[derive(Debug)]
pub struct PasskeyAdded {
    pub passkey: PasskeyListing,
    /// The account under its renewed security stamp (its other sessions ended).
    pub account: Account,
    /// When the passkey turned 2FA on, or switched it to passkeys: the new
    /// recovery codes, to be shown once.
    pub recovery_codes: Option<Vec<RecoveryCode>>,
}

impl TwoFactor {
    /// Adds the passkey the browser just created (its answer to
    /// [`Passkeys::start_registration`]), named `name`, at `place`. The caller
    /// checks the password was re-confirmed.
    pub async fn add_passkey(
        &self,
        signed_in: &SignedIn,
        name: &str,
        passwordless: bool,
        answer: &RegisterPublicKeyCredential,
        place: PasskeyPlace,
        requester: &Requester,
    ) -> Result<PasskeyAdded, CoreError> {
        let name = PasskeyName::parse(name)?;
        let created = self.passkeys.check_registration(signed_in, answer).await?;
        let account = &signed_in.account;
        let now = clock::now();
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        let passkey = self.passkeys.insert_on(&transaction, account.id, &name, passwordless, created).await?;
        let factor = SecondFactor::load(&transaction, account.id).await?;
        let becomes_method = match (place, &factor) {
            (_, None) => true,
            (PasskeyPlace::Method, Some(factor)) => *factor != SecondFactor::Passkey,
            (PasskeyPlace::Beside, Some(_)) => false,
        };
        let added = if becomes_method {
            let activated = self.turn_on(&transaction, signed_in, SecondFactor::Passkey, now, requester).await?;
            // That email names the method; this one says it signs in alone too.
            if passwordless {
                let notice = notices::passkey_added(&activated.account, name.as_str(), true, now, &self.support);
                Outbox::enqueue(&transaction, notice).await?;
            }
            PasskeyAdded { passkey, account: activated.account, recovery_codes: Some(activated.recovery_codes) }
        } else {
            let (renewed, ended) = Sessions::renew_after_change(&transaction, signed_in).await?;
            SecurityEvents::record(&transaction, account.id, SecurityEvent::PasskeyAdded, &Actor::Client, requester)
                .await?;
            Outbox::enqueue(
                &transaction,
                notices::passkey_added(&renewed, name.as_str(), passwordless, now, &self.support),
            )
            .await?;
            tracing::info!(account = account.id, other_sessions_ended = ended, "passkey added");
            PasskeyAdded { passkey, account: renewed, recovery_codes: None }
        };
        transaction.commit().await?;
        self.outbox.wake();
        Ok(added)
    }

    /// "Rename" (the caller checks the password was re-confirmed).
    pub async fn rename_passkey(&self, signed_in: &SignedIn, id: i32, name: &str) -> Result<(), CoreError> {
        let name = PasskeyName::parse(name)?;
        match self.passkeys.rename(signed_in.account.id, id, &name).await? {
            true => Ok(()),
            false => Err(CoreError::PasskeyNotFound),
        }
    }

    /// "Remove" (the caller checks the password was re-confirmed). Removing the
    /// last usable passkey of an account whose method is passkeys turns 2FA off,
    /// so it needs `turn_off` too; then its recovery codes and suspended passkeys
    /// go, as with "Disable 2FA".
    /// Returns the account under its renewed security stamp.
    pub async fn remove_passkey(
        &self,
        signed_in: &SignedIn,
        id: i32,
        turn_off: bool,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let account = &signed_in.account;
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        let factor = SecondFactor::load(&transaction, account.id).await?;
        let removed = Passkeys::remove_on(&transaction, account.id, id).await?.ok_or(CoreError::PasskeyNotFound)?;
        let name = removed.name;
        // The last usable one, or the last of all: no passkey would answer any more.
        let last = (!removed.suspended && Passkeys::usable(&transaction, account.id).await? == 0)
            || Passkeys::held(&transaction, account.id).await? == 0;
        let now = clock::now();
        let (event, notice) = if last && factor == Some(SecondFactor::Passkey) {
            if !turn_off {
                return Err(CoreError::LastPasskey);
            }
            self.turn_off_on(&transaction, account.id).await?;
            let method = super::Method::Passkey;
            (SecurityEvent::TwoFactorOff(method), notices::two_factor_disabled(account, method, now, &self.support))
        } else {
            (SecurityEvent::PasskeyRemoved, notices::passkey_removed(account, &name, now, &self.support))
        };
        SecurityEvents::record(&transaction, account.id, event, &Actor::Client, requester).await?;
        let (renewed, ended) = Sessions::renew_after_change(&transaction, signed_in).await?;
        Outbox::enqueue(&transaction, notice).await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, other_sessions_ended = ended, "passkey removed");
        Ok(renewed)
    }

    /// The options for the browser's dialog, at sign-in ("Use your passkey").
    pub async fn start_passkey_sign_in(&self, pending: &SignedIn) -> Result<RequestChallengeResponse, CoreError> {
        self.passkeys.start_authentication(pending).await
    }

    /// Completes the sign-in `pending` started with the browser's answer to
    /// [`start_passkey_sign_in`](Self::start_passkey_sign_in), as a code would:
    /// counted first, accepted once, one transaction. Returns the new session.
    pub async fn sign_in_with_passkey(
        &self,
        pending: &SignedIn,
        answer: &PublicKeyCredential,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        self.complete_sign_in(pending, Answer::Passkey { answer, ceremony: &pending.token }, requester).await
    }

    /// In `transaction`: no second factor any more (the last passkey went).
    async fn turn_off_on(&self, transaction: &DatabaseTransaction, account_id: i32) -> Result<(), CoreError> {
        use sea_orm::EntityTrait as _;
        two_factor::Entity::delete_by_id(account_id).exec(transaction).await?;
        RecoveryCodes::discard(transaction, account_id).await?;
        Passkeys::discard(transaction, account_id).await?;
        Ok(())
    }
}
