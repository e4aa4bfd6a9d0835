//! The tables, one entity a file.

pub mod code_failure;
pub mod outbox_message;
pub mod session;
pub mod sign_in_failure;
pub mod totp_enrollment;
pub mod two_factor;
pub mod user;
