//! Who is signed in, as the pages see it: the sign-in, registration and sign-out
//! actions, and the signed-in account, fetched again whenever one of them completes.

use leptos::prelude::*;

use crate::error::AppError;
use crate::functions::auth::{
    AccountView, Register, SignIn, SignInWithRecoveryCode, SignOut, VerifySignInCode, current_account,
};

#[derive(Clone, Copy)]
pub struct Auth {
    pub sign_in: ServerAction<SignIn>,
    pub register: ServerAction<Register>,
    pub sign_out: ServerAction<SignOut>,
    /// The second step of sign-in, when 2FA is on.
    pub verify_code: ServerAction<VerifySignInCode>,
    /// The second step with a recovery code instead.
    pub use_recovery_code: ServerAction<SignInWithRecoveryCode>,
    /// Moved by a sign-in with a passkey, which no form action carries.
    pub passkey_sign_ins: RwSignal<usize>,
    /// `Ok(None)` for a visitor.
    pub account: Resource<Result<Option<AccountView>, AppError>>,
}

/// Creates the auth state for the whole app; call once, at its root.
pub fn provide_auth() {
    let sign_in = ServerAction::<SignIn>::new();
    let register = ServerAction::<Register>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let verify_code = ServerAction::<VerifySignInCode>::new();
    let use_recovery_code = ServerAction::<SignInWithRecoveryCode>::new();
    let passkey_sign_ins = RwSignal::new(0_usize);
    let account = Resource::new(
        move || {
            (
                sign_in.version().get(),
                register.version().get(),
                sign_out.version().get(),
                verify_code.version().get(),
                use_recovery_code.version().get(),
                passkey_sign_ins.get(),
            )
        },
        |_| current_account(),
    );
    provide_context(Auth { sign_in, register, sign_out, verify_code, use_recovery_code, passkey_sign_ins, account });
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
