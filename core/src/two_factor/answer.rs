//! What a customer gives where the second factor is asked, at sign-in or to reset a
//! forgotten password: the method's code, a passkey, or one of the recovery codes. Checked the
//! same way wherever it is asked: counted first in the code step's throttle, and
//! accepted once.

use sea_orm::DatabaseTransaction;

use super::sms_codes::Purpose;
use super::{SecondFactor, TwoFactor};
use crate::CoreError;
use crate::accounts::Account;
use crate::clock;
use crate::outbox::{Outbox, notices};
use crate::recovery_codes::RecoveryCodes;
use crate::requester::Requester;
use crate::security_events::{Actor, SecurityEvent, SecurityEvents};
use crate::sessions::SessionToken;
use crate::throttle::{Attempt, Verdict};
pub use crate::vocabulary::Asked;
use webauthn_rs::prelude::PublicKeyCredential;

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
    /// In `transaction`: counts the check in the code step's throttle for
    /// `requester`'s browser (or with every browser the account does not know
    /// asking where it is `asked`), then checks `answer` against `factor`, the account's, read before. A right
    /// code is accepted once; a right recovery code is spent, recorded and emailed
    /// about. The caller settles the returned attempt with the verdict, and wakes
    /// the outbox once the transaction has committed.
    pub(crate) async fn check_answer_on(
        &self,
        transaction: &DatabaseTransaction,
        account: &Account,
        factor: &SecondFactor,
        asked: Asked,
        answer: Answer<'_>,
        requester: &Requester,
    ) -> Result<(Attempt, Verdict<()>), CoreError> {
        let attempt = self.reserve_answer(transaction, account, asked, requester).await?;
        let verdict = match (answer, factor) {
            (Answer::Code(code), SecondFactor::AuthenticatorApp { sealed_secret, .. }) => {
                self.accept_totp_sign_in(transaction, account.id, sealed_secret, code).await?
            }
            (Answer::Code(code), SecondFactor::Sms { .. }) => {
                self.take_sms_code(transaction, account.id, Purpose::SignIn, code).await?.map(drop)
            }
            (Answer::Code(_), SecondFactor::Passkey) => Verdict::Wrong(CoreError::InvalidCode),
            (Answer::Passkey { answer, ceremony }, _) => {
                self.passkeys.check_on(transaction, ceremony, account, answer, requester).await?
            }
            (Answer::RecoveryCode(typed), _) => {
                self.spend_recovery_code(transaction, account, typed, asked, requester).await?
            }
        };
        Ok((attempt, verdict))
    }

    async fn spend_recovery_code(
        &self,
        transaction: &DatabaseTransaction,
        account: &Account,
        typed: &str,
        asked: Asked,
        requester: &Requester,
    ) -> Result<Verdict<()>, CoreError> {
        if !self.recovery_codes.spend(transaction, account.id, typed).await? {
            return Ok(Verdict::Wrong(CoreError::InvalidRecoveryCode));
        }
        let left = RecoveryCodes::left(transaction, account.id).await?;
        let used = match asked {
            Asked::SignIn => SecurityEvent::RecoveryCodeUsed { left },
            Asked::PasswordReset => SecurityEvent::RecoveryCodeUsedForReset { left },
        };
        SecurityEvents::record(transaction, account.id, used, &Actor::Client, requester).await?;
        let notice = notices::recovery_code_used(account, left, asked, clock::now(), &self.support);
        Outbox::enqueue(transaction, notice).await?;
        tracing::info!(account = account.id, left, "a recovery code was spent");
        Ok(Verdict::Right(()))
    }
}
