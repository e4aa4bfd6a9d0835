use leptos::prelude::*;

use crate::error::AppError;

/// Creates an account and signs it in.
#[server(endpoint = "register")]
pub async fn register(name: String, email: String, password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let requester = crate::ssr::requester(&state);
    let account = state.portal.accounts.register(&name, &email, Password::new(password), &requester).await?;
    crate::ssr::start_session(&state, &account, portal_core::sign_ins::Arrival::Registration).await?;
    tracing::info!(account = account.id, "account registered");
    leptos_axum::redirect(crate::routes::MY_ACCOUNT);
    Ok(())
}
