//! Passkeys against webauthn-authenticator-rs' software passkey, which answers as
//! a browser and an authenticator would for the origin it is given.

use sea_orm::{ConnectionTrait as _, DatabaseConnection};
use url::Url;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use super::*;
use crate::network_budgets::PASSWORDLESS_STARTS_PER_HOUR;
use crate::requester::Requester;
use crate::testing::{Scene, minutes};
use crate::vocabulary::Budget;

/// The origin the portal's passkeys belong to: a scene's site is 127.0.0.1:3000,
/// whose relying party is localhost.
const ORIGIN: &str = "http://localhost:3000";

struct Setup {
    scene: Scene,
    passkeys: Passkeys,
    signed_in: SignedIn,
    db: DatabaseConnection,
}

async fn setup() -> Setup {
    let scene = Scene::new().await;
    let signed_in = scene.signed_in("ana@example.com").await;
    let (passkeys, db) = (scene.portal.passkeys.clone(), scene.portal.db.clone());
    Setup { scene, passkeys, signed_in, db }
}

/// The password, typed for the request that starts a passkey.
async fn confirmed(setup: &Setup) -> crate::step_up::PasswordConfirmed {
    let password = crate::password::Password::new(crate::testing::PASSWORD.into());
    setup.scene.portal.step_up.confirm_password(&setup.signed_in, password, &Requester::default()).await.unwrap()
}

fn authenticator() -> WebauthnAuthenticator<SoftPasskey> {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
}

/// Checks a registration and stores it (allowed to sign in alone, unless
/// `passwordless` says no), as adding one does.
async fn finish_registration(
    setup: &Setup,
    (name, passwordless): (&str, bool),
    answer: &RegisterPublicKeyCredential,
) -> Result<PasskeyListing, CoreError> {
    let name = PasskeyName::parse(name)?;
    let created = setup.passkeys.check_registration(&setup.signed_in, answer).await?;
    let requester = Requester::default();
    let change = setup.scene.portal.store.change(&setup.signed_in.account, &requester).await?;
    let listing = setup.passkeys.insert(&change, &name, passwordless, created).await?;
    change.commit().await?;
    Ok(listing)
}

async fn register(setup: &Setup, device: &mut WebauthnAuthenticator<SoftPasskey>) -> PasskeyListing {
    register_discoverable(setup, device, true).await.0
}

/// Registers a passkey; returns it with its credential id and user handle, for a
/// passwordless answer (the soft passkey keeps no discoverable credentials).
async fn register_discoverable(
    setup: &Setup,
    device: &mut WebauthnAuthenticator<SoftPasskey>,
    passwordless: bool,
) -> (PasskeyListing, Vec<u8>, Vec<u8>) {
    let options = setup.passkeys.start_registration(&setup.signed_in, confirmed(setup).await).await.unwrap();
    let handle = options.public_key.user.id.to_vec();
    let answer = device.do_registration(origin(), options).unwrap();
    let listing = finish_registration(setup, (" MacBook Touch ID ", passwordless), &answer).await.unwrap();
    (listing, answer.raw_id.to_vec(), handle)
}

/// What a browser holding the discoverable credential `id` of the user `handle`
/// answers to a passwordless challenge: the soft passkey is told which
/// credential to use, and the handle is added as a browser's answer carries it.
fn answer_discoverable(
    device: &mut WebauthnAuthenticator<SoftPasskey>,
    mut options: RequestChallengeResponse,
    id: &[u8],
    handle: &[u8],
) -> PublicKeyCredential {
    options.public_key.allow_credentials = vec![webauthn_rs_proto::AllowCredentials {
        type_: "public-key".into(),
        id: id.to_vec().into(),
        transports: None,
    }];
    let mut answer = device.do_authentication(origin(), options).unwrap();
    answer.response.user_handle = Some(handle.to_vec().into());
    answer
}

/// Checks an answer as sign-in does, committing what the check wrote.
async fn finish_authentication(setup: &Setup, answer: &PublicKeyCredential) -> Result<(), CoreError> {
    let requester = Requester::default();
    let mut change = setup.scene.portal.store.begin(&setup.signed_in.account, &requester).await?;
    let verdict = setup.passkeys.check(&mut change, &setup.signed_in.token, answer).await?;
    change.commit().await?;
    match verdict {
        Verdict::Right(()) => Ok(()),
        Verdict::Wrong(error) | Verdict::NotAGuess(error) => Err(error),
    }
}

async fn use_passkey(setup: &Setup, device: &mut WebauthnAuthenticator<SoftPasskey>) -> Result<(), CoreError> {
    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let answer = device.do_authentication(origin(), options).unwrap();
    finish_authentication(setup, &answer).await
}

#[tokio::test]
async fn a_registered_passkey_is_listed_and_checks_out() {
    let setup = setup().await;
    let mut device = authenticator();
    let added = register(&setup, &mut device).await;
    assert_eq!(added.name, "MacBook Touch ID");
    assert_eq!(added.last_used_at, None);

    use_passkey(&setup, &mut device).await.unwrap();
    use_passkey(&setup, &mut device).await.unwrap();
    let listed = setup.passkeys.of_account(setup.signed_in.account.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());
}

#[tokio::test]
async fn the_database_holds_the_passkey_sealed() {
    let setup = setup().await;
    register(&setup, &mut authenticator()).await;
    let row = passkey::Entity::find().one(&setup.db).await.unwrap().unwrap();
    assert!(!row.sealed_passkey.contains("cred_id"), "not JSON in the clear");
}

#[tokio::test]
async fn a_challenge_is_answered_once() {
    let setup = setup().await;
    let mut device = authenticator();
    register(&setup, &mut device).await;
    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let answer = device.do_authentication(origin(), options).unwrap();
    finish_authentication(&setup, &answer).await.unwrap();
    let replayed = finish_authentication(&setup, &answer).await;
    assert!(matches!(replayed, Err(CoreError::PasskeyRefused)), "{replayed:?}");
}

#[tokio::test]
async fn a_challenge_expires_after_five_minutes() {
    let setup = setup().await;
    let mut device = authenticator();
    register(&setup, &mut device).await;
    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let answer = device.do_authentication(origin(), options).unwrap();
    setup.scene.clock.advance(minutes(5));
    let late = finish_authentication(&setup, &answer).await;
    assert!(matches!(late, Err(CoreError::PasskeyRefused)), "{late:?}");
}

#[tokio::test]
async fn another_origin_and_a_tampered_answer_are_refused() {
    let setup = setup().await;
    let mut device = authenticator();
    register(&setup, &mut device).await;

    // A fake site relaying the challenge: the browser reports its own origin.
    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let relayed = device.do_authentication(Url::parse("http://localhost:4000").unwrap(), options).unwrap();
    let refused = finish_authentication(&setup, &relayed).await;
    assert!(matches!(refused, Err(CoreError::PasskeyRefused)), "{refused:?}");

    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let mut tampered = device.do_authentication(origin(), options).unwrap();
    let mut client_data = tampered.response.client_data_json.to_vec();
    let last = client_data.len() - 2;
    client_data[last] ^= 1;
    tampered.response.client_data_json = client_data.into();
    let refused = finish_authentication(&setup, &tampered).await;
    assert!(matches!(refused, Err(CoreError::PasskeyRefused)), "{refused:?}");
}

#[tokio::test]
async fn a_counter_that_goes_backwards_is_refused_and_recorded() {
    let setup = setup().await;
    let mut device = authenticator();
    register(&setup, &mut device).await;
    use_passkey(&setup, &mut device).await.unwrap();
    // Another copy of the key signed meanwhile, further ahead.
    setup.db.execute_unprepared("UPDATE passkeys SET sign_count = 1000").await.unwrap();

    let cloned = use_passkey(&setup, &mut device).await;
    assert!(matches!(cloned, Err(CoreError::PasskeyCloned)), "{cloned:?}");
    // Suspended: no copy of it is asked for or accepted any more.
    let again = setup.passkeys.start_authentication(&setup.signed_in).await;
    assert!(matches!(again, Err(CoreError::PasskeyRefused)), "{again:?}");
    assert!(setup.passkeys.of_account(setup.signed_in.account.id).await.unwrap()[0].suspended);
    let sessions = crate::db::entities::session::Entity::find().all(&setup.db).await.unwrap();
    assert!(sessions.is_empty(), "every session ended: the copy may have signed one in");
    let emails = setup.scene.emails("ana@example.com").await;
    assert_eq!(emails, ["Customer Portal: A passkey of your account was refused"], "the customer is told");
    let activity = setup.scene.activity(setup.signed_in.account.id).await;
    assert_eq!(activity[0], "Passkey refused: it may have been copied");
}

#[tokio::test]
async fn a_registration_is_answered_once_and_names_are_checked() {
    let setup = setup().await;
    let mut device = authenticator();
    let options = setup.passkeys.start_registration(&setup.signed_in, confirmed(&setup).await).await.unwrap();
    let answer = device.do_registration(origin(), options).unwrap();
    let unnamed = finish_registration(&setup, ("  ", true), &answer).await;
    assert!(matches!(unnamed, Err(CoreError::InvalidInput(InvalidInput::PasskeyName))), "{unnamed:?}");
    finish_registration(&setup, ("Key", true), &answer).await.unwrap();
    let again = finish_registration(&setup, ("Key", true), &answer).await;
    assert!(matches!(again, Err(CoreError::PasskeyRefused)), "{again:?}");
}

#[tokio::test]
async fn an_account_holds_at_most_ten_passkeys() {
    let setup = setup().await;
    for n in 0..=MAX_PASSKEYS {
        let options = setup.passkeys.start_registration(&setup.signed_in, confirmed(&setup).await).await.unwrap();
        let answer = authenticator().do_registration(origin(), options).unwrap();
        match finish_registration(&setup, ("Key", true), &answer).await {
            Ok(_) => assert!(n < MAX_PASSKEYS),
            Err(CoreError::InvalidInput(InvalidInput::TooManyPasskeys)) => assert_eq!(n, MAX_PASSKEYS),
            Err(error) => panic!("{error:?}"),
        }
    }
    assert_eq!(setup.passkeys.of_account(setup.signed_in.account.id).await.unwrap().len() as u64, MAX_PASSKEYS);
}

#[tokio::test]
async fn a_passkey_alone_signs_in_its_account_once() {
    let setup = setup().await;
    let mut device = authenticator();
    let (_, id, handle) = register_discoverable(&setup, &mut device, true).await;
    let requester = Requester::default();
    let (visitor, options) = setup.passkeys.start_passwordless(None, &requester).await.unwrap();
    let answer = answer_discoverable(&mut device, options, &id, &handle);
    let account = setup.passkeys.finish_passwordless(&visitor, &answer, &requester).await.unwrap();
    assert_eq!(account.id, setup.signed_in.account.id);
    let replayed = setup.passkeys.finish_passwordless(&visitor, &answer, &requester).await;
    assert!(matches!(replayed, Err(CoreError::PasskeyRefused)), "{replayed:?}");

    // Not allowed to sign in alone: refused.
    let mut second_factor_only = authenticator();
    let (_, id, handle) = register_discoverable(&setup, &mut second_factor_only, false).await;
    let (visitor, options) = setup.passkeys.start_passwordless(Some(visitor), &requester).await.unwrap();
    let answer = answer_discoverable(&mut second_factor_only, options, &id, &handle);
    let refused = setup.passkeys.finish_passwordless(&visitor, &answer, &requester).await;
    assert!(matches!(refused, Err(CoreError::PasskeyRefused)), "{refused:?}");
}

#[tokio::test]
async fn a_network_starts_at_most_a_hundred_passwordless_sign_ins_an_hour() {
    let setup = setup().await;
    let stranger = Requester::new(Some("2001:db8::1".parse().unwrap()), None, Vec::new());
    for _ in 0..PASSWORDLESS_STARTS_PER_HOUR {
        setup.passkeys.start_passwordless(None, &stranger).await.unwrap();
    }
    // Another address of the same /64 counts with it.
    let same_network = Requester::new(Some("2001:db8::2".parse().unwrap()), None, Vec::new());
    let refused = setup.passkeys.start_passwordless(None, &same_network).await;
    let spent = matches!(refused, Err(CoreError::NetworkBudgetSpent { budget: Budget::PasswordlessStarts, .. }));
    assert!(spent, "{refused:?}");
    let ceremonies = crate::db::entities::webauthn_ceremony::Entity::find().count(&setup.db).await.unwrap();
    assert_eq!(ceremonies, u64::from(PASSWORDLESS_STARTS_PER_HOUR), "nothing stored for the refused one");
    let elsewhere = Requester::new(Some("192.0.2.1".parse().unwrap()), None, Vec::new());
    setup.passkeys.start_passwordless(None, &elsewhere).await.unwrap();
}
