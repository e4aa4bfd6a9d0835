//! Who is signed in, and signing in and out, for the request being served.

use std::net::IpAddr;

use http::header::{SET_COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use portal_core::CoreError;
use portal_core::requester::Requester;
use portal_core::sessions::SessionToken;
pub use portal_core::sessions::SignedIn;
use portal_core::sign_ins::Arrival;
use portal_core::vocabulary::Account;

use super::{AppState, reject, state};
use crate::error::AppError;

/// The address of the client a request came from, as the server worked it out
/// (the connection's peer, or what a trusted proxy forwarded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The account this request is signed in as, if any. The server's account guard
/// puts it in the request's extensions, so a page render looks the session up once.
pub async fn signed_in() -> Result<Option<SignedIn>, AppError> {
    presented_session(SessionStage::SignedIn).await
}

/// The signed-in account, or a 401 for a request with no live session.
pub async fn require_signed_in() -> Result<SignedIn, AppError> {
    signed_in().await?.ok_or_else(|| reject(AppError::SignInRequired))
}

/// The account whose sign-in waits for its second factor in this browser, if any.
pub async fn awaiting_code() -> Result<Option<SignedIn>, AppError> {
    presented_session(SessionStage::AwaitingCode).await
}

/// Who sends this request: the client's address (which the server's layers put in
/// the request as a [`ClientIp`]), its browser, and the device cookies it presents,
/// unchecked (the core checks them).
pub fn requester(state: &AppState) -> Requester {
    let Some(parts) = use_context::<Parts>() else {
        return Requester::default();
    };
    let ip = parts.extensions.get::<ClientIp>().map(|client| client.0);
    let user_agent = parts.headers.get(USER_AGENT).and_then(|value| value.to_str().ok());
    Requester::new(ip, user_agent, state.cookies.device(&parts.headers))
}

/// Signs `account` in with a brand-new session, ending the one the browser had, so
/// a session id planted before sign-in is worthless after it (session fixation).
/// The browser is remembered for the account, and the sign-in recorded.
pub async fn start_session(state: &AppState, account: &Account, arrival: Arrival) -> Result<(), AppError> {
    let replacing = presented_token(state);
    let token = state.portal.sign_ins.start(replacing.as_ref(), account, &requester(state), arrival).await?;
    hand_over_session(state, account, &token);
    Ok(())
}

/// Gives the browser the session `token` that just signed `account` in, and
/// remembers the browser for the account.
pub fn hand_over_session(state: &AppState, account: &Account, token: &SessionToken) {
    set_cookie(state.cookies.issue_session(token));
    remember_browser(state, account);
}

/// Gives the browser a device cookie naming `account` as it is now: after a
/// sign-in, and after a change to its security (which voids the notes from before).
pub fn remember_browser(state: &AppState, account: &Account) {
    let device = state.portal.devices.remember(&requester(state).device_cookies, account);
    set_cookie(state.cookies.issue_device(device));
}

/// Like [`start_session`], for an account whose password was right and whose second
/// factor is still to come: the new session signs nobody in until the code is.
pub async fn start_code_session(state: &AppState, account: &Account) -> Result<(), AppError> {
    end_presented_session(state).await?;
    let token = state.portal.sessions.start_awaiting_code(account, &requester(state)).await?;
    set_cookie(state.cookies.issue_session(&token));
    Ok(())
}

/// Ends the browser's session on the server and clears its cookie.
pub async fn end_session(state: &AppState) -> Result<(), AppError> {
    end_presented_session(state).await?;
    set_cookie(state.cookies.clear_session());
    Ok(())
}

async fn end_presented_session(state: &AppState) -> Result<(), AppError> {
    if let Some(token) = presented_token(state) {
        state.portal.sessions.end(&token).await?;
    }
    Ok(())
}

/// How far the session a request presents must have got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; the second factor is still to come.
    AwaitingCode,
    SignedIn,
}

/// The live session the request's cookie (in `headers`) names at `stage`, if
/// any: how the account guard and the server functions both find who asks.
pub async fn session_from(
    state: &AppState,
    headers: &http::HeaderMap,
    stage: SessionStage,
) -> Result<Option<SignedIn>, CoreError> {
    let Some(token) = state.cookies.session(headers) else {
        return Ok(None);
    };
    let sessions = &state.portal.sessions;
    let account = match stage {
        SessionStage::SignedIn => sessions.resolve(&token).await?,
        SessionStage::AwaitingCode => sessions.resolve_awaiting_code(&token).await?,
    };
    Ok(account.map(|account| SignedIn { token, account }))
}

async fn presented_session(stage: SessionStage) -> Result<Option<SignedIn>, AppError> {
    let found = find_presented_session(stage).await?;
    if let Some(found) = &found {
        // The request's log lines name the account (its id, nothing else of it).
        tracing::Span::current().record("account", found.account.id);
    }
    Ok(found)
}

async fn find_presented_session(stage: SessionStage) -> Result<Option<SignedIn>, AppError> {
    let Some(parts) = use_context::<Parts>() else {
        return Ok(None);
    };
    // The account guard found it already for the page being rendered.
    if let SessionStage::SignedIn = stage
        && let Some(known) = parts.extensions.get::<SignedIn>().cloned()
    {
        return Ok(Some(known));
    }
    Ok(session_from(&state()?, &parts.headers, stage).await?)
}

fn presented_token(state: &AppState) -> Option<SessionToken> {
    use_context::<Parts>().and_then(|parts| state.cookies.session(&parts.headers))
}

pub(super) fn set_cookie(value: http::HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(SET_COOKIE, value);
    }
}
