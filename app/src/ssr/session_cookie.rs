//! The session cookie: `HttpOnly` so scripts cannot read it, `SameSite=Lax` so other
//! sites cannot send it with their forms, and `Secure` with the `__Host-` prefix when
//! the portal is served over https, which also pins it to this exact host.

use cookie::{Cookie, SameSite};
use http::header::{COOKIE, HeaderMap, HeaderValue};
use portal_core::sessions::SessionToken;

#[derive(Clone, Copy, Debug)]
pub struct SessionCookie {
    secure: bool,
}

impl SessionCookie {
    pub fn new(secure: bool) -> Self {
        Self { secure }
    }

    pub fn name(&self) -> &'static str {
        if self.secure { "__Host-portal_session" } else { "portal_session" }
    }

    /// The session token a request carries, if any cookie of ours holds one.
    pub fn read(&self, headers: &HeaderMap) -> Option<SessionToken> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .filter(|cookie| cookie.name() == self.name())
            .find_map(|cookie| SessionToken::parse(cookie.value()))
    }

    /// A `Set-Cookie` value that stores `token` for this browser session.
    pub fn issue(&self, token: &SessionToken) -> HeaderValue {
        self.header(self.build(token.as_str().to_owned()))
    }

    /// A `Set-Cookie` value that makes the browser forget the session.
    pub fn clear(&self) -> HeaderValue {
        let mut cookie = self.build(String::new());
        cookie.make_removal();
        self.header(cookie)
    }

    fn build(&self, value: String) -> Cookie<'static> {
        Cookie::build((self.name(), value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .build()
    }

    fn header(&self, cookie: Cookie<'static>) -> HeaderValue {
        HeaderValue::from_str(&cookie.to_string()).expect("a cookie of base64url text is a valid header value")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_token_among_other_cookies() {
        let jar = SessionCookie::new(false);
        let token_text = "A".repeat(43);
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(&format!("theme=dark; portal_session={token_text}")).unwrap());
        assert_eq!(jar.read(&headers).map(|t| t.as_str().to_owned()), Some(token_text));
        assert!(SessionCookie::new(true).read(&headers).is_none(), "the https cookie has another name");
    }

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        let token = SessionToken::parse(&"A".repeat(43)).unwrap();
        let issued = SessionCookie::new(true).issue(&token);
        let text = issued.to_str().unwrap();
        assert!(text.starts_with("__Host-portal_session="), "{text}");
        for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(text.contains(flag), "{flag} missing from {text}");
        }
    }
}
