//! Re-confirming the password before a security change. A signed-in session is not
//! enough to turn 2FA on or off: the customer types their password again, and for
//! ten minutes after that the session may make such changes. Wrong passwords count
//! toward the same per-account throttle as wrong codes.

use crate::CoreError;
use crate::accounts::{Account, Accounts};
use crate::password::Password;
use crate::sessions::{SessionToken, Sessions};
use crate::two_factor::CodeThrottle;

#[derive(Clone)]
pub struct StepUp {
    accounts: Accounts,
    sessions: Sessions,
    throttle: CodeThrottle,
}

impl StepUp {
    pub fn new(accounts: Accounts, sessions: Sessions, throttle: CodeThrottle) -> Self {
        Self { accounts, sessions, throttle }
    }

    /// Checks the re-typed password and, if right, marks the session as confirmed.
    pub async fn confirm_password(
        &self,
        token: &SessionToken,
        account: &Account,
        password: Password,
    ) -> Result<(), CoreError> {
        self.throttle.check(account.id).await?;
        if !self.accounts.check_password(account, password).await? {
            return Err(self.throttle.record_failure(account, CoreError::WrongPassword).await?);
        }
        self.throttle.reset(account.id).await?;
        self.sessions.mark_password_confirmed(token).await
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
