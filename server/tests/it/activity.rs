//! "Recent security activity" over HTTP, on SQLite and on PostgreSQL: what is
//! recorded, in the customer's words, with the client's address and browser; and
//! `X-Forwarded-For` (and the load balancer's `X-Request-Id`) believed only from a
//! proxy listed in `TRUSTED_PROXIES`.

use crate::support;

use app::functions::account::{ActivityPageView, ActivityView};
use reqwest::StatusCode;

use std::time::Duration;

use support::{PASSWORD, TestApp, session_cookie};

on_each_database!(
    sign_ins_changes_and_failures_are_listed_newest_first_with_address_and_browser,
    forwarded_addresses_and_request_ids_are_ignored_unless_the_proxy_is_trusted,
    a_strangers_failures_cannot_push_what_matters_out_of_sight,
    show_more_pages_back_through_older_events,
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

/// Twenty-five wrong passwords and three reset requests from one network were
/// enough to push "Two-factor authentication turned on" out of the 20 lines: now
/// each run is one line, with a count and a time range, and support sees the same.
async fn a_strangers_failures_cannot_push_what_matters_out_of_sight(app: TestApp) {
    use portal_core::db::entities::security_event;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};

    // The flood takes hours of waits: the customer's session outlasts them.
    let day = Duration::from_secs(24 * 60 * 60);
    let policy = portal_core::sessions::SessionPolicy { idle: day, absolute: day };
    let app = TestApp::start_with(app.backend(), |config| config.portal.session = policy).await.unwrap();
    let (session, _) = app.register_with_totp(EMAIL).await;
    // Twenty-five wrong passwords, each once the wait the last one earned is over
    // (from the fifth on, a wrong password's answer names the next wait).
    for _ in 0..25 {
        let response = app.sign_in(EMAIL, "not the password").await;
        assert!([StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&response.status()));
        if let Some(wait) = response.headers().get("retry-after") {
            app.wait(Duration::from_secs(wait.to_str().unwrap().parse().unwrap()));
        }
    }
    for _ in 0..3 {
        assert_eq!(app.request_password_reset(EMAIL).await.status(), StatusCode::OK);
    }
    // Failed sign-ins and reset requests are recorded after their answer.
    let db = &app.portal.db;
    let recorded = move |kind: &'static str| async move {
        let rows = security_event::Entity::find().filter(security_event::Column::Kind.eq(kind));
        rows.count(db).await.unwrap()
    };
    let all_in = move || async move { (recorded("sign_in_failed").await, recorded("password_reset_requested").await) };
    assert_eq!(support::eventually(Duration::from_secs(10), all_in, |counts| *counts == (25, 3)).await, (25, 3));

    let listed = app.security_activity(&session).await;
    let what: Vec<&str> = listed.iter().map(|line| line.what.as_str()).collect();
    assert_eq!(
        what[..3],
        [
            "Password reset link requested (3 times)",
            "Sign-in failed: wrong password (25 times)",
            "Two-factor authentication turned on (TOTP (Authenticator App))",
        ]
    );
    assert!(listed[1].when.contains('–'), "a run shows its time range: {}", listed[1].when);

    let shown = app.portal.support_desk.show(EMAIL, None).await.unwrap();
    let support_sees: Vec<String> = shown.events.entries.iter().map(|line| line.in_words()).collect();
    assert_eq!(support_sees, what, "`server admin show` lists the same lines");
}

async fn show_more_pages_back_through_older_events(app: TestApp) {
    let session = app.register(EMAIL).await;
    for _ in 0..24 {
        assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::OK);
    }
    let first: ActivityPageView = support::answer(app.post("/api/security_activity", &[], Some(&session)).await).await;
    assert_eq!(first.lines.len(), 20);
    let before = first.more.expect("more to show");
    let older = app.post("/api/security_activity", &[("before", before.as_str())], Some(&session)).await;
    let second: ActivityPageView = support::answer(older).await;
    assert_eq!((second.lines.len(), second.more.clone()), (5, None), "25 sign-ins in all");
    let bad = app.post("/api/security_activity", &[("before", "yesterday")], Some(&session)).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
