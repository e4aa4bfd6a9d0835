use leptos::prelude::*;

use crate::error::AppError;

/// "Cancel this reset", on the page the emailed link opens: the link's token is
/// the proof, so no sign-in is needed. It works once.
#[server(endpoint = "cancel_waiting_reset")]
pub async fn cancel_waiting_reset(token: String) -> Result<(), AppError> {
    use portal_core::waiting_resets::CancelToken;

    use crate::ssr::reject;

    let state = crate::ssr::state()?;
    let requester = crate::ssr::requester(&state);
    let token = CancelToken::parse(&token).ok_or_else(|| reject(AppError::CancelLinkInvalid))?;
    match state.portal.waiting_resets.cancel_with_link(&token, &requester).await? {
        true => Ok(()),
        false => Err(reject(AppError::CancelLinkInvalid)),
    }
}
