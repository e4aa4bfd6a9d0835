//! Two-factor authentication from the Account Security tab: its state, re-confirming
//! the password, setting up the authenticator app or SMS (or switching from one to
//! the other), turning 2FA off, and the recovery codes. Every change needs the password re-typed in this
//! session within ten minutes; the server checks it, not the wizard.

mod begin_sms_setup;
mod begin_totp_setup;
mod confirm_password;
mod confirm_sms_setup;
mod confirm_totp_setup;
mod disable_two_factor;
mod recent_additions;
mod recovery_codes_view;
mod regenerate_recovery_codes;
mod two_factor_status;

pub use begin_sms_setup::{BeginSmsSetup, SmsStatusView, begin_sms_setup};
pub use begin_totp_setup::{BeginTotpSetup, TotpSetupView, begin_totp_setup};
pub use confirm_password::{ConfirmPassword, confirm_password};
pub use confirm_sms_setup::{ConfirmSmsSetup, confirm_sms_setup};
pub use confirm_totp_setup::{ConfirmTotpSetup, confirm_totp_setup};
pub use disable_two_factor::{DisableTwoFactor, disable_two_factor};
pub use recent_additions::{RecentAdditions, RecentAdditionsView, recent_additions};
pub use recovery_codes_view::RecoveryCodesView;
pub use regenerate_recovery_codes::{RegenerateRecoveryCodes, regenerate_recovery_codes};
pub use two_factor_status::{TwoFactorState, TwoFactorStatus, two_factor_status};
