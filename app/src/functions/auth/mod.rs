//! Registering, signing in (password, then the second factor if on: the code page's
//! challenge, SMS resends, the code or a passkey), with a passkey alone, and out, and who is signed in.

mod begin_passkey_sign_in;
mod begin_passwordless_sign_in;
mod current_account;
mod finish_passkey_sign_in;
mod finish_passwordless_sign_in;
mod register;
mod resend_sign_in_code;
mod sign_in;
mod sign_in_challenge;
mod sign_in_with_recovery_code;
mod sign_out;
mod verify_sign_in_code;

pub use begin_passkey_sign_in::{BeginPasskeySignIn, begin_passkey_sign_in};
pub use begin_passwordless_sign_in::{BeginPasswordlessSignIn, begin_passwordless_sign_in};
pub use current_account::{AccountView, CurrentAccount, current_account};
pub use finish_passkey_sign_in::{FinishPasskeySignIn, finish_passkey_sign_in};
pub use finish_passwordless_sign_in::{FinishPasswordlessSignIn, finish_passwordless_sign_in};
pub use register::{Register, register};
pub use resend_sign_in_code::{ResendSignInCode, resend_sign_in_code};
pub use sign_in::{SignIn, sign_in};
pub use sign_in_challenge::{ChallengeView, SignInChallenge, sign_in_challenge};
pub use sign_in_with_recovery_code::{SignInWithRecoveryCode, sign_in_with_recovery_code};
pub use sign_out::{SignOut, sign_out};
pub use verify_sign_in_code::{VerifySignInCode, verify_sign_in_code};
