//! Passkeys over HTTP, on SQLite and on PostgreSQL, with webauthn-authenticator-rs'
//! software passkey as the browser's authenticator and a real SMTP server: as
//! the account's method and beside another, at sign-in, alone (passwordless),
//! renamed and removed, and what an attacker's answers get.

use crate::support;

use app::functions::passkeys::PasskeySetupDone;
use app::method::TwoFactorMethod;
use reqwest::StatusCode;
use sea_orm::EntityTrait as _;

use support::browser::Browser;
use support::passkeys::Device;
use support::{PASSWORD, TestApp, session_cookie};

on_each_database!(
    a_passkey_turns_two_factor_on_and_signs_in,
    a_passkey_beside_the_app_is_another_answer_and_the_wizard_switches_to_passkeys,
    removing_the_last_passkey_turns_two_factor_off_only_when_confirmed,
    a_passkey_allowed_to_sign_in_alone_needs_no_password,
    bad_answers_get_a_clear_refusal,
    a_counter_that_went_backwards_suspends_the_passkey,
    disabling_two_factor_removes_the_passkeys,
    a_challenge_given_by_one_server_is_answered_on_another_once,
    answers_in_the_shape_browsers_write_are_read,
    adding_a_passkey_needs_the_password_in_that_request,
);

/// A session whose password was confirmed minutes ago (a stolen one, say) cannot
/// start a passkey without typing the password again: a passkey outlives a reset.
async fn adding_a_passkey_needs_the_password_in_that_request(app: TestApp) {
    let session = app.register("ana@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK, "the ten minutes are open");
    let without = app.post("/api/begin_passkey_setup", &[], Some(&session)).await;
    assert_eq!(without.status(), StatusCode::BAD_REQUEST);
    let wrong = app.post("/api/begin_passkey_setup", &[("password", "not the password")], Some(&session)).await;
    assert_eq!(support::refusal(wrong).await, app::error::AppError::WrongPassword);
    let ceremonies = portal_core::db::entities::webauthn_ceremony::Entity::find().all(&app.portal.db).await.unwrap();
    assert!(ceremonies.is_empty(), "no ceremony started: {ceremonies:?}");
    app.begin_passkey_setup(&session).await;
}

async fn a_passkey_turns_two_factor_on_and_signs_in(app: TestApp) {
    let mut device = Device::new();
    let session = app.register("ana@example.com").await;
    let other = app.sign_in("ana@example.com", PASSWORD).await;
    let other = session_cookie(other.headers()).unwrap();

    let added = app.add_passkey(&session, &mut device, " MacBook Touch ID ", false, false).await;
    assert_eq!(added.status(), StatusCode::OK);
    let added: PasskeySetupDone = support::answer(added).await;
    assert_eq!(added.recovery_codes.unwrap().codes.len(), 10, "recovery codes, as for any method");
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("passkey"));
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"), "this session carries on");
    assert_eq!(app.signed_in_name(&other).await, None, "a factor change ends the other sessions");
    let email = app.smtp.wait_for_subject("Two-factor authentication is on").await.text();
    assert!(email.contains("Passkey or security key"), "{email}");

    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let challenge = app.sign_in_challenge(&awaiting).await;
    assert_eq!((challenge.method, challenge.passkeys), (TwoFactorMethod::Passkey, true));
    // Half-way is not signed in: no passkey can be added from there.
    let halfway = app.post("/api/begin_passkey_setup", &[("password", PASSWORD)], Some(&awaiting)).await;
    assert_eq!(halfway.status(), StatusCode::UNAUTHORIZED);
    let signed_in = app.sign_in_with_passkey(&awaiting, &mut device).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(signed_in.headers()["location"], "/account");
    let session = session_cookie(signed_in.headers()).expect("a new session id");
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"));
    assert_eq!(app.signed_in_name(&awaiting).await, None, "the half-way id is worthless");

    let listed = app.passkeys_list(&session).await;
    assert_eq!(listed[0].name, "MacBook Touch ID");
    assert!(listed[0].last_used_at.is_some(), "{listed:?}");

    // Switching to the app keeps the passkeys, and the email says so.
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    assert_eq!(app.confirm_totp_setup(&session, &app.code_now(&secret)).await.status(), StatusCode::OK);
    let email = app.smtp.wait_for_subject("Your account's security method has been updated").await.text();
    assert!(email.replace("=\r\n", "").contains("Your passkeys still work in its place."), "{email}");
    assert_eq!(app.passkey_ids(&session).await.len(), 1);
}

async fn a_passkey_beside_the_app_is_another_answer_and_the_wizard_switches_to_passkeys(app: TestApp) {
    let (session, secret) = app.register_with_totp("ana@example.com").await;
    let mut laptop = Device::new();
    let added = app.add_passkey(&session, &mut laptop, "Laptop", false, true).await;
    assert_eq!(added.status(), StatusCode::OK);
    let added: PasskeySetupDone = support::answer(added).await;
    assert_eq!(added.recovery_codes, None, "the app's codes stay");
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("totp"), "beside, not instead");
    let email = app.smtp.wait_for_subject("A passkey was added to your account").await.text();
    assert!(email.contains("\"Laptop\""), "{email}");

    // Either answers the second step.
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(app.sign_in_with_passkey(&awaiting, &mut laptop).await.status(), StatusCode::OK);
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(), StatusCode::OK);

    // The wizard's "Passkey or security key" switches the method: the app's secret goes.
    let mut phone = Device::new();
    let switched = app.add_passkey(&session, &mut phone, "Phone", false, false).await;
    assert_eq!(switched.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("passkey"));
    let email = app.smtp.wait_for_subject("Your account's security method has been updated").await.text();
    assert!(email.contains("to Passkey or security key"), "{email}");
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let code = app.next_code(&secret);
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &code).await.status(),
        StatusCode::UNAUTHORIZED,
        "the app no longer answers"
    );
    assert_eq!(app.sign_in_with_passkey(&awaiting, &mut laptop).await.status(), StatusCode::OK, "both passkeys do");
}

async fn removing_the_last_passkey_turns_two_factor_off_only_when_confirmed(app: TestApp) {
    let (mut first, mut second) = (Device::new(), Device::new());
    let session = app.register_with_passkey("ana@example.com", &mut first, false).await;
    assert_eq!(app.add_passkey(&session, &mut second, "Spare key", false, true).await.status(), StatusCode::OK);
    let ids = app.passkey_ids(&session).await;
    assert_eq!(ids.len(), 2);

    let renamed = app
        .post(
            "/api/rename_passkey",
            &[("id", &ids[1].to_string()), ("name", "USB key"), ("password", PASSWORD)],
            Some(&session),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let listed = app.passkeys_list(&session).await;
    assert!(listed.iter().any(|passkey| passkey.name == "USB key"), "{listed:?}");
    let wrong_password =
        app.post("/api/remove_passkey", &[("id", &ids[0].to_string()), ("password", "not it")], Some(&session)).await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);

    assert_eq!(app.remove_passkey(&session, ids[0], false).await.status(), StatusCode::OK);
    app.smtp.wait_for_subject("A passkey was removed from your account").await;
    assert_eq!(app.two_factor_method("ana@example.com").await.as_deref(), Some("passkey"), "one is left");
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    // It is no longer offered; a browser that answers with it anyway is refused.
    let options = app.begin_passkey_sign_in(&awaiting).await;
    let removed = first.sign_discoverable(&app.passkey_origin(), options);
    let refused = app.finish_passkey_sign_in(&awaiting, &serde_json::to_string(&removed).unwrap()).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "a removed passkey signs nobody in");

    let unconfirmed = app.remove_passkey(&session, ids[1], false).await;
    assert_eq!(unconfirmed.status(), StatusCode::CONFLICT);
    assert_eq!(unconfirmed.text().await.unwrap(), "\"LastPasskey\"");
    assert_eq!(app.passkey_ids(&session).await, vec![ids[1]], "nothing removed");
    assert_eq!(app.remove_passkey(&session, ids[1], true).await.status(), StatusCode::OK);
    assert_eq!(app.two_factor_method("ana@example.com").await, None, "2FA is off");
    assert!(app.stored_recovery_digests("ana@example.com").await.is_empty(), "its recovery codes went with it");
    let email = app.smtp.wait_for_subject("Two-factor authentication is off").await.text();
    assert!(email.contains("Passkey or security key"), "{email}");

    // Another account's passkey is not this one's to rename or remove.
    let mut hers = Device::new();
    let other = app.register_with_passkey("bea@example.com", &mut hers, false).await;
    let theirs = app.passkey_ids(&other).await[0];
    assert_eq!(app.remove_passkey(&session, theirs, true).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.passkey_ids(&other).await, vec![theirs]);
}

async fn a_passkey_allowed_to_sign_in_alone_needs_no_password(app: TestApp) {
    let mut device = Device::new();
    app.register_with_passkey("ana@example.com", &mut device, true).await;
    let browser = Browser::new();
    let signed_in = app.sign_in_passwordless(&browser, &mut device).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(signed_in.headers()["location"], "/account");
    assert!(app.is_signed_in(&browser).await);
    let activity = app.security_activity_of("ana@example.com").await;
    assert_eq!(activity[0], "Signed in with a passkey");
    // The customer was told, beside the email that 2FA is on, that it signs in alone.
    let email = app.smtp.wait_for_subject("A passkey was added to your account").await.text();
    assert!(email.replace("=\r\n", "").contains("without your password"), "{email}");

    // One not allowed to sign in alone is refused, and signs nobody in.
    let mut second = Device::new();
    let session = session_cookie(signed_in.headers()).unwrap();
    assert_eq!(
        app.add_passkey(&session, &mut second, "Second factor only", false, true).await.status(),
        StatusCode::OK
    );
    let stranger = Browser::new();
    assert_eq!(app.sign_in_passwordless(&stranger, &mut second).await.status(), StatusCode::UNAUTHORIZED);
    assert!(!app.is_signed_in(&stranger).await);

    // An answer without the visitor cookie its challenge was given to is refused.
    let response = app.post_in(&Browser::new(), "/api/begin_passwordless_sign_in", &[]).await;
    let answer = device.sign_discoverable(&app.passkey_origin(), support::passkeys::dialog_options(response).await);
    let credential = serde_json::to_string(&answer).unwrap();
    let cookieless = app.post("/api/finish_passwordless_sign_in", &[("credential", &credential)], None).await;
    assert_eq!(cookieless.status(), StatusCode::UNAUTHORIZED);
}

async fn bad_answers_get_a_clear_refusal(app: TestApp) {
    let mut device = Device::new();
    app.register_with_passkey("ana@example.com", &mut device, false).await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;

    for malformed in ["", "{", "null", "{\"id\":1}", &"x".repeat(70_000)] {
        let response = app.finish_passkey_sign_in(&awaiting, malformed).await;
        assert!(matches!(response.status().as_u16(), 400 | 413), "{malformed:.20}: {}", response.status());
    }
    // A fake site relaying the challenge: the browser signs for its own origin.
    let options = app.begin_passkey_sign_in(&awaiting).await;
    let relayed = device.sign(&url::Url::parse("http://localhost:1").unwrap(), options);
    let response = app.finish_passkey_sign_in(&awaiting, &serde_json::to_string(&relayed).unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.text().await.unwrap(), "\"PasskeyRefused\"");
    // A clientDataJSON changed after signing.
    let options = app.begin_passkey_sign_in(&awaiting).await;
    let mut tampered = device.sign(&app.passkey_origin(), options);
    let mut client_data = tampered.response.client_data_json.to_vec();
    let last = client_data.len() - 2;
    client_data[last] ^= 1;
    tampered.response.client_data_json = client_data.into();
    let response = app.finish_passkey_sign_in(&awaiting, &serde_json::to_string(&tampered).unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A passkey this account does not have.
    let mut stranger = Device::new();
    app.register_with_passkey("eve@example.com", &mut stranger, false).await;
    let options = app.begin_passkey_sign_in(&awaiting).await;
    let mut unknown = device.sign(&app.passkey_origin(), options);
    let foreign = stranger.sign(
        &app.passkey_origin(),
        app.begin_passkey_sign_in(&app.sign_in_awaiting_code("eve@example.com").await).await,
    );
    unknown.id = foreign.id.clone();
    unknown.raw_id = foreign.raw_id.clone();
    let response = app.finish_passkey_sign_in(&awaiting, &serde_json::to_string(&unknown).unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A right answer, replayed.
    let options = app.begin_passkey_sign_in(&awaiting).await;
    let answer = serde_json::to_string(&device.sign(&app.passkey_origin(), options)).unwrap();
    let replayed_awaiting = awaiting.clone();
    assert_eq!(app.finish_passkey_sign_in(&awaiting, &answer).await.status(), StatusCode::OK);
    let again = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(
        app.finish_passkey_sign_in(&again, &answer).await.status(),
        StatusCode::UNAUTHORIZED,
        "another session's challenge"
    );
    assert_eq!(
        app.finish_passkey_sign_in(&replayed_awaiting, &answer).await.status(),
        401,
        "the half-way session is spent"
    );
    // Registration answers are checked as strictly.
    let session = app.register("bea@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    assert_eq!(app.finish_passkey_setup(&session, "Key", false, false, "{}").await.status(), StatusCode::BAD_REQUEST);
    let options = app.begin_passkey_setup(&session).await;
    let created = Device::new().create(&url::Url::parse("http://localhost:1").unwrap(), options);
    let response =
        app.finish_passkey_setup(&session, "Key", false, false, &serde_json::to_string(&created).unwrap()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.two_factor_method("bea@example.com").await, None);
}

async fn a_counter_that_went_backwards_suspends_the_passkey(app: TestApp) {
    use sea_orm::ConnectionTrait as _;
    let mut device = Device::new();
    app.register_with_passkey("ana@example.com", &mut device, false).await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let signed_in = app.sign_in_with_passkey(&awaiting, &mut device).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let signed_in = session_cookie(signed_in.headers()).unwrap();
    // A copy of the passkey signed meanwhile, further ahead.
    app.portal.db.execute_unprepared("UPDATE passkeys SET sign_count = 1000").await.unwrap();

    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let refused = app.sign_in_with_passkey(&awaiting, &mut device).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let body = refused.text().await.unwrap();
    assert_eq!(body, "\"PasskeyCloned\"", "the page says it may have been copied");
    let activity = app.security_activity_of("ana@example.com").await;
    assert!(activity.iter().any(|event| event == "Passkey refused: it may have been copied"), "{activity:?}");
    // The copy may have signed a session in first: every session ended, and the
    // customer is told.
    assert_eq!(app.signed_in_name(&signed_in).await, None);
    let email = app.smtp.wait_for_subject("A passkey of your account was refused").await.text();
    assert!(email.contains("a copy of it exists"), "{email}");
    // Suspended: not offered any more; the recovery codes still answer.
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let again = app.post("/api/begin_passkey_sign_in", &[], Some(&awaiting)).await;
    assert_eq!(again.text().await.unwrap(), "\"PasskeyRefused\"");
}

async fn disabling_two_factor_removes_the_passkeys(app: TestApp) {
    let mut device = Device::new();
    let session = app.register_with_passkey("ana@example.com", &mut device, true).await;
    let off = app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert!(app.passkey_ids(&session).await.is_empty());
    assert_eq!(app.sign_in_passwordless(&Browser::new(), &mut device).await.status(), StatusCode::UNAUTHORIZED);
    let response = app.sign_in("ana@example.com", PASSWORD).await;
    assert_eq!(response.headers()["location"], "/account", "no second step any more");
}

async fn a_challenge_given_by_one_server_is_answered_on_another_once(app: TestApp) {
    let mut device = Device::new();
    app.register_with_passkey("ana@example.com", &mut device, false).await;
    let other = app.another_server().await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let options = app.begin_passkey_sign_in(&awaiting).await;
    let answer = serde_json::to_string(&device.sign(&app.passkey_origin(), options)).unwrap();
    let (first, second) =
        tokio::join!(other.finish_passkey_sign_in(&awaiting, &answer), app.finish_passkey_sign_in(&awaiting, &answer));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "one server signs in, the other finds the challenge spent");
}

/// An answer as a browser's `toJSON()` writes it: `clientExtensionResults`,
/// and fields webauthn-rs does not need (`authenticatorAttachment`, the public
/// key again, transports it does not know).
fn as_a_browser_writes_it(answer: &impl serde::Serialize) -> String {
    let mut json = serde_json::to_value(answer).unwrap();
    let object = json.as_object_mut().unwrap();
    let extensions = object.remove("extensions").unwrap_or_else(|| serde_json::json!({}));
    object.insert("clientExtensionResults".into(), extensions);
    object.insert("authenticatorAttachment".into(), "platform".into());
    let response = object["response"].as_object_mut().unwrap();
    response.insert("transports".into(), serde_json::json!(["internal", "hybrid", "smart-card"]));
    response.insert("publicKeyAlgorithm".into(), (-7).into());
    response.insert("publicKey".into(), "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE".into());
    json.to_string()
}

async fn answers_in_the_shape_browsers_write_are_read(app: TestApp) {
    let mut device = Device::new();
    let session = app.register("ana@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let created = device.create(&app.passkey_origin(), app.begin_passkey_setup(&session).await);
    let added = app.finish_passkey_setup(&session, "Key", false, false, &as_a_browser_writes_it(&created)).await;
    assert_eq!(added.status(), StatusCode::OK, "{}", added.text().await.unwrap());

    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let signed = device.sign(&app.passkey_origin(), app.begin_passkey_sign_in(&awaiting).await);
    let signed_in = app.finish_passkey_sign_in(&awaiting, &as_a_browser_writes_it(&signed)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
}
