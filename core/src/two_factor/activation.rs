//! What turning a second factor on or off does to the account, in the change that
//! does it: the factor's row, its recovery codes, its passkeys and SMS code, the
//! account's other sessions, the event and the email. Every way a factor changes
//! (a setup, a switch, "Disable 2FA", the last passkey removed, support's reset)
//! goes through here.

use sea_orm::{ActiveModelTrait as _, ConnectionTrait, EntityTrait as _};

use super::sms_codes::SmsCodes;
use super::{Method, SecondFactor, TwoFactor};
use crate::CoreError;
use crate::db::entities::{totp_enrollment, two_factor, waiting_reset};
use crate::notices::Notice;
use crate::passkeys::Passkeys;
use crate::recovery_codes::{RecoveryCode, RecoveryCodes};
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::sessions::SignedIn;
use crate::store::SecurityChange;
use crate::vocabulary::Account;
use crate::waiting_resets::WaitingResets;

/// A second factor just turned on: the account under its renewed security stamp,
/// and its new recovery codes, to be shown once.
#[derive(Debug)]
pub struct Activated {
    pub account: Account,
    pub recovery_codes: Vec<RecoveryCode>,
}

impl TwoFactor {
    /// In `change`: makes `factor` the account's second factor, replacing the
    /// one it had (a switch), gives it a new set of recovery codes, ends the
    /// account's other sessions, records the event and stores the email that says
    /// which method it now is. A stored factor that cannot be read is not
    /// replaced: support looks at it first.
    pub(super) async fn turn_on(
        &self,
        change: &mut SecurityChange<'_>,
        signed_in: &SignedIn,
        factor: SecondFactor,
    ) -> Result<Activated, CoreError> {
        let (connection, account_id) = (change.connection(), change.account().id);
        let previous = SecondFactor::load(connection, account_id).await?.map(|previous| previous.method());
        two_factor::Entity::delete_by_id(account_id).exec(connection).await?;
        let method = factor.method();
        factor.into_row(account_id, change.now()).insert(connection).await?;
        SmsCodes::forget(connection, account_id).await?;
        let recovery_codes = self.recovery_codes.replace(connection, account_id).await?;
        let passkeys_kept = method != Method::Passkey && Passkeys::usable(connection, account_id).await? > 0;
        change
            .record(match previous {
                Some(_) => SecurityEvent::TwoFactorSwitched(method),
                None => SecurityEvent::TwoFactorOn(method),
            })
            .await?;
        let ended = change.end_other_sessions(&signed_in.token).await?;
        change.notify(Notice::TwoFactorEnabled { method, previous, passkeys_kept }).await?;
        // The new factor is the customer's way back: a reset waiting would remove it.
        WaitingResets::cancel_in(change).await?;
        tracing::info!(
            account = account_id,
            method = method.stored(),
            ?previous,
            other_sessions_ended = ended,
            "two-factor method turned on"
        );
        Ok(Activated { account: change.account().clone(), recovery_codes })
    }

    /// Turns 2FA off (its recovery codes and passkeys with it), ends the account's
    /// other sessions, records the event and tells the customer by email, in one
    /// change. Returns the account under its renewed security stamp. The caller
    /// checks that the password was re-confirmed.
    pub async fn disable(&self, signed_in: &SignedIn, requester: &Requester) -> Result<Account, CoreError> {
        let mut change = self.store.change(&signed_in.account, requester).await?;
        let account_id = signed_in.account.id;
        let factor = SecondFactor::load(change.connection(), account_id).await?.ok_or(CoreError::TwoFactorOff)?;
        turn_off(change.connection(), account_id).await?;
        change.record(SecurityEvent::TwoFactorOff(factor.method())).await?;
        let ended = change.end_other_sessions(&signed_in.token).await?;
        change.notify(Notice::TwoFactorDisabled(factor.method())).await?;
        let account = change.commit().await?;
        tracing::info!(account = account_id, other_sessions_ended = ended, "two-factor authentication turned off");
        Ok(account)
    }

    /// Support's reset, in `change`: turns 2FA off whatever its stored state (even
    /// one that cannot be read: that is when support is called), with any setup
    /// under way. The caller records it, ends the sessions and emails the customer.
    pub(crate) async fn reset(change: &SecurityChange<'_>) -> Result<(), CoreError> {
        let (connection, account_id) = (change.connection(), change.account().id);
        if !turn_off(connection, account_id).await? {
            return Err(CoreError::TwoFactorOff);
        }
        totp_enrollment::Entity::delete_by_id(account_id).exec(connection).await?;
        Ok(())
    }
}

/// On `connection`: no second factor any more: its row, the recovery codes, the
/// passkeys and any SMS code go. Whether there was a factor.
pub(super) async fn turn_off(connection: &impl ConnectionTrait, account_id: i32) -> Result<bool, CoreError> {
    let removed = two_factor::Entity::delete_by_id(account_id).exec(connection).await?;
    // Nothing is left for a waiting reset to turn off.
    waiting_reset::Entity::delete_by_id(account_id).exec(connection).await?;
    SmsCodes::forget(connection, account_id).await?;
    RecoveryCodes::discard(connection, account_id).await?;
    Passkeys::discard(connection, account_id).await?;
    Ok(removed.rows_affected == 1)
}
