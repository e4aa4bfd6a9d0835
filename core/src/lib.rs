//! The security core of the Customer Portal.
//!
//! Everything that decides who a customer is lives here, in plain Rust with no UI:
//! accounts and their passwords, sessions, and the database they are kept in. The
//! Leptos app calls it from its server functions; the `server` crate wires it up.
//! Nothing in this crate ever reaches the browser's WASM.

pub mod accounts;
pub mod clock;
pub mod db;
mod error;
pub mod password;
mod portal;
pub mod sessions;

pub use error::CoreError;
pub use portal::{Portal, PortalConfig};
