//! What was added to the account's sign-in lately: the method turned on, and the
//! passkeys added, in the last 30 days. After a password reset or "Sign out of all
//! other sessions", the customer sees them, each with "Remove": an intruder's
//! passkey or method outlives a new password and the end of the intruder's
//! sessions, and this is where the customer finds it.

use sea_orm::EntityTrait as _;

use super::TwoFactor;
use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::two_factor;
use crate::passkeys::PasskeyListing;
use crate::vocabulary::Method;

/// How far back "lately" reaches.
pub const RECENT_SECS: i64 = 30 * 24 * 60 * 60;

/// What was added in the last 30 days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecentAdditions {
    /// The method, with when it was turned on, if that was lately.
    pub method: Option<(Method, UnixTime)>,
    /// The passkeys added lately, oldest first, and whether removing each would
    /// turn 2FA off (the last passkey of an account on passkeys).
    pub passkeys: Vec<(PasskeyListing, bool)>,
}

impl TwoFactor {
    /// What was added to `account_id`'s sign-in in the last 30 days.
    pub async fn recent_additions(&self, account_id: i32) -> Result<RecentAdditions, CoreError> {
        let since = self.store.now() - RECENT_SECS;
        let method = self.method(account_id).await?;
        let row = two_factor::Entity::find_by_id(account_id).one(self.store.db()).await?;
        let turned_on = method.zip(row).map(|(method, row)| (method, row.enabled_at));
        let passkeys = self.passkeys.of_account(account_id).await?;
        let usable = passkeys.iter().filter(|passkey| !passkey.suspended).count();
        let on_passkeys = method == Some(Method::Passkey);
        let held = passkeys.len();
        let passkeys = passkeys
            .into_iter()
            .filter(|passkey| passkey.added_at > since)
            .map(|passkey| {
                let last = on_passkeys && ((!passkey.suspended && usable == 1) || held == 1);
                (passkey, last)
            })
            .collect();
        Ok(RecentAdditions { method: turned_on.filter(|(_, at)| *at > since), passkeys })
    }
}
