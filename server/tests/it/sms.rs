//! SMS two-factor authentication over HTTP against the real router, on SQLite and on
//! PostgreSQL, with a real HTTP server standing in for Twilio and a real SMTP
//! server: setting SMS up, signing in with it, the resend and per-number rules,
//! expiry and single use, bad numbers, a gateway outage, turning it off, purging.
//! Switching between methods is in `switching.rs`.

use crate::support;

use app::error::AppError;
use app::functions::two_factor::SmsStatusView;
use app::method::TwoFactorMethod;
use reqwest::StatusCode;

use std::time::Duration;

use portal_core::db::entities::{outbox_message, sms_code};
use sea_orm::{ConnectionTrait as _, EntityTrait as _, QueryOrder as _};
use support::sms::PHONE;
use support::{PASSWORD, TestApp, session_cookie};

on_each_database!(
    the_wizard_turns_sms_on_for_the_number_typed,
    bad_phone_numbers_are_refused_with_a_reason,
    the_code_step_answers_only_a_half_way_session,
    sign_in_sends_a_code_that_works_once,
    resends_wait_thirty_seconds_and_stop_at_five_an_hour,
    turning_a_factor_on_starts_no_fresh_hour_of_texts,
    a_code_expires_after_five_minutes,
    wrong_sms_codes_are_throttled,
    codes_are_never_stored_in_clear,
    a_gateway_outage_delays_the_sms_until_it_is_back,
    a_text_still_waiting_when_its_code_expires_is_dropped,
    turning_sms_off_needs_the_password,
    finished_codes_and_old_messages_are_purged,
    a_number_gets_at_most_ten_texts_an_hour_whichever_accounts_ask,
    ten_accounts_texting_one_number_at_once_cannot_keep_its_owner_from_signing_in,
    the_code_page_says_truthfully_when_no_code_could_be_sent,
);

async fn the_wizard_turns_sms_on_for_the_number_typed(app: TestApp) {
    let session = app.register("ana@example.com").await;
    assert_eq!(app.begin_sms_setup(&session, PHONE).await.status(), StatusCode::FORBIDDEN, "the password comes first");
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);

    let sent = app.begin_sms_setup(&session, "+60 12-345 6788").await;
    assert_eq!(sent.status(), StatusCode::OK);
    let sent: SmsStatusView = support::answer(sent).await;
    assert_eq!((sent.masked_phone.as_str(), sent.resend_in_secs), ("+60 •••• ••88", 30));
    let code = app.twilio.next_code(PHONE).await;
    let message = &app.twilio.accepted()[0];
    assert!(message.body.contains("Customer Portal verification code") && message.body.contains(&code));

    assert_eq!(app.confirm_sms_setup(&session, "000000").await.status(), StatusCode::UNAUTHORIZED);
    assert!(app.two_factor_method("ana@example.com").await.is_none(), "not on before the code is right");
    assert_eq!(app.confirm_sms_setup(&session, &code).await.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("sms"));

    let status = app.post("/api/two_factor_status", &[], Some(&session)).await.text().await.unwrap();
    assert!(!status.contains(PHONE), "the whole number is never sent back: {status}");
    let status = app.two_factor_status(&session).await;
    assert_eq!((status.method, status.masked_phone.as_deref()), (Some(TwoFactorMethod::Sms), Some("+60 •••• ••88")));
    let email = app.smtp.wait_for(1).await.remove(0).text();
    for part in ["Two-factor authentication is on", "security method has been updated to SMS", "text message"] {
        assert!(email.contains(part), "{part:?} missing from:\n{email}");
    }
}

async fn bad_phone_numbers_are_refused_with_a_reason(app: TestApp) {
    let session = app.register("ana@example.com").await;
    app.confirm_password(&session).await;
    for (typed, reason) in [
        ("012 345 6788", "international format"),
        ("+999 123 4567", "+999 is not a country calling code"),
        ("+60 12", "too short"),
        ("+60 12 345 6788 ext 2", "only digits"),
        ("+1 415 555 01345", "too long"),
        ("", "international format"),
    ] {
        let refused = app.begin_sms_setup(&session, typed).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{typed:?}");
        let body = refused.text().await.unwrap();
        assert!(body.contains(reason), "{typed:?}: {body}");
    }
    let huge = format!("+60{}", "1".repeat(10_000));
    assert_eq!(app.begin_sms_setup(&session, &huge).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.post("/api/begin_sms_setup", &[], Some(&session)).await.status(),
        StatusCode::BAD_REQUEST,
        "no phone field"
    );
    assert!(sms_outbox(&app).await.is_empty(), "no text for numbers refused");
    assert!(app.twilio.accepted().is_empty(), "nothing was sent");
}

async fn the_code_step_answers_only_a_half_way_session(app: TestApp) {
    let session = app.register_with_sms("ana@example.com").await;
    for endpoint in ["/api/sign_in_challenge", "/api/resend_sign_in_code"] {
        assert_eq!(app.post(endpoint, &[], None).await.status(), StatusCode::UNAUTHORIZED, "{endpoint} signed out");
        assert_eq!(
            app.post(endpoint, &[], Some(&session)).await.status(),
            StatusCode::UNAUTHORIZED,
            "{endpoint} signed in"
        );
    }
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    app.twilio.next_code(PHONE).await;
    let long_code = "1".repeat(5_000);
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &long_code).await.status(),
        StatusCode::UNAUTHORIZED,
        "a wrong code, not a 500"
    );
    assert_eq!(
        app.begin_sms_setup(&awaiting, PHONE).await.status(),
        StatusCode::UNAUTHORIZED,
        "a half-way session changes nothing"
    );
}

async fn sign_in_sends_a_code_that_works_once(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let code = app.twilio.next_code(PHONE).await;
    let challenge = app.sign_in_challenge(&awaiting).await;
    assert_eq!(challenge.method, TwoFactorMethod::Sms);
    assert_eq!(challenge.sms.unwrap().masked_phone, "+60 •••• ••88");

    assert_eq!(app.verify_sign_in_code(&awaiting, "000000").await.status(), StatusCode::UNAUTHORIZED);
    let signed_in = app.verify_sign_in_code(&awaiting, &format!("{} {}", &code[..3], &code[3..])).await;
    assert_eq!(signed_in.status(), StatusCode::OK, "a pasted \"123 456\" works");
    let session = session_cookie(signed_in.headers()).unwrap();
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"));

    // Within the cooldown a new sign-in sends no new code, and the used one is spent.
    let texts = app.texts_stored_to(PHONE).await;
    let again = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(app.verify_sign_in_code(&again, &code).await.status(), StatusCode::UNAUTHORIZED, "a code works once");
    assert_eq!(app.texts_stored_to(PHONE).await, texts, "no new code within the cooldown");
}

async fn resends_wait_thirty_seconds_and_stop_at_five_an_hour(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    // The setup text's hour is over: the account's hour is the sign-in's alone.
    app.wait(Duration::from_secs(3_600));
    let asked = app.now();
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let first = app.twilio.next_code(PHONE).await;

    let too_soon = app.resend_sign_in_code(&awaiting).await;
    assert_eq!(too_soon.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = too_soon.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((asked + 30 - app.now()..=30).contains(&wait), "thirty seconds from the send: {wait}");
    assert!(matches!(support::refusal(too_soon).await, AppError::ResendTooSoon { .. }));

    // Four more sends, each once the cooldown has passed: five in the hour.
    let mut latest = first.clone();
    for _ in 0..4 {
        app.let_the_cooldown_pass();
        assert_eq!(app.resend_sign_in_code(&awaiting).await.status(), StatusCode::OK);
        latest = app.twilio.next_code(PHONE).await;
    }
    app.let_the_cooldown_pass();
    let capped = app.resend_sign_in_code(&awaiting).await;
    assert_eq!(capped.status(), StatusCode::TOO_MANY_REQUESTS, "the sixth send in an hour is refused");
    let wait: i64 = capped.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 30 * 60, "until the hour is over: {wait}");

    if first != latest {
        assert_eq!(
            app.verify_sign_in_code(&awaiting, &first).await.status(),
            StatusCode::UNAUTHORIZED,
            "a new code replaces the old"
        );
    }
    assert_eq!(app.verify_sign_in_code(&awaiting, &latest).await.status(), StatusCode::OK);

    // An hour later the count starts afresh.
    app.wait(Duration::from_secs(3_600));
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    app.twilio.next_code(PHONE).await;
    assert_eq!(app.resend_sign_in_code(&awaiting).await.status(), StatusCode::TOO_MANY_REQUESTS, "cooldown again");
}

async fn turning_a_factor_on_starts_no_fresh_hour_of_texts(app: TestApp) {
    let session = app.register("ana@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    for _ in 0..5 {
        assert_eq!(app.begin_sms_setup(&session, PHONE).await.status(), StatusCode::OK);
        app.let_the_cooldown_pass();
    }
    // Turning the app on voids the setup code; the hour's five texts still count.
    let secret = app.begin_totp_setup(&session).await;
    assert_eq!(app.confirm_totp_setup(&session, &app.code_now(&secret)).await.status(), StatusCode::OK);
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let sixth = app.begin_sms_setup(&session, PHONE).await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS, "the sixth text in the account's hour");
    assert_eq!(app.texts_stored_to(PHONE).await, 5);
}

async fn a_code_expires_after_five_minutes(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    app.sign_in_awaiting_code("ana@example.com").await;
    let code = app.twilio.next_code(PHONE).await;
    let row = sms_code::Entity::find().one(&app.portal.db).await.unwrap().unwrap();
    assert_eq!(row.expires_at - row.sent_at, 5 * 60);
    // Signing in again within the resend cooldown sends no new code: this
    // half-way session outlives the code by twenty seconds.
    app.wait(Duration::from_secs(20));
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    app.wait(Duration::from_secs(5 * 60 - 20));
    let expired = app.verify_sign_in_code(&awaiting, &code).await;
    assert_eq!(support::refusal(expired).await, AppError::InvalidCode, "expired, in a session still alive");
}

async fn wrong_sms_codes_are_throttled(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let code = app.twilio.next_code(PHONE).await;
    let wrong = if code == "111111" { "222222" } else { "111111" };
    for attempt in 1..=4 {
        assert_eq!(
            app.verify_sign_in_code(&awaiting, wrong).await.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let fifth = app.verify_sign_in_code(&awaiting, wrong).await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS, "the same throttle as authenticator codes");
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &code).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right code waits"
    );
}

async fn codes_are_never_stored_in_clear(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    app.twilio.set_down(true);
    app.sign_in_awaiting_code("ana@example.com").await;
    let row = sms_code::Entity::find().one(&app.portal.db).await.unwrap().unwrap();
    let waiting = first_attempt_made(&app).await;
    app.twilio.set_down(false);
    app.retry_now();
    let code = app.twilio.next_code(PHONE).await;
    let digest = row.code_hash.unwrap();
    assert_eq!(digest.len(), 64);
    assert!(!digest.contains(&code));
    assert!(waiting.body_text.starts_with("v1:") && !waiting.body_text.contains(&code), "sealed while waiting");
    // Twilio has it; the outbox marks it sent just after Twilio's answer.
    let last = || async { sms_outbox(&app).await.pop().unwrap() };
    let sent = support::eventually(Duration::from_secs(10), last, |last| last.sent_at.is_some()).await;
    assert!(sent.sent_at.is_some() && sent.body_text.is_empty(), "erased once sent: {sent:?}");
}

async fn a_gateway_outage_delays_the_sms_until_it_is_back(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    app.twilio.set_down(true);
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let stored = first_attempt_made(&app).await;
    assert!(stored.sent_at.is_none() && stored.attempts >= 1, "{stored:?}");
    assert!(stored.last_error.as_deref().unwrap_or_default().contains("503"), "{stored:?}");

    app.twilio.set_down(false);
    app.retry_now();
    let code = app.twilio.next_code(PHONE).await;
    assert_eq!(app.verify_sign_in_code(&awaiting, &code).await.status(), StatusCode::OK);
    let messages = app.twilio.accepted();
    assert_eq!(messages.iter().filter(|message| message.body.contains(&code)).count(), 1, "sent once");
}

async fn a_text_still_waiting_when_its_code_expires_is_dropped(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    app.twilio.set_down(true);
    app.sign_in_awaiting_code("ana@example.com").await;
    // Once the worker's first attempt failed, it waits for the retry.
    let waiting = first_attempt_made(&app).await;
    assert!(waiting.sent_at.is_none());
    let code = sms_code::Entity::find().one(&app.portal.db).await.unwrap().unwrap();
    assert_eq!(waiting.deliver_by, Some(code.expires_at), "as long as its code is valid");

    // The outage outlasts the code; when the gateway is back, the text is due again.
    app.wait(Duration::from_secs(5 * 60));
    let received = app.twilio.accepted().len();
    app.twilio.set_down(false);
    app.portal.outbox.deliver_due().await.unwrap();
    // This server's worker may have taken it first: give it a moment to finish.
    let gone = |messages: &Vec<outbox_message::Model>| messages.iter().all(|message| message.id != waiting.id);
    let left = support::eventually(Duration::from_secs(15), || sms_outbox(&app), gone).await;
    assert!(gone(&left), "dropped unsent: {left:?}");
    assert_eq!(app.twilio.accepted().len(), received, "no dead code arrives late");
}

async fn turning_sms_off_needs_the_password(app: TestApp) {
    let session = app.register_with_sms("ana@example.com").await;
    let wrong = app.post("/api/disable_two_factor", &[("password", "not the password")], Some(&session)).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("sms"));

    let off = app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert!(app.two_factor_method("ana@example.com").await.is_none());
    let codes = sms_code::Entity::find().all(&app.portal.db).await.unwrap();
    assert!(codes.iter().all(|code| code.code_hash.is_none()), "no code works any more: {codes:?}");
    let email = app.smtp.wait_for(2).await.remove(1).text();
    assert!(email.contains("turned off") && email.contains("SMS"), "{email}");
    let signed_in = app.sign_in("ana@example.com", PASSWORD).await;
    assert_eq!(signed_in.headers()["location"], "/account", "no code step");
}

async fn finished_codes_and_old_messages_are_purged(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    app.sign_in_awaiting_code("ana@example.com").await;
    app.twilio.next_code(PHONE).await;
    assert_eq!(app.portal.two_factor.purge_stale().await.unwrap(), 0, "a live code stays");
    assert_eq!(app.portal.outbox.purge_sent().await.unwrap(), 0, "recent messages stay");

    app.smtp.wait_for_subject("Two-factor authentication is on").await;
    app.wait(Duration::from_secs(31 * 24 * 60 * 60));
    let db = &app.portal.db;
    assert_eq!(app.portal.two_factor.purge_stale().await.unwrap(), 3, "the code, and the number's two hourly counts");
    assert!(sms_code::Entity::find().all(db).await.unwrap().is_empty());
    assert!(app.portal.outbox.purge_sent().await.unwrap() >= 2, "the setup SMS, the sign-in SMS, the email");
    assert!(outbox_message::Entity::find().all(db).await.unwrap().iter().all(|message| message.sent_at.is_none()));
}

async fn a_number_gets_at_most_ten_texts_an_hour_whichever_accounts_ask(app: TestApp) {
    let first_sent_after = app.now();
    for email in ["one@example.com", "two@example.com"] {
        let session = app.register(email).await;
        app.confirm_password(&session).await;
        for _ in 0..5 {
            app.let_the_cooldown_pass();
            assert_eq!(app.begin_sms_setup(&session, PHONE).await.status(), StatusCode::OK, "{email}");
        }
    }
    let third = app.register("three@example.com").await;
    app.confirm_password(&third).await;
    let refused = app.begin_sms_setup(&third, PHONE).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let first_text = first_sent_after;
    assert!(
        (first_text + 3_600 - app.now()..=3_600).contains(&wait),
        "until the hour of the first text is over: {wait}"
    );
    assert_eq!(
        app.begin_sms_setup(&third, "+60123456799").await.status(),
        StatusCode::OK,
        "other numbers are not affected"
    );
    assert_eq!(app.twilio.count_to(PHONE, 10).await, 10);
}

async fn ten_accounts_texting_one_number_at_once_cannot_keep_its_owner_from_signing_in(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    let mut throwaways = Vec::new();
    for number in 0..10 {
        let session = app.register(&format!("throwaway{number}@example.com")).await;
        assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
        throwaways.push(session);
    }
    // All at once: the number's setup texts stop at ten in the hour, the owner's own
    // setup text being the first.
    let sends = throwaways.iter().map(|session| app.begin_sms_setup(session, PHONE));
    let statuses: Vec<u16> =
        futures::future::join_all(sends).await.iter().map(|response| response.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&status| status == 200).count(), 9, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&status| status == 429).count(), 1, "{statuses:?}");
    assert_eq!(app.twilio.count_to(PHONE, 10).await, 10);

    // The owner's sign-in code has a budget of its own, and goes out.
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(app.twilio.count_to(PHONE, 11).await, 11);
    let sign_in_text = app.twilio.accepted().into_iter().rfind(|message| message.to == PHONE).unwrap();
    let code: String = sign_in_text.body.chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(app.verify_sign_in_code(&awaiting, &code).await.status(), StatusCode::OK);
}

async fn the_code_page_says_truthfully_when_no_code_could_be_sent(app: TestApp) {
    app.register_with_sms("ana@example.com").await;
    // The number's sign-in texts for this hour are used up, twenty minutes into it.
    let started = app.now();
    app.portal
        .db
        .execute_unprepared(&format!(
            "INSERT INTO sms_number_windows (phone, purpose, window_started_at, sends_in_window) \
             VALUES ('{PHONE}', 'sign_in', {started}, 10)"
        ))
        .await
        .unwrap();
    app.wait(Duration::from_secs(20 * 60));
    let texts = app.texts_stored_to(PHONE).await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(app.texts_stored_to(PHONE).await, texts, "no code went out");

    let sms = app.sign_in_challenge(&awaiting).await.sms.unwrap();
    assert_eq!(sms.valid_for_secs, None, "no code is said to be on its way");
    let wait = sms.resend_in_secs;
    let hour_over = started + 3_600;
    assert!((hour_over - app.now()..=2_400).contains(&wait), "the wait left in the number's hour: {wait}");
    let resend = app.resend_sign_in_code(&awaiting).await;
    assert_eq!(resend.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = resend.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((hour_over - app.now()..=2_400).contains(&retry), "{retry}");

    // Once a code is on its way, the page says so, with how long it stays valid.
    app.portal.db.execute_unprepared("DELETE FROM sms_number_windows").await.unwrap();
    let resent = app.now();
    assert_eq!(app.resend_sign_in_code(&awaiting).await.status(), StatusCode::OK);
    let valid = app.sign_in_challenge(&awaiting).await.sms.unwrap().valid_for_secs.unwrap();
    assert!((resent + 300 - app.now()..=300).contains(&valid), "{valid}");
}

/// The stored text messages, oldest first.
async fn sms_outbox(app: &TestApp) -> Vec<outbox_message::Model> {
    let all = outbox_message::Entity::find().order_by_asc(outbox_message::Column::Id).all(&app.portal.db).await;
    all.unwrap().into_iter().filter(|message| message.channel == "sms").collect()
}

/// The newest text, once the worker has tried it once (with the gateway down).
async fn first_attempt_made(app: &TestApp) -> outbox_message::Model {
    let last = || async { sms_outbox(app).await.pop().unwrap() };
    support::eventually(Duration::from_secs(10), last, |last| last.attempts >= 1).await
}

impl TestApp {
    /// Moves the portal's clock past the resend cooldown, as if the customer waited.
    fn let_the_cooldown_pass(&self) {
        self.wait(Duration::from_secs(31));
    }

    /// Moves the portal's clock past a failed text's first retry, and tells the
    /// outbox to look at once. Call it once the first attempt was made.
    fn retry_now(&self) {
        self.wait(Duration::from_secs(2));
        self.portal.outbox.wake();
    }
}
