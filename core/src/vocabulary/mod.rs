//! The words the whole core shares: what an account is, which second factor, what
//! was guessed and where, the network a caller is on, who asked for a reset, and input a customer can
//! correct. Leaves: they use the database's entities and nothing else of the core,
//! and every service uses them.

mod account;
mod factor;
mod input;
mod network;
mod requested_by;

pub(crate) use account::lock_for_change;
pub use account::{Account, SecurityStamp};
pub use factor::{Asked, Guess, Method};
pub(crate) use input::normalize_name;
pub use input::{InvalidInput, normalize_email};
pub use network::{Budget, Network, Site};
pub use requested_by::RequestedBy;
