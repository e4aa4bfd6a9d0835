//! Passkeys from the Account Security tab: creating one (as the account's method
//! in the wizard, or beside it), the list, "Rename" and "Remove". Every change
//! needs the password re-typed in this session; the server checks it. The
//! browser's dialogs get their options as the JSON webauthn-rs writes, and
//! answer with the JSON it reads; anything else is a 400.

mod begin_passkey_setup;
mod finish_passkey_setup;
mod passkeys_list;
mod remove_passkey;
mod rename_passkey;

pub use begin_passkey_setup::{BeginPasskeySetup, begin_passkey_setup};
pub use finish_passkey_setup::{FinishPasskeySetup, PasskeySetupDone, finish_passkey_setup};
pub use passkeys_list::{PasskeyView, PasskeysList, passkeys_list};
pub use remove_passkey::{RemovePasskey, remove_passkey};
pub use rename_passkey::{RenamePasskey, rename_passkey};
