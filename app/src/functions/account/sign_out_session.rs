use leptos::prelude::*;

use crate::error::AppError;

/// "Sign out" of one of the account's other sessions, named by its handle from
/// "Where you're signed in": the password re-confirms it. That session's next
/// request, on any server, finds itself signed out. Answers whether it did: a
/// session that had already ended is no error, and the list, fetched again, no
/// longer shows it.
#[server(endpoint = "sign_out_session")]
pub async fn sign_out_session(session: String, password: String) -> Result<bool, AppError> {
    use portal_core::password::Password;

    // A handle is a hex SHA-256; anything else names no session.
    if session.len() != 64 || !session.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(crate::ssr::reject(AppError::Invalid("That session is not one of yours.".into())));
    }
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    state.portal.step_up.confirm_password(&signed_in, Password::new(password), &requester).await?;
    Ok(state.portal.sign_ins.sign_out_one(&signed_in, &session, &requester).await?)
}
