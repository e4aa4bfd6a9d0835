//! What the server hands every server function through Leptos' context.

use std::sync::Arc;

use leptos::prelude::use_context;
use portal_core::Portal;

use super::{Cookies, reject};
use crate::error::AppError;

/// Cloned for every request (into the page's context, into each layer that asks),
/// so the portal's services sit behind one shared pointer.
#[derive(Clone)]
pub struct AppState {
    pub portal: Arc<Portal>,
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
