//! The secret a reset link carries.

use crate::random_token::LinkToken;

/// What a reset link's token opens: choosing a new password.
#[derive(Debug)]
pub enum ResetLink {}

/// The token of a reset link: 256 random bits, stored only as a SHA-256.
pub type ResetToken = LinkToken<ResetLink>;
