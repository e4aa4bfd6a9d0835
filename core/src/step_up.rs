//! Re-confirming the password before a security change. A signed-in session is not
//! enough to turn 2FA on or off: the customer types their password again, and for
//! ten minutes after that the session may make such changes. Wrong passwords have a
//! throttle of their own ([`crate::throttle::Rule::STEP_UP`]), apart from wrong codes.

use crate::CoreError;
use crate::accounts::Accounts;
use crate::devices::Devices;
use crate::password::Password;
use crate::requester::Requester;
use crate::sessions::{SessionToken, Sessions, SignedIn};
use crate::throttle::{Subject, Throttle};

/// Proof that the password was re-typed and right in this very request: what
/// adding a passkey asks for, since a passkey outlives a password reset and a
/// session within its ten minutes is not proof enough that the customer is there.
#[derive(Debug)]
pub struct PasswordConfirmed(());

#[derive(Clone)]
pub struct StepUp {
    accounts: Accounts,
    sessions: Sessions,
    devices: Devices,
    /// Built for [`crate::throttle::Rule::STEP_UP`].
    throttle: Throttle,
}

impl StepUp {
    pub fn new(accounts: Accounts, sessions: Sessions, devices: Devices, throttle: Throttle) -> Self {
        Self { accounts, sessions, devices, throttle }
    }

    /// Checks the re-typed password and, if right, marks the session as confirmed.
    /// The check is reserved in the throttle first, for `requester`'s browser if the
    /// account knows it.
    pub async fn confirm_password(
        &self,
        signed_in: &SignedIn,
        password: Password,
        requester: &Requester,
    ) -> Result<PasswordConfirmed, CoreError> {
        let account = &signed_in.account;
        let subject = Subject::account(self.devices.recognise(&requester.device_cookies, account), account.id);
        let attempt = self.throttle.reserve(&subject, Some(account), requester).await?;
        let verdict = self.accounts.check_password(account, password).await?;
        attempt.settle(verdict).await?;
        self.sessions.mark_password_confirmed(&signed_in.token).await?;
        Ok(PasswordConfirmed(()))
    }

    /// Fails unless the password was re-confirmed in this session lately.
    pub async fn require_recent(&self, token: &SessionToken) -> Result<(), CoreError> {
        if self.sessions.password_recently_confirmed(token).await? {
            Ok(())
        } else {
            Err(CoreError::PasswordConfirmationRequired)
        }
    }
}
