//! Secrets at rest: the master key, and secrets sealed under it so that the
//! database never holds them in clear.

mod master_key;
mod sealed;

pub use master_key::{KeyError, MasterKey};
pub use sealed::{SealError, SealedSecret};
