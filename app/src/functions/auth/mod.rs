//! Registering, signing in (password, then the second factor if on) and out, and
//! who is signed in.

mod current_account;
mod register;
mod sign_in;
mod sign_out;
mod verify_sign_in_code;

pub use current_account::{AccountView, CurrentAccount, current_account};
pub use register::{Register, register};
pub use sign_in::{SignIn, safe_next, sign_in};
pub use sign_out::{SignOut, sign_out};
pub use verify_sign_in_code::{VerifySignInCode, verify_sign_in_code};
