//! The emails of two-factor authentication, through a real SMTP exchange with a
//! server started by the test: what arrives, to whom, and that a mail server that
//! is down delays the mail but never the security change.

use crate::support;

use reqwest::StatusCode;

use portal_core::db::entities::outbox_message;
use portal_core::outbox::MailTransport;
use sea_orm::EntityTrait as _;
use support::TestApp;
use support::smtp::SmtpServer;

on_each_database!(turning_the_app_on_and_off_sends_an_email_each_time, a_mail_server_that_is_down_delays_only_the_mail);

async fn turning_the_app_on_and_off_sends_an_email_each_time(app: TestApp) {
    let (session, _) = app.register_with_totp("ana@example.com").await;
    let enabled = app.smtp.wait_for(1).await.remove(0);
    assert_eq!(enabled.to, ["ana@example.com"]);
    let text = enabled.text();
    for part in [
        "To: ana@example.com",
        "Subject: Customer Portal: Two-factor authentication is on for your account",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "turned on",
        "TOTP (Authenticator App)",
        " UTC",
        "If this wasn't you",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }

    let response = app.post("/api/disable_two_factor", &[("password", support::PASSWORD)], Some(&session)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let disabled = app.smtp.wait_for(2).await.remove(1);
    assert_eq!(disabled.to, ["ana@example.com"]);
    for part in ["Two-factor authentication is off", "turned off", "TOTP (Authenticator App)", "If this wasn't you"] {
        assert!(disabled.text().contains(part), "{part:?} missing from:\n{}", disabled.text());
    }
}

async fn a_mail_server_that_is_down_delays_only_the_mail(app: TestApp) {
    // A portal (on the same kind of database) whose mail server is not up yet: its
    // port is bound, not listening, so connections are refused.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap();
    let down = TestApp::start_with(app.backend(), |config| {
        config.portal.mail.transport = MailTransport::Smtp(format!("smtp://{port}"));
    })
    .await
    .unwrap();

    down.register_with_totp("ana@example.com").await;
    // The worker's first try fails; waited for on the stored state, not for a set
    // time, so a loaded machine cannot make it flaky.
    let mut stored = Vec::new();
    for _ in 0..200 {
        stored = outbox_message::Entity::find().all(&down.portal.db).await.unwrap();
        if stored.first().is_some_and(|message| message.attempts >= 1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(stored.len(), 1, "the change succeeded and its email is stored");
    assert!(stored[0].sent_at.is_none() && stored[0].attempts >= 1, "{stored:?}");
    assert!(stored[0].last_error.is_some());

    let back_up = SmtpServer::start_on(socket).await;
    // Once its retry is due, the worker sends it.
    down.wait(std::time::Duration::from_secs(2));
    down.portal.outbox.wake();
    let arrived = back_up.wait_for(1).await;
    assert_eq!(arrived[0].to, ["ana@example.com"]);
    assert!(arrived[0].text().contains("Two-factor authentication is on"));
    assert_eq!(arrived.len(), 1, "sent once");
}
