//! The security core of the Customer Portal.
//!
//! Everything that decides who a customer is lives here, in plain Rust with no UI:
//! accounts and their passwords, sessions, two-factor authentication, secrets sealed
//! at rest, the outbox of messages to customers, and the database they are kept in. The
//! Leptos app calls it from its server functions; the `server` crate wires it up.
//! Nothing in this crate ever reaches the browser's WASM.

pub mod accounts;
mod backoff;
pub mod clock;
pub mod db;
pub mod devices;
mod digest;
mod error;
mod hourly_window;
pub mod new_sign_in;
pub mod outbox;
pub mod passkeys;
pub mod password;
pub mod password_reset;
pub mod phone;
mod portal;
mod qr;
mod random_token;
pub mod recovery_codes;
pub mod requester;
pub mod secrets;
pub mod security_events;
pub mod sessions;
pub mod step_up;
pub mod support_desk;
pub mod telemetry;
pub mod throttle;
pub mod totp;
pub mod two_factor;
mod vocabulary;

pub use error::CoreError;
pub use portal::{KeySource, Portal, PortalConfig, StartError, install_tls_provider};
