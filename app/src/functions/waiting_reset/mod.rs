//! A reset of two-factor authentication that waits: what the customer is shown,
//! and cancelling it, signed in or with the emailed link.

mod account_tab;
mod cancel_waiting_reset;

pub use account_tab::{CancelMyWaitingReset, WaitingResetView, cancel_my_waiting_reset, waiting_reset};
pub use cancel_waiting_reset::{CancelWaitingReset, cancel_waiting_reset};
