//! Nobody but the customer can lock the customer out, over HTTP against the real
//! router, on SQLite and on PostgreSQL. Strangers guessing a customer's password or
//! codes slow down only browsers the account does not know; the customer's own
//! browser, which carries a device cookie for the account, has a count of its own.
//! Wrong step-up passwords are counted apart from wrong codes.

use crate::support;

use app::error::AppError;
use reqwest::StatusCode;

use support::browser::Browser;
use support::{PASSWORD, TestApp};

on_each_database!(
    a_strangers_wrong_passwords_do_not_stop_the_customers_own_browser,
    the_customers_own_typos_slow_down_only_their_own_browser,
    forged_or_foreign_device_cookies_count_as_untrusted,
    a_strangers_wrong_codes_lock_other_browsers_but_not_the_customers_own,
    device_cookies_minted_before_two_factor_was_on_buy_no_code_guesses,
    setup_codes_are_counted_per_account_in_any_browser,
    wrong_step_up_passwords_have_their_own_count_and_lock,
);

const EMAIL: &str = "ana@example.com";
const WRONG: &str = "not the password";

async fn a_strangers_wrong_passwords_do_not_stop_the_customers_own_browser(app: TestApp) {
    let customer = app.register_in_browser(EMAIL).await;
    let device = customer.cookie("portal_device").expect("signing in remembers the browser");
    app.post_in(&customer, "/api/sign_out", &[]).await;
    assert_eq!(customer.cookie("portal_device"), Some(device), "signing out keeps the device cookie");

    // Eight wrong passwords from a script anywhere, with no cookies.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(app.sign_in(EMAIL, WRONG).await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429, 429, 429]);
    assert_eq!(
        app.sign_in(EMAIL, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "browsers the account does not know wait"
    );

    // The customer's own browser signs in at once, and again after each of the
    // stranger's tries at every expiry.
    for _ in 0..3 {
        let signed_in = app.sign_in_in(&customer, EMAIL, PASSWORD).await;
        assert_eq!(signed_in.status(), StatusCode::OK, "{}", signed_in.text().await.unwrap());
        assert!(app.is_signed_in(&customer).await);
        app.post_in(&customer, "/api/sign_out", &[]).await;
        app.let_the_delay_pass().await;
        assert_eq!(
            app.sign_in(EMAIL, WRONG).await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "the stranger is slowed again at once"
        );
    }
}

async fn the_customers_own_typos_slow_down_only_their_own_browser(app: TestApp) {
    let customer = app.register_in_browser(EMAIL).await;
    app.post_in(&customer, "/api/sign_out", &[]).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.sign_in_in(&customer, EMAIL, WRONG).await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429]);
    let waiting = app.sign_in_in(&customer, EMAIL, PASSWORD).await;
    assert_eq!(waiting.status(), StatusCode::TOO_MANY_REQUESTS, "their own browser waits too");
    assert!(matches!(support::refusal(waiting).await, AppError::TooManyPasswords { .. }));

    let elsewhere = Browser::new();
    assert_eq!(
        app.sign_in_in(&elsewhere, EMAIL, PASSWORD).await.status(),
        StatusCode::OK,
        "nobody else is slowed down"
    );
}

async fn forged_or_foreign_device_cookies_count_as_untrusted(app: TestApp) {
    let customer = app.register_in_browser(EMAIL).await;
    let stranger = app.register_in_browser("mallory@example.com").await;
    for _ in 0..5 {
        app.sign_in(EMAIL, WRONG).await;
    }
    let genuine = customer.cookie("portal_device").unwrap();
    let (signed, signature) = genuine.rsplit_once('.').unwrap();
    let (_, rest) = signed.split_once('.').unwrap();
    let flipped = if signature.starts_with('0') { '1' } else { '0' };
    let customer_id = app.account_id(EMAIL).await;
    let forged = [
        stranger.cookie("portal_device").unwrap(),
        format!("{signed}.{flipped}{}", &signature[1..]),
        format!("{}.{rest}.{signature}", customer_id + 1),
        format!("{customer_id}.AAAAAAAAAAAAAAAAAAAAAA.{}.{}", app.now(), "0".repeat(64)),
        format!("{customer_id}.AAAAAAAAAAAAAAAAAAAAAA.{}.{}", i64::MIN, "0".repeat(64)),
        format!("{customer_id}.AAAAAAAAAAAAAAAAAAAAAA.{}.{}", i64::MAX, "0".repeat(64)),
        "garbage".into(),
    ];
    for cookie in forged {
        let browser = Browser::new();
        browser.set_cookie("portal_device", &cookie);
        assert_eq!(app.sign_in_in(&browser, EMAIL, PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS, "{cookie}");
    }
    assert_eq!(app.sign_in_in(&customer, EMAIL, PASSWORD).await.status(), StatusCode::OK, "the genuine one is trusted");
}

async fn a_strangers_wrong_codes_lock_other_browsers_but_not_the_customers_own(app: TestApp) {
    let customer = app.register_in_browser(EMAIL).await;
    let session = customer.cookie_header().unwrap();
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    let enabled = app.post_in(&customer, "/api/confirm_totp_setup", &[("code", &app.code_now(&secret))]).await;
    assert_eq!(enabled.status(), StatusCode::OK, "and the browser is remembered under the account's new stamp");
    app.post_in(&customer, "/api/sign_out", &[]).await;

    // A stranger who has the password, but not the app, guesses codes until the
    // code step locks for every browser the account does not know.
    let mut last = 0;
    for _ in 0..20 {
        app.let_the_delay_pass().await;
        let awaiting = app.sign_in_awaiting_code(EMAIL).await;
        last = app.verify_sign_in_code(&awaiting, "000000").await.status().as_u16();
    }
    assert_eq!(last, 423, "locked");
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(),
        StatusCode::LOCKED,
        "even with the code"
    );

    // The customer's own browser still signs in.
    let password_step = app.sign_in_in(&customer, EMAIL, PASSWORD).await;
    assert!(password_step.headers()["location"].to_str().unwrap().starts_with("/login/code"));
    let code_step = app.post_in(&customer, "/api/verify_sign_in_code", &[("code", &app.next_code(&secret))]).await;
    assert_eq!(code_step.status(), StatusCode::OK, "{}", code_step.text().await.unwrap());
    assert!(app.is_signed_in(&customer).await);

    let text = app.smtp.wait_for_subject("Sign-in to your account is locked").await.text();
    for part in ["20 wrong verification codes", "Browsers you have signed in with before can still sign in"] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}

async fn device_cookies_minted_before_two_factor_was_on_buy_no_code_guesses(app: TestApp) {
    let customer = app.register_in_browser(EMAIL).await;
    // Someone with the password signs in from three browsers while 2FA is off.
    let mut minted = Vec::new();
    for _ in 0..3 {
        let browser = Browser::new();
        assert_eq!(app.sign_in_in(&browser, EMAIL, PASSWORD).await.status(), StatusCode::OK);
        assert!(browser.cookie("portal_device").is_some());
        minted.push(browser);
    }
    // The customer turns the app on; their own browser is remembered anew.
    let session = customer.cookie_header().unwrap();
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    let enabled = app.post_in(&customer, "/api/confirm_totp_setup", &[("code", &app.code_now(&secret))]).await;
    assert_eq!(enabled.status(), StatusCode::OK);

    // The minted browsers share the strangers' count: five free guesses in all,
    // not five each.
    let mut statuses = Vec::new();
    for browser in minted.iter().chain(minted.iter()) {
        assert!(
            app.sign_in_in(browser, EMAIL, PASSWORD).await.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login/code")
        );
        statuses.push(app.post_in(browser, "/api/verify_sign_in_code", &[("code", "000000")]).await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429]);

    // The customer's own browser is still trusted, under the renewed stamp.
    app.post_in(&customer, "/api/sign_out", &[]).await;
    app.sign_in_in(&customer, EMAIL, PASSWORD).await;
    let code_step = app.post_in(&customer, "/api/verify_sign_in_code", &[("code", &app.next_code(&secret))]).await;
    assert_eq!(code_step.status(), StatusCode::OK, "{}", code_step.text().await.unwrap());
}

async fn setup_codes_are_counted_per_account_in_any_browser(app: TestApp) {
    let first = app.register_in_browser(EMAIL).await;
    let session = first.cookie_header().unwrap();
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    assert_eq!(app.begin_sms_setup(&session, support::sms::PHONE).await.status(), StatusCode::OK);
    let code = app.twilio.next_code(support::sms::PHONE).await;
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.confirm_sms_setup(&session, wrong).await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429]);

    // A browser newly signed in to the account brings no fresh guesses.
    let second = Browser::new();
    assert_eq!(app.sign_in_in(&second, EMAIL, PASSWORD).await.status(), StatusCode::OK);
    let other = second.cookie_header().unwrap();
    assert_eq!(app.confirm_password(&other).await.status(), StatusCode::OK);
    assert_eq!(app.confirm_sms_setup(&other, wrong).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn wrong_step_up_passwords_have_their_own_count_and_lock(app: TestApp) {
    let (session, secret) = app.register_with_totp(EMAIL).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app.post("/api/confirm_password", &[("password", WRONG)], Some(&session)).await;
        statuses.push(response.status().as_u16());
        if statuses.len() == 5 {
            assert!(matches!(support::refusal(response).await, AppError::TooManyPasswords { .. }), "its own message");
        }
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429]);

    // Codes are counted apart: signing in with a code is not slowed down.
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(), StatusCode::OK);

    // Twenty in a row lock security changes, and the email says passwords were wrong.
    for _ in 5..20 {
        app.let_the_delay_pass().await;
        app.post("/api/confirm_password", &[("password", WRONG)], Some(&session)).await;
    }
    app.let_the_delay_pass().await;
    let locked = app.post("/api/confirm_password", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(locked.status(), StatusCode::LOCKED);
    assert_eq!(support::refusal(locked).await, AppError::ChangesLocked);
    let disable = app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(disable.status(), StatusCode::LOCKED, "nothing changes");
    assert_eq!(app.two_factor_method(EMAIL).await.as_deref(), Some("totp"));

    let text = app.smtp.wait_for_subject("Security changes to your account are locked").await.text();
    for part in ["Security changes to your account are locked", "20 wrong passwords in a row"] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}
