//! What texts may cost, on SQLite and PostgreSQL: an hourly ceiling for the whole
//! portal, of which texts to new numbers (being set up, or set up this week) take
//! half at most, so accounts made to pump texts never keep customers from their
//! sign-in codes; texts only to
//! the countries listed; and a sign-in code that goes out while the mail server
//! hangs.

use crate::support;

use app::error::AppError;
use portal_core::outbox::MailTransport;
use std::time::Duration;

use portal_core::phone::SmsCountries;
use portal_core::two_factor::NEW_NUMBER_SECS;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use support::sms::PHONE;
use support::{TestApp, refusal};

on_each_database!(
    the_hourly_ceiling_keeps_half_for_sign_in_codes,
    texts_go_only_to_the_listed_countries,
    a_sign_in_code_goes_out_while_the_mail_server_hangs,
);

const HOUR: i64 = 60 * 60;

/// A stranger's fresh account, ready to set SMS up.
async fn strangers_account(app: &TestApp, number: usize) -> String {
    let session = app.register(&format!("pumper{number}@example.com")).await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    session
}

async fn the_hourly_ceiling_keeps_half_for_sign_in_codes(app: TestApp) {
    let app = TestApp::start_with(app.backend(), |config| config.portal.sms_limits.texts_per_hour = 4).await.unwrap();
    // The customer set SMS up more than a week ago.
    app.register_with_sms("ana@example.com").await;
    app.wait(Duration::from_secs(NEW_NUMBER_SECS as u64 + 1));

    // A pumper sets a number up and asks for a sign-in code to it: both texts go to
    // a new number, and take the half of the four those may take.
    let pumper = app.register("pumper@example.com").await;
    app.turn_on_sms(&pumper, "+60123450001").await;
    app.sign_in_awaiting_code("pumper@example.com").await;
    assert_eq!(app.texts_stored_to("+60123450001").await, 2, "setup and sign-in");
    let refused = app.begin_sms_setup(&strangers_account(&app, 2).await, "+60123450002").await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()[RETRY_AFTER], HOUR.to_string().as_str());
    assert_eq!(refusal(refused).await, AppError::TextsUnavailable { retry_after_secs: HOUR });
    assert_eq!(app.texts_stored_to("+60123450002").await, 0);

    // The customer's sign-in codes still go out: the ceiling's other half.
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(app.texts_stored_to(PHONE).await, 2, "setup, a week ago, and sign-in");
    app.wait(Duration::from_secs(31));
    assert_eq!(app.resend_sign_in_code(&awaiting).await.status(), StatusCode::OK);
    assert_eq!(app.texts_stored_to(PHONE).await, 3);

    // Four texts this hour: the ceiling holds for everyone.
    app.wait(Duration::from_secs(31));
    let over = app.resend_sign_in_code(&awaiting).await;
    assert_eq!(over.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error = refusal(over).await;
    assert!(matches!(error, AppError::TextsUnavailable { .. }), "{error:?}");
    assert!(error.to_string().contains("choose another way to verify"), "{error}");
    assert_eq!(app.texts_stored_to(PHONE).await, 3, "nothing stored past the ceiling");
}

async fn texts_go_only_to_the_listed_countries(app: TestApp) {
    let app = TestApp::start_with(app.backend(), |config| {
        config.portal.sms_limits.countries = SmsCountries::parse("60").unwrap();
    })
    .await
    .unwrap();
    let session = strangers_account(&app, 1).await;
    let abroad = app.begin_sms_setup(&session, "+44 7700 900123").await;
    assert_eq!(abroad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = refusal(abroad).await;
    assert_eq!(error, AppError::SmsCountryNotServed { country_code: 44 });
    assert_eq!(error.to_string(), "Text messages cannot be sent to +44 numbers. Choose another way to verify.");
    assert_eq!(app.texts_stored_to("+447700900123").await, 0);
    assert_eq!(app.begin_sms_setup(&session, PHONE).await.status(), StatusCode::OK, "a listed country");
}

async fn a_sign_in_code_goes_out_while_the_mail_server_hangs(app: TestApp) {
    // A mail server that takes connections and never says a word.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", hanging.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = hanging.accept().await {
            held.push(stream);
        }
    });
    let app = TestApp::start_with(app.backend(), |config| config.portal.mail.transport = MailTransport::Smtp(url))
        .await
        .unwrap();
    // Turning SMS on stores an email, which now waits on the mail server.
    app.register_with_sms("ana@example.com").await;
    app.sign_in_awaiting_code("ana@example.com").await;
    app.twilio.next_code(PHONE).await;
    assert!(app.portal.outbox.waiting_for("ana@example.com").await.unwrap() > 0, "the emails still wait");
}
