//! Middleware around every request, one concern a module.

pub mod account_guard;
pub mod client_ip;
pub mod cross_origin;
pub mod form_fields;
pub mod request_id;
pub mod security_headers;
pub mod url_errors;
