//! Server functions, one a file, grouped by what they act on. Each is thin: it reads
//! the session, calls the security core and maps its errors.

pub mod account;
pub mod auth;
pub mod passkeys;
pub mod password_reset;
pub mod two_factor;
pub mod waiting_reset;
