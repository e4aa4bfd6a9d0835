//! Pieces the pages are made of.

mod code_input;
mod focus;
mod form_error;
mod manage_two_factor;
mod new_password_input;
mod passkeys;
mod portal_header;
mod recent_additions;
mod recovery_code_input;
mod recovery_codes;
mod resend_code;
mod second_factor_form;
mod security_activity;
mod setup_wizard;
mod user_menu;
mod waiting_reset_notice;
mod where_signed_in;

pub use code_input::CodeInput;
pub use focus::{focus_after_render, refocus_after_error};
pub use form_error::FormError;
pub use manage_two_factor::ManageTwoFactor;
pub use new_password_input::NewPasswordInput;
pub use passkeys::{CreatePasskey, PasskeyList};
pub use portal_header::PortalHeader;
pub use recent_additions::RecentAdditions;
pub use recovery_code_input::RecoveryCodeInput;
pub use recovery_codes::{RecoveryCodesPanel, SaveRecoveryCodes};
pub use resend_code::ResendCode;
pub use second_factor_form::SecondFactorForm;
pub use security_activity::SecurityActivity;
pub use setup_wizard::SetupWizard;
pub use user_menu::UserMenu;
pub use waiting_reset_notice::WaitingResetNotice;
pub use where_signed_in::WhereSignedIn;
