//! The account as a whole: its security activity.

mod security_activity;

pub use security_activity::{ActivityView, SecurityActivity, security_activity};
