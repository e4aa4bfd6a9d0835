//! The email a customer gets when their account is signed in from a browser it
//! does not know: one with no valid device note for the account (never signed in
//! to it, or not since its last security change; see [`crate::devices`]). It says
//! when, with which browser and from which address, and what to do if it was not
//! them. A browser the account knows signs in without a word.

use sea_orm::ConnectionTrait;

use crate::CoreError;
use crate::accounts::Account;
use crate::clock;
use crate::devices::{Client, Devices};
use crate::outbox::{Outbox, notices};
use crate::requester::Requester;

#[derive(Clone)]
pub struct NewSignInNotice {
    devices: Devices,
    outbox: Outbox,
    /// Who the email tells customers to contact.
    support: String,
}

impl NewSignInNotice {
    pub fn new(devices: Devices, outbox: Outbox, support: String) -> Self {
        Self { devices, outbox, support }
    }

    /// Sends what [`store_unless_known`](Self::store_unless_known) stored, once its
    /// transaction has committed.
    pub(crate) fn send(&self) {
        self.outbox.wake();
    }

    /// On `connection`, the transaction of the sign-in of `account` by `requester`:
    /// stores the email unless the browser is one the account knows; whether it did.
    pub(crate) async fn store_unless_known(
        &self,
        connection: &impl ConnectionTrait,
        account: &Account,
        requester: &Requester,
    ) -> Result<bool, CoreError> {
        if let Client::Trusted { .. } = self.devices.recognise(&requester.device_cookies, account) {
            return Ok(false);
        }
        Outbox::enqueue(connection, notices::new_sign_in(account, requester, clock::now(), &self.support)).await?;
        Ok(true)
    }
}
