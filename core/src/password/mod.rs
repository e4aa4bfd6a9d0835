//! Passwords: the secret type that carries them, the policy a new one must meet, and
//! the Argon2id hasher that stores and checks them.

mod hasher;
mod policy;

pub use hasher::{HashError, HashingLimits, Lane, PasswordHash, PasswordHasher, Place};
pub use policy::{PasswordRejected, check_new_password};

use std::fmt;

use zeroize::Zeroizing;

/// A password as the customer typed it. It is wiped from memory when dropped and
/// never printed, so it cannot end up in a log by accident.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_password() {
        let printed = format!("{:?}", Password::new("hunter2-horse-battery".into()));
        assert!(!printed.contains("hunter2"), "{printed}");
    }
}
