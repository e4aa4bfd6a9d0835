//! A setup under way belongs to the session that started it, on SQLite and
//! PostgreSQL. An intruder with the password who starts an authenticator setup
//! cannot have the customer scan the intruder's key, nor finish the customer's;
//! a code texted for one session's SMS setup works in no other; and "Sign out of
//! all other sessions", any security change, or the session's own end discards
//! what was under way.

use crate::support;

use app::error::AppError;
use portal_core::db::entities::{sms_code, totp_enrollment};
use reqwest::StatusCode;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use support::{PASSWORD, TestApp, refusal, session_cookie};

on_each_database!(
    an_intruders_authenticator_setup_is_never_the_customers,
    a_texted_setup_code_works_only_in_the_session_that_asked_for_it,
    signing_out_of_other_sessions_discards_every_setup_under_way,
);

const EMAIL: &str = "ana@example.com";

/// Another session of the account, signed in with the password (2FA off).
async fn intruders_session(app: &TestApp) -> String {
    let signed_in = app.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let session = session_cookie(signed_in.headers()).unwrap();
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    session
}

/// Setups under way in the database: pending authenticator secrets and setup codes.
async fn setups_stored(app: &TestApp) -> (u64, u64) {
    let secrets = totp_enrollment::Entity::find().count(&app.portal.db).await.unwrap();
    let codes = sms_code::Entity::find().all(&app.portal.db).await.unwrap();
    let live = |code: &&sms_code::Model| code.purpose == sms_code::PURPOSE_SETUP && code.code_hash.is_some();
    let setup_codes = codes.iter().filter(live).count();
    (secrets, setup_codes as u64)
}

async fn an_intruders_authenticator_setup_is_never_the_customers(app: TestApp) {
    let customer = app.register(EMAIL).await;
    assert_eq!(app.confirm_password(&customer).await.status(), StatusCode::OK);
    let intruder = intruders_session(&app).await;

    let intruders = app.begin_totp_setup(&intruder).await;
    let customers = app.begin_totp_setup(&customer).await;
    assert_ne!(customers.to_base32(), intruders.to_base32(), "the customer's QR code is the customer's own");
    let again = app.begin_totp_setup(&customer).await;
    assert_eq!(again.to_base32(), customers.to_base32(), "a reload in the same session keeps it");

    let hijack = app.confirm_totp_setup(&intruder, &app.code_now(&customers)).await;
    assert_eq!(refusal(hijack).await, AppError::SetupExpired, "the intruder cannot finish the customer's");
    assert_eq!(app.two_factor_method(EMAIL).await, None);
    let done = app.confirm_totp_setup(&customer, &app.code_now(&customers)).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(app.signed_in_name(&intruder).await, None, "turning it on ended the intruder's session");
}

async fn a_texted_setup_code_works_only_in_the_session_that_asked_for_it(app: TestApp) {
    let customer = app.register(EMAIL).await;
    assert_eq!(app.confirm_password(&customer).await.status(), StatusCode::OK);
    let intruder = intruders_session(&app).await;

    assert_eq!(app.begin_sms_setup(&intruder, "+60123450009").await.status(), StatusCode::OK);
    let code = app.twilio.next_code("+60123450009").await;
    let elsewhere = app.confirm_sms_setup(&customer, &code).await;
    assert_eq!(refusal(elsewhere).await, AppError::InvalidCode);
    assert_eq!(app.two_factor_method(EMAIL).await, None, "the intruder's number is not the account's");
}

async fn signing_out_of_other_sessions_discards_every_setup_under_way(app: TestApp) {
    let customer = app.register(EMAIL).await;
    assert_eq!(app.confirm_password(&customer).await.status(), StatusCode::OK);
    let intruder = intruders_session(&app).await;
    assert_eq!(app.begin_sms_setup(&intruder, "+60123450009").await.status(), StatusCode::OK);
    app.begin_totp_setup(&customer).await;
    assert_eq!(setups_stored(&app).await, (1, 1));

    let signed_out = app.post("/api/sign_out_other_sessions", &[("password", PASSWORD)], Some(&customer)).await;
    assert_eq!(signed_out.status(), StatusCode::OK);
    assert_eq!(setups_stored(&app).await, (0, 0), "every setup under way, the customer's own too");
    // The texts already sent still count: signing out starts no fresh hour of texts.
    let again = app.begin_sms_setup(&customer, "+60123450009").await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS, "the 30 s between two texts has not passed");

    // A session's own end takes its setups with it.
    let another = intruders_session(&app).await;
    app.begin_totp_setup(&another).await;
    assert_eq!(setups_stored(&app).await, (1, 0));
    app.post("/api/sign_out", &[], Some(&another)).await;
    assert_eq!(setups_stored(&app).await, (0, 0));
}
