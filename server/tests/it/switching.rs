//! Changing the second factor over HTTP, on SQLite and on PostgreSQL, with the
//! stand-in Twilio server and a real SMTP server: seed 003 (turn SMS off, then set up
//! the authenticator app) and the switches that keep the old method until the new
//! one's first code is right, with the emails that say so.

use crate::support;

use app::method::TwoFactorMethod;
use reqwest::StatusCode;

use support::sms::PHONE;
use support::{PASSWORD, TestApp};

on_each_database!(
    seed_003_disable_sms_then_set_up_the_app,
    switching_from_sms_to_the_app_keeps_sms_until_the_app_is_verified,
    switching_from_the_app_to_sms_keeps_the_app_until_sms_is_verified,
);

async fn seed_003_disable_sms_then_set_up_the_app(app: TestApp) {
    let session = app.register_with_sms("ana@example.com").await;
    let off = app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    assert_eq!(app.confirm_totp_setup(&session, &app.code_now(&secret)).await.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("totp"));

    let email = app.smtp.wait_for(3).await.remove(2).text();
    assert!(email.contains("security method has been updated to TOTP (Authenticator App)"), "{email}");
    let texts = app.texts_stored_to(PHONE).await;
    let response = app.sign_in("ana@example.com", PASSWORD).await;
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/login/code"));
    assert_eq!(app.texts_stored_to(PHONE).await, texts, "no SMS for an app sign-in");
}

async fn switching_from_sms_to_the_app_keeps_sms_until_the_app_is_verified(app: TestApp) {
    let session = app.register_with_sms("ana@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    assert_eq!(app.confirm_totp_setup(&session, "000000").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("sms"), "SMS stays meanwhile");

    assert_eq!(app.confirm_totp_setup(&session, &app.code_now(&secret)).await.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("totp"));
    let email = app.smtp.wait_for(2).await.remove(1);
    let text = email.text();
    for part in [
        "Subject: Customer Portal: Your account's security method has been updated",
        "switched from SMS (text message codes) to TOTP (Authenticator App)",
        "security method has been updated to TOTP (Authenticator App)",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    let status = app.two_factor_status(&session).await;
    assert_eq!((status.method, status.masked_phone), (Some(TwoFactorMethod::AuthenticatorApp), None));
}

async fn switching_from_the_app_to_sms_keeps_the_app_until_sms_is_verified(app: TestApp) {
    let (session, _) = app.register_with_totp("ana@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    assert_eq!(app.begin_sms_setup(&session, PHONE).await.status(), StatusCode::OK);
    let code = app.twilio.next_code(PHONE).await;
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("totp"), "the app stays meanwhile");

    assert_eq!(app.confirm_sms_setup(&session, &code).await.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("sms"));
    let email = app.smtp.wait_for(2).await.remove(1).text();
    assert!(email.contains("switched from TOTP (Authenticator App) to SMS"), "{email}");
    // Setting up the method already on is refused.
    app.confirm_password(&session).await;
    assert_eq!(app.begin_sms_setup(&session, PHONE).await.status(), StatusCode::CONFLICT);

    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let code = app.twilio.next_code(PHONE).await;
    assert_eq!(app.verify_sign_in_code(&awaiting, &code).await.status(), StatusCode::OK);
}
