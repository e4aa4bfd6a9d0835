//! The secret a cancel link carries.

use crate::random_token::LinkToken;

/// What a cancel link's token does: cancel a waiting reset of two-factor
/// authentication.
#[derive(Debug)]
pub enum CancelLink {}

/// The token of a cancel link: 256 random bits, stored only as a SHA-256.
pub type CancelToken = LinkToken<CancelLink>;
