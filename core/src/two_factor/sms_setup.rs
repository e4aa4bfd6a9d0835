//! Setting up SMS: a code sent to the number typed, then SMS turned on by that
//! code. With another method on, this is the switch: it stays until the SMS code
//! is right, so the account is never without a second factor.

use super::sms_codes::Purpose;
use super::{Activated, Method, SecondFactor, SmsStatus, TwoFactor};
use crate::CoreError;
use crate::phone::PhoneNumber;
use crate::requester::Requester;
use crate::sessions::SignedIn;
use crate::throttle::Subject;

impl TwoFactor {
    /// Sends a code to `phone`, the number being set up ("Send code", and again for
    /// "Resend code"). The caller checks that the password was re-confirmed.
    /// The code belongs to `signed_in`'s session: no other can use it.
    pub async fn begin_sms_setup(&self, signed_in: &SignedIn, phone: &PhoneNumber) -> Result<SmsStatus, CoreError> {
        let account = &signed_in.account;
        if self.method(account.id).await? == Some(Method::Sms) {
            return Err(CoreError::TwoFactorAlreadyOn);
        }
        self.sms.send(account, (Purpose::Setup, phone), Some(&signed_in.token.digest())).await
    }

    /// Turns SMS on for the number the code went to, if `code` is right (counted
    /// first, for the account in whatever browser): in one change the number
    /// becomes the account's (replacing the method it had), the other sessions end
    /// and the confirmation email is stored. Returns the account under its renewed
    /// security stamp, with its new recovery codes. The caller checks that the
    /// password was re-confirmed.
    pub async fn confirm_sms_setup(
        &self,
        signed_in: &SignedIn,
        code: &str,
        requester: &Requester,
    ) -> Result<Activated, CoreError> {
        let account = &signed_in.account;
        let attempt = self.codes.reserve(&Subject::UntrustedAccount(account.id), Some(account), requester).await?;
        let session = signed_in.token.digest();
        let owner = (account.id, Purpose::Setup, Some(session.as_str()));
        let taken = self.sms.take(self.store.db(), owner, code, self.store.now()).await?;
        let phone = attempt.settle(taken).await?;
        let mut change = self.store.change(account, requester).await?;
        let activated = self.turn_on(&mut change, signed_in, SecondFactor::Sms { phone }).await?;
        change.commit().await?;
        Ok(activated)
    }
}
