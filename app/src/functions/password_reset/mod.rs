//! "Forgot your password?": asking for a link, opening it, the second factor when
//! 2FA is on, and the new password.

mod choose_new_password;
mod open_password_reset;
mod password_reset_step;
mod request_password_reset;
mod send_reset_code;
mod verify_reset_code;
mod verify_reset_recovery_code;

pub use choose_new_password::{ChooseNewPassword, choose_new_password};
pub use open_password_reset::{OpenPasswordReset, open_password_reset};
pub use password_reset_step::{PasswordResetStep, ResetStepView, password_reset_step};
pub use request_password_reset::{RequestPasswordReset, request_password_reset};
pub use send_reset_code::{SendResetCode, send_reset_code};
pub use verify_reset_code::{VerifyResetCode, verify_reset_code};
pub use verify_reset_recovery_code::{VerifyResetRecoveryCode, verify_reset_recovery_code};
