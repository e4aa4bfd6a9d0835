use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One line of "Where you're signed in".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// What "Sign out" sends back to name this session.
    pub handle: String,
    /// Like "Firefox on Windows".
    pub browser: String,
    /// The client's address at sign-in, when known.
    pub ip: Option<String>,
    /// Like `2026-12-07 08:30 UTC`.
    pub signed_in_at: String,
    pub last_active: String,
    /// The session asking.
    pub this_device: bool,
}

/// The account's signed-in sessions: this one first, then the most recently active.
#[server(endpoint = "signed_in_sessions")]
pub async fn signed_in_sessions() -> Result<Vec<SessionView>, AppError> {
    use portal_core::clock::format_utc;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let listed = state.portal.sessions.where_signed_in(&signed_in).await?;
    Ok(listed
        .into_iter()
        .map(|listed| SessionView {
            handle: listed.handle,
            browser: listed.browser,
            ip: listed.ip,
            signed_in_at: format_utc(listed.signed_in_at),
            last_active: format_utc(listed.last_active_at),
            this_device: listed.this_device,
        })
        .collect())
}
