use leptos::prelude::*;

use crate::error::AppError;

/// "Forgot your password?" → "Send link": the same answer for every address, so
/// nobody learns from it who has an account (the page says "If an account exists
/// for that address, we have sent a link").
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let requester = crate::ssr::requester(&state);
    state.portal.password_resets.request(&email, &requester).await?;
    Ok(())
}
