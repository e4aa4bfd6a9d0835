//! The support desk's tool, run as a process (`server admin …`) against the same
//! real database as a running portal, on SQLite and on PostgreSQL: what it shows,
//! what each action does and records, and what it refuses.

use crate::support;

use reqwest::StatusCode;

use std::process::Output;

use support::browser::Browser;
use support::{PASSWORD, TestApp};

on_each_database!(
    show_prints_the_account_its_factor_locks_sessions_and_events,
    show_pages_back_through_older_events,
    unlock_lets_a_locked_out_customer_sign_in_again,
    reset_two_factor_turns_it_off_spends_the_codes_and_ends_every_session,
    reset_two_factor_waits_and_tells_the_customer_first,
    sign_out_ends_every_session,
    unknown_emails_and_actions_without_a_reason_are_refused,
);

const EMAIL: &str = "ana@example.com";

impl TestApp {
    /// Runs `server admin <args>` with this portal's database, key and mail server.
    async fn admin(&self, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .arg("admin")
            .args(args)
            .env_clear()
            .env("DATABASE_URL", &self.config.portal.database_url)
            .env("SECRETS_MASTER_KEY", &self.master_key)
            .env("SMTP_URL", self.smtp.url())
            .env("PASSWORD_HASH_CONCURRENCY", "1")
            .current_dir(std::env::temp_dir());
        command.output().await.expect("the server binary runs")
    }

    /// Locks the code step for browsers the account does not know: 20 wrong codes.
    async fn lock_out(&self, email: &str) {
        for _ in 0..20 {
            self.let_the_delay_pass().await;
            let awaiting = self.sign_in_awaiting_code(email).await;
            self.verify_sign_in_code(&awaiting, "000000").await;
        }
    }
}

/// The events support recorded, as stored: their kind and reason.
async fn support_events(app: &TestApp) -> Vec<(String, String)> {
    use portal_core::db::entities::security_event::{Column, Entity};
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    let rows = Entity::find().filter(Column::Actor.eq("support")).all(&app.portal.db).await.unwrap();
    rows.into_iter().map(|row| (row.kind, row.reason.unwrap_or_default())).collect()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn show_prints_the_account_its_factor_locks_sessions_and_events(app: TestApp) {
    let (_session, _secret, codes) = app.register_with_recovery_codes(EMAIL).await;
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(app.sign_in_with_recovery_code(&awaiting, &codes[0]).await.status(), StatusCode::OK);
    let before_the_lock = stdout(&app.admin(&["show", EMAIL]).await);
    for part in [
        "Signed in with a recovery code (9 left)",
        "Two-factor authentication turned on (TOTP (Authenticator App))",
        "Failures     none, no locks",
    ] {
        assert!(before_the_lock.contains(part), "{part:?} missing from:\n{before_the_lock}");
    }
    app.lock_out(EMAIL).await;

    let shown = app.admin(&["show", " Ana@Example.com "]).await;
    assert!(shown.status.success(), "{}", stderr(&shown));
    let text = stdout(&shown);
    for part in [
        "Account      ana@example.com",
        "\"Ana Lim\"",
        "Two-factor   on: TOTP (Authenticator App)",
        "Recovery     9 codes left",
        "codes at sign-in and setup, browsers the account does not know: 20 wrong in a row",
        "LOCKED since",
        "Sessions     2 signed in, 20 waiting for a code",
        "lines, newest first (the failures of one kind between two other events are one line)",
        "Sign-in locked after too many wrong codes",
        "Wrong verification code entered",
        "127.0.0.1",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    assert!(!text.contains(&codes[1]), "never a code");
}

async fn show_pages_back_through_older_events(app: TestApp) {
    app.register(EMAIL).await;
    for _ in 0..24 {
        assert_eq!(app.sign_in(EMAIL, PASSWORD).await.status(), StatusCode::OK);
    }
    let first = stdout(&app.admin(&["show", EMAIL]).await);
    assert!(first.contains("Events       20 lines"), "{first}");
    let more = first.lines().find_map(|line| line.strip_prefix("More         add --before ")).expect("a next page");
    let cursor = more.strip_suffix(" for the next lines").expect("only the cursor");
    let second = stdout(&app.admin(&["show", EMAIL, "--before", cursor]).await);
    assert!(second.contains("Events       5 lines"), "25 events in all:\n{second}");
    assert!(!second.contains("More"), "the last page:\n{second}");

    let bad = app.admin(&["show", EMAIL, "--before", "yesterday"]).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("--before takes the CURSOR"), "{}", stderr(&bad));
}

async fn unlock_lets_a_locked_out_customer_sign_in_again(app: TestApp) {
    let (_, secret) = app.register_with_totp(EMAIL).await;
    app.lock_out(EMAIL).await;
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(), StatusCode::LOCKED);

    let unlocked =
        app.admin(&["unlock", EMAIL, "--reason", "ticket 4711, caller verified", "--operator", "Aisha"]).await;
    assert!(unlocked.status.success(), "{}", stderr(&unlocked));
    assert!(stdout(&unlocked).contains("Unlocked ana@example.com"), "{}", stdout(&unlocked));

    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    assert_eq!(
        app.verify_sign_in_code(&awaiting, &app.next_code(&secret)).await.status(),
        StatusCode::OK,
        "signs in again"
    );
    // The support tool is a process of its own, on the system's clock, hours behind
    // the test's after the twenty guesses: its event is read from the table (the
    // customer's words for it: core/src/throttle/scenarios.rs).
    let recorded = support_events(&app).await;
    assert_eq!(recorded, [("unlocked".to_owned(), "ticket 4711, caller verified (operator Aisha)".to_owned())]);
    let told = app.smtp.wait_for_subject("Our support team unlocked your account").await.text();
    assert!(told.contains("The reason given: ticket 4711"), "{told}");
}

async fn reset_two_factor_turns_it_off_spends_the_codes_and_ends_every_session(app: TestApp) {
    let (session, _, _) = app.register_with_recovery_codes(EMAIL).await;
    let other = Browser::new();
    let password_step = app.sign_in_in(&other, EMAIL, PASSWORD).await;
    assert_eq!(password_step.status(), StatusCode::OK);

    let reset =
        app.admin(&["reset-two-factor", EMAIL, "--reason=lost phone, ID checked", "--operator=Aisha", "--now"]).await;
    assert_eq!(reset.status.code(), Some(2), "at once needs a supervisor's approval");
    let reset = app
        .admin(&[
            "reset-two-factor",
            EMAIL,
            "--reason=lost phone, ID checked",
            "--operator=Aisha",
            "--now",
            "--approved-by=Bo",
        ])
        .await;
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert_eq!(app.two_factor_method(EMAIL).await, None);
    assert!(app.stored_recovery_digests(EMAIL).await.is_empty());
    assert_eq!(app.signed_in_name(&session).await, None, "every session ended");

    // The customer signs in with the password alone, and can set 2FA up again.
    let response = app.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(response.headers()["location"], "/account");
    let again = app.admin(&["reset-two-factor", EMAIL, "--reason", "twice", "--operator", "Aisha"]).await;
    assert_eq!(again.status.code(), Some(1), "nothing to reset");
    assert!(stderr(&again).contains("already off"), "{}", stderr(&again));

    app.smtp.wait_for_subject("Our support team turned off two-factor authentication").await;
    let activity = app.security_activity_of(EMAIL).await;
    let recorded = "Two-factor authentication reset, by support: lost phone, ID checked (operator Aisha), at once, approved \
                    by Bo";
    assert!(activity.iter().any(|line| line == recorded), "{activity:?}");
}

async fn reset_two_factor_waits_and_tells_the_customer_first(app: TestApp) {
    let (session, _, _) = app.register_with_recovery_codes(EMAIL).await;
    let reset =
        app.admin(&["reset-two-factor", EMAIL, "--reason", "lost phone, ID checked", "--operator", "Aisha"]).await;
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(stdout(&reset).contains("waits until"), "{}", stdout(&reset));
    assert_eq!(app.two_factor_method(EMAIL).await.as_deref(), Some("totp"), "nothing changes yet");
    assert!(app.signed_in_name(&session).await.is_some());
    let told = app.smtp.wait_for_subject("Two-factor authentication will be turned off").await.text();
    assert!(told.contains("Our operations team (Aisha) asked") && told.contains("/cancel-reset?token="), "{told}");

    let shown = stdout(&app.admin(&["show", EMAIL]).await);
    assert!(shown.contains("Reset        WAITS: 2FA goes") && shown.contains("an operator (Aisha)"), "{shown}");
    let again = app.admin(&["reset-two-factor", EMAIL, "--reason", "twice", "--operator", "Aisha"]).await;
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already waits"), "{}", stderr(&again));
    let activity = app.security_activity_of(EMAIL).await;
    let asked = "Reset of two-factor authentication asked for: it waits, by support: lost phone, ID checked (Aisha)";
    assert_eq!(activity[0], asked);
}

async fn sign_out_ends_every_session(app: TestApp) {
    let session = app.register(EMAIL).await;
    let out = app.admin(&["sign-out", EMAIL, "--reason", "laptop stolen", "--operator", "Aisha"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 session(s) ended"), "{}", stdout(&out));
    assert_eq!(app.signed_in_name(&session).await, None);
    let activity = app.security_activity_of(EMAIL).await;
    assert_eq!(activity[0], "Signed out everywhere, by support: laptop stolen (operator Aisha)");
}

async fn unknown_emails_and_actions_without_a_reason_are_refused(app: TestApp) {
    let session = app.register(EMAIL).await;
    let before = app.security_activity_of(EMAIL).await;

    let unknown = app.admin(&["sign-out", "nobody@example.com", "--reason", "x", "--operator", "Aisha"]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no account has the email nobody@example.com"), "{}", stderr(&unknown));
    let unknown = app.admin(&["show", "nobody@example.com"]).await;
    assert_eq!(unknown.status.code(), Some(1));

    for args in [
        &["sign-out", EMAIL][..],
        &["sign-out", EMAIL, "--reason", "   ", "--operator", "Aisha"][..],
        &["unlock", EMAIL, "--reason"][..],
        &["unlock", EMAIL, "--reason", "ticket 4711"][..],
    ] {
        let refused = app.admin(args).await;
        assert_ne!(refused.status.code(), Some(0), "{args:?}");
        assert!(stderr(&refused).contains("reason"), "{args:?}: {}", stderr(&refused));
    }
    assert!(app.signed_in_name(&session).await.is_some(), "nothing happened");
    assert_eq!(app.security_activity_of(EMAIL).await, before);

    let help = app.admin(&["--help"]).await;
    assert!(help.status.success());
    for subcommand in ["admin show EMAIL", "admin unlock EMAIL --reason", "admin reset-two-factor", "admin sign-out"] {
        assert!(stdout(&help).contains(subcommand), "{subcommand} missing from --help");
    }
}
