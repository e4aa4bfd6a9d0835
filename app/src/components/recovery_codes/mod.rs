//! Recovery codes: the new set, shown once with "Copy", "Download" and "I have
//! saved my recovery codes"; and, on the Account Security tab, how many are left
//! with "Regenerate recovery codes".

mod panel;
mod saved_codes;

pub use panel::RecoveryCodesPanel;
pub use saved_codes::SaveRecoveryCodes;
