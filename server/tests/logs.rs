//! What the server writes to its logs, as JSON, while a customer signs in with
//! SMS: every request's line carries its id, route, status and latency (and
//! the account once known), and no line holds the password, a code, a session
//! token or the phone number. One test in this file: it owns the process's logger.

mod support;

use reqwest::StatusCode;
use support::sms::PHONE;
use support::{Backend, PASSWORD, TestApp, session_cookie};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_name_each_request_and_hold_no_secret() {
    // The server's own crates at debug, the rest as in production.
    let captured = support::logs::capture("info,server=debug,portal_core=debug,app=debug");

    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let session = app.register_with_sms("ana@example.com").await;
    let response = app.sign_in("ana@example.com", PASSWORD).await;
    let awaiting = session_cookie(response.headers()).unwrap();
    let code = app.twilio.next_code(PHONE).await;
    let signed_in = app.verify_sign_in_code(&awaiting, &code).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let request_id = signed_in.headers()["x-request-id"].to_str().unwrap().to_owned();
    let signed_in = session_cookie(signed_in.headers()).unwrap();
    let account = app.account_id("ana@example.com").await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let page = app.get("/account/security", Some(&signed_in)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page_request_id = page.headers()["x-request-id"].to_str().unwrap().to_owned();
    app.smtp.wait_for_subject("Two-factor authentication is on").await;

    let (logs, lines) = (captured.text(), captured.lines());
    let answered = answered_line(&lines, &request_id, &logs);
    assert_eq!(answered["span"]["route"], "/api/verify_sign_in_code");
    assert_eq!(answered["status"], 200);
    assert!(answered["latency_ms"].as_f64().is_some());
    assert_eq!(answered["span"]["account"], account, "the account, once the half-way session names it");
    let page = answered_line(&lines, &page_request_id, &logs);
    assert_eq!((&page["span"]["route"], &page["span"]["account"]), (&"/account/security".into(), &account.into()));

    assert!(!logs.contains("/healthz"), "probes are not logged, they would be most of the log:\n{logs}");

    // Times and request ids are runs of random digits: a six-digit code could turn
    // up in one by chance, so they are left out of the search.
    let logs: String = lines.iter().map(|line| without_times_and_ids(line.clone()).to_string() + "\n").collect();
    let token = |cookie: &str| cookie.split_once('=').unwrap().1.to_owned();
    let national = PHONE.trim_start_matches('+').to_owned();
    let last_digits = PHONE[PHONE.len() - 8..].to_owned();
    for secret in
        [PASSWORD.to_owned(), code, token(&session), token(&awaiting), token(&signed_in), national, last_digits]
    {
        assert!(!logs.contains(&secret), "the logs hold {secret:?}:\n{logs}");
    }
}

/// `value` without its timestamps, latencies and request ids, at any depth.
fn without_times_and_ids(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(name, _)| !["timestamp", "latency_ms", "request_id"].contains(&name.as_str()))
                .map(|(name, value)| (name, without_times_and_ids(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_times_and_ids).collect()),
        other => other,
    }
}

/// The line that says request `id` was answered.
fn answered_line<'a>(lines: &'a [serde_json::Value], id: &str, logs: &str) -> &'a serde_json::Value {
    let answered = |line: &&serde_json::Value| line["message"] == "answered" && line["span"]["request_id"] == id;
    lines.iter().find(answered).unwrap_or_else(|| panic!("no line for request {id}:\n{logs}"))
}
