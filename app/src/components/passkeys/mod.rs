//! Passkeys on the Account Security tab: creating one (the wizard's third
//! method, or "Add a passkey" beside the method the account has), and the list
//! with "Rename" and "Remove".

mod create_passkey;
mod passkey_list;

pub use create_passkey::CreatePasskey;
pub use passkey_list::PasskeyList;
