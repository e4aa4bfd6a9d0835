//! Which sign-ins the customer is emailed about: those from a browser the account
//! does not know, one with no valid device note for it (never signed in to it, or
//! not since its last security change; see [`crate::devices`]). The email says
//! when, with which browser and from which address, and what to do if it was not
//! them. A browser the account knows signs in without a word.

use crate::devices::{Client, Devices};
use crate::requester::Requester;
use crate::vocabulary::Account;

/// Whether `requester`'s browser is new to `account`.
pub(super) fn is_new(devices: &Devices, requester: &Requester, account: &Account) -> bool {
    matches!(devices.recognise(&requester.device_cookies, account), Client::Untrusted)
}
