//! Passkeys as a second factor: adding one (the account's method, or beside the
//! one it has), renaming and removing one, and signing in with one. Adding or
//! removing a passkey is a change of factor like any other: one change takes the
//! account, renews its security stamp (its other sessions end), records the event
//! and stores the email. Storing and checking passkeys is [`crate::passkeys`]'.

use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse};

use super::activation::turn_off;
use super::{Answer, Method, SecondFactor, TwoFactor};
use crate::CoreError;
use crate::notices::Notice;
use crate::passkeys::{PasskeyListing, PasskeyName, Passkeys};
use crate::recovery_codes::RecoveryCode;
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::sessions::{SessionToken, SignedIn};
use crate::vocabulary::Account;

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
        let mut change = self.store.change(&signed_in.account, requester).await?;
        let passkey = self.passkeys.insert(&change, &name, passwordless, created).await?;
        let factor = SecondFactor::load(change.connection(), signed_in.account.id).await?;
        let becomes_method = match (place, &factor) {
            (_, None) => true,
            (PasskeyPlace::Method, Some(factor)) => *factor != SecondFactor::Passkey,
            (PasskeyPlace::Beside, Some(_)) => false,
        };
        let name = name.as_str().to_owned();
        let added = if becomes_method {
            let activated = self.turn_on(&mut change, signed_in, SecondFactor::Passkey).await?;
            // That email names the method; this one says it signs in alone too.
            if passwordless {
                change.notify(Notice::PasskeyAdded { name, passwordless }).await?;
            }
            PasskeyAdded { passkey, account: activated.account, recovery_codes: Some(activated.recovery_codes) }
        } else {
            let ended = change.end_other_sessions(&signed_in.token).await?;
            change.record(SecurityEvent::PasskeyAdded).await?;
            change.notify(Notice::PasskeyAdded { name, passwordless }).await?;
            tracing::info!(account = signed_in.account.id, other_sessions_ended = ended, "passkey added");
            PasskeyAdded { passkey, account: change.account().clone(), recovery_codes: None }
        };
        change.commit().await?;
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
    /// go, as with "Disable 2FA". Returns the account under its renewed security
    /// stamp.
    pub async fn remove_passkey(
        &self,
        signed_in: &SignedIn,
        id: i32,
        turn_off_too: bool,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let account_id = signed_in.account.id;
        let mut change = self.store.change(&signed_in.account, requester).await?;
        let connection = change.connection();
        let factor = SecondFactor::load(connection, account_id).await?;
        let removed = Passkeys::remove_on(connection, account_id, id).await?.ok_or(CoreError::PasskeyNotFound)?;
        // The last usable one, or the last of all: no passkey would answer any more.
        let last = (!removed.suspended && Passkeys::usable(connection, account_id).await? == 0)
            || Passkeys::held(connection, account_id).await? == 0;
        let (event, notice) = if last && factor == Some(SecondFactor::Passkey) {
            if !turn_off_too {
                return Err(CoreError::LastPasskey);
            }
            turn_off(connection, account_id).await?;
            (SecurityEvent::TwoFactorOff(Method::Passkey), Notice::TwoFactorDisabled(Method::Passkey))
        } else {
            (SecurityEvent::PasskeyRemoved, Notice::PasskeyRemoved { name: removed.name })
        };
        change.record(event).await?;
        let ended = change.end_other_sessions(&signed_in.token).await?;
        change.notify(notice).await?;
        let account = change.commit().await?;
        tracing::info!(account = account_id, other_sessions_ended = ended, "passkey removed");
        Ok(account)
    }

    /// The options for the browser's dialog, at sign-in ("Use your passkey").
    pub async fn start_passkey_sign_in(&self, pending: &SignedIn) -> Result<RequestChallengeResponse, CoreError> {
        self.passkeys.start_authentication(pending).await
    }

    /// Completes the sign-in `pending` started with the browser's answer to
    /// [`start_passkey_sign_in`](Self::start_passkey_sign_in), as a code would:
    /// counted first, accepted once, one change. Returns the new session.
    pub async fn sign_in_with_passkey(
        &self,
        pending: &SignedIn,
        answer: &PublicKeyCredential,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        self.complete_sign_in(pending, Answer::Passkey { answer, ceremony: &pending.token }, requester).await
    }
}
