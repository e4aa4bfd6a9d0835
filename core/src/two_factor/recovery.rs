//! Recovery codes in place of the second factor: signing in with one (counted by
//! the code step's throttle, spent once), how many are left, and a new set in
//! place of the old.

use super::{Answer, SecondFactor, TwoFactor};
use crate::CoreError;
use crate::notices::Notice;
use crate::recovery_codes::{RecoveryCode, RecoveryCodes};
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::sessions::{SessionToken, SignedIn};
use crate::store::SecurityChange;
use crate::throttle::Verdict;
use crate::vocabulary::Asked;

impl TwoFactor {
    /// "Use a recovery code": completes the sign-in `pending` started if `typed` is
    /// one of the account's unspent recovery codes. As the code step does, one
    /// change counts the guess first (in the code step's throttle, sharing its
    /// lock), spends a right code, records the event, stores the email and turns the
    /// half-way session into a signed-in one. Returns the new session.
    pub async fn sign_in_with_recovery_code(
        &self,
        pending: &SignedIn,
        typed: &str,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        self.complete_sign_in(pending, Answer::RecoveryCode(typed), requester).await
    }

    /// How many unspent recovery codes the account has.
    pub async fn recovery_codes_left(&self, account_id: i32) -> Result<u64, CoreError> {
        RecoveryCodes::left(self.store.db(), account_id).await
    }

    /// "Regenerate recovery codes": a new set replaces the whole old one, the event
    /// is recorded and the customer emailed, in one change. Returns the new codes,
    /// to be shown once. The caller checks that the password was re-confirmed.
    pub async fn regenerate_recovery_codes(
        &self,
        signed_in: &SignedIn,
        requester: &Requester,
    ) -> Result<Vec<RecoveryCode>, CoreError> {
        let account_id = signed_in.account.id;
        let mut change = self.store.change(&signed_in.account, requester).await?;
        SecondFactor::load(change.connection(), account_id).await?.ok_or(CoreError::TwoFactorOff)?;
        let codes = self.recovery_codes.replace(change.connection(), account_id).await?;
        change.record(SecurityEvent::RecoveryCodesRegenerated).await?;
        change.notify(Notice::RecoveryCodesRegenerated).await?;
        change.commit().await?;
        tracing::info!(account = account_id, "recovery codes regenerated");
        Ok(codes)
    }

    /// In `change`: spends `typed` if it is one of the account's unspent codes,
    /// where the second factor was `asked`, recording it and telling the customer.
    pub(super) async fn spend_recovery_code(
        &self,
        change: &mut SecurityChange<'_>,
        typed: &str,
        asked: Asked,
    ) -> Result<Verdict<()>, CoreError> {
        let account_id = change.account().id;
        if !self.recovery_codes.spend(change.connection(), account_id, typed).await? {
            return Ok(Verdict::Wrong(CoreError::InvalidRecoveryCode));
        }
        let left = RecoveryCodes::left(change.connection(), account_id).await?;
        change
            .record(match asked {
                Asked::SignIn => SecurityEvent::RecoveryCodeUsed { left },
                Asked::PasswordReset => SecurityEvent::RecoveryCodeUsedForReset { left },
            })
            .await?;
        change.notify(Notice::RecoveryCodeUsed { left, asked }).await?;
        tracing::info!(account = account_id, left, "a recovery code was spent");
        Ok(Verdict::Right(()))
    }
}
