//! The Customer Portal's server: configuration, the router and its layers, and the
//! background workers. Wiring only; what the portal does lives in `app` and
//! `portal-core`.

pub mod admin;
pub mod allocator;
pub mod config;
mod layers;
pub mod logging;
pub mod metrics;
pub mod readiness;
mod router;
mod serve;
mod static_files;
pub mod workers;

pub use config::Config;
pub use readiness::Readiness;
pub use router::{router, router_with};
pub use serve::{ConnectionLimits, serve};
