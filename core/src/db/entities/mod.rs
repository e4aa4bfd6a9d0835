//! The tables, one entity a file.

pub mod failure_count;
pub mod hourly_budget;
pub mod master_key_check;
pub mod outbox_message;
pub mod passkey;
pub mod password_reset;
pub mod password_reset_request;
pub mod recovery_code;
pub mod security_event;
pub mod session;
pub mod sms_code;
pub mod sms_number_window;
pub mod totp_enrollment;
pub mod two_factor;
pub mod user;
pub mod waiting_reset;
pub mod webauthn_ceremony;
