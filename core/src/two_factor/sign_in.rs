//! The code step of sign-in: what it asks for, sending the SMS, checking the code.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseTransaction, EntityTrait as _, QueryFilter as _, TransactionTrait as _,
};

use super::sms_codes::Purpose;
use super::{Answer, Asked, Method, SmsStatus, TwoFactor};
use crate::CoreError;
use crate::accounts::Account;
use crate::clock;
use crate::db::entities::two_factor;
use crate::passkeys::Passkeys;
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::secrets::SealedSecret;
use crate::sessions::{SessionToken, SignedIn};
use crate::throttle::{Attempt, Verdict};

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
            && Passkeys::usable(&self.db, account.id).await? == 0
        {
            match self.send_sms_code(account, Purpose::SignIn, phone).await {
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
        self.send_sms_code(account, Purpose::SignIn, &phone).await
    }

    /// What the code page shows.
    pub async fn sign_in_challenge(&self, account: &Account) -> Result<Challenge, CoreError> {
        let factor = self.second_factor(account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let sms = match factor.phone() {
            Some(phone) => Some(self.sms_status(account.id, Purpose::SignIn, phone, clock::now()).await?),
            None => None,
        };
        let passkeys = Passkeys::usable(&self.db, account.id).await? > 0;
        Ok(Challenge { method: factor.method(), sms, passkeys })
    }

    /// Checks the sign-in code typed by `requester` in the half-way session
    /// `pending`, and signs the browser in if it is right. One transaction counts
    /// the attempt before the check (the count's row stays locked, so racing
    /// attempts in the same bucket wait for this verdict), accepts the code once,
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
    /// browser in, all in one transaction (see [`Self::check_answer_on`]).
    pub(super) async fn complete_sign_in(
        &self,
        pending: &SignedIn,
        answer: Answer<'_>,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        let account = &pending.account;
        let factor = self.second_factor(account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let transaction = self.db.begin().await?;
        let (attempt, verdict) =
            self.check_answer_on(&transaction, account, &factor, Asked::SignIn, answer, requester).await?;
        self.finish_sign_in(transaction, attempt, verdict, pending, requester).await
    }

    /// Ends a second sign-in step (a code, or a recovery code) in `transaction`,
    /// which counted `attempt` before the check gave `verdict`. Not right: the count
    /// is committed as it stands, then settled (a wait, the lock and its email, the
    /// activity follow). Right: the count starts afresh and the half-way session
    /// `pending` becomes a signed-in one, committed with whatever the step wrote.
    pub(super) async fn finish_sign_in(
        &self,
        transaction: DatabaseTransaction,
        attempt: Attempt,
        verdict: Verdict<()>,
        pending: &SignedIn,
        requester: &Requester,
    ) -> Result<SessionToken, CoreError> {
        crate::telemetry::code_check(match &verdict {
            Verdict::Right(()) => "right",
            Verdict::Wrong(_) => "wrong",
            Verdict::NotAGuess(_) => "not_a_guess",
        });
        let Verdict::Right(()) = verdict else {
            transaction.commit().await?;
            // A refusal may have stored an email (a copied passkey, found out).
            self.outbox.wake();
            return Err(attempt.settle(verdict).await.err().unwrap_or(CoreError::InvalidCode));
        };
        attempt.succeed_on(&transaction).await?;
        let token = self.sessions.complete_sign_in_on(&transaction, pending, requester).await?;
        transaction.commit().await?;
        // The step may have stored emails: a recovery code used, a new browser.
        self.outbox.wake();
        Ok(token)
    }

    /// Checks an authenticator-app code where the second factor is asked. A code is accepted once: the
    /// step it belongs to must be later than the last accepted one, and moving that
    /// mark is one conditional UPDATE, so of two requests racing with the same code
    /// exactly one wins, on any number of servers. A right code already used is
    /// not a guess.
    pub(super) async fn accept_totp_sign_in(
        &self,
        connection: &impl ConnectionTrait,
        account_id: i32,
        sealed_secret: &SealedSecret,
        code: &str,
    ) -> Result<Verdict<()>, CoreError> {
        let secret = self.open_secret(account_id, sealed_secret)?;
        let Some(step) = secret.verify(code, clock::now()) else {
            return Ok(Verdict::Wrong(CoreError::InvalidCode));
        };
        let accepted = two_factor::Entity::update_many()
            .col_expr(two_factor::Column::LastUsedStep, Expr::value(step.0))
            .filter(two_factor::Column::UserId.eq(account_id))
            // Still the secret the code was checked against: not a factor that
            // replaced it meanwhile.
            .filter(two_factor::Column::SealedSecret.eq(sealed_secret.clone().into_stored()))
            .filter(
                Condition::any()
                    .add(two_factor::Column::LastUsedStep.is_null())
                    .add(two_factor::Column::LastUsedStep.lt(step.0)),
            )
            .exec(connection)
            .await?;
        Ok(match accepted.rows_affected {
            1 => Verdict::Right(()),
            _ => Verdict::NotAGuess(CoreError::CodeAlreadyUsed),
        })
    }

    async fn sms_phone(&self, account: &Account) -> Result<PhoneNumber, CoreError> {
        let factor = self.second_factor(account.id).await?;
        factor.and_then(|factor| factor.phone().cloned()).ok_or(CoreError::TwoFactorOff)
    }
}
