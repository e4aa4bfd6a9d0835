//! One module a route.

pub mod account;
mod home;
mod login;
mod login_code;
mod not_found;
mod register;

pub use home::HomePage;
pub use login::LoginPage;
pub use login_code::LoginCodeRoute;
pub use not_found::NotFound;
pub use register::RegisterRoute;

/// `text` made safe as a query-string value: everything but unreserved characters
/// and `/` percent-encoded.
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
