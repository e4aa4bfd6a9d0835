use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One line of "Recent security activity": an event, or a run of one repeated
/// failure from one network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    /// Like `2026-11-22 08:30 UTC`, or `2026-11-22 08:30–09:10 UTC` for a run.
    pub when: String,
    /// What happened, in the customer's words (`… (12 times)` for a run).
    pub what: String,
    /// The client's address, when known (the newest of a run's).
    pub ip: Option<String>,
    /// Like "Chrome on Linux".
    pub browser: String,
}

/// A page of the activity, and what "Show more" asks for next, if there is more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPageView {
    pub lines: Vec<ActivityView>,
    pub more: Option<String>,
}

/// The account's security activity, newest first: the first page, or the one
/// older than `before` (what the last page's `more` said).
#[server(endpoint = "security_activity")]
pub async fn security_activity(before: Option<String>) -> Result<ActivityPageView, AppError> {
    use portal_core::clock::format_utc_range;
    use portal_core::security_events::ActivityCursor;

    let before = match before.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => Some(ActivityCursor::parse(text).ok_or_else(|| crate::ssr::reject(AppError::BadRequest))?),
        None => None,
    };
    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    let page = state.portal.events.page(signed_in.account.id, before).await?;
    Ok(ActivityPageView {
        lines: page
            .entries
            .into_iter()
            .map(|entry| ActivityView {
                when: format_utc_range(entry.since, entry.at),
                what: entry.in_words(),
                ip: entry.ip,
                browser: entry.browser,
            })
            .collect(),
        more: page.more.map(ActivityCursor::to_text),
    })
}
