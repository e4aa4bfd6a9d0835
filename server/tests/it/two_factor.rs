//! Authenticator-app 2FA over HTTP against the real router, on SQLite and on
//! PostgreSQL: the wizard's steps and their order, single-use codes under
//! concurrency, clock skew, throttling and lockout, secrets at rest, turning it off.

use crate::support;

use app::error::AppError;
use app::method::TwoFactorMethod;
use reqwest::StatusCode;

use std::time::Duration;

use portal_core::db::entities::{failure_count, totp_enrollment, two_factor};
use sea_orm::{ConnectionTrait as _, EntityTrait as _, Statement};
use support::{TestApp, session_cookie};

on_each_database!(
    the_wizard_in_order_turns_the_app_on,
    steps_out_of_order_are_refused,
    a_pending_secret_is_stable_then_expires,
    sign_in_asks_for_the_code_and_a_code_works_once,
    of_fifty_concurrent_sign_ins_on_two_servers_with_one_code_exactly_one_wins,
    one_step_of_clock_skew_is_accepted_two_are_not,
    failures_are_throttled_then_locked,
    the_database_never_holds_the_secret_in_clear,
    turning_it_off_needs_the_password,
);

async fn the_wizard_in_order_turns_the_app_on(app: TestApp) {
    let session = app.register("ana@example.com").await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    let secret = app.begin_totp_setup(&session).await;
    let wrong = app.confirm_totp_setup(&session, "000000").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "a wrong code is refused");
    assert!(app.two_factor_method("ana@example.com").await.is_none());

    let right = app.confirm_totp_setup(&session, &app.code_now(&secret)).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(app.two_factor_status(&session).await.method, Some(TwoFactorMethod::AuthenticatorApp));
}

async fn steps_out_of_order_are_refused(app: TestApp) {
    let session = app.register("ana@example.com").await;
    // No password re-confirmation yet: no secret, no activation.
    assert_eq!(app.post("/api/begin_totp_setup", &[], Some(&session)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.confirm_totp_setup(&session, "123456").await.status(), StatusCode::FORBIDDEN);
    // Password confirmed, but no secret issued yet.
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    assert_eq!(app.confirm_totp_setup(&session, "123456").await.status(), StatusCode::CONFLICT);
    // The confirmation belongs to that session only.
    let other = app.sign_in("ana@example.com", support::PASSWORD).await;
    let other = session_cookie(other.headers()).unwrap();
    assert_eq!(app.post("/api/begin_totp_setup", &[], Some(&other)).await.status(), StatusCode::FORBIDDEN);
    // A wrong password confirms nothing.
    let wrong = app.post("/api/confirm_password", &[("password", "not the password")], Some(&other)).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/begin_totp_setup", &[], Some(&other)).await.status(), StatusCode::FORBIDDEN);
    // Signed out: nothing at all.
    assert_eq!(
        app.post("/api/confirm_password", &[("password", support::PASSWORD)], None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn a_pending_secret_is_stable_then_expires(app: TestApp) {
    let session = app.register("ana@example.com").await;
    app.confirm_password(&session).await;
    let first = app.begin_totp_setup(&session).await;
    let again = app.begin_totp_setup(&session).await;
    assert_eq!(first.as_bytes(), again.as_bytes(), "a reload shows the same QR code");

    // Ten minutes later the pending secret is gone and a new one is issued.
    app.wait(Duration::from_secs(10 * 60));
    app.confirm_password(&session).await;
    let code_for_old = app.code_now(&first);
    assert_eq!(app.confirm_totp_setup(&session, &code_for_old).await.status(), StatusCode::CONFLICT, "expired");
    let fresh = app.begin_totp_setup(&session).await;
    assert_ne!(fresh.as_bytes(), first.as_bytes());
    assert_eq!(totp_enrollment::Entity::find().all(&app.portal.db).await.unwrap().len(), 1);
}

async fn sign_in_asks_for_the_code_and_a_code_works_once(app: TestApp) {
    let (_, secret) = app.register_with_totp("ana@example.com").await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    // Half-way is not signed in.
    assert_eq!(app.signed_in_name(&awaiting).await, None);
    assert_eq!(app.get("/account", Some(&awaiting)).await.status(), StatusCode::SEE_OTHER);
    // The code that enabled the app cannot sign in.
    let enabled = two_factor::Entity::find().one(&app.portal.db).await.unwrap().unwrap();
    let enabling_code = secret.code_at(enabled.last_used_step.unwrap() * 30);
    assert_eq!(app.verify_sign_in_code(&awaiting, &enabling_code).await.status(), StatusCode::CONFLICT);

    let code = app.next_code(&secret);
    let response = app.verify_sign_in_code(&awaiting, &format!("{} {}", &code[..3], &code[3..])).await;
    assert_eq!(response.status(), StatusCode::OK, "a pasted '123 456' works");
    let signed_in = session_cookie(response.headers()).unwrap();
    assert_ne!(signed_in, awaiting, "a new session id once signed in");
    assert_eq!(app.signed_in_name(&signed_in).await.as_deref(), Some("Ana Lim"));

    let again = app.sign_in_awaiting_code("ana@example.com").await;
    let replay = app.verify_sign_in_code(&again, &code).await;
    assert_eq!(replay.status(), StatusCode::CONFLICT, "a code is accepted once");
    assert_eq!(support::refusal(replay).await, AppError::CodeAlreadyUsed);
}

async fn of_fifty_concurrent_sign_ins_on_two_servers_with_one_code_exactly_one_wins(app: TestApp) {
    let (_, secret) = app.register_with_totp("ana@example.com").await;
    let mut awaiting = Vec::new();
    for _ in 0..50 {
        awaiting.push(app.sign_in_awaiting_code("ana@example.com").await);
    }
    // Two servers behind one database, taking turns.
    let second = app.another_server().await;
    let servers = [&app, &second];
    let code = app.next_code(&secret);
    let attempts =
        awaiting.iter().enumerate().map(|(index, session)| servers[index % 2].verify_sign_in_code(session, &code));
    let statuses: Vec<u16> = futures::future::join_all(attempts).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&status| status == 200).count(), 1, "{statuses:?}");
    // The rest were already used (409), or refused unchecked (429): each check is
    // counted before it runs, so only the free tries can be in flight at once.
    assert!(statuses.iter().all(|&status| [200, 409, 429].contains(&status)), "{statuses:?}");
}

async fn one_step_of_clock_skew_is_accepted_two_are_not(app: TestApp) {
    for (offset, accepted) in [(-60, false), (60, false), (-30, true)] {
        let email = format!("skew{offset}@example.com");
        let session = app.register(&email).await;
        app.confirm_password(&session).await;
        let secret = app.begin_totp_setup(&session).await;
        let response = app.confirm_totp_setup(&session, &secret.code_at(app.now() + offset)).await;
        assert_eq!(response.status() == StatusCode::OK, accepted, "offset {offset}s");
    }
    let (_, secret) = app.register_with_totp("ahead@example.com").await;
    let awaiting = app.sign_in_awaiting_code("ahead@example.com").await;
    assert_eq!(app.verify_sign_in_code(&awaiting, &secret.code_at(app.now() + 30)).await.status(), StatusCode::OK);
}

async fn failures_are_throttled_then_locked(app: TestApp) {
    let (_, secret) = app.register_with_totp("ana@example.com").await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    for attempt in 1..=4 {
        assert_eq!(
            app.verify_sign_in_code(&awaiting, "000000").await.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let fifth = app.verify_sign_in_code(&awaiting, "000000").await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS);
    // Now even the right code must wait, and the page is told how long.
    let waiting = app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await;
    assert_eq!(waiting.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = waiting.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry_after), "{retry_after}");
    assert!(matches!(support::refusal(waiting).await, AppError::TooManyCodes { .. }));

    // After the wait, the count goes on across sessions: a new half-way session
    // does not start afresh.
    for _ in 6..20 {
        app.let_the_delay_pass().await;
        let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
        assert_eq!(app.verify_sign_in_code(&awaiting, "000000").await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    app.let_the_delay_pass().await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    let twentieth = app.verify_sign_in_code(&awaiting, "000000").await;
    assert_eq!(twentieth.status(), StatusCode::LOCKED, "locked");
    app.let_the_delay_pass().await;
    let awaiting = app.sign_in_awaiting_code("ana@example.com").await;
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(),
        StatusCode::LOCKED,
        "even the right code"
    );

    let lockout = app.smtp.wait_for_subject("Sign-in to your account is locked").await;
    assert_eq!(lockout.to, ["ana@example.com"]);
}

async fn the_database_never_holds_the_secret_in_clear(app: TestApp) {
    let (_, secret) = app.register_with_totp("ana@example.com").await;
    let base32 = secret.to_base32().to_string();
    // A second, pending secret too, for an account mid-setup.
    let other = app.register("bo@example.com").await;
    app.confirm_password(&other).await;
    let pending = app.begin_totp_setup(&other).await.to_base32().to_string();

    let mut stored = String::new();
    for row in two_factor::Entity::find().all(&app.portal.db).await.unwrap() {
        stored.push_str(&format!("{row:?}"));
    }
    for row in totp_enrollment::Entity::find().all(&app.portal.db).await.unwrap() {
        stored.push_str(&format!("{row:?}"));
    }
    let outbox = app
        .portal
        .db
        .query_all_raw(Statement::from_string(
            app.portal.db.get_database_backend(),
            "SELECT body_text, body_html FROM outbox",
        ))
        .await
        .unwrap();
    stored.push_str(&format!("{outbox:?}"));
    for secret_text in [&base32, &pending] {
        assert!(!stored.contains(secret_text.as_str()), "the secret is stored in clear");
    }
    assert!(stored.contains("v1:"), "sealed values are there: {stored}");
    // On SQLite, the file itself (and its write-ahead log).
    if let Some(path) = app.sqlite_path() {
        for file in [path.clone(), format!("{path}-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for needle in [base32.as_bytes(), pending.as_bytes(), secret.as_bytes()] {
                assert!(!bytes.windows(needle.len()).any(|window| window == needle), "{file} holds a secret");
            }
        }
    }
}

async fn turning_it_off_needs_the_password(app: TestApp) {
    let (session, _) = app.register_with_totp("ana@example.com").await;
    let wrong = app.post("/api/disable_two_factor", &[("password", "not the password")], Some(&session)).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(app.two_factor_method("ana@example.com").await.is_some(), "still on");
    assert_eq!(failure_count::Entity::find().all(&app.portal.db).await.unwrap().len(), 1, "the wrong password counted");
    let none = app.post("/api/disable_two_factor", &[], Some(&session)).await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);

    let right = app.post("/api/disable_two_factor", &[("password", support::PASSWORD)], Some(&session)).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert!(app.two_factor_method("ana@example.com").await.is_none());
    assert!(failure_count::Entity::find().all(&app.portal.db).await.unwrap().is_empty(), "the right one reset it");
    // Signing in needs the password only again.
    assert_eq!(app.sign_in("ana@example.com", support::PASSWORD).await.headers()["location"], "/account");
}

impl TestApp {
    fn sqlite_path(&self) -> Option<String> {
        let url = &self.config.portal.database_url;
        url.strip_prefix("sqlite://").map(|rest| rest.split('?').next().unwrap().to_owned())
    }
}
