use leptos::prelude::*;

use crate::error::AppError;

/// Ends the session on the server (the cookie alone is not trusted to forget it).
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    crate::ssr::end_session(&state).await?;
    leptos_axum::redirect(crate::routes::SIGN_IN);
    Ok(())
}
