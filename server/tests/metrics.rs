//! `/metrics` on the metrics listener, after a few sign-ins: requests by route
//! and status with latencies, sign-ins by outcome, the Argon2 pool's two lanes,
//! open connections, the outbox.
//! One test in this file: it owns the process's recorder.

mod support;

use reqwest::StatusCode;
use support::browser::Browser;
use support::passkeys::Device;
use support::{Backend, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_and_outcomes_and_name_no_customer() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_url = format!("http://{}/metrics", listener.local_addr().unwrap());
    server::metrics::serve(listener).unwrap();
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    assert_eq!(app.get("/metrics", None).await.status(), StatusCode::NOT_FOUND, "only on the metrics listener");
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);

    app.register("ana@example.com").await;
    assert_eq!(app.sign_in("ana@example.com", "not the password").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.sign_in("ana@example.com", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(app.get("/no/such/page/for-ana@example.com", None).await.status(), StatusCode::NOT_FOUND);
    app.smtp.wait_for_subject("New sign-in to your account").await;
    let mut device = Device::new();
    app.register_with_passkey("bea@example.com", &mut device, true).await;
    assert_eq!(app.sign_in_passwordless(&Browser::new(), &mut device).await.status(), StatusCode::OK);

    let mut text = String::new();
    // The outbox reports its depth at each pass: wait for the one after the email.
    for _ in 0..100 {
        app.portal.outbox.wake();
        text = reqwest::get(&metrics_url).await.unwrap().text().await.unwrap();
        if text.contains("portal_outbox_waiting{channel=\"email\"} 0") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for expected in [
        "portal_http_requests_total{route=\"/api/sign_in\",status=\"401\"} 1",
        "portal_http_requests_total{route=\"/api/sign_in\",status=\"200\"} 1",
        // The public port's /metrics and the made-up page.
        "portal_http_requests_total{route=\"other\",status=\"404\"} 2",
        "portal_http_request_duration_seconds_bucket{route=\"/api/sign_in\",le=\"0.5\"}",
        "portal_sign_ins_total{outcome=\"wrong\"} 1",
        "portal_sign_ins_total{outcome=\"right\"} 1",
        "portal_passwordless_sign_ins_total{outcome=\"right\"} 1",
        // Strangers' checks and the customer's own (the step-up before adding a passkey).
        "portal_password_hash_wait_seconds_count{lane=\"untrusted\"}",
        "portal_password_hash_wait_seconds_count{lane=\"known\"}",
        "portal_connections_open",
        "portal_outbox_deliveries_total{channel=\"email\",outcome=\"sent\"}",
        "portal_outbox_waiting{channel=\"email\"} 0",
        "portal_outbox_oldest_age_seconds{channel=\"sms\"} 0",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(!text.contains("example.com"), "no customer in a label:\n{text}");
    assert!(!text.contains("healthz"), "probes are not counted:\n{text}");
}
