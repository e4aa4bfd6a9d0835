//! Passkeys against webauthn-authenticator-rs' software passkey, which answers as
//! a browser and an authenticator would for the origin it is given.

use sea_orm::{ConnectionTrait as _, DatabaseConnection};
use url::Url;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use super::*;
use crate::sessions::{SessionPolicy, Sessions};

const SITE: &str = "http://127.0.0.1:3000";
const ORIGIN: &str = "http://localhost:3000";

struct Setup {
    passkeys: Passkeys,
    sessions: Sessions,
    signed_in: SignedIn,
    db: DatabaseConnection,
}

async fn setup() -> Setup {
    let db = crate::db::for_tests().await;
    let account = crate::accounts::insert_for_tests(&db, "ana@example.com").await;
    let key = MasterKey::generate();
    let notice = crate::new_sign_in::NewSignInNotice::new(crate::devices::Devices::new(key.clone()), "support".into());
    let policy =
        SessionPolicy { idle: std::time::Duration::from_secs(1800), absolute: std::time::Duration::from_secs(3600) };
    let sessions = Sessions::new(db.clone(), policy, notice);
    let token = sessions.start(&account).await.unwrap();
    let config = PasskeyConfig::for_site(&Url::parse(SITE).unwrap(), None, None).unwrap();
    let passkeys = Passkeys::new(key.clone(), &config, outbox(&db, key), "support".into()).unwrap();
    Setup { passkeys, sessions, signed_in: SignedIn { token, account }, db }
}

/// An outbox that stores and never sends: no worker runs in these tests.
fn outbox(db: &DatabaseConnection, key: MasterKey) -> crate::outbox::Outbox {
    use crate::outbox::{MailConfig, MailTransport, Mailer, SmsTransport};
    let folder = std::env::temp_dir().join("portal-passkey-tests");
    let mail = MailConfig { transport: MailTransport::Files(folder.clone()), ..MailConfig::default() };
    let sms = SmsTransport::LogFile(folder.join("sms.log")).gateway().unwrap();
    crate::outbox::Outbox::new(db.clone(), Mailer::new(&mail).unwrap(), sms, key)
}

fn authenticator() -> WebauthnAuthenticator<SoftPasskey> {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
}

async fn register(setup: &Setup, device: &mut WebauthnAuthenticator<SoftPasskey>) -> PasskeyListing {
    let options = setup.passkeys.start_registration(&setup.signed_in).await.unwrap();
    let answer = device.do_registration(origin(), options).unwrap();
    let requester = Requester::default();
    setup
        .passkeys
        .finish_registration(&setup.signed_in, " MacBook Touch ID ", false, &answer, &requester)
        .await
        .unwrap()
        .passkey
}

async fn use_passkey(setup: &Setup, device: &mut WebauthnAuthenticator<SoftPasskey>) -> Result<(), CoreError> {
    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let answer = device.do_authentication(origin(), options).unwrap();
    setup.passkeys.finish_authentication(&setup.signed_in, &answer, &Requester::default()).await
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
    let requester = Requester::default();
    setup.passkeys.finish_authentication(&setup.signed_in, &answer, &requester).await.unwrap();
    let replayed = setup.passkeys.finish_authentication(&setup.signed_in, &answer, &requester).await;
    assert!(matches!(replayed, Err(CoreError::PasskeyRefused)), "{replayed:?}");
}

#[tokio::test]
async fn a_challenge_expires_after_five_minutes() {
    let setup = setup().await;
    let mut device = authenticator();
    register(&setup, &mut device).await;
    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let answer = device.do_authentication(origin(), options).unwrap();
    let expired = clock::now() - 1;
    setup.db.execute_unprepared(&format!("UPDATE webauthn_ceremonies SET expires_at = {expired}")).await.unwrap();
    let late = setup.passkeys.finish_authentication(&setup.signed_in, &answer, &Requester::default()).await;
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
    let refused = setup.passkeys.finish_authentication(&setup.signed_in, &relayed, &Requester::default()).await;
    assert!(matches!(refused, Err(CoreError::PasskeyRefused)), "{refused:?}");

    let options = setup.passkeys.start_authentication(&setup.signed_in).await.unwrap();
    let mut tampered = device.do_authentication(origin(), options).unwrap();
    let mut client_data = tampered.response.client_data_json.to_vec();
    let last = client_data.len() - 2;
    client_data[last] ^= 1;
    tampered.response.client_data_json = client_data.into();
    let refused = setup.passkeys.finish_authentication(&setup.signed_in, &tampered, &Requester::default()).await;
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
    let events = SecurityEvents::new(setup.db.clone(), std::time::Duration::from_secs(3600));
    let recent = events.recent(setup.signed_in.account.id).await.unwrap();
    assert!(recent.iter().any(|event| event.in_words() == "Passkey refused: it may have been copied"));
}

#[tokio::test]
async fn a_registration_is_answered_once_and_names_are_checked() {
    let setup = setup().await;
    let mut device = authenticator();
    let options = setup.passkeys.start_registration(&setup.signed_in).await.unwrap();
    let answer = device.do_registration(origin(), options).unwrap();
    let requester = Requester::default();
    let unnamed = setup.passkeys.finish_registration(&setup.signed_in, "  ", false, &answer, &requester).await;
    assert!(matches!(unnamed, Err(CoreError::InvalidInput(InvalidInput::PasskeyName))), "{unnamed:?}");
    setup.passkeys.finish_registration(&setup.signed_in, "Key", true, &answer, &requester).await.unwrap();
    let again = setup.passkeys.finish_registration(&setup.signed_in, "Key", true, &answer, &requester).await;
    assert!(matches!(again, Err(CoreError::PasskeyRefused)), "{again:?}");
}

#[tokio::test]
async fn adding_a_passkey_ends_the_other_sessions_and_is_emailed() {
    use sea_orm::{EntityTrait as _, PaginatorTrait as _};
    let setup = setup().await;
    let other = setup.sessions.start(&setup.signed_in.account).await.unwrap();
    let options = setup.passkeys.start_registration(&setup.signed_in).await.unwrap();
    let answer = authenticator().do_registration(origin(), options).unwrap();
    let requester = Requester::default();
    let added = setup.passkeys.finish_registration(&setup.signed_in, "Key", false, &answer, &requester).await.unwrap();

    assert_eq!(added.sessions_ended, 1);
    assert!(setup.sessions.resolve(&other).await.unwrap().is_none(), "a stolen session cannot keep up");
    assert_eq!(setup.sessions.resolve(&setup.signed_in.token).await.unwrap(), Some(added.account));
    let emails = crate::db::entities::outbox_message::Entity::find().count(&setup.db).await.unwrap();
    assert_eq!(emails, 1);
}

#[tokio::test]
async fn an_account_holds_at_most_ten_passkeys() {
    let setup = setup().await;
    let mut signed_in = setup.signed_in.clone();
    let requester = Requester::default();
    for n in 0..=MAX_PASSKEYS {
        let options = setup.passkeys.start_registration(&signed_in).await.unwrap();
        let answer = authenticator().do_registration(origin(), options).unwrap();
        let added = setup.passkeys.finish_registration(&signed_in, "Key", false, &answer, &requester).await;
        match added {
            Ok(added) => signed_in.account = added.account,
            Err(CoreError::InvalidInput(InvalidInput::TooManyPasskeys)) => assert_eq!(n, MAX_PASSKEYS),
            Err(error) => panic!("{error:?}"),
        }
    }
    assert_eq!(setup.passkeys.of_account(signed_in.account.id).await.unwrap().len() as u64, MAX_PASSKEYS);
}
