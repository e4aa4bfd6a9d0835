use serde::{Deserialize, Serialize};

/// A new set of recovery codes, shown once: after turning 2FA on, or regenerating.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodesView {
    /// Like `7h3k-9fq2-x8mn`.
    pub codes: Vec<String>,
    /// The account they belong to, for the downloaded file.
    pub email: String,
}

#[cfg(feature = "ssr")]
impl RecoveryCodesView {
    pub fn new(codes: Vec<portal_core::recovery_codes::RecoveryCode>, email: &str) -> Self {
        Self { codes: codes.into_iter().map(|code| code.into_string()).collect(), email: email.to_owned() }
    }
}
