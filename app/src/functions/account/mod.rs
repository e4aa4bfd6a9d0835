//! The account as a whole: its password, where it is signed in, and its security
//! activity.

mod change_password;
mod security_activity;
mod sign_out_other_sessions;
mod sign_out_session;
mod signed_in_sessions;

pub use change_password::{ChangePassword, change_password};
pub use security_activity::{ActivityPageView, ActivityView, SecurityActivity, security_activity};
pub use sign_out_other_sessions::{SignOutOtherSessions, sign_out_other_sessions};
pub use sign_out_session::{SignOutSession, sign_out_session};
pub use signed_in_sessions::{SessionView, SignedInSessions, signed_in_sessions};
