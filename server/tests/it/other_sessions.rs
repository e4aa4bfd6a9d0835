//! A change of second factor signs every other session of the account out, in the
//! change's own transaction, on SQLite and on PostgreSQL: a stolen session does not
//! outlive turning 2FA on, off, or switching. The session that made the change
//! stays, other accounts are untouched, and the email says what happened.

use crate::support;

use reqwest::StatusCode;

use support::browser::Browser;
use support::sms::PHONE;
use support::{PASSWORD, TestApp};

on_each_database!(
    turning_two_factor_on_signs_every_other_session_out,
    turning_it_off_signs_every_other_session_out,
    switching_methods_signs_every_other_session_out,
);

const EMAIL: &str = "ana@example.com";

async fn turning_two_factor_on_signs_every_other_session_out(app: TestApp) {
    let this = app.register_in_browser(EMAIL).await;
    let other = signed_in_elsewhere(&app).await;
    let stranger = app.register_in_browser("bo@example.com").await;

    let session = this.cookie_header().unwrap();
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    assert_eq!(app.confirm_totp_setup(&session, &app.code_now(&secret)).await.status(), StatusCode::OK);

    assert_sent_to_sign_in(&app, &other).await;
    assert!(app.is_signed_in(&this).await, "the session that made the change stays");
    assert!(app.is_signed_in(&stranger).await, "other accounts are untouched");
    let email = app.smtp.wait_for_subject("Two-factor authentication is on").await.text();
    assert!(email.contains("every other device or browser signed in to your account has been signed out"), "{email}");
}

async fn turning_it_off_signs_every_other_session_out(app: TestApp) {
    let (session, secret) = app.register_with_totp(EMAIL).await;
    let other = Browser::new();
    app.sign_in_in(&other, EMAIL, PASSWORD).await;
    let signed_in = app.post_in(&other, "/api/verify_sign_in_code", &[("code", &app.next_code(&secret))]).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    // A half-way session, at the code step, ends too.
    let halfway = app.sign_in_awaiting_code(EMAIL).await;

    let off = app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_sent_to_sign_in(&app, &other).await;
    assert_eq!(app.post("/api/sign_in_challenge", &[], Some(&halfway)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"));
}

async fn switching_methods_signs_every_other_session_out(app: TestApp) {
    let session = app.register_with_sms(EMAIL).await;
    let other = Browser::new();
    app.sign_in_in(&other, EMAIL, PASSWORD).await;
    let code = app.twilio.next_code(PHONE).await;
    assert_eq!(app.post_in(&other, "/api/verify_sign_in_code", &[("code", &code)]).await.status(), StatusCode::OK);
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    assert_eq!(app.confirm_totp_setup(&session, &app.code_now(&secret)).await.status(), StatusCode::OK);
    assert_sent_to_sign_in(&app, &other).await;
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"));
}

/// A second browser signed in to the account (2FA off).
async fn signed_in_elsewhere(app: &TestApp) -> Browser {
    let other = Browser::new();
    assert_eq!(app.sign_in_in(&other, EMAIL, PASSWORD).await.status(), StatusCode::OK);
    assert!(app.is_signed_in(&other).await);
    other
}

/// The browser is signed out: its next page load sends it to sign in.
async fn assert_sent_to_sign_in(app: &TestApp, browser: &Browser) {
    let page = app.get_in(browser, "/account/security").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/login?next=/account/security");
    assert!(!app.is_signed_in(browser).await);
}
