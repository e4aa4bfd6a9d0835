//! "Recent security activity" over HTTP, on SQLite and on PostgreSQL: what is
//! recorded, in the customer's words, with the client's address and browser; and
//! `X-Forwarded-For` (and the load balancer's `X-Request-Id`) believed only from a
//! proxy listed in `TRUSTED_PROXIES`.

use crate::support;

use app::functions::account::ActivityView;
use reqwest::StatusCode;

use std::time::Duration;

use support::{PASSWORD, TestApp, session_cookie};

on_each_database!(
    sign_ins_changes_and_failures_are_listed_newest_first_with_address_and_browser,
    forwarded_addresses_and_request_ids_are_ignored_unless_the_proxy_is_trusted,
);

const EMAIL: &str = "ana@example.com";
const FIREFOX_ON_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

async fn sign_ins_changes_and_failures_are_listed_newest_first_with_address_and_browser(app: TestApp) {
    let (session, _) = app.register_with_totp(EMAIL).await;
    let firefox = [("user-agent", FIREFOX_ON_WINDOWS)];
    let wrong_password = [("email", EMAIL), ("password", "not the password")];
    let right_password = [("email", EMAIL), ("password", PASSWORD)];
    let activity = || app.security_activity(&session);
    assert_eq!(
        app.post_with_headers("/api/sign_in", &wrong_password, None, &firefox).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // A failed sign-in is recorded after its answer (so it costs no time): wait for
    // it, so that what follows is recorded after it.
    let is_recorded = |listed: &Vec<ActivityView>| listed.iter().any(|event| event.what.starts_with("Sign-in failed"));
    let failed = support::eventually(Duration::from_secs(10), activity, is_recorded).await;
    assert!(is_recorded(&failed), "{failed:?}");
    let password_step = app.post_with_headers("/api/sign_in", &right_password, None, &firefox).await;
    let awaiting = session_cookie(password_step.headers()).unwrap();
    let wrong = app.post_with_headers("/api/verify_sign_in_code", &[("code", "000000")], Some(&awaiting), &firefox);
    assert_eq!(wrong.await.status(), StatusCode::UNAUTHORIZED);

    let listed = activity().await;
    let what: Vec<&str> = listed.iter().map(|event| event.what.as_str()).collect();
    let position = |text: &str| what.iter().position(|what| what.starts_with(text));
    let order =
        ["Wrong verification code entered", "Sign-in failed: wrong password", "Two-factor authentication turned on"];
    let positions: Vec<usize> =
        order.iter().map(|text| position(text).unwrap_or_else(|| panic!("{text} in {what:?}"))).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "newest first: {what:?}");
    let wrong_code = &listed[positions[0]];
    assert_eq!((wrong_code.browser.as_str(), wrong_code.ip.as_deref()), ("Firefox on Windows", Some("127.0.0.1")));
    assert!(what.contains(&"Signed in"), "registering signed in: {what:?}");

    // Only the account's own events, and only for the signed-in.
    assert_eq!(app.post("/api/security_activity", &[], None).await.status(), StatusCode::UNAUTHORIZED);
    let stranger = app.register("bo@example.com").await;
    let theirs = app.security_activity(&stranger).await;
    assert!(theirs.iter().all(|event| !event.what.contains("Two-factor")), "{theirs:?}");
}

async fn forwarded_addresses_and_request_ids_are_ignored_unless_the_proxy_is_trusted(app: TestApp) {
    let forged = [("x-forwarded-for", "198.51.100.7"), ("x-request-id", "lb-7f3a")];
    let form = [("name", "Ana Lim"), ("email", EMAIL), ("password", PASSWORD)];
    let response = app.post_with_headers("/api/register", &form, None, &forged).await;
    assert_eq!(response.status(), StatusCode::OK);
    let own_id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(own_id.len() == 24 && own_id.bytes().all(|byte| byte.is_ascii_hexdigit()), "the server's own: {own_id}");
    let events = app.portal.events.recent(app.account_id(EMAIL).await).await.unwrap();
    assert_eq!(events[0].ip.as_deref(), Some("127.0.0.1"), "anyone can write the header");

    let behind_proxy = TestApp::start_with(app.backend(), |config| {
        config.trusted_proxies = server::config::TrustedProxies::parse("127.0.0.1/32").unwrap();
    })
    .await
    .expect("the same database kind");
    let response = behind_proxy.post_with_headers("/api/register", &form, None, &forged).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a", "the load balancer's id, in both logs");
    let events = behind_proxy.portal.events.recent(behind_proxy.account_id(EMAIL).await).await.unwrap();
    assert_eq!(events[0].ip.as_deref(), Some("198.51.100.7"), "the trusted proxy's word");
}
