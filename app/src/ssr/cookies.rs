//! The portal's cookies, all `HttpOnly` so scripts cannot read them, and
//! `Secure` with the `__Host-` prefix when the portal is served over https, which
//! also pins them to this exact host:
//! - the session cookie (`SameSite=Lax`, so other sites cannot send it with their
//!   forms), for as long as the browser runs;
//! - the device cookie (`SameSite=Strict`), for a year: the signed note that this
//!   browser signed in to an account before ([`portal_core::devices`]);
//! - the reset cookie (`SameSite=Lax`, since it is set by following a link from
//!   an email), for as long as the browser runs (the link itself ends after 30
//!   minutes): the link's token, moved out of the address bar (and so out of
//!   history and `Referer`);
//! - the visitor cookie (`SameSite=Strict`), for as long as the browser runs:
//!   whose passwordless passkey ceremony is under way, before anyone signed in.

use cookie::time::Duration;
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, HeaderMap, HeaderValue};
use portal_core::devices::DEVICE_COOKIE_SECS;
use portal_core::passkeys::VisitorToken;
use portal_core::password_reset::ResetToken;
use portal_core::sessions::SessionToken;

#[derive(Clone, Copy, Debug)]
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    pub fn new(secure: bool) -> Self {
        Self { secure }
    }

    pub fn session_name(&self) -> &'static str {
        if self.secure { "__Host-portal_session" } else { "portal_session" }
    }

    pub fn device_name(&self) -> &'static str {
        if self.secure { "__Host-portal_device" } else { "portal_device" }
    }

    pub fn reset_name(&self) -> &'static str {
        if self.secure { "__Host-portal_reset" } else { "portal_reset" }
    }

    pub fn visitor_name(&self) -> &'static str {
        if self.secure { "__Host-portal_visitor" } else { "portal_visitor" }
    }

    /// The session token a request carries, if any cookie of ours holds one.
    pub fn session(&self, headers: &HeaderMap) -> Option<SessionToken> {
        self.values(headers, self.session_name()).find_map(|value| SessionToken::parse(&value))
    }

    /// Every value of the device cookie a request carries, unchecked: the core
    /// checks them. Every one, since another site on the domain may have planted
    /// one beside ours (over plain http, where the `__Host-` prefix is not used).
    pub fn device(&self, headers: &HeaderMap) -> Vec<String> {
        self.values(headers, self.device_name()).collect()
    }

    /// A `Set-Cookie` value that stores `token` for this browser session.
    pub fn issue_session(&self, token: &SessionToken) -> HeaderValue {
        header(self.build(self.session_name(), token.as_str().to_owned(), SameSite::Lax))
    }

    /// A `Set-Cookie` value that makes the browser forget the session.
    pub fn clear_session(&self) -> HeaderValue {
        let mut cookie = self.build(self.session_name(), String::new(), SameSite::Lax);
        cookie.make_removal();
        header(cookie)
    }

    /// The password-reset token a request carries, if any cookie of ours holds one.
    pub fn reset(&self, headers: &HeaderMap) -> Option<ResetToken> {
        self.values(headers, self.reset_name()).find_map(|value| ResetToken::parse(&value))
    }

    /// A `Set-Cookie` value that keeps a reset link's `token` for this browser session.
    pub fn issue_reset(&self, token: &ResetToken) -> HeaderValue {
        header(self.build(self.reset_name(), token.as_str().to_owned(), SameSite::Lax))
    }

    /// A `Set-Cookie` value that makes the browser forget the reset link.
    pub fn clear_reset(&self) -> HeaderValue {
        let mut cookie = self.build(self.reset_name(), String::new(), SameSite::Lax);
        cookie.make_removal();
        header(cookie)
    }

    /// The visitor token a request carries, if any cookie of ours holds one.
    pub fn visitor(&self, headers: &HeaderMap) -> Option<VisitorToken> {
        self.values(headers, self.visitor_name()).find_map(|value| VisitorToken::parse(&value))
    }

    /// A `Set-Cookie` value that keeps `token` for this browser session.
    pub fn issue_visitor(&self, token: &VisitorToken) -> HeaderValue {
        header(self.build(self.visitor_name(), token.as_str().to_owned(), SameSite::Strict))
    }

    /// A `Set-Cookie` value that keeps the device cookie `value` for a year.
    pub fn issue_device(&self, value: String) -> HeaderValue {
        let mut cookie = self.build(self.device_name(), value, SameSite::Strict);
        cookie.set_max_age(Duration::seconds(DEVICE_COOKIE_SECS));
        header(cookie)
    }

    fn values<'a>(&self, headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = String> + 'a {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .filter(move |cookie| cookie.name() == name)
            .map(|cookie| cookie.value().to_owned())
    }

    fn build(&self, name: &'static str, value: String, same_site: SameSite) -> Cookie<'static> {
        Cookie::build((name, value)).path("/").http_only(true).same_site(same_site).secure(self.secure).build()
    }
}

fn header(cookie: Cookie<'static>) -> HeaderValue {
    HeaderValue::from_str(&cookie.to_string()).expect("our cookies hold base64url, digits, '.' and '~' only")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_token_among_other_cookies() {
        let cookies = Cookies::new(false);
        let token_text = "A".repeat(43);
        let mut headers = HeaderMap::new();
        let sent = format!("theme=dark; portal_session={token_text}; portal_device=7.abc");
        headers.insert(COOKIE, HeaderValue::from_str(&sent).unwrap());
        assert_eq!(cookies.session(&headers).map(|t| t.as_str().to_owned()), Some(token_text));
        assert_eq!(cookies.device(&headers), ["7.abc"]);
        assert!(Cookies::new(true).session(&headers).is_none(), "the https cookie has another name");
    }

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        let token = SessionToken::parse(&"A".repeat(43)).unwrap();
        let issued = Cookies::new(true).issue_session(&token);
        let text = issued.to_str().unwrap();
        assert!(text.starts_with("__Host-portal_session="), "{text}");
        for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(text.contains(flag), "{flag} missing from {text}");
        }
    }

    #[test]
    fn the_device_cookie_is_strict_and_lasts_a_year() {
        let issued = Cookies::new(true).issue_device("7.abc".into());
        let text = issued.to_str().unwrap();
        assert!(text.starts_with("__Host-portal_device=7.abc"), "{text}");
        for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/", "Max-Age=31536000"] {
            assert!(text.contains(flag), "{flag} missing from {text}");
        }
    }
}
