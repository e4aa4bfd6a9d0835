//! The services of the core bundled with the database they share: what the app's
//! server functions and the server's wiring hold on to.

use std::path::PathBuf;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::CoreError;
use crate::accounts::Accounts;
use crate::clock::Clock;
use crate::db;
use crate::devices::Devices;
use crate::network_budgets::{NetworkBudgets, NetworkLimits};
use crate::outbox::{MailConfig, Mailer, Outbox, SmsTransport};
use crate::passkeys::{PasskeyConfig, Passkeys};
use crate::password::{HashingLimits, PasswordHasher};
use crate::password_reset::PasswordResets;
use crate::secrets::{KeyError, MasterKey};
use crate::security_events::SecurityEvents;
use crate::sessions::{SessionPolicy, Sessions};
use crate::sign_ins::SignIns;
use crate::step_up::StepUp;
use crate::store::{Store, Words};
use crate::support_desk::SupportDesk;
use crate::throttle::{Rule, Throttle};
use crate::two_factor::{Checks, SmsLimits, TwoFactor};
use crate::waiting_resets::WaitingResets;

/// Where the master key that seals secrets comes from.
#[derive(Clone, Debug)]
pub enum KeySource {
    Key(MasterKey),
    /// A key file, created on first run with mode 0600.
    File(PathBuf),
}

impl KeySource {
    fn load(&self) -> Result<MasterKey, KeyError> {
        match self {
            Self::Key(key) => Ok(key.clone()),
            Self::File(path) => MasterKey::load_or_create(path),
        }
    }
}

/// How the core is set up. Everything has a default; the server fills it from the
/// environment.
#[derive(Clone, Debug)]
pub struct PortalConfig {
    pub database_url: String,
    pub session: SessionPolicy,
    /// How many passwords may be hashed at once in each lane (each Argon2 hash
    /// holds 19 MiB, so this bounds memory when many sign in together), and how
    /// many strangers may wait.
    pub hashing: HashingLimits,
    /// What each network may spend in an hour.
    pub networks: NetworkLimits,
    pub master_key: KeySource,
    /// The issuer name authenticator apps show.
    pub totp_issuer: String,
    pub mail: MailConfig,
    pub sms: SmsTransport,
    /// What texts may cost: an hourly ceiling and the countries they go to.
    pub sms_limits: SmsLimits,
    /// Security events older than this are purged.
    pub security_events_retention: Duration,
    /// How long a reset of two-factor authentication waits before it is done,
    /// for the customer to cancel it (`SUPPORT_RESET_WAIT_MINUTES`).
    pub reset_wait: Duration,
    /// The address customers use, e.g. `https://portal.example.com`: where the
    /// links in emails point.
    pub site_url: String,
    /// Where passkeys belong: the relying party and the origin.
    pub passkeys: PasskeyConfig,
    /// Bring the schema up to date at start (`MIGRATE_ON_START`), or refuse to
    /// start on one that is not (`server migrate` does it in a deploy pipeline).
    pub migrate_on_start: bool,
    /// Where the portal reads the time: the system's, or a test's.
    pub clock: Clock,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            database_url: db::DEFAULT_URL.to_owned(),
            session: SessionPolicy { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 60 * 60) },
            hashing: HashingLimits {
                concurrency: std::thread::available_parallelism().map_or(2, usize::from),
                untrusted_waiting: 64,
            },
            networks: NetworkLimits::default(),
            master_key: KeySource::File(PathBuf::from("data/master.key")),
            totp_issuer: "Customer Portal".to_owned(),
            mail: MailConfig::default(),
            sms: SmsTransport::default(),
            sms_limits: SmsLimits::default(),
            security_events_retention: Duration::from_secs(365 * 24 * 60 * 60),
            reset_wait: Duration::from_secs(72 * 60 * 60),
            site_url: "http://127.0.0.1:3000".to_owned(),
            passkeys: PasskeyConfig::for_site(&url::Url::parse("http://127.0.0.1:3000").expect("a URL"), None, None)
                .expect("the default site has a host"),
            migrate_on_start: true,
            clock: Clock::system(),
        }
    }
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("master key: {0}")]
    MasterKey(#[from] KeyError),
    #[error("mail: {0}")]
    Mail(String),
    #[error("SMS: {0}")]
    Sms(String),
    #[error("passkeys: {0}")]
    Passkeys(String),
    #[error(
        "the database schema has migrations this server does not know ({}): a newer server migrated it; run that \
         version",
        .0.join(", ")
    )]
    SchemaAhead(Vec<String>),
    #[error(
        "the database schema is behind this server (pending: {}): run `server migrate`, or start with \
         MIGRATE_ON_START=true",
        .0.join(", ")
    )]
    SchemaBehind(Vec<String>),
    #[error(
        "the master key is not the one this database's secrets are sealed with: every server of one database \
         needs the same SECRETS_MASTER_KEY (or MASTER_KEY_FILE)"
    )]
    MasterKeyDiffers,
    #[error(transparent)]
    Core(#[from] CoreError),
}

/// The core's services, cheap to clone.
#[derive(Clone)]
pub struct Portal {
    pub db: DatabaseConnection,
    /// The time every service reads.
    pub clock: Clock,
    /// Where the services read and write; changes begin there.
    pub store: Store,
    pub accounts: Accounts,
    pub sessions: Sessions,
    /// Signing browsers in, and out of "Where you're signed in".
    pub sign_ins: SignIns,
    pub step_up: StepUp,
    pub two_factor: TwoFactor,
    pub outbox: Outbox,
    /// Signs and checks the device cookies the throttles recognise browsers by.
    pub devices: Devices,
    /// Each account's security activity.
    pub events: SecurityEvents,
    /// What the support tool may do.
    pub support_desk: SupportDesk,
    /// "Forgot your password?".
    pub password_resets: PasswordResets,
    /// Passkeys (WebAuthn).
    pub passkeys: Passkeys,
    /// What each network spent of its hourly budgets.
    pub budgets: NetworkBudgets,
    /// Resets of two-factor authentication that wait for the customer to cancel them.
    pub waiting_resets: WaitingResets,
}

/// One TLS crypto provider for the whole process (ring, which lettre uses too), so
/// that any rustls client built later finds it. A second call finds it set.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Portal {
    /// Connects to the database, brings its schema up to date and builds the services.
    pub async fn start(config: &PortalConfig) -> Result<Self, StartError> {
        install_tls_provider();
        let key = config.master_key.load()?;
        let mailer = Mailer::new(&config.mail).map_err(StartError::Mail)?;
        let sms = config.sms.gateway().map_err(StartError::Sms)?;
        let db = db::connect(&config.database_url).await?;
        let schema = match config.migrate_on_start {
            true => db::migrate(&db).await?,
            false => db::schema::state(&db).await?,
        };
        if !schema.unknown.is_empty() {
            return Err(StartError::SchemaAhead(schema.unknown));
        }
        if !schema.pending.is_empty() {
            return Err(StartError::SchemaBehind(schema.pending));
        }
        let clock = config.clock.clone();
        if !db::key_check::is_the_databases(&db, &key, clock.now()).await? {
            return Err(StartError::MasterKeyDiffers);
        }

        let outbox = Outbox::new(db.clone(), clock.clone(), mailer, sms, key.clone());
        let words = Words { support: config.mail.support_contact.clone(), issuer: config.totp_issuer.clone() };
        let store = Store::new(db.clone(), clock.clone(), outbox.clone(), key.clone(), words);
        let throttle = |rule| Throttle::new(store.clone(), rule);
        let devices = Devices::new(key.clone(), clock.clone());
        let hasher = PasswordHasher::new(config.hashing);
        let budgets = NetworkBudgets::new(store.clone(), config.networks);
        let password_throttles = [throttle(Rule::SIGN_IN), throttle(Rule::PASSWORD_CHANGE)];
        let accounts = Accounts::new(store.clone(), hasher, devices.clone(), budgets.clone(), password_throttles);
        accounts.warm_up().await?;
        let sessions = Sessions::new(db.clone(), clock.clone(), config.session);
        let sign_ins = SignIns::new(store.clone(), sessions.clone(), devices.clone());
        let step_up = StepUp::new(accounts.clone(), sessions.clone(), devices.clone(), throttle(Rule::STEP_UP));
        let passkeys = Passkeys::new(store.clone(), key.clone(), budgets.clone(), &config.passkeys)
            .map_err(StartError::Passkeys)?;
        let checks = Checks {
            codes: throttle(Rule::CODE),
            devices: devices.clone(),
            sign_ins: sign_ins.clone(),
            passkeys: passkeys.clone(),
        };
        let two_factor = TwoFactor::new(store.clone(), key.clone(), checks, config.sms_limits.clone());
        let events = SecurityEvents::new(db.clone(), clock.clone(), config.security_events_retention);
        let password_resets = PasswordResets::new(
            store.clone(),
            (accounts.clone(), budgets.clone(), two_factor.clone()),
            key,
            &config.site_url,
        );
        let waiting_resets = WaitingResets::new(store.clone(), config.reset_wait, &config.site_url);
        let support_desk = SupportDesk::new(
            store.clone(),
            sessions.clone(),
            (two_factor.clone(), waiting_resets.clone()),
            events.clone(),
            vec![throttle(Rule::SIGN_IN), throttle(Rule::CODE), throttle(Rule::STEP_UP)],
        );
        Ok(Self {
            clock,
            store,
            accounts,
            sessions,
            sign_ins,
            step_up,
            two_factor,
            outbox,
            devices,
            events,
            support_desk,
            password_resets,
            passkeys,
            budgets,
            waiting_resets,
            db,
        })
    }
}
