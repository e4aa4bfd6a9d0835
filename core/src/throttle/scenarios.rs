//! Guessing at an account's second factor, as strangers and as its customer: the
//! free tries, the waits the clock must pass, the lock at twenty and its email,
//! the customer's own browser that strangers cannot slow down, and support's
//! unlock.

use std::time::Duration;

use super::{LOCKOUT_FAILURES, delay_after};
use crate::CoreError;
use crate::password::Password;
use crate::requester::Requester;
use crate::sessions::SignedIn;
use crate::testing::{PASSWORD, Scene};
use crate::totp::TotpSecret;

const EMAIL: &str = "ana@example.com";

/// Ana with the authenticator app on; its secret.
async fn ana_with_the_app(scene: &Scene) -> (SignedIn, TotpSecret) {
    let ana = scene.signed_in(EMAIL).await;
    let setup = scene.portal.two_factor.begin_totp_setup(&ana).await.unwrap();
    let app = TotpSecret::from_base32(&setup.setup_key).unwrap();
    let code = app.code_at(scene.clock.now());
    let activated = scene.portal.two_factor.confirm_totp_setup(&ana, &code, &Requester::default()).await.unwrap();
    (SignedIn { account: activated.account, ..ana }, app)
}

/// A half-way session of `requester`'s, after the password.
async fn half_way(scene: &Scene, requester: &Requester) -> SignedIn {
    let password = Password::new(PASSWORD.into());
    let account = scene.portal.accounts.authenticate(EMAIL, password, requester).await.unwrap();
    let token = scene.portal.sessions.start_awaiting_code(&account, requester).await.unwrap();
    SignedIn { token, account }
}

async fn guess(scene: &Scene, requester: &Requester) -> Result<(), CoreError> {
    let pending = half_way(scene, requester).await;
    scene.portal.two_factor.verify_sign_in_code(&pending, "000000", requester).await.map(drop)
}

#[tokio::test]
async fn strangers_wait_then_lock_while_the_customers_own_browser_signs_in() {
    let scene = Scene::new().await;
    let (ana, app) = ana_with_the_app(&scene).await;
    let (stranger, own_browser) = (scene.stranger(), scene.known_browser(&ana.account));

    // Four wrong codes are typing slips; the fifth earns a wait.
    for _ in 0..4 {
        assert!(matches!(guess(&scene, &stranger).await, Err(CoreError::InvalidCode)));
    }
    let fifth = guess(&scene, &stranger).await;
    assert!(matches!(fifth, Err(CoreError::TooManyAttempts { retry_after_secs: 10, .. })), "{fifth:?}");
    let early = guess(&scene, &stranger).await;
    assert!(matches!(early, Err(CoreError::TooManyAttempts { .. })), "refused before it is checked: {early:?}");

    // Meanwhile the customer's own browser, known to the account, signs in at once.
    scene.clock.advance(Duration::from_secs(30));
    let pending = half_way(&scene, &own_browser).await;
    let code = app.code_at(scene.clock.now());
    assert!(scene.portal.two_factor.verify_sign_in_code(&pending, &code, &own_browser).await.is_ok());

    // Past each wait, a stranger's guess counts on, up to the lock.
    for consecutive in 6..LOCKOUT_FAILURES {
        scene.clock.advance(Duration::from_secs(delay_after(consecutive - 1).unsigned_abs()));
        assert!(matches!(guess(&scene, &stranger).await, Err(CoreError::TooManyAttempts { .. })));
    }
    scene.clock.advance(Duration::from_secs(delay_after(LOCKOUT_FAILURES - 1).unsigned_abs()));
    assert!(matches!(guess(&scene, &stranger).await, Err(CoreError::Locked(_))), "the twentieth locks");
    scene.clock.advance(Duration::from_secs(24 * 60 * 60));
    assert!(matches!(guess(&scene, &stranger).await, Err(CoreError::Locked(_))), "a day later, still locked");
    let locked_emails =
        scene.emails(EMAIL).await.into_iter().filter(|subject| subject.ends_with("Sign-in to your account is locked"));
    assert_eq!(locked_emails.count(), 1, "told once");
    assert!(scene.activity(ana.account.id).await.contains(&"Sign-in locked after too many wrong codes".to_owned()));

    // The lock stops strangers only; support clears it.
    scene.clock.advance(Duration::from_secs(30));
    let pending = half_way(&scene, &own_browser).await;
    let code = app.code_at(scene.clock.now());
    assert!(scene.portal.two_factor.verify_sign_in_code(&pending, &code, &own_browser).await.is_ok());
    assert_eq!(scene.portal.support_desk.unlock(EMAIL, "ticket 42").await.unwrap(), 1);
    assert_eq!(scene.activity(ana.account.id).await[0], "Locks cleared, by support: ticket 42");
    assert!(scene.emails(EMAIL).await.last().unwrap().ends_with("Our support team unlocked your account"));
    assert!(matches!(guess(&scene, &stranger).await, Err(CoreError::InvalidCode)), "the count starts afresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_guesses_get_no_more_answers_than_the_free_tries() {
    let scene = Scene::new().await;
    let (ana, _) = ana_with_the_app(&scene).await;
    let stranger = scene.stranger();
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let pending = half_way(&scene, &stranger).await;
        let (two_factor, stranger) = (scene.portal.two_factor.clone(), stranger.clone());
        racing.spawn(async move { two_factor.verify_sign_in_code(&pending, "000000", &stranger).await });
    }
    let answers = racing.join_all().await;
    assert!(answers.iter().all(Result::is_err), "{answers:?}");
    let wrong = answers.iter().filter(|answer| matches!(answer, Err(CoreError::InvalidCode))).count();
    assert_eq!(wrong, 4, "the fifth wrong code already answers with a wait: {answers:?}");
    // Checked, and recorded as wrong: the free tries only; the rest were refused unchecked.
    let activity = scene.activity(ana.account.id).await;
    assert_eq!(activity[0], "Wrong verification code entered (5 times)", "{activity:?}");
}
