//! The security core of the Customer Portal.
//!
//! Everything that decides who a customer is lives here, in plain Rust with no UI:
//! accounts and their passwords, sessions, two-factor authentication, secrets sealed
//! at rest, the outbox of messages to customers, and the database they are kept in. The
//! Leptos app calls it from its server functions; the `server` crate wires it up.
//! Nothing in this crate ever reaches the browser's WASM.

// Leaves: primitives and the words every service shares.
mod backoff;
pub mod clock;
mod digest;
mod hourly_window;
pub mod phone;
mod qr;
pub mod requester;
pub mod secrets;
pub mod telemetry;
pub mod totp;
// Over those: the database and what it stores.
pub mod db;
mod error;
mod hourly_budgets;
pub mod password;
mod pending_setups;
mod random_token;
pub mod vocabulary;
// Records, messages and sessions.
pub mod devices;
pub mod notices;
pub mod outbox;
pub mod recovery_codes;
pub mod security_events;
pub mod sessions;
// The one way to write a security change.
pub mod store;
// Below every service that signs in or turns a factor off.
pub mod waiting_resets;
// The services, each over the ones before it.
pub mod accounts;
pub mod network_budgets;
pub mod passkeys;
pub mod password_reset;
mod portal;
pub mod sign_ins;
pub mod step_up;
pub mod support_desk;
pub mod throttle;
pub mod two_factor;

#[cfg(test)]
mod testing;

pub use error::CoreError;
pub use portal::{KeySource, Portal, PortalConfig, StartError, install_tls_provider};
