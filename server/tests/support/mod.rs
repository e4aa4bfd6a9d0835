//! A real portal for each test: the production router on a loopback port, over a
//! fresh SQLite file or a fresh PostgreSQL schema, and an HTTP client that keeps
//! cookies in view so tests can check what a browser would be given.

#![allow(dead_code)]

pub mod browser;
pub mod logs;
pub mod passkeys;
pub mod password_reset;
pub mod sms;
pub mod smtp;
pub mod twilio;
pub mod two_factor;

use reqwest::StatusCode;
use std::net::SocketAddr;
use std::sync::Arc;

use portal_core::clock::{Clock, UnixTime};
use portal_core::network_budgets::NetworkLimits;
use portal_core::outbox::MailTransport;
use portal_core::outbox::SmsTransport;
use portal_core::secrets::MasterKey;
use portal_core::{KeySource, Portal};
use reqwest::header::{HeaderMap, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use sea_orm::ConnectionTrait as _;
use server::Config;
use smtp::SmtpServer;
use twilio::TwilioStandIn;

pub const PASSWORD: &str = "tangerine orchestra 42";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub config: Config,
    pub portal: Portal,
    /// The mail server the portal sends to (unless a test pointed it elsewhere).
    pub smtp: Arc<SmtpServer>,
    /// The SMS gateway the portal sends to.
    pub twilio: TwilioStandIn,
    /// The master key, as `SECRETS_MASTER_KEY` gives it to the support tool.
    pub master_key: String,
    client: reqwest::Client,
    _folder: Option<TempFolder>,
}

/// Runs each listed `async fn(TestApp)` once on SQLite and once on PostgreSQL.
/// PostgreSQL runs need `TEST_DATABASE_URL` (the README's test command sets it up).
#[macro_export]
macro_rules! on_each_database {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestApp::start($crate::support::Backend::Sqlite).await.unwrap()).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match $crate::support::TestApp::start($crate::support::Backend::Postgres).await {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("skipped: TEST_DATABASE_URL is not set"),
                    }
                }
            )+
        }
    };
}

/// Runs each listed `async fn(String)` once with the URL of a fresh SQLite file and
/// once with that of a fresh PostgreSQL schema, for tests of start-up itself.
#[macro_export]
macro_rules! on_each_database_url {
    ($($name:ident),+ $(,)?) => {
        mod sqlite_url {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (url, _folder) = $crate::support::fresh_sqlite_file();
                    super::$name(url).await
                }
            )+
        }
        mod postgres_url {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match $crate::support::fresh_postgres_schema().await {
                        Some(url) => super::$name(url).await,
                        None => eprintln!("skipped: TEST_DATABASE_URL is not set"),
                    }
                }
            )+
        }
    };
}

/// The URL of a SQLite file in a folder of its own, removed with the folder.
pub fn fresh_sqlite_file() -> (String, TempFolder) {
    let folder = TempFolder::new();
    (format!("sqlite://{}/portal.db?mode=rwc", folder.path().display()), folder)
}

impl TestApp {
    /// A running portal, or `None` for PostgreSQL when no server is configured.
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, |_| {}).await
    }

    /// Like [`start`](Self::start), with the configuration adjusted first.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let (database_url, folder) = match backend {
            Backend::Sqlite => {
                let (url, folder) = fresh_sqlite_file();
                (url, Some(folder))
            }
            Backend::Postgres => (fresh_postgres_schema().await?, None),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config::local(addr, database_url);
        // The portal's time stands still until a test moves it: an expiry or the
        // next authenticator step is a line of the test, never a wait.
        config.portal.clock = Clock::fixed(Clock::system().now());
        let master_key = random_master_key();
        config.portal.master_key = KeySource::Key(MasterKey::from_base64(&master_key).unwrap());
        let smtp = Arc::new(SmtpServer::start().await);
        config.portal.mail.transport = MailTransport::Smtp(smtp.url());
        let twilio = TwilioStandIn::start().await;
        config.portal.sms = SmsTransport::Twilio(twilio.config());
        // Every test's customers come from one loopback address, one network; the
        // tests of the networks' budgets set their own.
        config.portal.networks = NetworkLimits { registrations_per_hour: 1_000, password_checks_per_hour: 100_000 };
        adjust(&mut config);
        let (portal, client) = launch(listener, &config).await;
        Some(Self { addr, config, portal, smtp, twilio, master_key, client, _folder: folder })
    }

    /// The kind of database this portal runs on.
    pub fn backend(&self) -> Backend {
        if self.config.portal.database_url.starts_with("sqlite") { Backend::Sqlite } else { Backend::Postgres }
    }

    /// A second server on the same database, master key, mail server and SMS
    /// gateway, as behind a load balancer: sessions, codes and counters are shared
    /// through the database, and either server's outbox worker may send a message.
    pub async fn another_server(&self) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = self.config.clone();
        config.leptos.site_addr = addr;
        config.site_url = server::config::default_site_url(addr);
        let (portal, client) = launch(listener, &config).await;
        TestApp {
            addr,
            config,
            portal,
            smtp: self.smtp.clone(),
            twilio: self.twilio.clone(),
            master_key: self.master_key.clone(),
            client,
            _folder: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The status and body the server answers to `method target`, sent byte for byte
    /// as written (HTTP clients resolve `..` and `%2e` segments before sending).
    pub async fn raw_request(&self, method: &str, target: &str) -> (u16, String) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.addr
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line");
        (status, answer)
    }

    /// The origin the portal's own pages are served from, as browsers send it.
    pub fn origin(&self) -> String {
        self.config.site_url.origin().ascii_serialization()
    }

    /// A GET with the given session cookie, if any.
    pub async fn get(&self, path: &str, session: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(cookie) = session {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// A form POST as the portal's own pages send it: from its own origin.
    pub async fn post(&self, path: &str, form: &[(&str, &str)], session: Option<&str>) -> reqwest::Response {
        self.post_with_headers(path, form, session, &[]).await
    }

    /// Like [`post`](Self::post), from a browser that sends these extra headers
    /// (`User-Agent`, `X-Forwarded-For`, …).
    pub async fn post_with_headers(
        &self,
        path: &str,
        form: &[(&str, &str)],
        session: Option<&str>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).header(ORIGIN, self.origin()).form(form);
        for (name, value) in headers.iter().copied().chain(session.map(|cookie| ("cookie", cookie))) {
            request = request.header(name, value);
        }
        request.send().await.unwrap()
    }

    /// Registers an account; returns the session cookie (`name=value`) it was given.
    pub async fn register(&self, email: &str) -> String {
        let response =
            self.post("/api/register", &[("name", "Ana Lim"), ("email", email), ("password", PASSWORD)], None).await;
        assert_eq!(response.status(), StatusCode::OK, "register: {}", response.text().await.unwrap());
        session_cookie(response.headers()).expect("registration signs in")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/api/sign_in", &[("email", email), ("password", password)], None).await
    }

    /// The portal's time.
    pub fn now(&self) -> UnixTime {
        self.portal.clock.now()
    }

    /// Moves the portal's clock on by `by`.
    pub fn wait(&self, by: std::time::Duration) {
        self.portal.clock.advance(by);
    }

    /// Moves the portal's clock past the waits the failures so far have earned,
    /// as if everyone had waited.
    pub async fn let_the_delay_pass(&self) {
        use portal_core::db::entities::failure_count;
        use sea_orm::EntityTrait as _;
        let counts = failure_count::Entity::find().all(&self.portal.db).await.unwrap();
        let waits = counts
            .iter()
            .map(|count| count.last_failed_at + portal_core::throttle::delay_after(count.consecutive) - self.now());
        if let Some(wait) = waits.max().filter(|&wait| wait > 0) {
            self.wait(std::time::Duration::from_secs(wait.unsigned_abs()));
        }
    }

    /// The id of the account registered with `email`.
    pub async fn account_id(&self, email: &str) -> i32 {
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
        let user = portal_core::db::entities::user::Entity::find()
            .filter(portal_core::db::entities::user::Column::Email.eq(email))
            .one(&self.portal.db)
            .await
            .unwrap();
        user.expect("a registered email").id
    }

    /// The name of the account the cookie is signed in as, asked of the server.
    pub async fn signed_in_name(&self, session: &str) -> Option<String> {
        let response = self.post("/api/current_account", &[], Some(session)).await;
        assert_eq!(response.status(), StatusCode::OK);
        answer::<Option<app::functions::auth::AccountView>>(response).await.map(|account| account.name)
    }

    /// What the Account Security tab shows of two-factor authentication.
    pub async fn two_factor_status(&self, session: &str) -> app::functions::two_factor::TwoFactorState {
        answer(self.post("/api/two_factor_status", &[], Some(session)).await).await
    }

    /// The account's recent security activity, as its tab lists it.
    pub async fn security_activity(&self, session: &str) -> Vec<app::functions::account::ActivityView> {
        let page: app::functions::account::ActivityPageView =
            answer(self.post("/api/security_activity", &[], Some(session)).await).await;
        page.lines
    }

    /// The account's passkeys, as its tab lists them.
    pub async fn passkeys_list(&self, session: &str) -> Vec<app::functions::passkeys::PasskeyView> {
        answer(self.post("/api/passkeys_list", &[], Some(session)).await).await
    }

    /// What the code step of sign-in asks for, in the half-way session `awaiting`.
    pub async fn sign_in_challenge(&self, awaiting: &str) -> app::functions::auth::ChallengeView {
        answer(self.post("/api/sign_in_challenge", &[], Some(awaiting)).await).await
    }
}

/// A server function's answer, decoded into the app's own view type: what the
/// page would read.
pub async fn answer<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    let body = response.text().await.unwrap();
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("{error}: not the answer expected: {body}"))
}

/// The error a server function refused with, as the page reads it.
pub async fn refusal(response: reqwest::Response) -> app::error::AppError {
    assert!(!response.status().is_success(), "refused, not {}", response.status());
    answer(response).await
}

/// The `name=value` of the session cookie a response sets, unless it clears it.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    set_cookie_header(headers)
        .map(|header| header.split(';').next().unwrap().to_owned())
        .filter(|pair| !pair.ends_with('='))
}

/// The whole `Set-Cookie` header for the session cookie.
pub fn set_cookie_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|value| value.contains("portal_session="))
}

/// A schema of its own in the `TEST_DATABASE_URL` database, so tests running at the
/// same time never see each other's rows.
pub async fn fresh_postgres_schema() -> Option<String> {
    let base = std::env::var("TEST_DATABASE_URL").ok().filter(|url| !url.is_empty());
    // CI runs every test on PostgreSQL too: there, a missing database is a failure.
    assert!(base.is_some() || std::env::var_os("CI").is_none(), "CI needs TEST_DATABASE_URL for the PostgreSQL tests");
    let base = base?;
    let schema = format!("test_{}", random_suffix());
    let admin = sea_orm::Database::connect(&base).await.expect("TEST_DATABASE_URL must accept connections");
    admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.unwrap();
    admin.close().await.unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{separator}options=-c%20search_path%3D{schema}"))
}

/// Starts a portal configured by `config` on `listener`, with its workers, as the
/// server binary does; returns it and a client that does not follow redirects.
async fn launch(listener: tokio::net::TcpListener, config: &Config) -> (Portal, reqwest::Client) {
    let portal = Portal::start(&config.portal).await.unwrap();
    server::workers::spawn_all(&portal);
    let (router, limits) = (server::router(config, portal.clone()), config.connections);
    tokio::spawn(async move { server::serve(listener, router, limits, std::future::pending()).await.unwrap() });
    (portal, reqwest::Client::builder().redirect(Policy::none()).build().unwrap())
}

/// A fresh master key in base64.
fn random_master_key() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// What `probe` gives once `done` says so, asking every 50 ms for at most
/// `within`; what it last gave otherwise (for the test to assert on).
pub async fn eventually<T, F: Future<Output = T>>(
    within: std::time::Duration,
    mut probe: impl FnMut() -> F,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = std::time::Instant::now() + within;
    loop {
        let answer = probe().await;
        if done(&answer) || std::time::Instant::now() >= deadline {
            return answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A folder under the system's temp dir, removed when the test ends.
pub struct TempFolder(std::path::PathBuf);

impl TempFolder {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("portal-test-{}", random_suffix()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
