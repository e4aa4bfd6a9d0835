use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::error::AppError;

/// Where the emailed link points (`portal_core::password_reset::LINK_PATH`): the
/// token moves into the reset cookie and the browser goes on to the reset page,
/// so the token leaves the address bar, history and any `Referer`. A link that
/// is not valid goes there too, and leaves the cookie as it was (a customer who
/// gave the code holds the link's new token there): the page says where things
/// stand.
/// Opening a link spends and sends nothing: mail scanners open links too.
#[server(prefix = "/password", endpoint = "reset-link", input = GetUrl)]
pub async fn open_password_reset(token: Option<String>) -> Result<(), AppError> {
    use portal_core::password_reset::ResetToken;

    let state = crate::ssr::state()?;
    let opened = token.as_deref().and_then(ResetToken::parse);
    let live = match &opened {
        Some(token) => match state.portal.password_resets.open(token).await {
            Ok(_) => true,
            Err(portal_core::CoreError::ResetLinkInvalid) => false,
            Err(error) => return Err(error.into()),
        },
        None => false,
    };
    if let Some(token) = opened.filter(|_| live) {
        crate::ssr::keep_reset_token(&state, &token);
    }
    crate::ssr::go_on_to(crate::routes::RESET_PASSWORD);
    Ok(())
}
