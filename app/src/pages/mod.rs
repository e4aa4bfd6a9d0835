//! One module a route.

/// `$route`, a lazy route that shows `$page`: the split build cuts the page's code
/// out of the main WASM, and the browser downloads it when it first shows the
/// page (`Lazy::<$route>::new()` in the router). `data()` runs on the server too,
/// as the route is matched: there the page asks for its chunks in its head.
macro_rules! lazy_route {
    ($(#[$doc:meta])* $route:ident shows $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                #[cfg(feature = "ssr")]
                crate::ssr::preload_route::<Self>();
                Self
            }

            fn view(_route: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

pub mod account;
mod forgot_password;
mod home;
mod login;
mod login_code;
mod login_passkey;
mod not_found;
mod register;
mod reset_password;

pub use forgot_password::ForgotPasswordRoute;
pub use home::HomePage;
pub use login::LoginPage;
pub use login_code::LoginCodeRoute;
pub use login_passkey::LoginPasskeyRoute;
pub use not_found::NotFound;
pub use register::RegisterRoute;
pub use reset_password::ResetPasswordRoute;

/// Whether the page at `path` needs the WASM client. The sign-in page does not: it
/// is one form, which the browser posts by itself (the server answers with the next
/// page, or sends it back with what went wrong), so a visitor downloads nothing but
/// the page and its CSS before signing in. Only visitors see it: the server sends a
/// signed-in customer on, since the user menu needs the client.
pub fn needs_client(path: &str) -> bool {
    path != SIGN_IN_PAGE
}

/// The sign-in page, which takes the page to go on to as `next`.
pub const SIGN_IN_PAGE: &str = "/login";

/// Whether `path` has a `.` or `..` segment, spelt out or percent-encoded, or a
/// backslash, which URL parsers read as a slash: the page router and browsers
/// resolve them, so a check on the path as written would not hold for the page
/// served.
pub fn has_dot_segment(path: &str) -> bool {
    let is_dots = |segment: &str| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    path.contains('\\') || path.split('/').any(|segment| segment.len() <= 6 && is_dots(segment))
}

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

#[cfg(test)]
mod tests {
    use super::has_dot_segment;

    #[test]
    fn finds_dot_segments_in_any_spelling() {
        for path in
            ["/x/../account", "/./account", "/account/.", "/a/%2e%2E/account", "/%2e/account", "/a\\..\\account"]
        {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/account/security", "/pkg/portal.abc.wasm", "/.well-known/x", "/a..b", "/"] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
