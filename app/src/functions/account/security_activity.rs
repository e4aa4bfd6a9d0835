use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One line of "Recent security activity".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    /// Like `2026-11-22 08:30 UTC`.
    pub when: String,
    /// What happened, in the customer's words.
    pub what: String,
    /// The client's address, when known.
    pub ip: Option<String>,
    /// Like "Chrome on Linux".
    pub browser: String,
}

/// The account's last security events, newest first.
#[server(endpoint = "security_activity")]
pub async fn security_activity() -> Result<Vec<ActivityView>, AppError> {
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let events = state.portal.events.recent(signed_in.account.id).await?;
    Ok(events
        .into_iter()
        .map(|recorded| ActivityView {
            when: portal_core::clock::format_utc(recorded.at),
            what: recorded.in_words(),
            ip: recorded.ip,
            browser: recorded.browser,
        })
        .collect())
}
