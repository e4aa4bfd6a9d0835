//! "Where you're signed in", over HTTP on SQLite and on PostgreSQL: each session of
//! the account is listed with its browser and address; "Sign out" ends one other
//! session and "Sign out of all other sessions" every other one, each after the
//! password, and the browsers signed out find it out on their next request to any
//! server behind the load balancer.

use crate::support;

use reqwest::StatusCode;

use serde_json::Value;
use support::browser::Browser;
use support::{PASSWORD, TestApp};

on_each_database!(
    each_session_is_listed_with_its_browser_and_address,
    signing_out_another_session_reaches_every_server,
    signing_out_of_all_other_sessions_keeps_only_this_one,
    nobody_signs_out_a_session_of_another_account,
);

const EMAIL: &str = "ana@example.com";
const FIREFOX_ON_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

async fn each_session_is_listed_with_its_browser_and_address(app: TestApp) {
    let this = app.register_in_browser(EMAIL).await;
    let firefox = signed_in_with_firefox(&app, EMAIL).await;
    let listed = sessions_seen_by(&app, &this).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["this_device"], true, "this one comes first");
    assert_eq!(listed[1]["this_device"], false);
    assert_eq!(listed[1]["browser"], "Firefox on Windows");
    assert_eq!(listed[1]["ip"], "127.0.0.1");
    for field in ["signed_in_at", "last_active"] {
        assert!(listed[1][field].as_str().unwrap().ends_with(" UTC"), "{field}: {listed:?}");
    }
    // The page names a session by a handle that is neither its token nor its key.
    let token = firefox.cookie("portal_session").expect("a session cookie");
    let page = Value::Array(listed).to_string();
    assert!(!page.contains(&token), "{page}");
    for key in stored_keys(&app).await {
        assert!(!page.contains(&key), "{page}");
    }

    // Only the account's own browser sees it.
    assert_eq!(app.post("/api/signed_in_sessions", &[], None).await.status(), StatusCode::UNAUTHORIZED);
}

async fn signing_out_another_session_reaches_every_server(app: TestApp) {
    let this = app.register_in_browser(EMAIL).await;
    let firefox = signed_in_with_firefox(&app, EMAIL).await;
    let handle = other_handle(&app, &this).await;

    // The password first: without it, or with a wrong one, nothing ends.
    let wrong = app.post_in(&this, "/api/sign_out_session", &[("session", &handle), ("password", "not it")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{}", wrong.text().await.unwrap());
    let missing = app.post_in(&this, "/api/sign_out_session", &[("session", &handle)]).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let garbage = app.post_in(&this, "/api/sign_out_session", &[("session", "../x"), ("password", PASSWORD)]).await;
    assert_eq!(garbage.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", garbage.text().await.unwrap());
    assert!(app.is_signed_in(&firefox).await);

    let ended = app.post_in(&this, "/api/sign_out_session", &[("session", &handle), ("password", PASSWORD)]).await;
    assert_eq!(ended.status(), StatusCode::OK, "{}", ended.text().await.unwrap());

    let elsewhere = app.another_server().await;
    assert_sent_to_sign_in(&elsewhere, &firefox).await;
    assert!(elsewhere.is_signed_in(&this).await, "this browser stays signed in");
    assert_eq!(sessions_seen_by(&app, &this).await.len(), 1);
    // Once: the handle names nothing now.
    let again = app.post_in(&this, "/api/sign_out_session", &[("session", &handle), ("password", PASSWORD)]).await;
    assert_eq!(again.status(), StatusCode::OK);
    let activity = app.security_activity_of(EMAIL).await;
    assert_eq!(activity.iter().filter(|what| *what == "Signed out another session").count(), 1, "{activity:?}");
}

async fn signing_out_of_all_other_sessions_keeps_only_this_one(app: TestApp) {
    let this = app.register_in_browser(EMAIL).await;
    let firefox = signed_in_with_firefox(&app, EMAIL).await;
    let other = Browser::new();
    assert_eq!(app.sign_in_in(&other, EMAIL, PASSWORD).await.status(), StatusCode::OK);
    let bo = app.register_in_browser("bo@example.com").await;

    let wrong = app.post_in(&this, "/api/sign_out_other_sessions", &[("password", "not it")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(app.is_signed_in(&firefox).await && app.is_signed_in(&other).await);

    let ended = app.post_in(&this, "/api/sign_out_other_sessions", &[("password", PASSWORD)]).await;
    assert_eq!(ended.status(), StatusCode::OK, "{}", ended.text().await.unwrap());

    let elsewhere = app.another_server().await;
    assert_sent_to_sign_in(&elsewhere, &firefox).await;
    assert_sent_to_sign_in(&elsewhere, &other).await;
    assert!(elsewhere.is_signed_in(&this).await, "this browser stays signed in");
    assert!(elsewhere.is_signed_in(&bo).await, "other accounts are untouched");
    let listed = sessions_seen_by(&elsewhere, &this).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["this_device"], true);
    assert!(app.security_activity_of(EMAIL).await.contains(&"Signed out of all other sessions".to_owned()));
}

async fn nobody_signs_out_a_session_of_another_account(app: TestApp) {
    let ana = app.register_in_browser(EMAIL).await;
    let bo = app.register_in_browser("bo@example.com").await;
    let bos_other = signed_in_with_firefox(&app, "bo@example.com").await;
    let handle = other_handle(&app, &bo).await;

    let tried = app.post_in(&ana, "/api/sign_out_session", &[("session", &handle), ("password", PASSWORD)]).await;
    assert_eq!(tried.status(), StatusCode::OK, "the same answer as for a session already ended");
    assert!(app.is_signed_in(&bos_other).await);
    assert_eq!(sessions_seen_by(&app, &bo).await.len(), 2);
}

/// A new browser signed in to `email` as Firefox on Windows (2FA off).
async fn signed_in_with_firefox(app: &TestApp, email: &str) -> Browser {
    let browser = Browser::new();
    let response = app
        .post_with_headers(
            "/api/sign_in",
            &[("email", email), ("password", PASSWORD)],
            None,
            &[("user-agent", FIREFOX_ON_WINDOWS)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    browser.keep(&response);
    assert!(app.is_signed_in(&browser).await);
    browser
}

/// The keys the sessions table holds its rows under.
async fn stored_keys(app: &TestApp) -> Vec<String> {
    use sea_orm::EntityTrait as _;
    let rows = portal_core::db::entities::session::Entity::find().all(&app.portal.db).await.unwrap();
    assert!(!rows.is_empty());
    rows.into_iter().map(|row| row.id).collect()
}

/// "Where you're signed in" as `browser` sees it.
async fn sessions_seen_by(app: &TestApp, browser: &Browser) -> Vec<Value> {
    let response = app.post_in(browser, "/api/signed_in_sessions", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str::<Value>(&response.text().await.unwrap()).unwrap().as_array().unwrap().clone()
}

/// The handle of the one session `browser` lists that is not its own.
async fn other_handle(app: &TestApp, browser: &Browser) -> String {
    let listed = sessions_seen_by(app, browser).await;
    let other = listed.iter().find(|listed| listed["this_device"] == false).expect("another session");
    other["handle"].as_str().unwrap().to_owned()
}

/// The browser is signed out: its next page load sends it to sign in.
async fn assert_sent_to_sign_in(app: &TestApp, browser: &Browser) {
    let page = app.get_in(browser, "/account/security").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/login?next=/account/security");
    assert!(!app.is_signed_in(browser).await);
}
