//! With `RUST_LOG=warn`, as a quiet production runs, the answered lines go but a
//! warning still names its request: a refused cross-site request's line carries
//! the id the response was sent back with. One test in this file: it owns the
//! process's logger.

mod support;

use reqwest::StatusCode;
use support::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_name_their_request_when_only_warnings_are_logged() {
    let captured = support::logs::capture("warn");

    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let refused = reqwest::Client::new()
        .post(app.url("/api/sign_in"))
        .header("origin", "https://evil.example")
        .form(&[("email", "ana@example.com"), ("password", "whatever")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let id = refused.headers()["x-request-id"].to_str().unwrap().to_owned();

    let (logs, lines) = (captured.text(), captured.lines());
    let warning = lines.iter().find(|line| line["message"] == "cross-site request refused");
    let warning = warning.unwrap_or_else(|| panic!("no warning:\n{logs}"));
    assert_eq!(warning["span"]["request_id"], id.as_str(), "{logs}");
    assert!(!lines.iter().any(|line| line["message"] == "answered"), "info lines are off:\n{logs}");
}
