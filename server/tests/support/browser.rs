//! A browser's cookie jar: what each response sets is kept and sent with the next
//! request, as a browser would. The victim's own browser, with its device cookie,
//! is one of these; an attacker's script is another, or none.

use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use reqwest::header::SET_COOKIE;

use super::{PASSWORD, TestApp};

#[derive(Clone, Default)]
pub struct Browser {
    cookies: Arc<Mutex<BTreeMap<String, String>>>,
}

impl Browser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Cookie` header this browser sends, if it has any cookie.
    pub fn cookie_header(&self) -> Option<String> {
        let cookies = self.cookies.lock().unwrap();
        let pairs: Vec<String> = cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies.lock().unwrap().insert(name.to_owned(), value.to_owned());
    }

    /// Keeps what `response` sets, and forgets what it clears.
    pub fn keep(&self, response: &reqwest::Response) {
        let mut cookies = self.cookies.lock().unwrap();
        for header in response.headers().get_all(SET_COOKIE) {
            let text = header.to_str().unwrap();
            let (name, value) = text.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }
}

impl TestApp {
    /// A form POST from the portal's own page, in `browser`.
    pub async fn post_in(&self, browser: &Browser, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self.post(path, form, browser.cookie_header().as_deref()).await;
        browser.keep(&response);
        response
    }

    pub async fn get_in(&self, browser: &Browser, path: &str) -> reqwest::Response {
        let response = self.get(path, browser.cookie_header().as_deref()).await;
        browser.keep(&response);
        response
    }

    /// Registers `email` in a new browser, which is then signed in.
    pub async fn register_in_browser(&self, email: &str) -> Browser {
        let browser = Browser::new();
        let response = self
            .post_in(&browser, "/api/register", &[("name", "Ana Lim"), ("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(response.status(), StatusCode::OK, "register: {}", response.text().await.unwrap());
        browser
    }

    pub async fn sign_in_in(&self, browser: &Browser, email: &str, password: &str) -> reqwest::Response {
        self.post_in(browser, "/api/sign_in", &[("email", email), ("password", password)]).await
    }

    /// Whether `browser` is signed in, asked of the server.
    pub async fn is_signed_in(&self, browser: &Browser) -> bool {
        let response = self.post_in(browser, "/api/current_account", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap() != "null"
    }
}
