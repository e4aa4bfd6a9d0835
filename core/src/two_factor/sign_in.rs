//! The code step of sign-in: what it asks for, sending the SMS, checking the
//! answer, and completing the sign-in it was the second step of.

use super::sms_codes::Purpose;
use super::{Answer, Method, SmsStatus, TwoFactor};
use crate::CoreError;
use crate::passkeys::Passkeys;
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::sessions::{SessionToken, SignedIn};
use crate::store::SecurityChange;
use crate::throttle::{Attempt, Verdict};
use crate::vocabulary::{Account, Asked};
use crate::waiting_resets::WaitingResets;

/// What the code step asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub method: Method,
    /// For SMS: where codes go (masked), whether one is live, when another may be sent.
    pub sms: Option<SmsStatus>,
    /// The account has passkeys to use ("Use your passkey"), whatever its method.
    pub passkeys: bool,
}

impl TwoFactor {
    /// After a right password: the method the code step asks for, or `None` when 2FA
    /// is off. With SMS the code is sent now, unless the limits say to wait (the code
    /// page then says whether an earlier code is still live, or when one can be
    /// sent) or the account has passkeys, which the code page asks for first.
    pub async fn begin_sign_in(&self, account: &Account) -> Result<Option<Method>, CoreError> {
        let Some(factor) = self.second_factor(account.id).await? else {
            return Ok(None);
        };
        if let Some(phone) = factor.phone()
            && Passkeys::usable(self.store.db(), account.id).await? == 0
        {
            match self.sms.send(account, (Purpose::SignIn, phone), None).await {
                Ok(_) | Err(CoreError::SmsResendTooSoon { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(Some(factor.method()))
    }

    /// "Resend code": a new sign-in code by SMS, refused while the cooldown or an
    /// hourly cap says to wait.
    pub async fn resend_sign_in_code(&self, account: &Account) -> Result<SmsStatus, CoreError> {
        let phone = self.sms_phone(account).await?;
        self.sms.send(account, (Purpose::SignIn, &phone), None).await
    }

    /// What the code page shows.
    pub async fn sign_in_challenge(&self, account: &Account) -> Result<Challenge, CoreError> {
        let factor = self.second_factor(account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let sms = match factor.phone() {
            Some(phone) => Some(self.sms.status(account.id, Purpose::SignIn, phone).await?),
            None => None,
        };
        let passkeys = Passkeys::usable(self.store.db(), account.id).await? > 0;
        Ok(Challenge { method: factor.method(), sms, passkeys })
    }

    /// Checks the sign-in code typed by `requester` in the half-way session
    /// `pending`, and signs the browser in if it is right. One transaction counts
    /// the attempt before the check (the count's row stays locked, so racing
    /// attempts on the same subject wait for this verdict), accepts the code once,
    /// starts the count afresh, swaps the half-way session for a signed-in one and
    /// records the sign-in: one commit, so one flush to disk, per sign-in. Returns
    /// the new session's token.
    pub async fn verify_sign_in_code(
        &self,
        pending: &SignedIn,
        code: &str,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        self.complete_sign_in(pending, Answer::Code(code), requester).await
    }

    /// Checks `answer` for the half-way session `pending` and, if right, signs the
    /// browser in, all in one change (see [`TwoFactor::check_answer`]).
    pub(super) async fn complete_sign_in(
        &self,
        pending: &SignedIn,
        answer: Answer<'_>,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let factor = self.second_factor(pending.account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        // A right answer cancels a waiting reset: then take the account's row first,
        // as the reset does, so the two never wait on each other's rows. (Read
        // before the transaction: on SQLite, a transaction that reads first cannot
        // write once another has.)
        let reset_waits = WaitingResets::waits(self.store.db(), pending.account.id).await?;
        let mut change = self.store.begin(&pending.account, requester).await?;
        if reset_waits {
            change.lock_account().await?;
        }
        let (attempt, verdict) = self.check_answer(&mut change, &factor, (Asked::SignIn, answer), requester).await?;
        self.finish_sign_in(change, (attempt, verdict), pending, requester).await
    }

    /// Ends a second sign-in step in `change`, which counted `attempt` before the
    /// check gave `verdict`. Not right: the count (and whatever the check found,
    /// a copied passkey) is committed as it stands, then settled (a wait, the lock
    /// and its email, the activity follow). Right: the count starts afresh and the
    /// half-way session `pending` becomes a signed-in one, committed with whatever
    /// the step wrote.
    async fn finish_sign_in(
        &self,
        mut change: SecurityChange<'_>,
        (attempt, verdict): (Attempt, Verdict<()>),
        pending: &SignedIn,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        crate::telemetry::code_check(match &verdict {
            Verdict::Right(()) => "right",
            Verdict::Wrong(_) => "wrong",
            Verdict::NotAGuess(_) => "not_a_guess",
        });
        let Verdict::Right(()) = verdict else {
            change.commit().await?;
            return Err(attempt.settle(verdict).await.err().unwrap_or(CoreError::InvalidCode));
        };
        attempt.succeed_on(change.connection()).await?;
        let token = self.sign_ins.complete(&mut change, pending, requester).await?;
        change.commit().await?;
        Ok(token)
    }

    async fn sms_phone(&self, account: &Account) -> Result<PhoneNumber, CoreError> {
        let factor = self.second_factor(account.id).await?;
        factor.and_then(|factor| factor.phone().cloned()).ok_or(CoreError::TwoFactorOff)
    }
}
