use leptos::prelude::*;

use crate::error::AppError;

/// "Change password" on the Profile tab: the current password, then the new one.
/// Every other session of the account ends, and an email says so. This browser
/// stays signed in, with a new session cookie (a copy of the old one signs nobody
/// in) and a device cookie under the account's new security stamp.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use portal_core::password::Password;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let requester = crate::ssr::requester(&state);
    let (current, new) = (Password::new(current_password), Password::new(new_password));
    let changed = state.portal.accounts.change_password(&signed_in, current, new, &requester).await?;
    crate::ssr::hand_over_session(&state, &changed.account, &changed.token);
    tracing::info!(account = changed.account.id, sessions_ended = changed.sessions_ended, "password changed");
    Ok(())
}
