//! The account as a whole: its password and its security activity.

mod change_password;
mod security_activity;

pub use change_password::{ChangePassword, change_password};
pub use security_activity::{ActivityView, SecurityActivity, security_activity};
