//! Signing browsers in and out, as the account sees it: a new session in place of
//! the one the browser had, recorded, with an email when the browser is new to
//! the account ([`new_browser`]); and "Where you're signed in": signing one of the
//! account's other sessions out, or all of them. The sessions themselves are
//! [`crate::sessions`]'.

mod new_browser;
#[cfg(test)]
mod tests;

use crate::CoreError;
use crate::devices::Devices;
use crate::notices::Notice;
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::sessions::{self, SessionToken, Sessions, SignedIn};
use crate::store::{SecurityChange, Store};
use crate::vocabulary::Account;
use crate::waiting_resets::WaitingResets;

/// How a browser came to be signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// With the account's password (and its second factor, when on).
    SignIn,
    /// By registering the account just now: the account's first browser, which it
    /// is not news to the customer that they used.
    Registration,
    /// With a passkey alone ("Sign in with a passkey"), which counts as both factors.
    Passkey,
}

#[derive(Clone)]
pub struct SignIns {
    store: Store,
    sessions: Sessions,
    /// Tells the browsers the account knows from new ones.
    devices: Devices,
}

impl SignIns {
    pub fn new(store: Store, sessions: Sessions, devices: Devices) -> Self {
        Self { store, sessions, devices }
    }

    /// Signs `account` in for `requester`, in one transaction: the session the
    /// browser had (`replacing`) ends, so an id planted before sign-in is worthless
    /// after it (session fixation); a new one starts, and the sign-in is recorded,
    /// with an email if it is a sign-in from a browser the account does not know.
    pub async fn start(
        &self,
        replacing: Option<&SessionToken>,
        account: &Account,
        requester: &Requester,
        arrival: Arrival,
    ) -> Result<SessionToken, CoreError> {
        let mut change = self.store.begin(account, requester).await?;
        if arrival == Arrival::Passkey {
            WaitingResets::cancel_in(&mut change).await?;
        }
        if let Some(replaced) = replacing {
            sessions::end_token(change.connection(), replaced).await?;
        }
        let token = self.sessions.insert(change.connection(), account, requester).await?;
        let event = match arrival {
            Arrival::Passkey => SecurityEvent::SignedInWithPasskey,
            Arrival::SignIn | Arrival::Registration => SecurityEvent::SignedIn,
        };
        change.record(event).await?;
        if arrival != Arrival::Registration {
            self.tell_if_new_browser(&mut change, requester).await?;
        }
        change.commit().await?;
        Ok(token)
    }

    /// Completes the sign-in `pending` started, in `change` (the step that
    /// accepted its second factor): a reset waiting for the account is cancelled
    /// (the device was not lost), the half-way session becomes a signed-in one
    /// under a new id, recorded, with an email if the browser is new to the account.
    pub(crate) async fn complete(
        &self,
        change: &mut SecurityChange<'_>,
        pending: &SignedIn,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        WaitingResets::cancel_in(change).await?;
        let token = self.sessions.promote(change.connection(), (pending, requester), change.now()).await?;
        change.record(SecurityEvent::SignedIn).await?;
        self.tell_if_new_browser(change, requester).await?;
        Ok(token)
    }

    async fn tell_if_new_browser(
        &self,
        change: &mut SecurityChange<'_>,
        requester: &Requester,
    ) -> Result<(), CoreError> {
        if new_browser::is_new(&self.devices, requester, change.account()) {
            change.notify(Notice::NewSignIn).await?;
        }
        Ok(())
    }

    /// Signs out the account's other session named `handle`: its next request, on
    /// any server, finds no session. Returns whether there was one to end (a
    /// handle of the session asking, of another account's, or of one already
    /// ended names none).
    pub async fn sign_out_one(
        &self,
        signed_in: &SignedIn,
        handle: &str,
        requester: &Requester,
    ) -> Result<bool, CoreError> {
        let Some(id) = self.sessions.named(signed_in, handle).await? else {
            return Ok(false);
        };
        let mut change = self.store.change(&signed_in.account, requester).await?;
        if !sessions::end_one(change.connection(), signed_in.account.id, &id).await? {
            return Ok(false);
        }
        change.record(SecurityEvent::SessionSignedOut).await?;
        change.commit().await?;
        Ok(true)
    }

    /// Signs out every other session of the account, and voids the device notes of
    /// every other browser (see [`crate::devices`]): the account's security stamp
    /// is renewed, so a sign-in racing with this one starts a void session too.
    /// Returns the account as it now is (the browser asking needs a new device
    /// note), and how many sessions ended.
    pub async fn sign_out_others(
        &self,
        signed_in: &SignedIn,
        requester: &Requester,
    ) -> Result<(Account, u64), CoreError> {
        let mut change = self.store.change(&signed_in.account, requester).await?;
        let ended = change.end_other_sessions(&signed_in.token).await?;
        change.record(SecurityEvent::OtherSessionsSignedOut).await?;
        Ok((change.commit().await?, ended))
    }
}
