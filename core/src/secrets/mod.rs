//! Secrets at rest: the master key, secrets sealed under it (each bound to its
//! [`contexts`]), and keyed digests of short codes, so that the database never
//! holds either in clear.

pub mod contexts;
mod keyed_digest;
mod master_key;
mod sealed;

pub use keyed_digest::{keyed_digest, keyed_digest_matches};
pub use master_key::{KeyError, MasterKey};
pub use sealed::{SealError, SealedSecret};
