//! A sign-in from a browser the account does not know emails the customer, over
//! HTTP on SQLite and PostgreSQL; a browser that signed in before signs in without
//! a word. Emails are counted where they are stored, in the sign-in's transaction,
//! so "no email" is a fact of the database, not a wait for silence.

use crate::support;

use reqwest::StatusCode;

use portal_core::db::entities::outbox_message;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use support::browser::Browser;
use support::{PASSWORD, TestApp};

on_each_database!(
    a_browser_the_account_does_not_know_brings_an_email,
    a_browser_that_signed_in_before_brings_none,
    registering_brings_none,
    signing_in_with_the_second_factor_from_a_new_browser_brings_one,
);

const EMAIL: &str = "ana@example.com";
const SUBJECT: &str = "Customer Portal: New sign-in to your account";
const FIREFOX_ON_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

impl TestApp {
    /// The new sign-in emails stored for `EMAIL` so far.
    async fn new_sign_in_emails(&self) -> Vec<outbox_message::Model> {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq(EMAIL))
            .filter(outbox_message::Column::Subject.eq(SUBJECT))
            .all(&self.portal.db)
            .await
            .unwrap()
    }
}

async fn a_browser_the_account_does_not_know_brings_an_email(app: TestApp) {
    app.register(EMAIL).await;
    let form = [("email", EMAIL), ("password", PASSWORD)];
    let headers = [("user-agent", FIREFOX_ON_WINDOWS), ("x-forwarded-for", "203.0.113.9")];
    let response = app.post_with_headers("/api/sign_in", &form, None, &headers).await;
    assert_eq!(response.status(), StatusCode::OK);

    let stored = app.new_sign_in_emails().await;
    assert_eq!(stored.len(), 1);
    let email = app.smtp.wait_for_subject("New sign-in to your account").await.text();
    for part in ["from a browser it had not seen before", " UTC", "Browser: Firefox on Windows.", "If this wasn't you"]
    {
        assert!(email.contains(part), "{part:?} missing from:\n{email}");
    }
    // The test server trusts no proxy: the address is the connection's.
    assert!(email.contains("Address: 127.0.0.1."), "{email}");

    // A wrong password from a new browser is no sign-in.
    assert_eq!(app.sign_in(EMAIL, "not the password").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.new_sign_in_emails().await.len(), 1);
}

async fn a_browser_that_signed_in_before_brings_none(app: TestApp) {
    let browser = app.register_in_browser(EMAIL).await;
    app.post_in(&browser, "/api/sign_out", &[]).await;
    for _ in 0..2 {
        assert_eq!(app.sign_in_in(&browser, EMAIL, PASSWORD).await.status(), StatusCode::OK);
    }
    assert!(app.new_sign_in_emails().await.is_empty());

    // Another browser is news, once.
    let other = Browser::new();
    app.sign_in_in(&other, EMAIL, PASSWORD).await;
    app.sign_in_in(&other, EMAIL, PASSWORD).await;
    assert_eq!(app.new_sign_in_emails().await.len(), 1);
}

async fn registering_brings_none(app: TestApp) {
    app.register_in_browser(EMAIL).await;
    assert!(app.new_sign_in_emails().await.is_empty());
}

async fn signing_in_with_the_second_factor_from_a_new_browser_brings_one(app: TestApp) {
    let (_, secret) = app.register_with_totp(EMAIL).await;
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert!(app.new_sign_in_emails().await.is_empty(), "the password alone signs nobody in");
    let code = app.next_code(&secret);
    assert_eq!(app.verify_sign_in_code(&awaiting, &code).await.status(), StatusCode::OK);
    assert_eq!(app.new_sign_in_emails().await.len(), 1);
}
