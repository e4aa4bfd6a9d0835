//! A reset of two-factor authentication that waits: cancelling it.

mod cancel_waiting_reset;

pub use cancel_waiting_reset::{CancelWaitingReset, cancel_waiting_reset};
