//! A waiting reset that came due: two-factor authentication off, the recovery
//! codes and passkeys gone, every session ended, the customer emailed. Each is
//! claimed in the change that performs it, so when servers race the end of a
//! wait, one performs it and the others find nothing to do.

use sea_orm::EntityTrait as _;

use super::TwoFactor;
use crate::CoreError;
use crate::db::entities::user;
use crate::notices::Notice;
use crate::requester::Requester;
use crate::security_events::SecurityEvent;
use crate::vocabulary::Account;
use crate::waiting_resets::WaitingResets;

impl TwoFactor {
    /// Performs every waiting reset that is due; returns how many it performed.
    /// One account's failure is logged, and the others go on.
    pub async fn complete_waiting_resets(&self, resets: &WaitingResets) -> Result<u64, CoreError> {
        let mut performed = 0;
        for account_id in resets.due().await? {
            match self.complete_waiting_reset(account_id).await {
                Ok(done) => performed += u64::from(done),
                Err(error) => tracing::error!(account = account_id, %error, "a due reset could not be performed"),
            }
        }
        Ok(performed)
    }

    /// Performs the account's reset if it is still due and the customer was told;
    /// whether it did.
    async fn complete_waiting_reset(&self, account_id: i32) -> Result<bool, CoreError> {
        let Some(owner) = user::Entity::find_by_id(account_id).one(self.store.db()).await? else { return Ok(false) };
        let requester = Requester::default();
        let mut change = self.store.change(&Account::from(owner), &requester).await?;
        if !WaitingResets::claim_due(&change).await? {
            return Ok(false);
        }
        let performed = match Self::reset(&change).await {
            // Turned off meanwhile by the customer: the claim is all there is to do.
            Err(CoreError::TwoFactorOff) => false,
            other => {
                other?;
                change.end_all_sessions().await?;
                change.record(SecurityEvent::TwoFactorReset).await?;
                change.notify(Notice::ResetDone).await?;
                tracing::info!(account = account_id, "a waiting reset of two-factor authentication was performed");
                true
            }
        };
        change.commit().await?;
        Ok(performed)
    }
}
