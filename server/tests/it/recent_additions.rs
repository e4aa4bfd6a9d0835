//! What was added to the account's sign-in in the last 30 days, as the review after
//! a password reset or "Sign out of all other sessions" lists it, on SQLite and
//! PostgreSQL: a passkey an intruder added yesterday shows, with what "Remove"
//! needs; what the customer set up long ago does not.

use crate::support;

use app::functions::two_factor::RecentAdditionsView;
use app::method::TwoFactorMethod;
use reqwest::StatusCode;
use support::passkeys::Device;
use support::{TestApp, session_cookie};

on_each_database!(the_last_thirty_days_of_additions_are_listed_for_review);

const EMAIL: &str = "ana@example.com";
const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

async fn recent(app: &TestApp, session: &str) -> RecentAdditionsView {
    support::answer(app.post("/api/recent_additions", &[], Some(session)).await).await
}

async fn the_last_thirty_days_of_additions_are_listed_for_review(app: TestApp) {
    let (session, secret) = app.register_with_totp(EMAIL).await;
    let fresh = recent(&app, &session).await;
    assert_eq!(fresh.method.map(|(method, _)| method), Some(TwoFactorMethod::AuthenticatorApp));
    assert!(fresh.passkeys.is_empty());
    let added = app.add_passkey(&session, &mut Device::new(), "Ana's old key", false, true).await;
    assert_eq!(added.status(), StatusCode::OK);

    // Forty days on, someone with the password and a code adds a passkey.
    for _ in 0..40 {
        app.wait(DAY);
    }
    let awaiting = app.sign_in_awaiting_code(EMAIL).await;
    let signed_in = app.verify_sign_in_code(&awaiting, &app.code_now(&secret)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let session = session_cookie(signed_in.headers()).unwrap();
    let added = app.add_passkey(&session, &mut Device::new(), "Not Ana's", true, true).await;
    assert_eq!(added.status(), StatusCode::OK);

    let review = recent(&app, &session).await;
    assert_eq!(review.method, None, "the app was turned on long ago");
    let listed: Vec<(&str, bool)> =
        review.passkeys.iter().map(|(passkey, last)| (passkey.name.as_str(), *last)).collect();
    assert_eq!(listed, [("Not Ana's", false)], "removing it leaves the app on");

    let id = review.passkeys[0].0.id;
    assert_eq!(app.remove_passkey(&session, i64::from(id), false).await.status(), StatusCode::OK);
    assert!(recent(&app, &session).await.is_empty());
}
