//! Setting up SMS: a code sent to the number typed, then SMS turned on by that
//! code. With the authenticator app on, this is the switch: the app stays until
//! the SMS code is right, so the account is never without a second factor.

use sea_orm::TransactionTrait as _;

use super::sms_codes::Purpose;
use super::{Activated, Method, SecondFactor, SmsStatus, TwoFactor};
use crate::CoreError;
use crate::accounts::{Account, lock_for_change};
use crate::clock;
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::sessions::SignedIn;

impl TwoFactor {
    /// Sends a code to `phone`, the number being set up ("Send code", and again for
    /// "Resend code"). The caller checks that the password was re-confirmed.
    pub async fn begin_sms_setup(&self, account: &Account, phone: &PhoneNumber) -> Result<SmsStatus, CoreError> {
        if self.method(account.id).await? == Some(Method::Sms) {
            return Err(CoreError::TwoFactorAlreadyOn);
        }
        self.send_sms_code(account, Purpose::Setup, phone).await
    }

    /// Turns SMS on for the number the code went to, if `code` is right: in one
    /// transaction the number becomes the account's (replacing the authenticator
    /// app, if that was on), the other sessions end and the confirmation email is
    /// stored. Returns the account under its renewed security stamp, with its new
    /// recovery codes. The caller checks that the password was re-confirmed.
    pub async fn confirm_sms_setup(
        &self,
        signed_in: &SignedIn,
        code: &str,
        requester: &Requester,
    ) -> Result<Activated, CoreError> {
        let attempt = self.reserve_setup_code(&signed_in.account, requester).await?;
        let phone =
            attempt.settle(self.take_sms_code(&self.db, signed_in.account.id, Purpose::Setup, code).await?).await?;
        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, signed_in.account.id).await?;
        let factor = SecondFactor::Sms { phone };
        let activated = self.turn_on(&transaction, signed_in, factor, clock::now(), requester).await?;
        transaction.commit().await?;
        self.outbox.wake();
        Ok(activated)
    }
}
