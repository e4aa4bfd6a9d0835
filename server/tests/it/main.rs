//! The HTTP tests, in one binary so the suite links the server once: each module
//! drives real portals (the production router on loopback, over SQLite and
//! PostgreSQL) the way a browser, an attacker or the support desk would. The tests
//! that own the process's logger or metrics recorder are binaries of their own
//! (`logs.rs`, `logs_at_warn.rs`, `metrics.rs`).

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod activity;
mod change_password;
mod connections;
mod email;
mod fail_closed;
mod fleet;
mod fuzz;
mod lockout;
mod networks;
mod new_sign_in;
mod other_sessions;
mod passkeys;
mod password_reset;
mod pending_setups;
mod races;
mod recent_additions;
mod recovery_codes;
mod sign_in_page;
mod sms;
mod sms_costs;
mod static_files;
mod support_tool;
mod switching;
mod two_factor;
mod waiting_resets;
mod where_signed_in;
