//! What the server hands every server function through Leptos' context.

use leptos::prelude::use_context;
use portal_core::Portal;

use super::{Cookies, reject};
use crate::error::AppError;

#[derive(Clone)]
pub struct AppState {
    pub portal: Portal,
    pub cookies: Cookies,
}

/// The server's state. Missing only if the server forgot to provide it: a bug,
/// reported as an internal error rather than a panic.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the server function's context");
        reject(AppError::Internal)
    })
}
