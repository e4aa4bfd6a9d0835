//! The sign-in page comes without the client: the browser posts its form itself, and
//! the server answers as a browser needs, with the next page or the page again and
//! what went wrong. What such a page's URL may show is the portal's own words only.

use crate::support;

use reqwest::StatusCode;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use support::browser::Browser;
use support::{PASSWORD, TestApp, session_cookie};

on_each_database!(
    the_sign_in_page_comes_without_the_client,
    a_form_the_browser_posts_itself_signs_in,
    with_two_factor_the_form_goes_on_to_the_code_page,
    a_wrong_password_brings_the_browser_back_to_the_page_with_the_answer,
    waits_come_back_to_the_page_too,
    a_signed_in_customer_is_sent_on_from_the_sign_in_page,
    a_link_cannot_put_words_of_its_own_on_a_page,
    a_page_that_fails_says_so_to_a_browser,
);

impl TestApp {
    /// The sign-in form as a browser posts it by itself, from `/login?next=<next>`.
    async fn post_sign_in_form(&self, browser: &Browser, email: &str, password: &str, next: &str) -> reqwest::Response {
        let page = format!("/login?next={}", app::routes::encode_query(next));
        self.post_sign_in_form_on(&page, browser, email, password, next).await
    }

    /// The same, from the sign-in page at `page` (a path and query on this site).
    async fn post_sign_in_form_on(
        &self,
        page: &str,
        browser: &Browser,
        email: &str,
        password: &str,
        next: &str,
    ) -> reqwest::Response {
        let referer = self.url(page);
        let headers = [("accept", BROWSER_ACCEPT), ("referer", referer.as_str())];
        let form = [("next", next), ("email", email), ("password", password)];
        let response =
            self.post_with_headers("/api/sign_in", &form, browser.cookie_header().as_deref(), &headers).await;
        browser.keep(&response);
        response
    }
}

/// What a browser asks for when it loads a page or posts a form itself.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// Where a redirect leads, as a path and query on this site.
fn location(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.split_once("://").map_or(location, |(_, rest)| &rest[rest.find('/').unwrap()..]).to_owned()
}

/// A link to `path` that carries `failure` as the failure of `server_fn`'s form.
fn with_failure(path: &str, server_fn: &str, failure: &str) -> String {
    format!("{path}&__path={}&__err={}", app::routes::encode_query(server_fn), URL_SAFE.encode(failure))
}

async fn the_sign_in_page_comes_without_the_client(app: TestApp) {
    let page = app.get("/login", None).await.text().await.unwrap();
    assert!(page.contains(r#"action="/api/sign_in""#), "{page}");
    assert!(page.contains(r#"method="post""#), "{page}");
    for client in [".wasm", "hydrate", "<script type=\"module\""] {
        assert!(!page.contains(client), "{client} on the sign-in page: {page}");
    }
    // The pages after it still hydrate.
    let session = app.register("ana@example.com").await;
    let page = app.get("/account/security", Some(&session)).await.text().await.unwrap();
    assert!(page.contains("hydrate"), "{page}");
}

async fn a_form_the_browser_posts_itself_signs_in(app: TestApp) {
    app.register("ana@example.com").await;
    let browser = Browser::new();
    let response = app.post_sign_in_form(&browser, "ana@example.com", PASSWORD, "/account/security").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/account/security");
    assert!(session_cookie(response.headers()).is_some());
    let page = app.get_in(&browser, "/account/security").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Two-factor authentication is off"));
}

async fn with_two_factor_the_form_goes_on_to_the_code_page(app: TestApp) {
    app.register_with_totp("ana@example.com").await;
    let browser = Browser::new();
    let response = app.post_sign_in_form(&browser, "ana@example.com", PASSWORD, "/account/security").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/login/code?next=/account/security");
    let page = app.get_in(&browser, "/login/code?next=/account/security").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Verification code"), "{page}");
    assert!(page.contains("hydrate"), "the code page comes with the client: {page}");
    // Half-way is not signed in: the sign-in page is still there for this browser.
    assert_eq!(app.get_in(&browser, "/login").await.status(), StatusCode::OK);
}

async fn a_wrong_password_brings_the_browser_back_to_the_page_with_the_answer(app: TestApp) {
    app.register("ana@example.com").await;
    for email in ["ana@example.com", "nobody@example.com"] {
        let browser = Browser::new();
        let response = app.post_sign_in_form(&browser, email, "not the password", "/account/security").await;
        assert_eq!(response.status(), StatusCode::FOUND, "a browser follows only a redirect");
        assert!(session_cookie(response.headers()).is_none());
        let back = location(&response);
        assert!(back.starts_with("/login?next=/account/security&__path="), "{back}");

        let page = app.get_in(&browser, &back).await;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        assert!(
            page.contains(r#"role="alert" class="form-error">The email or password is incorrect.<"#),
            "{email}: {page}"
        );
        assert!(page.contains(r#"name="next" value="/account/security""#), "the page still goes on there: {page}");
    }
}

/// Each post comes from the page the last one came back to, as in a browser: the
/// page shows the latest failure, not the first.
async fn waits_come_back_to_the_page_too(app: TestApp) {
    app.register("ana@example.com").await;
    let browser = Browser::new();
    let mut page = "/login?next=%2Faccount".to_owned();
    for _ in 0..6 {
        let response =
            app.post_sign_in_form_on(&page, &browser, "ana@example.com", "not the password", "/account").await;
        assert_eq!(response.status(), StatusCode::FOUND);
        page = location(&response);
        assert_eq!(page.matches("__err=").count(), 1, "one failure at a time: {page}");
    }
    let shown = app.get_in(&browser, &page).await.text().await.unwrap();
    assert!(shown.contains("Too many wrong passwords. Try again in"), "{shown}");
    assert!(!shown.contains("The email or password is incorrect."), "{shown}");
}

async fn a_signed_in_customer_is_sent_on_from_the_sign_in_page(app: TestApp) {
    let session = app.register("ana@example.com").await;
    for (asked, sent_to) in [
        ("/login", "/account"),
        ("/login?next=%2Faccount%2Fsecurity", "/account/security"),
        ("/login?next=https%3A%2F%2Fevil.example", "/account"),
        ("/login?next=%2F%2Fevil.example", "/account"),
    ] {
        let response = app.get(asked, Some(&session)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{asked}");
        assert_eq!(location(&response), sent_to, "{asked}");
    }
    // A visitor, or a browser with a session that has ended, gets the page.
    assert_eq!(app.get("/login", None).await.status(), StatusCode::OK);
    app.post("/api/sign_out", &[], Some(&session)).await;
    assert_eq!(app.get("/login", Some(&session)).await.status(), StatusCode::OK);
}

async fn a_link_cannot_put_words_of_its_own_on_a_page(app: TestApp) {
    let spoof = r#"{"Invalid":"Your account is suspended. Call +1 555 0100 to restore it."}"#;
    let link = with_failure("/login?next=%2Faccount", "/api/sign_in", spoof);
    let response = app.get(&link, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?next=%2Faccount", "sent to the page without it");

    let session = app.register("ana@example.com").await;
    let link = with_failure("/account/security?tab=1", "/api/confirm_password", spoof);
    let response = app.get(&link, Some(&session)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account/security?tab=1");

    // However its name is spelt, and whatever the path looks like.
    let spelt = link.replace("__path", "%5F%5Fpath").replace("__err", "%5f%5Ferr");
    assert_eq!(app.get(&spelt, Some(&session)).await.status(), StatusCode::SEE_OTHER, "{spelt}");
    let (status, answer) = app.raw_request("GET", "//evil.example/?__err=x").await;
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("location: /evil.example/\r\n"), "stays on this site: {answer}");
    let forever = r#"{"TooManyPasswords":{"retry_after_secs":9223372036854775807}}"#;
    assert_eq!(
        app.get(&with_failure("/login?next=%2Faccount", "/api/sign_in", forever), None).await.status(),
        StatusCode::SEE_OTHER
    );

    // The portal's own words pass, as a browser posting the form itself gets them.
    let link = with_failure("/login?next=%2Faccount", "/api/sign_in", r#""InvalidCredentials""#);
    let page = app.get(&link, None).await.text().await.unwrap();
    assert!(page.contains("The email or password is incorrect."), "{page}");
}

/// A browser loading a page asks for HTML, as a form it posts itself does: the page
/// still answers with its failure's status (here, a second factor the server cannot
/// read).
async fn a_page_that_fails_says_so_to_a_browser(app: TestApp) {
    use sea_orm::ConnectionTrait as _;
    let (session, _) = app.register_with_totp("ana@example.com").await;
    app.portal.db.execute_unprepared("UPDATE two_factor SET method = 'unknown'").await.unwrap();
    let request = reqwest::Client::new().get(app.url("/account/security"));
    let response = request.header("cookie", &session).header("accept", BROWSER_ACCEPT).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
