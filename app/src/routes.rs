//! Where the portal's pages are, and the paths to them: every link and redirect is
//! built here, with one encoder for `next`, the page to go on to once signed in.
//! (The route table in `lib.rs` declares the same paths for the router.)

pub const HOME: &str = "/";
pub const SIGN_IN: &str = "/login";
/// The second step of sign-in, when 2FA is on.
pub const SIGN_IN_CODE: &str = "/login/code";
/// "Sign in with a passkey".
pub const SIGN_IN_PASSKEY: &str = "/login/passkey";
pub const REGISTER: &str = "/register";
pub const FORGOT_PASSWORD: &str = "/password/forgot";
/// Where an emailed reset link leads, once its token is in a cookie.
pub const RESET_PASSWORD: &str = "/password/reset";
/// Where a waiting reset's emailed link leads (`portal_core::waiting_resets::CANCEL_PATH`):
/// "Cancel this reset", without signing in.
pub const CANCEL_RESET: &str = "/cancel-reset";
/// "My Account", where a customer lands after signing in when no page asked for it.
pub const MY_ACCOUNT: &str = "/account";
pub const ACCOUNT_SECURITY: &str = "/account/security";
/// `review=` this on Account Security: what was added lately comes first (after a
/// password reset).
pub const REVIEW_RECENT: &str = "recent";

/// Account Security, showing first what was added to the account's sign-in lately.
pub fn review_recent_path() -> String {
    format!("{ACCOUNT_SECURITY}?review={REVIEW_RECENT}")
}

/// The sign-in page, going on to `next` once signed in.
pub fn sign_in_path(next: Option<&str>) -> String {
    with_next(SIGN_IN, next)
}

/// The code step, going on to `next`.
pub fn sign_in_code_path(next: &str) -> String {
    with_next(SIGN_IN_CODE, Some(next))
}

/// "Sign in with a passkey", going on to `next`.
pub fn sign_in_passkey_path(next: Option<&str>) -> String {
    with_next(SIGN_IN_PASSKEY, next)
}

fn with_next(page: &str, next: Option<&str>) -> String {
    match next.filter(|next| !next.is_empty()) {
        Some(next) => format!("{page}?next={}", encode_query(next)),
        None => page.to_owned(),
    }
}

/// Whether `path` is one of the "My Account" pages, for signed-in customers only.
pub fn is_account_page(path: &str) -> bool {
    path == MY_ACCOUNT || path.strip_prefix(MY_ACCOUNT).is_some_and(|rest| rest.starts_with('/'))
}

/// `next` if it is a path on this site, else My Account: a sign-in link must not
/// become a way to send customers to another site (open redirect). A path with an
/// empty or dot segment is refused too, since browsers resolve `/.//evil.example`
/// to `//evil.example`, and so is one that carries a failure for a page to show
/// (`__path`, `__err`: see `FormError`), which the client would read after a
/// sign-in without the server seeing the URL.
pub fn safe_next(next: Option<&str>) -> String {
    let is_local_path = |next: &str| {
        let path = next.split('?').next().unwrap_or_default();
        next.starts_with('/')
            && !path.contains("//")
            && !has_dot_segment(path)
            && !next.contains("__")
            && next.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"/-_.~?=&%".contains(&byte))
    };
    match next {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => MY_ACCOUNT.to_owned(),
    }
}

/// Whether the page at `path` needs the WASM client. The sign-in page does not: it
/// is one form, which the browser posts by itself (the server answers with the next
/// page, or sends it back with what went wrong), so a visitor downloads nothing but
/// the page and its CSS before signing in. Only visitors see it: the server sends a
/// signed-in customer on, since the user menu needs the client.
pub fn needs_client(path: &str) -> bool {
    path != SIGN_IN
}

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
    use super::*;

    #[test]
    fn paths_carry_next_encoded_once() {
        assert_eq!(sign_in_path(None), "/login");
        assert_eq!(sign_in_path(Some("")), "/login");
        assert_eq!(sign_in_path(Some("/account/security?x=1&y")), "/login?next=/account/security%3Fx%3D1%26y");
        assert_eq!(sign_in_code_path("/account"), "/login/code?next=/account");
        assert_eq!(sign_in_passkey_path(Some("/account")), "/login/passkey?next=/account");
        assert_eq!(encode_query("a b@c\n"), "a%20b%40c%0A");
    }

    #[test]
    fn account_pages_are_account_and_below() {
        for path in ["/account", "/account/security", "/account/"] {
            assert!(is_account_page(path), "{path}");
        }
        for path in ["/accounts", "/account-security", "/login", "/"] {
            assert!(!is_account_page(path), "{path}");
        }
    }

    #[test]
    fn keeps_local_paths() {
        assert_eq!(safe_next(Some("/account/security")), "/account/security");
        assert_eq!(safe_next(Some("/account?tab=1")), "/account?tab=1");
    }

    #[test]
    fn refuses_other_sites_and_odd_paths() {
        for next in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/.//evil.example",
            "/a//evil.example",
            "/%2e%2e//evil.example",
            "/account?__path=/api/x&__err=eA==",
            "javascript:alert(1)",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next(Some(next)), MY_ACCOUNT, "{next:?}");
        }
        assert_eq!(safe_next(None), MY_ACCOUNT);
    }

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
