//! Racing guesses across a fleet, on SQLite and on PostgreSQL: two servers on one
//! database, each hashing up to 16 passwords at once so the pool cannot hide a
//! race. Each check is counted before it runs, so 30 guesses sent at the same
//! moment get no more answers than the free tries, whichever server takes them.

use crate::support;

use portal_core::db::entities::failure_count;
use portal_core::totp::TotpSecret;
use sea_orm::EntityTrait as _;
use support::{TestApp, session_cookie};

on_each_database!(thirty_racing_wrong_passwords_and_codes_get_at_most_six_answers);

/// The free tries are five; the issue allows six.
const MOST_ANSWERS: u64 = 6;

async fn thirty_racing_wrong_passwords_and_codes_get_at_most_six_answers(app: TestApp) {
    let first = TestApp::start_with(app.backend(), |config| config.portal.hashing.concurrency = 16).await.unwrap();
    let second = first.another_server().await;
    let servers = [&first, &second];
    let (_, secret) = first.register_with_totp("ana@example.com").await;
    let awaiting = first.sign_in_awaiting_code("ana@example.com").await;
    first.register("bo@example.com").await;

    let checked = || first.portal.accounts.passwords_checked() + second.portal.accounts.passwords_checked();
    let before = checked();
    let passwords: Vec<String> = (0..30).map(|i| format!("wrong guess {i}")).collect();
    let guesses = passwords.iter().enumerate().map(|(i, password)| servers[i % 2].sign_in("bo@example.com", password));
    let statuses = statuses_of(futures::future::join_all(guesses).await);
    let answered = checked() - before;
    assert!(answered <= MOST_ANSWERS, "{answered} passwords were checked: {statuses:?}");
    assert!(statuses.iter().all(|status| [401, 429].contains(status)), "{statuses:?}");
    assert!(statuses.iter().filter(|&&status| status == 401).count() as u64 <= MOST_ANSWERS, "{statuses:?}");

    let wrong = wrong_code(&app, &secret);
    let guesses = (0..30).map(|i| servers[i % 2].verify_sign_in_code(&awaiting, &wrong));
    let statuses = statuses_of(futures::future::join_all(guesses).await);
    assert!(statuses.iter().all(|status| [401, 429].contains(status)), "{statuses:?}");
    let counted = failure_count::Entity::find().all(&first.portal.db).await.unwrap();
    let codes = counted.iter().find(|count| count.scope == "code").expect("the code guesses were counted");
    assert!(
        i64::from(codes.consecutive) <= MOST_ANSWERS as i64,
        "{} codes were checked: {statuses:?}",
        codes.consecutive
    );
    assert!(codes.consecutive >= 5, "and counted: {codes:?}");
}

fn statuses_of(responses: Vec<reqwest::Response>) -> Vec<u16> {
    responses
        .iter()
        .map(|response| {
            assert!(session_cookie(response.headers()).is_none(), "no guess signs in");
            response.status().as_u16()
        })
        .collect()
}

/// A code that is wrong in every step the server accepts.
fn wrong_code(app: &TestApp, secret: &TotpSecret) -> String {
    let now = app.now();
    let valid: Vec<String> = [-30, 0, 30, 60].iter().map(|offset| secret.code_at(now + offset)).collect();
    (100_000..).map(|code: u32| code.to_string()).find(|code| !valid.contains(code)).unwrap()
}
