//! "Change password" on the Profile tab, over HTTP on SQLite and PostgreSQL: the
//! current password first, counted like a sign-in's; the new one by the registration
//! policy; then every other session ends, on any server, and an email says so.

use crate::support;

use app::error::AppError;
use reqwest::StatusCode;

use support::browser::Browser;
use support::{PASSWORD, TestApp};

on_each_database!(
    a_new_password_replaces_the_old_and_ends_the_other_sessions,
    a_wrong_current_password_changes_nothing_and_is_counted_like_a_sign_in,
    the_new_password_meets_the_registration_policy,
    only_a_signed_in_customer_changes_a_password,
);

const EMAIL: &str = "ana@example.com";
const NEW_PASSWORD: &str = "lantern harbour 97";

impl TestApp {
    async fn change_password_in(&self, browser: &Browser, current: &str, new: &str) -> reqwest::Response {
        self.post_in(browser, "/api/change_password", &[("current_password", current), ("new_password", new)]).await
    }
}

async fn a_new_password_replaces_the_old_and_ends_the_other_sessions(app: TestApp) {
    let here = app.register_in_browser(EMAIL).await;
    let elsewhere = Browser::new();
    assert_eq!(app.sign_in_in(&elsewhere, EMAIL, PASSWORD).await.status(), StatusCode::OK);
    // A second server behind the same load balancer holds the other session too.
    let other_server = app.another_server().await;
    assert!(other_server.is_signed_in(&elsewhere).await);
    let device_before = here.cookie("portal_device");
    let copied_cookie = here.cookie_header().unwrap();

    let response = app.change_password_in(&here, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

    assert!(app.is_signed_in(&here).await, "the browser that changed it stays signed in");
    assert_eq!(app.signed_in_name(&copied_cookie).await, None, "a copy of its old cookie no longer counts");
    assert!(!other_server.is_signed_in(&elsewhere).await, "the other session ended, on any server");
    assert_ne!(here.cookie("portal_device"), device_before, "a device cookie under the new stamp");
    assert_eq!(
        app.sign_in(EMAIL, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    assert_eq!(app.sign_in(EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);

    let email = app.smtp.wait_for_subject("Your password was changed").await;
    assert_eq!(email.to, [EMAIL]);
    for part in ["Subject: Customer Portal: Your password was changed", "every other device", "If this wasn't you"] {
        assert!(email.text().contains(part), "{part:?} missing from:\n{}", email.text());
    }
    assert!(!email.text().contains(NEW_PASSWORD), "never the password itself");
    assert!(app.security_activity_of(EMAIL).await.contains(&"Password changed".to_owned()));
    assert!(!app.security_activity_of(EMAIL).await.iter().any(|event| event.contains("Wrong current password")));
}

async fn a_wrong_current_password_changes_nothing_and_is_counted_like_a_sign_in(app: TestApp) {
    app.register(EMAIL).await;
    // A session someone else holds, with no device cookie for the account.
    let stolen = Browser::new();
    assert_eq!(app.sign_in_in(&stolen, EMAIL, PASSWORD).await.status(), StatusCode::OK);
    stolen.set_cookie("portal_device", "forged");

    let response = app.change_password_in(&stolen, "not the password", NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(support::refusal(response).await, AppError::WrongPassword);
    for _ in 0..3 {
        assert_eq!(
            app.change_password_in(&stolen, "still not it", NEW_PASSWORD).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // As at sign-in, the fifth wrong one in a row earns a wait: even the right
    // password waits then, and so does sign-in (the same count).
    let response = app.change_password_in(&stolen, "nor this", NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(app.change_password_in(&stolen, PASSWORD, NEW_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);

    let activity = app.security_activity_of(EMAIL).await;
    assert!(
        activity.iter().any(|line| line.starts_with("Wrong current password entered to change it")),
        "{activity:?}"
    );

    app.let_the_delay_pass().await;
    assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::OK, "the password is unchanged");
    assert!(app.is_signed_in(&stolen).await, "a refused change ends nothing");
}

async fn the_new_password_meets_the_registration_policy(app: TestApp) {
    let here = app.register_in_browser(EMAIL).await;
    for (new, words) in [("short", "at least 8"), ("password123", "too common"), (EMAIL, "email")] {
        let response = app.change_password_in(&here, PASSWORD, new).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        let body = response.text().await.unwrap();
        assert!(body.to_lowercase().contains(words), "{new}: {body}");
    }
    assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::OK, "unchanged");
}

async fn only_a_signed_in_customer_changes_a_password(app: TestApp) {
    app.register(EMAIL).await;
    let visitor = Browser::new();
    assert_eq!(app.change_password_in(&visitor, PASSWORD, NEW_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    // Half-way through sign-in is not signed in either.
    let (_, _) = app.register_with_totp("bo@example.com").await;
    let awaiting = app.sign_in_awaiting_code("bo@example.com").await;
    let response = app
        .post(
            "/api/change_password",
            &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)],
            Some(&awaiting),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::OK);
}
