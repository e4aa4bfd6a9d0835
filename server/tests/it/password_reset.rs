//! "Forgot your password?" over HTTP, on SQLite and on PostgreSQL: the same answer
//! for every address, a link that works once, for 30 minutes, and only while it is
//! the newest; three links an hour; the second factor before a new password when
//! 2FA is on; and afterwards every session ended and an email sent.

use crate::support;

use app::functions::password_reset::ResetStepView;
use reqwest::StatusCode;

use std::time::Duration;

use portal_core::db::entities::{outbox_message, password_reset, password_reset_request};
use portal_core::requester::Requester;
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use support::browser::Browser;
use support::sms::PHONE;
use support::{PASSWORD, TestApp};

on_each_database!(
    a_link_resets_the_password_once_and_signs_every_browser_out,
    every_address_gets_the_same_answer_after_the_same_work,
    a_link_works_for_30_minutes,
    asking_again_replaces_the_link,
    an_address_gets_three_links_an_hour,
    wrong_links_and_links_from_before_a_security_change_open_nothing,
    with_the_authenticator_app_the_code_comes_first_and_2fa_stays_on,
    a_recovery_code_can_stand_in_for_the_code_once,
    with_sms_the_code_is_texted_when_asked_for,
    wrong_reset_codes_lock_resets_and_not_sign_in,
    the_link_names_the_configured_site_whatever_host_was_asked,
);

const EMAIL: &str = "ana@example.com";
const NEW_PASSWORD: &str = "marmalade lighthouse 77";

async fn a_link_resets_the_password_once_and_signs_every_browser_out(app: TestApp) {
    let signed_in = app.register_in_browser(EMAIL).await;
    let other = Browser::new();
    assert_eq!(app.sign_in_in(&other, EMAIL, PASSWORD).await.status(), StatusCode::OK);

    let link = app.fresh_reset_link(EMAIL, 1).await;
    assert!(link.starts_with(&app.url("/password/reset-link?token=")), "{link}");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    // The database holds a digest of the token, and the email went out sealed:
    // sent, its stored copy is erased.
    let stored = password_reset::Entity::find().one(&app.portal.db).await.unwrap().unwrap();
    assert_ne!(stored.token_digest, token);
    let messages = outbox_message::Entity::find().all(&app.portal.db).await.unwrap();
    assert!(messages.iter().all(|message| !message.body_text.contains(&token)), "{messages:?}");

    // Opening the link moves the token into a cookie and leaves it out of the URL.
    let browser = Browser::new();
    let opened = app.open_reset_link(&browser, &link).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()["location"], "/password/reset");
    assert_eq!(browser.cookie("portal_reset").as_deref(), Some(token.as_str()));
    let (status, step) = app.reset_step(&browser).await;
    assert_eq!((status, step.as_str()), (200, r#"{"NewPassword":{"email":"ana@example.com"}}"#));

    // Only for the account the page named: a link swapped in meanwhile resets nothing.
    let someone_else = app.choose_new_password(&browser, "bo@example.com", NEW_PASSWORD).await;
    assert_eq!(someone_else.status(), StatusCode::GONE);
    // The registration's policy.
    let weak = app.choose_new_password(&browser, EMAIL, "short").await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let chosen = app.choose_new_password(&browser, EMAIL, NEW_PASSWORD).await;
    assert_eq!(chosen.status(), StatusCode::OK, "{}", chosen.text().await.unwrap());
    assert_eq!(browser.cookie("portal_reset"), None, "the browser forgets the link");

    let elsewhere = app.another_server().await;
    assert!(!elsewhere.is_signed_in(&signed_in).await, "every session ends");
    assert!(!elsewhere.is_signed_in(&other).await);
    assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::UNAUTHORIZED, "the old password is gone");
    assert_eq!(app.sign_in(EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);
    let email = app.smtp.wait_for_subject("Your password was reset").await.text();
    assert!(email.contains("every device and browser signed in to your account has been signed out"), "{email}");
    assert!(app.security_activity_of(EMAIL).await.contains(&"Password reset with an emailed link".to_owned()));

    // Once: the link, and the cookie a thief copied, open nothing now.
    let again = Browser::new();
    assert_eq!(app.open_reset_link(&again, &link).await.headers()["location"], "/password/reset");
    assert_eq!(app.reset_step(&again).await.0, 410);
    let copied = Browser::new();
    copied.set_cookie("portal_reset", &token);
    assert_eq!(app.choose_new_password(&copied, EMAIL, "another password 99").await.status(), StatusCode::GONE);
    assert_eq!(app.sign_in(EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);
}

/// No enumeration: an unknown address gets the same answer as a customer's after
/// the same work (one statement that counts the request, no password hashed; a
/// customer's link is stored after the answer), so it takes the same order of
/// time. `bench/http.sh` prints both times.
async fn every_address_gets_the_same_answer_after_the_same_work(app: TestApp) {
    app.register(EMAIL).await;
    let hashed = app.portal.accounts.passwords_checked();

    let known = app.request_password_reset(EMAIL).await;
    let unknown = app.request_password_reset("nobody@example.com").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.status(), StatusCode::OK);
    assert_eq!(known.headers().get("set-cookie"), None);
    assert_eq!(unknown.headers().get("set-cookie"), None);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());

    let counted = password_reset_request::Entity::find().count(&app.portal.db).await.unwrap();
    assert_eq!(counted, 2, "both addresses were counted");
    assert_eq!(app.portal.accounts.passwords_checked(), hashed, "neither hashed a password");
    assert_eq!(app.reset_links(1).await.len(), 1);
    assert_eq!(password_reset::Entity::find().count(&app.portal.db).await.unwrap(), 1);

    // A malformed address is refused as such, whoever has it.
    assert_eq!(app.request_password_reset("not an address").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_link_works_for_30_minutes(app: TestApp) {
    app.register(EMAIL).await;
    let link = app.fresh_reset_link(EMAIL, 1).await;
    let browser = Browser::new();
    app.open_reset_link(&browser, &link).await;
    assert_eq!(app.reset_step(&browser).await.0, 200);

    app.wait(Duration::from_secs(30 * 60));
    assert_eq!(app.reset_step(&browser).await.0, 410);
    assert_eq!(app.choose_new_password(&browser, EMAIL, NEW_PASSWORD).await.status(), StatusCode::GONE);
    assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::OK, "the password is unchanged");
}

async fn asking_again_replaces_the_link(app: TestApp) {
    app.register(EMAIL).await;
    let first = app.fresh_reset_link(EMAIL, 1).await;
    let second = app.fresh_reset_link(EMAIL, 2).await;
    assert_ne!(first, second);

    let old = Browser::new();
    app.open_reset_link(&old, &first).await;
    assert_eq!(old.cookie("portal_reset"), None);
    assert_eq!(app.reset_step(&old).await.0, 410);
    let new = Browser::new();
    app.open_reset_link(&new, &second).await;
    assert_eq!(app.choose_new_password(&new, EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);
}

async fn an_address_gets_three_links_an_hour(app: TestApp) {
    app.register(EMAIL).await;
    for _ in 0..5 {
        assert_eq!(app.request_password_reset(EMAIL).await.status(), StatusCode::OK, "the same answer");
        assert_eq!(app.request_password_reset("nobody@example.com").await.status(), StatusCode::OK);
    }
    let links = app.reset_links(3).await;
    assert_eq!(stored_reset_emails(&app).await, 3, "three links, not five");
    // Each replaced the one before: one of them works.
    let mut working = 0;
    for link in &links {
        let browser = Browser::new();
        app.open_reset_link(&browser, link).await;
        working += usize::from(app.reset_step(&browser).await.0 == 200);
    }
    assert_eq!(working, 1);

    // An hour later there is room again.
    app.wait(Duration::from_secs(60 * 60));
    assert_eq!(app.request_password_reset(EMAIL).await.status(), StatusCode::OK);
    assert_eq!(app.reset_links(4).await.len(), 4);
}

async fn wrong_links_and_links_from_before_a_security_change_open_nothing(app: TestApp) {
    let session = app.register(EMAIL).await;
    for path in [
        "/password/reset-link",
        "/password/reset-link?token=",
        "/password/reset-link?token=not-a-token",
        "/password/reset-link?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let browser = Browser::new();
        let opened = app.get_in(&browser, path).await;
        assert_eq!(opened.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(opened.headers()["location"], "/password/reset");
        assert_eq!(browser.cookie("portal_reset"), None, "{path}");
        assert_eq!(app.reset_step(&browser).await.0, 410);
    }

    // A password change after the link was sent voids it.
    let link = app.fresh_reset_link(EMAIL, 1).await;
    let changed = app
        .post(
            "/api/change_password",
            &[("current_password", PASSWORD), ("new_password", "a different one 12")],
            Some(&session),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let browser = Browser::new();
    app.open_reset_link(&browser, &link).await;
    assert_eq!(app.reset_step(&browser).await.0, 410);
}

async fn with_the_authenticator_app_the_code_comes_first_and_2fa_stays_on(app: TestApp) {
    let (_, secret) = app.register_with_totp(EMAIL).await;
    let link = app.fresh_reset_link(EMAIL, 1).await;
    let browser = Browser::new();
    app.open_reset_link(&browser, &link).await;
    let (status, step) = app.reset_step(&browser).await;
    assert_eq!(status, 200);
    assert!(step.contains(r#""SecondFactor":{"email":"ana@example.com""#), "{step}");
    assert!(step.contains(r#""method":"AuthenticatorApp""#), "{step}");

    // No new password before the code.
    assert_eq!(app.choose_new_password(&browser, EMAIL, NEW_PASSWORD).await.status(), StatusCode::FORBIDDEN);
    let wrong = app.post_in(&browser, "/api/verify_reset_code", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let emailed = browser.cookie("portal_reset").unwrap();
    let right = app.post_in(&browser, "/api/verify_reset_code", &[("code", &app.next_code(&secret))]).await;
    assert_eq!(right.status(), StatusCode::OK, "{}", right.text().await.unwrap());
    assert!(matches!(app.reset_step_view(&browser).await, ResetStepView::NewPassword { .. }));

    // The link now works only in this browser: whoever else reads the email, or
    // the mail scanner that opened it, cannot finish the customer's reset.
    assert_ne!(browser.cookie("portal_reset").unwrap(), emailed);
    let reader = Browser::new();
    app.open_reset_link(&reader, &link).await;
    assert_eq!(app.reset_step(&reader).await.0, 410);
    reader.set_cookie("portal_reset", &emailed);
    assert_eq!(app.choose_new_password(&reader, EMAIL, "a password of theirs 1").await.status(), StatusCode::GONE);
    // Opening the emailed link again in the customer's browser keeps its new token.
    app.open_reset_link(&browser, &link).await;
    assert!(matches!(app.reset_step_view(&browser).await, ResetStepView::NewPassword { .. }));
    // Nor does asking again replace it, half-way through.
    let asked_again = app.portal.password_resets.send_link(EMAIL, &Requester::default()).await.unwrap();
    assert!(!asked_again, "the customer's link stays");

    assert_eq!(app.choose_new_password(&browser, EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);

    assert_eq!(app.two_factor_method(EMAIL).await.as_deref(), Some("totp"), "a reset never turns 2FA off");
    let signed_in = app.sign_in(EMAIL, NEW_PASSWORD).await;
    assert!(signed_in.headers()["location"].to_str().unwrap().starts_with("/login/code"), "the code is still asked");
}

async fn a_recovery_code_can_stand_in_for_the_code_once(app: TestApp) {
    let (_, _, codes) = app.register_with_recovery_codes(EMAIL).await;
    let link = app.fresh_reset_link(EMAIL, 1).await;
    let browser = Browser::new();
    app.open_reset_link(&browser, &link).await;
    let before = app.stored_recovery_digests(EMAIL).await.len();

    let used = app.post_in(&browser, "/api/verify_reset_recovery_code", &[("recovery_code", &codes[0])]).await;
    assert_eq!(used.status(), StatusCode::OK, "{}", used.text().await.unwrap());
    assert_eq!(app.stored_recovery_digests(EMAIL).await.len(), before - 1, "spent");
    let activity = app.security_activity_of(EMAIL).await;
    assert!(activity.contains(&"Recovery code used to reset the password (9 left)".to_owned()), "{activity:?}");
    app.smtp.wait_for_subject("A recovery code was used to reset your password").await;
    assert_eq!(app.choose_new_password(&browser, EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);

    // Spent: it works nowhere again.
    let link = app.fresh_reset_link(EMAIL, 2).await;
    let later = Browser::new();
    app.open_reset_link(&later, &link).await;
    let again = app.post_in(&later, "/api/verify_reset_recovery_code", &[("recovery_code", &codes[0])]).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}

async fn with_sms_the_code_is_texted_when_asked_for(app: TestApp) {
    app.register_with_sms(EMAIL).await;
    let link = app.fresh_reset_link(EMAIL, 1).await;
    let texts = stored_texts(&app).await;
    let browser = Browser::new();
    app.open_reset_link(&browser, &link).await;
    let (_, step) = app.reset_step(&browser).await;
    assert!(step.contains(r#""method":"Sms""#), "{step}");
    // Opening the link texts nothing (mail scanners open links); asking does.
    assert_eq!(stored_texts(&app).await, texts);
    assert_eq!(app.post_in(&browser, "/api/send_reset_code", &[]).await.status(), StatusCode::OK);
    let code = app.twilio.next_code(PHONE).await;
    // One text a link: whoever reads the email cannot use up the sign-in texts.
    let again = app.post_in(&browser, "/api/send_reset_code", &[]).await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(stored_texts(&app).await, texts + 1);

    let right = app.post_in(&browser, "/api/verify_reset_code", &[("code", &code)]).await;
    assert_eq!(right.status(), StatusCode::OK, "{}", right.text().await.unwrap());
    assert_eq!(app.choose_new_password(&browser, EMAIL, NEW_PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method(EMAIL).await.as_deref(), Some("sms"));
}

/// Someone who reads the customer's email (not the password) and guesses codes
/// at the reset locks resets, never the customer's sign-in.
async fn wrong_reset_codes_lock_resets_and_not_sign_in(app: TestApp) {
    let (_, secret) = app.register_with_totp(EMAIL).await;
    let mut links = 1;
    let mut guesser = Browser::new();
    app.open_reset_link(&guesser, &app.fresh_reset_link(EMAIL, links).await).await;
    let mut last = 0;
    for _ in 0..20 {
        app.let_the_delay_pass().await;
        // The waits outlast a link: whoever reads the email asks for another.
        if app.reset_step(&guesser).await.0 == 410 {
            links += 1;
            guesser = Browser::new();
            app.open_reset_link(&guesser, &app.fresh_reset_link(EMAIL, links).await).await;
        }
        last = app.post_in(&guesser, "/api/verify_reset_code", &[("code", "000000")]).await.status().as_u16();
    }
    assert_eq!(last, 423, "locked");
    let text = app.smtp.wait_for_subject("Resetting your password is locked").await.text();
    assert!(text.contains("Signing in works as before"), "{text}");

    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(),
        200,
        "sign-in is not locked"
    );
}

/// A reset link built from the request's `Host` would let anyone who can make a
/// customer's reset request name their own site in the customer's email.
async fn the_link_names_the_configured_site_whatever_host_was_asked(app: TestApp) {
    app.register(EMAIL).await;
    let asked = app
        .post_with_headers("/api/request_password_reset", &[("email", EMAIL)], None, &[("host", "evil.example")])
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let link = app.reset_links(1).await.pop().unwrap();
    assert!(link.starts_with(&app.url("/password/reset-link?token=")), "{link}");
}

/// How many text messages the outbox has stored (sent or not).
async fn stored_texts(app: &TestApp) -> usize {
    let messages = outbox_message::Entity::find().all(&app.portal.db).await.unwrap();
    messages.iter().filter(|message| message.channel == "sms").count()
}

/// How many reset emails the outbox has stored (sent or not).
async fn stored_reset_emails(app: &TestApp) -> usize {
    let messages = outbox_message::Entity::find().all(&app.portal.db).await.unwrap();
    messages.iter().filter(|message| message.subject.as_deref() == Some("Customer Portal: Reset your password")).count()
}
