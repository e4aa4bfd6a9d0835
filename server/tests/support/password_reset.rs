//! "Forgot your password?" as a browser takes it: asking, the emailed link,
//! opening it, and the reset page's steps.

use reqwest::StatusCode;
use std::time::Duration;

use super::TestApp;
use super::browser::Browser;

const SUBJECT: &str = "Subject: Customer Portal: Reset your password";

impl TestApp {
    pub async fn request_password_reset(&self, email: &str) -> reqwest::Response {
        self.post("/api/request_password_reset", &[("email", email)], None).await
    }

    /// The links of the first `count` reset emails, in the order they arrived.
    pub async fn reset_links(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let links: Vec<String> = self
                .smtp
                .received()
                .iter()
                .map(|message| message.text())
                .filter(|text| text.contains(SUBJECT))
                .map(|text| link_in(&text))
                .collect();
            if links.len() >= count {
                return links;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} reset emails, got {:?}", self.smtp.received());
    }

    /// Asks for a reset of `email` and returns the emailed link (the `nth`, from 1).
    pub async fn fresh_reset_link(&self, email: &str, nth: usize) -> String {
        assert_eq!(self.request_password_reset(email).await.status(), StatusCode::OK);
        self.reset_links(nth).await.pop().unwrap()
    }

    /// Opens `link` in `browser`, as a click in the email would; returns the answer.
    pub async fn open_reset_link(&self, browser: &Browser, link: &str) -> reqwest::Response {
        let path = link.strip_prefix(&self.url("")).unwrap_or_else(|| panic!("{link} is not on this site"));
        self.get_in(browser, path).await
    }

    /// The reset page's step for `browser`: its status and body.
    pub async fn reset_step(&self, browser: &Browser) -> (u16, String) {
        let response = self.post_in(browser, "/api/password_reset_step", &[]).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The step the reset page shows this browser, read as the page does.
    pub async fn reset_step_view(&self, browser: &Browser) -> app::functions::password_reset::ResetStepView {
        super::answer(self.post_in(browser, "/api/password_reset_step", &[]).await).await
    }

    /// "Save new password" on the page that names `email`.
    pub async fn choose_new_password(&self, browser: &Browser, email: &str, password: &str) -> reqwest::Response {
        self.post_in(browser, "/api/choose_new_password", &[("email", email), ("password", password)]).await
    }
}

/// The link in a reset email's text part.
fn link_in(text: &str) -> String {
    let start = text.find("http://").expect("a link");
    let link: String = text[start..].chars().take_while(|c| !c.is_whitespace() && *c != '<' && *c != '"').collect();
    link
}
