//! The tables, one entity a file.

pub mod session;
pub mod user;
