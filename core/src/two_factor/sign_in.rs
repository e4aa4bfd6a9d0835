//! The code step of sign-in: what it asks for, sending the SMS, checking the code.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use super::sms_codes::Purpose;
use super::{Method, SmsSent, TwoFactor};
use crate::CoreError;
use crate::accounts::Account;
use crate::clock;
use crate::db::entities::two_factor;

/// What the code step asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub method: Method,
    /// For SMS: where the code went (masked) and when another may be sent.
    pub sms: Option<SmsSent>,
}

impl TwoFactor {
    /// After a right password: the method the code step asks for, or `None` when 2FA
    /// is off. With SMS the code is sent now, unless one went out moments ago: that
    /// one is still valid, and the code page shows the wait.
    pub async fn begin_sign_in(&self, account: &Account) -> Result<Option<Method>, CoreError> {
        let Some(enabled) = self.enabled(account.id).await? else {
            return Ok(None);
        };
        if let Some(phone) = &enabled.phone {
            match self.send_sms_code(account, Purpose::SignIn, phone).await {
                Ok(_) | Err(CoreError::SmsResendTooSoon { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(Some(enabled.method))
    }

    /// "Resend code": a new sign-in code by SMS, refused while the cooldown or the
    /// hourly cap says to wait.
    pub async fn resend_sign_in_code(&self, account: &Account) -> Result<SmsSent, CoreError> {
        let enabled = self.enabled(account.id).await?;
        let phone = enabled.and_then(|enabled| enabled.phone).ok_or(CoreError::TwoFactorOff)?;
        self.send_sms_code(account, Purpose::SignIn, &phone).await
    }

    /// What the code page shows.
    pub async fn sign_in_challenge(&self, account: &Account) -> Result<Challenge, CoreError> {
        let enabled = self.enabled(account.id).await?.ok_or(CoreError::TwoFactorOff)?;
        let sms = match enabled.phone {
            Some(phone) => Some(SmsSent {
                masked_phone: phone.masked(),
                resend_in_secs: self.sms_wait(account.id, clock::now()).await?,
            }),
            None => None,
        };
        Ok(Challenge { method: enabled.method, sms })
    }

    /// Checks the sign-in code of an account with 2FA on, with its method. Every
    /// wrong code counts toward the account's failure throttle; a right one starts
    /// the count afresh.
    pub async fn verify_sign_in_code(&self, account: &Account, code: &str) -> Result<(), CoreError> {
        self.throttle.check(account.id).await?;
        let row = two_factor::Entity::find_by_id(account.id).one(&self.db).await?.ok_or(CoreError::TwoFactorOff)?;
        match Method::from_stored(&row.method) {
            Some(Method::AuthenticatorApp) => self.verify_totp_sign_in(account, row, code).await?,
            Some(Method::Sms) => drop(self.take_sms_code(account, Purpose::SignIn, code).await?),
            None => return Err(CoreError::TwoFactorOff),
        }
        self.throttle.reset(account.id).await
    }

    /// Checks an authenticator-app code at sign-in. A code is accepted once: the
    /// step it belongs to must be later than the last accepted one, and moving that
    /// mark is one conditional UPDATE, so of two requests racing with the same code
    /// exactly one wins, on any number of servers.
    async fn verify_totp_sign_in(
        &self,
        account: &Account,
        row: two_factor::Model,
        code: &str,
    ) -> Result<(), CoreError> {
        let secret = self.open_secret(account.id, row.sealed_secret)?;
        let Some(step) = secret.verify(code, clock::now()) else {
            return Err(self.throttle.record_failure(account, CoreError::InvalidCode).await?);
        };
        let accepted = two_factor::Entity::update_many()
            .col_expr(two_factor::Column::LastUsedStep, Expr::value(step.0))
            .filter(two_factor::Column::UserId.eq(account.id))
            .filter(
                Condition::any()
                    .add(two_factor::Column::LastUsedStep.is_null())
                    .add(two_factor::Column::LastUsedStep.lt(step.0)),
            )
            .exec(&self.db)
            .await?;
        if accepted.rows_affected != 1 {
            // A right code, already used: not a guess, so not counted as one.
            return Err(CoreError::CodeAlreadyUsed);
        }
        Ok(())
    }
}
