use leptos::prelude::*;

use crate::error::AppError;

/// "Sign in with a passkey": the options for the browser's dialog that offers
/// this site's passkeys, as JSON. The challenge belongs to this browser's visitor
/// cookie.
#[server(endpoint = "begin_passwordless_sign_in")]
pub async fn begin_passwordless_sign_in() -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let presented = crate::ssr::visitor_token(&state);
    let requester = crate::ssr::requester(&state);
    let (visitor, options) = state.portal.passkeys.start_passwordless(presented, &requester).await?;
    crate::ssr::keep_visitor_token(&state, &visitor);
    crate::ssr::dialog_options(&options)
}
