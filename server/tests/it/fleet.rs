//! Servers of a fleet starting together on one PostgreSQL database, and servers
//! that find the schema behind or ahead of them.

use crate::support;

use portal_core::secrets::MasterKey;
use portal_core::{KeySource, Portal, PortalConfig, StartError};
use sea_orm::{ConnectionTrait as _, TransactionTrait as _};
use support::fresh_postgres_schema;

/// The configuration of a server on `database_url` (mail and texts to a folder),
/// with the fleet's master key.
fn config(database_url: &str) -> PortalConfig {
    static FLEET_KEY: std::sync::OnceLock<MasterKey> = std::sync::OnceLock::new();
    let folder = std::env::temp_dir().join("portal-fleet-tests");
    PortalConfig {
        database_url: database_url.to_owned(),
        master_key: KeySource::Key(FLEET_KEY.get_or_init(MasterKey::generate).clone()),
        mail: portal_core::outbox::MailConfig {
            transport: portal_core::outbox::MailTransport::Files(folder.clone()),
            ..Default::default()
        },
        sms: portal_core::outbox::SmsTransport::LogFile(folder.join("sms.log")),
        ..PortalConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_servers_started_at_once_on_a_fresh_postgresql_database_all_come_up() {
    let Some(url) = fresh_postgres_schema().await else {
        return eprintln!("skipped: TEST_DATABASE_URL is not set");
    };
    let config = config(&url);
    let (first, second, third) = tokio::join!(Portal::start(&config), Portal::start(&config), Portal::start(&config));
    let portal = first.expect("the first server starts");
    second.expect("the second server starts");
    third.expect("the third server starts");

    let rows = portal
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            portal.db.get_database_backend(),
            "SELECT version, count(*) AS applied FROM seaql_migrations GROUP BY version",
        ))
        .await
        .unwrap();
    assert!(rows.len() >= 11, "every migration is recorded: {}", rows.len());
    for row in rows {
        let version: String = row.try_get("", "version").unwrap();
        assert_eq!(row.try_get::<i64>("", "applied").unwrap(), 1, "{version} applied once");
    }
}

/// A migration that would wait for a table lock (a long transaction of a running
/// server) gives up after `lock_timeout`, rather than make every query of the fleet
/// queue behind it; the server reports it and does not start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migration_blocked_by_a_long_transaction_gives_up_instead_of_stalling_the_fleet() {
    let Some(url) = fresh_postgres_schema().await else {
        return eprintln!("skipped: TEST_DATABASE_URL is not set");
    };
    let portal = Portal::start(&config(&url)).await.unwrap();
    // A schema one migration behind, and a transaction holding its table.
    portal.db.execute_unprepared("DROP TABLE master_key_check").await.unwrap();
    portal.db.execute_unprepared("DELETE FROM seaql_migrations WHERE version LIKE '%000012%'").await.unwrap();
    let long = portal.db.begin().await.unwrap();
    long.execute_unprepared("LOCK TABLE seaql_migrations IN ACCESS EXCLUSIVE MODE").await.unwrap();

    let waiting = std::time::Duration::from_secs(30);
    let blocked = tokio::time::timeout(waiting, portal_core::db::migrate(&portal.db)).await;
    let error = blocked.expect("gave up after lock_timeout").expect_err("no migration under another's lock");
    assert!(error.to_string().contains("lock timeout"), "{error}");

    long.rollback().await.unwrap();
    assert!(portal_core::db::migrate(&portal.db).await.unwrap().is_current(), "and migrates once it is free");
}

on_each_database_url!(
    a_server_told_not_to_migrate_refuses_an_old_schema,
    a_server_refuses_a_schema_newer_than_itself,
    a_server_with_another_master_key_refuses_to_start,
    a_database_from_before_the_check_takes_only_the_key_that_opens_its_secrets,
    a_key_is_not_recorded_on_accounts_until_something_sealed_shows_it_right,
);

async fn a_server_told_not_to_migrate_refuses_an_old_schema(url: String) {
    let refused = Portal::start(&PortalConfig { migrate_on_start: false, ..config(&url) }).await;
    match refused {
        Err(StartError::SchemaBehind(pending)) => assert!(pending.len() >= 11, "{pending:?}"),
        Err(error) => panic!("{error}"),
        Ok(_) => panic!("started on an empty schema"),
    }
    // `server migrate` does it; then the server starts without migrating.
    let db = portal_core::db::connect(&url).await.unwrap();
    assert!(portal_core::db::migrate(&db).await.unwrap().is_current());
    Portal::start(&PortalConfig { migrate_on_start: false, ..config(&url) }).await.unwrap();
}

async fn a_server_refuses_a_schema_newer_than_itself(url: String) {
    let portal = Portal::start(&config(&url)).await.unwrap();
    portal
        .db
        .execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000099_future', 0)")
        .await
        .unwrap();
    for migrate_on_start in [true, false] {
        let refused = Portal::start(&PortalConfig { migrate_on_start, ..config(&url) }).await;
        match refused {
            Err(StartError::SchemaAhead(unknown)) => assert_eq!(unknown, ["m20991231_000099_future"]),
            Err(error) => panic!("{error}"),
            Ok(_) => panic!("started on a schema it does not know"),
        }
    }
}

async fn a_server_with_another_master_key_refuses_to_start(url: String) {
    let portal = Portal::start(&config(&url)).await.unwrap();
    let account = register(&portal, "fleet@example.com").await;
    let signed_in = sign_in(&portal, &account).await;
    let sealed = portal.two_factor.begin_totp_setup(&signed_in).await.unwrap();

    // A replica that made a key of its own, or was given a mistyped one.
    let another_key = KeySource::Key(MasterKey::generate());
    match Portal::start(&PortalConfig { master_key: another_key, ..config(&url) }).await {
        Err(StartError::MasterKeyDiffers) => {}
        Err(error) => panic!("{error}"),
        Ok(_) => panic!("started with a key that opens none of the database's secrets"),
    }

    // The fleet's key still starts, and still opens what was sealed.
    let again = Portal::start(&config(&url)).await.unwrap();
    let reopened = again.two_factor.begin_totp_setup(&signed_in).await.unwrap();
    assert_eq!(reopened.setup_key, sealed.setup_key, "the waiting secret, unsealed by another server");
}

async fn a_database_from_before_the_check_takes_only_the_key_that_opens_its_secrets(url: String) {
    let portal = Portal::start(&config(&url)).await.unwrap();
    let (first, second) = (register(&portal, "ana@example.com").await, register(&portal, "bo@example.com").await);
    for account in [&first, &second] {
        turn_on_the_app(&portal, account).await;
    }
    // One row that no key opens (sealed for another account) does not decide.
    let damage = format!(
        "UPDATE two_factor SET sealed_secret = (SELECT sealed_secret FROM two_factor WHERE user_id = {}) \
         WHERE user_id = {}",
        second.id, first.id
    );
    portal.db.execute_unprepared(&damage).await.unwrap();
    // As it was before the check: secrets sealed, no digest recorded.
    portal.db.execute_unprepared("DELETE FROM master_key_check").await.unwrap();

    // The first server up after the upgrade has a key of its own: it must not
    // record it, and lock every rightly keyed server out.
    let another_key = KeySource::Key(MasterKey::generate());
    match Portal::start(&PortalConfig { master_key: another_key, ..config(&url) }).await {
        Err(StartError::MasterKeyDiffers) => {}
        Err(error) => panic!("{error}"),
        Ok(_) => panic!("recorded a key that opens none of the database's secrets"),
    }
    Portal::start(&config(&url)).await.expect("the key that sealed them");
}

async fn a_key_is_not_recorded_on_accounts_until_something_sealed_shows_it_right(url: String) {
    let portal = Portal::start(&config(&url)).await.unwrap();
    let account = register(&portal, "ana@example.com").await;
    // From before the check, with accounts but nothing sealed (passwords only).
    portal.db.execute_unprepared("DELETE FROM master_key_check").await.unwrap();

    // A replica that made a key file of its own cannot be told apart yet: it
    // starts, but its key is not recorded, so the fleet's key still starts.
    let another_key = KeySource::Key(MasterKey::generate());
    Portal::start(&PortalConfig { master_key: another_key.clone(), ..config(&url) }).await.expect("unchecked");
    assert!(!key_recorded(&portal).await);
    let fleet = Portal::start(&config(&url)).await.expect("the fleet's key, not locked out");
    assert!(!key_recorded(&portal).await);

    // Once a secret is sealed under the fleet's key, the next start records it.
    turn_on_the_app(&fleet, &account).await;
    Portal::start(&config(&url)).await.expect("opens what it sealed");
    assert!(key_recorded(&portal).await);
    match Portal::start(&PortalConfig { master_key: another_key, ..config(&url) }).await {
        Err(StartError::MasterKeyDiffers) => {}
        Err(error) => panic!("{error}"),
        Ok(_) => panic!("a key that opens none of the database's secrets"),
    }
}

async fn key_recorded(portal: &Portal) -> bool {
    use sea_orm::EntityTrait as _;
    let rows = portal_core::db::entities::master_key_check::Entity::find().all(&portal.db).await.unwrap();
    !rows.is_empty()
}

async fn register(portal: &Portal, email: &str) -> portal_core::vocabulary::Account {
    let password = portal_core::password::Password::new("tangerine orchestra 42".into());
    portal.accounts.register("Fleet", email, password, &Default::default()).await.unwrap()
}

/// A session of `account`'s.
async fn sign_in(portal: &Portal, account: &portal_core::vocabulary::Account) -> portal_core::sessions::SignedIn {
    let token = portal.sessions.start(account).await.unwrap();
    portal_core::sessions::SignedIn { token, account: account.clone() }
}

/// Turns the authenticator app on for `account`: its secret sealed in the database.
async fn turn_on_the_app(portal: &Portal, account: &portal_core::vocabulary::Account) {
    let signed_in = sign_in(portal, account).await;
    let setup = portal.two_factor.begin_totp_setup(&signed_in).await.unwrap();
    let secret = portal_core::totp::TotpSecret::from_base32(&setup.setup_key).unwrap();
    let code = secret.code_at(portal.clock.now());
    let requester = portal_core::requester::Requester::default();
    portal.two_factor.confirm_totp_setup(&signed_in, &code, &requester).await.unwrap();
}

on_each_database!(ready_once_the_database_answers_the_schema_is_current_and_the_outbox_runs);

/// Serves `router` on a loopback port of its own; returns its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::serve(listener, router, Default::default(), std::future::pending()));
    base
}

const FIVE_SECONDS: std::time::Duration = std::time::Duration::from_secs(5);
/// How long a stopping server may take to exit, on a slow machine; whether the
/// finish deadline was what ended it, its log says.
const EXIT_WITHIN: std::time::Duration = std::time::Duration::from_secs(15);
const THIRTY_SECONDS: std::time::Duration = std::time::Duration::from_secs(30);

async fn get(url: String) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn ready_once_the_database_answers_the_schema_is_current_and_the_outbox_runs(app: support::TestApp) {
    // Ready once the outbox worker began its first pass, moments after start.
    let ready = support::eventually(FIVE_SECONDS, || get(app.url("/readyz")), |(status, _)| *status == 200).await;
    assert_eq!(ready, (200, "ready\n".to_owned()));

    // A server told to stop says so first, while still alive and serving.
    let readiness = server::Readiness::default();
    let draining = serve(server::router_with(&app.config, app.portal.clone(), readiness.clone())).await;
    assert_eq!(get(format!("{draining}/readyz")).await.0, 200);
    readiness.drain();
    let (status, body) = get(format!("{draining}/readyz")).await;
    assert_eq!(status, 503);
    assert!(body.contains("draining"), "{body}");
    assert_eq!(get(format!("{draining}/healthz")).await.0, 200, "alive all the same");

    // A server whose outbox worker is not running.
    let idle = Portal::start(&app.config.portal).await.unwrap();
    let idle = serve(server::router(&app.config, idle)).await;
    let (status, body) = get(format!("{idle}/readyz")).await;
    assert_eq!(status, 503);
    assert!(body.contains("outbox"), "{body}");

    // A schema a newer server migrated, in a rolling deploy: this one serves on
    // until it is replaced (only starting on it is refused).
    app.portal
        .db
        .execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000099_future', 0)")
        .await
        .unwrap();
    assert_eq!(get(app.url("/readyz")).await.0, 200);
    // A schema behind this server (restored from a backup): not ready. The
    // database's answer holds for a second; the public answer names no migration.
    app.portal.db.execute_unprepared("DELETE FROM seaql_migrations WHERE version LIKE '%000011%'").await.unwrap();
    tokio::time::sleep(server::readiness::DATABASE_CHECK_HOLDS).await;
    let (status, body) = get(app.url("/readyz")).await;
    assert_eq!((status, body.as_str()), (503, "not ready\nschema: behind this server\n"));

    // A database that stopped answering: not ready, but alive, so a liveness probe
    // does not restart every server of the fleet at once.
    app.portal.db.close_by_ref().await.unwrap();
    tokio::time::sleep(server::readiness::DATABASE_CHECK_HOLDS).await;
    let (status, body) = get(app.url("/readyz")).await;
    assert_eq!(status, 503);
    assert!(body.contains("database"), "{body}");
    assert_eq!(get(app.url("/healthz")).await, (200, "alive\n".to_owned()));
}

/// The server binary itself, as an orchestrator stops it: SIGTERM turns `/readyz`
/// to 503 while pages are still served, then the server exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_the_server_says_not_ready_serves_on_for_the_drain_then_exits() {
    let server = ServerProcess::start(&[("SHUTDOWN_DRAIN_SECONDS", "2")]).await;
    server.terminate();
    let said_so = |(status, _): &(u16, String)| *status == 503;
    let draining = support::eventually(FIVE_SECONDS, || get(server.url("/readyz")), said_so).await;
    assert_eq!(draining.0, 503, "{draining:?}");
    assert!(draining.1.contains("draining"), "{draining:?}");
    assert_eq!(get(server.url("/login")).await.0, 200, "still serving while the load balancer moves on");

    // Within the drain and a little: no request was in flight, so the deadline for
    // those (10 s) must not be what ended it.
    let url = server.url("/healthz");
    let log = server.exit_within(EXIT_WITHIN).await;
    assert!(!log.contains("cut off"), "{log}");
    assert!(reqwest::get(url).await.is_err(), "no longer listening");
}

/// A request that never finishes (its body never comes) does not keep a stopping
/// server from exiting: after `SHUTDOWN_FINISH_SECONDS` it goes, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_never_finishes_is_cut_off_after_the_finish_deadline() {
    use tokio::io::AsyncWriteExt as _;

    // A drain first, while the server still serves: the request's head is read.
    let server = ServerProcess::start(&[("SHUTDOWN_DRAIN_SECONDS", "1"), ("SHUTDOWN_FINISH_SECONDS", "1")]).await;
    let mut stuck = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let head = "POST /api/sign_in HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 100\r\n\r\nemail=ana";
    stuck.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    server.terminate();
    let log = server.exit_within(EXIT_WITHIN).await;
    assert!(log.contains("requests still in flight were cut off"), "{log}");
}

/// The server binary on a loopback port of its own, over a fresh SQLite file.
struct ServerProcess {
    process: tokio::process::Child,
    port: u16,
    _folder: support::TempFolder,
}

impl ServerProcess {
    /// Starts it with `settings` on top of the usual ones; returns once it is ready.
    async fn start(settings: &[(&str, &str)]) -> Self {
        portal_core::install_tls_provider();
        let (database_url, folder) = support::fresh_sqlite_file();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let process = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .env("LEPTOS_OUTPUT_NAME", "portal")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &database_url)
            .env("MASTER_KEY_FILE", folder.path().join("master.key"))
            .env("OUTBOX_DIR", folder.path().join("outbox"))
            .env("SMS_LOG_FILE", folder.path().join("sms.log"))
            // Little enough in the pipe, read only at exit, that it never fills.
            .env("RUST_LOG", "info")
            .env_remove("LOG_FORMAT")
            .envs(settings.iter().copied())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let server = Self { process, port, _folder: folder };
        let readiness = || async { reqwest::get(server.url("/readyz")).await.map(|response| response.status()) };
        let ready = support::eventually(THIRTY_SECONDS, readiness, |ready| ready.as_ref().is_ok_and(|s| *s == 200));
        assert_eq!(ready.await.unwrap(), 200, "ready within 30 s");
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends SIGTERM, as an orchestrator stopping it does.
    fn terminate(&self) {
        let pid = self.process.id().unwrap().to_string();
        assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    }

    /// Waits for a clean exit within `within`; returns what it logged.
    async fn exit_within(self, within: std::time::Duration) -> String {
        let output = tokio::time::timeout(within, self.process.wait_with_output()).await;
        let output = output.expect("exited in time").unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}
