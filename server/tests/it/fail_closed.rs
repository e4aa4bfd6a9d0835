//! A second factor the server cannot read never turns into "2FA off", on SQLite and
//! on PostgreSQL: a method it does not know (a newer server in a rolling deploy, a
//! bad restore), a missing field, a secret that does not open. Sign-in refuses with
//! a message to contact support and gives no session; turning 2FA off and
//! switching refuse alike; the server logs an error naming the account.

use crate::support;

use app::error::AppError;
use reqwest::StatusCode;

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use sea_orm::ConnectionTrait as _;
use support::{PASSWORD, TestApp, session_cookie};

on_each_database!(
    an_unknown_method_refuses_sign_in_and_every_change,
    a_factor_missing_its_number_refuses_sign_in,
    a_secret_that_does_not_open_refuses_the_code_step,
);

const EMAIL: &str = "ana@example.com";

async fn an_unknown_method_refuses_sign_in_and_every_change(app: TestApp) {
    capture_logs();
    let (session, _) = app.register_with_totp(EMAIL).await;
    let id = app.account_id(EMAIL).await;
    let method = format!("passkey-{}", unique());
    corrupt(&app, &format!("UPDATE two_factor SET method = '{method}'")).await;

    let refused = app.sign_in(EMAIL, PASSWORD).await;
    assert_refused(refused).await;
    let logs = logs();
    assert!(
        logs.lines()
            .any(|line| line.contains("ERROR") && line.contains(&format!("account={id}")) && line.contains(&method)),
        "an error naming the account is logged:\n{logs}"
    );

    // Signed in from before: the tab, turning 2FA off and switching refuse alike.
    assert_refused(app.post("/api/two_factor_status", &[], Some(&session)).await).await;
    assert_refused(app.post("/api/disable_two_factor", &[("password", PASSWORD)], Some(&session)).await).await;
    assert_eq!(app.confirm_password(&session).await.status(), StatusCode::OK);
    assert_refused(app.begin_sms_setup(&session, support::sms::PHONE).await).await;
    assert_refused(app.post("/api/begin_totp_setup", &[], Some(&session)).await).await;
    assert_eq!(app.two_factor_method(EMAIL).await, Some(method), "the row is left for support to see");
}

async fn a_factor_missing_its_number_refuses_sign_in(app: TestApp) {
    app.register_with_sms(EMAIL).await;
    corrupt(&app, "UPDATE two_factor SET phone = NULL").await;
    assert_refused(app.sign_in(EMAIL, PASSWORD).await).await;
}

async fn a_secret_that_does_not_open_refuses_the_code_step(app: TestApp) {
    let (_, secret) = app.register_with_totp(EMAIL).await;
    corrupt(&app, "UPDATE two_factor SET sealed_secret = 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'")
        .await;
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    let code = app.next_code(&secret);
    assert_refused(app.verify_sign_in_code(&awaiting, &code).await).await;
    assert_eq!(app.signed_in_name(&awaiting).await, None);
}

/// Refused with the support message, and no session.
async fn assert_refused(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(session_cookie(response.headers()).is_none(), "no session");
    assert_eq!(support::refusal(response).await, AppError::TwoFactorUnreadable);
}

async fn corrupt(app: &TestApp, sql: &str) {
    app.portal.db.execute_unprepared(sql).await.unwrap();
}

fn unique() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

/// What the servers of this test process logged since [`capture_logs`].
fn logs() -> String {
    String::from_utf8_lossy(&captured().lock().unwrap()).into_owned()
}

fn captured() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| Mutex::new(Vec::new()))
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        captured().lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends this process's logs to [`logs`] from now on (once for all tests).
fn capture_logs() {
    static START: std::sync::Once = std::sync::Once::new();
    START.call_once(|| tracing_subscriber::fmt().with_writer(|| Capture).with_ansi(false).init());
}
