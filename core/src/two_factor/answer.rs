//! What a customer gives where the second factor is asked, at sign-in or to reset a
//! forgotten password: the method's code, a passkey, or one of the recovery codes.
//! Checked the same way wherever it is asked: counted first in the code step's
//! throttle, and accepted once.

use webauthn_rs::prelude::PublicKeyCredential;

use super::sms_codes::Purpose;
use super::{SecondFactor, TwoFactor};
use crate::CoreError;
use crate::requester::Requester;
use crate::sessions::SessionToken;
use crate::store::SecurityChange;
use crate::throttle::{Attempt, Subject, Verdict};
use crate::vocabulary::Asked;

/// What was typed where the second factor is asked.
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    /// The six digits from the authenticator app, or from the text message.
    Code(&'a str),
    /// One of the codes saved at setup, in place of the code.
    RecoveryCode(&'a str),
    /// The browser's answer to the passkey challenge the session `ceremony` was
    /// given, whatever the account's method (passkeys may sit beside it).
    Passkey { answer: &'a PublicKeyCredential, ceremony: &'a SessionToken },
}

impl TwoFactor {
    /// In `change`: counts the check in the code step's throttle for
    /// `requester`'s browser (or with every browser the account does not know
    /// asking where it is `asked`; the count's row stays locked until the change
    /// ends, so racing checks wait for this verdict), then checks `answer` against
    /// `factor`, the account's, read before. A right code is accepted once; a right
    /// recovery code is spent, recorded and emailed about. The caller settles the
    /// returned attempt with the verdict.
    pub(crate) async fn check_answer(
        &self,
        change: &mut SecurityChange<'_>,
        factor: &SecondFactor,
        (asked, answer): (Asked, Answer<'_>),
        requester: &Requester,
    ) -> Result<(Attempt, Verdict<()>), CoreError> {
        let account = change.account().clone();
        let client = self.devices.recognise(&requester.device_cookies, &account);
        let subject = match asked {
            Asked::SignIn => Subject::account(client, account.id),
            Asked::PasswordReset => Subject::password_reset(client, account.id),
        };
        let attempt = self.codes.reserve_on(change.connection(), &subject, Some(&account), requester).await?;
        let verdict = match (answer, factor) {
            (Answer::Code(code), SecondFactor::AuthenticatorApp { sealed_secret, .. }) => {
                self.app.accept_code(change.connection(), account.id, sealed_secret, (code, change.now())).await?
            }
            (Answer::Code(code), SecondFactor::Sms { .. }) => {
                let (connection, now) = (change.connection(), change.now());
                self.sms.take(connection, (account.id, Purpose::SignIn, None), code, now).await?.map(drop)
            }
            (Answer::Code(_), SecondFactor::Passkey) => Verdict::Wrong(CoreError::InvalidCode),
            (Answer::Passkey { answer, ceremony }, _) => self.passkeys.check(change, ceremony, answer).await?,
            (Answer::RecoveryCode(typed), _) => self.spend_recovery_code(change, typed, asked).await?,
        };
        Ok((attempt, verdict))
    }
}
