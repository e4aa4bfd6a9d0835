use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password, then goes to `next` (a page of this portal).
/// With two-factor authentication on, the browser gets a half-way session instead
/// and goes to the code page, which carries `next` on; with SMS, the code is sent.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::routes::{safe_next, sign_in_code_path};
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let requester = crate::ssr::requester(&state);
    let account = state.portal.accounts.authenticate(&email, Password::new(password), &requester).await?;
    let next = safe_next(next.as_deref());
    if state.portal.two_factor.begin_sign_in(&account).await?.is_some() {
        crate::ssr::start_code_session(&state, &account).await?;
        leptos_axum::redirect(&sign_in_code_path(&next));
        return Ok(());
    }
    crate::ssr::start_session(&state, &account, portal_core::sign_ins::Arrival::SignIn).await?;
    tracing::info!(account = account.id, "signed in");
    leptos_axum::redirect(&next);
    Ok(())
}
