//! Recovery codes at sign-in and afterwards: signing in with one instead of the
//! code (counted by the code step's throttle, spent once), how many are left, and
//! a new set in place of the old.

use sea_orm::TransactionTrait as _;

use super::{Answer, TwoFactor};
use crate::CoreError;
use crate::accounts::lock_for_change;
use crate::clock;
use crate::outbox::{Outbox, notices};
use crate::recovery_codes::{RecoveryCode, RecoveryCodes};
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::{SessionToken, SignedIn};

impl TwoFactor {
    /// "Use a recovery code": completes the sign-in `pending` started if `typed` is
    /// one of the account's unspent recovery codes. As the code step does, one
    /// transaction counts the guess first (in the code step's throttle, sharing its
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
        RecoveryCodes::left(&self.db, account_id).await
    }

    /// "Regenerate recovery codes": a new set replaces the whole old one, the event
    /// is recorded and the customer emailed, in one transaction. Returns the new
    /// codes, to be shown once. The caller checks that the password was re-confirmed.
    pub async fn regenerate_recovery_codes(
        &self,
        signed_in: &SignedIn,
        requester: &Requester,
    ) -> Result<Vec<RecoveryCode>, CoreError> {
        let account = &signed_in.account;
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        super::SecondFactor::load(&transaction, account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let codes = self.recovery_codes.replace(&transaction, account.id).await?;
        let regenerated = SecurityEvent::RecoveryCodesRegenerated;
        SecurityEvents::record(&transaction, account.id, regenerated, &Actor::Client, requester).await?;
        Outbox::enqueue(&transaction, notices::recovery_codes_regenerated(account, clock::now(), &self.support))
            .await?;
        transaction.commit().await?;
        self.outbox.wake();
        tracing::info!(account = account.id, "recovery codes regenerated");
        Ok(codes)
    }
}
