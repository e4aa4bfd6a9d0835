//! The errors the core reports. Each says what a caller can act on; database and
//! worker failures are kept apart from what the customer did wrong.

use crate::accounts::InvalidInput;
use crate::password::PasswordRejected;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The email and password do not match an account. Deliberately one variant for
    /// "no such email" and "wrong password", so callers cannot tell them apart.
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    #[error(transparent)]
    PasswordRejected(#[from] PasswordRejected),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// A blocking task (password hashing) panicked or was cancelled.
    #[error("background task failed: {0}")]
    Worker(String),
}
