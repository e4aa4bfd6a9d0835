//! Recovery codes over HTTP against the real router, on SQLite and on PostgreSQL:
//! ten at setup, each signing in once (across servers), guesses counted with wrong
//! codes, a warning when few are left, and a new set only with the password.

use crate::support;

use app::error::AppError;
use reqwest::StatusCode;

use std::collections::HashSet;

use support::two_factor::recovery_codes_in;
use support::{TestApp, session_cookie};

on_each_database!(
    setup_shows_ten_codes_and_each_signs_in_once,
    a_recovery_code_works_once_across_two_servers,
    two_codes_racing_on_one_half_way_session_sign_in_once,
    recovery_code_guesses_share_the_code_steps_throttle,
    the_tab_warns_when_three_or_fewer_are_left,
    regenerating_needs_the_password_and_replaces_the_whole_set,
    turning_two_factor_off_spends_the_codes,
);

const EMAIL: &str = "ana@example.com";

async fn setup_shows_ten_codes_and_each_signs_in_once(app: TestApp) {
    let (_, _, codes) = app.register_with_recovery_codes(EMAIL).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 10);
    for code in &codes {
        assert!(code.len() == 14 && code.split('-').all(|group| group.len() == 4), "{code}");
    }
    let stored = app.stored_recovery_digests(EMAIL).await;
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|digest| codes.iter().all(|code| !digest.contains(&code.replace('-', "")))));

    // Typed as people type: upper case, spaces for dashes.
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    let typed = codes[0].to_uppercase().replace('-', " ");
    let response = app.sign_in_with_recovery_code(&awaiting, &typed).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let session = session_cookie(response.headers()).expect("signed in");
    assert_eq!(app.signed_in_name(&session).await.as_deref(), Some("Ana Lim"));

    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    let again = app.sign_in_with_recovery_code(&awaiting, &codes[0]).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "spent");
    assert!(session_cookie(again.headers()).is_none());
    assert_eq!(support::refusal(again).await, AppError::InvalidRecoveryCode);

    let text = app.smtp.wait_for_subject("A recovery code was used to sign in").await.text();
    assert!(text.contains("You have 9 recovery codes left."), "{text}");
}

async fn a_recovery_code_works_once_across_two_servers(app: TestApp) {
    let (_, _, codes) = app.register_with_recovery_codes(EMAIL).await;
    let other = app.another_server().await;
    let here = app.sign_in_awaiting_code(EMAIL).await;
    let there = other.sign_in_awaiting_code(EMAIL).await;
    let (first, second) = tokio::join!(
        app.sign_in_with_recovery_code(&here, &codes[3]),
        other.sign_in_with_recovery_code(&there, &codes[3])
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401], "exactly one of the two signs in");
    assert_eq!(app.stored_recovery_digests(EMAIL).await.len(), 9);
}

/// Two right codes sent at once from one half-way session (two servers): one sign-in,
/// and the loser's code is not spent, since its sign-in did not happen.
async fn two_codes_racing_on_one_half_way_session_sign_in_once(app: TestApp) {
    let (_, _, codes) = app.register_with_recovery_codes(EMAIL).await;
    let other = app.another_server().await;
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    let (first, second) = tokio::join!(
        app.sign_in_with_recovery_code(&awaiting, &codes[1]),
        other.sign_in_with_recovery_code(&awaiting, &codes[2])
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401], "one sign-in from one half-way session");
    assert_eq!(app.stored_recovery_digests(EMAIL).await.len(), 9, "the loser's code is still there");
}

async fn recovery_code_guesses_share_the_code_steps_throttle(app: TestApp) {
    let (_, secret, codes) = app.register_with_recovery_codes(EMAIL).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let awaiting = app.sign_in_awaiting_code(EMAIL).await;
        statuses.push(app.sign_in_with_recovery_code(&awaiting, "aaaa-bbbb-cccc").await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429]);
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "one count for both"
    );
    assert_eq!(
        app.sign_in_with_recovery_code(&awaiting, &codes[0]).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even a right one waits"
    );

    // Past the wait, the right code signs in and starts the count afresh.
    app.let_the_delay_pass().await;
    assert_eq!(app.sign_in_with_recovery_code(&awaiting, &codes[0]).await.status(), StatusCode::OK);
    let activity = app.security_activity_of(EMAIL).await;
    let wrong = activity.iter().find_map(|line| line.strip_prefix("Wrong verification code entered ("));
    let times: u32 = wrong.and_then(|rest| rest.strip_suffix(" times)")?.parse().ok()).unwrap_or(0);
    assert!(times >= 4, "the wrong guesses, one line: {activity:?}");
}

async fn the_tab_warns_when_three_or_fewer_are_left(app: TestApp) {
    let (session, _, codes) = app.register_with_recovery_codes(EMAIL).await;
    for code in &codes[..6] {
        let awaiting = app.sign_in_awaiting_code(EMAIL).await;
        assert_eq!(app.sign_in_with_recovery_code(&awaiting, code).await.status(), StatusCode::OK);
    }
    let status = app.two_factor_status(&session).await;
    assert_eq!((status.recovery_codes_left, status.recovery_codes_running_low), (Some(4), false));

    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(app.sign_in_with_recovery_code(&awaiting, &codes[6]).await.status(), StatusCode::OK);
    let status = app.two_factor_status(&session).await;
    assert_eq!((status.recovery_codes_left, status.recovery_codes_running_low), (Some(3), true));
}

async fn regenerating_needs_the_password_and_replaces_the_whole_set(app: TestApp) {
    let (session, _, old) = app.register_with_recovery_codes(EMAIL).await;
    let wrong = app.post("/api/regenerate_recovery_codes", &[("password", "not it")], Some(&session)).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(app.post("/api/regenerate_recovery_codes", &[], None).await.status().is_client_error());

    let right = app.post("/api/regenerate_recovery_codes", &[("password", support::PASSWORD)], Some(&session)).await;
    assert_eq!(right.status(), StatusCode::OK);
    let new = recovery_codes_in(&right.text().await.unwrap());
    assert_eq!(new.len(), 10);
    assert!(new.iter().all(|code| !old.contains(code)));

    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(
        app.sign_in_with_recovery_code(&awaiting, &old[0]).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old set is gone"
    );
    assert_eq!(app.sign_in_with_recovery_code(&awaiting, &new[0]).await.status(), StatusCode::OK);
    app.smtp.wait_for_subject("New recovery codes were generated").await;
}

async fn turning_two_factor_off_spends_the_codes(app: TestApp) {
    let (session, _, _) = app.register_with_recovery_codes(EMAIL).await;
    let off = app.post("/api/disable_two_factor", &[("password", support::PASSWORD)], Some(&session)).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert!(app.stored_recovery_digests(EMAIL).await.is_empty());
    let activity = app.security_activity_of(EMAIL).await;
    assert!(activity[0].starts_with("Two-factor authentication turned off"), "{activity:?}");
}
