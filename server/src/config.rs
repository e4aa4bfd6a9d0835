//! Configuration from environment variables, each with a default that serves the
//! portal locally on SQLite. The README lists them all.

use std::net::SocketAddr;
use std::time::Duration;

use app::ssr::ClientFiles;
use leptos::config::LeptosOptions;
use portal_core::network_budgets::NetworkLimits;
use portal_core::outbox::sms::{TWILIO_API_BASE, TwilioConfig};
use portal_core::outbox::{MailConfig, MailTransport, SmsTransport};
use portal_core::passkeys::PasskeyConfig;
use portal_core::password::HashingLimits;
use portal_core::phone::SmsCountries;
use portal_core::secrets::MasterKey;
use portal_core::sessions::SessionPolicy;
use portal_core::two_factor::SmsLimits;
use portal_core::{KeySource, PortalConfig};
use url::Url;

pub use crate::layers::client_ip::TrustedProxies;
pub use crate::serve::ConnectionLimits;

/// What the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    pub leptos: LeptosOptions,
    pub portal: PortalConfig,
    /// The address customers use, e.g. `https://portal.example.com`. Decides the
    /// session cookie's `Secure` flag and which `Origin` may call server functions.
    pub site_url: Url,
    /// Proxies whose `X-Forwarded-For` names the client in security events.
    pub trusted_proxies: TrustedProxies,
    /// Run by `cargo leptos watch` (`LEPTOS_WATCH`): its reload socket is allowed,
    /// and the client's file names, which it changes as it rebuilds, are looked up
    /// for each page.
    pub watching: bool,
    /// On SIGTERM, how long `/readyz` says "not ready" while requests are still
    /// served, so the load balancer stops sending them before the server stops
    /// (`SHUTDOWN_DRAIN_SECONDS`; Ctrl-C stops at once).
    pub shutdown_drain: Duration,
    /// Then, how long the requests in flight may take to finish before the server
    /// exits all the same (`SHUTDOWN_FINISH_SECONDS`): a request stuck on a
    /// database that stopped answering must not hold it until the orchestrator kills.
    pub shutdown_finish: Duration,
    /// Where `/metrics` is served (`METRICS_ADDR`), apart from the customers' port.
    pub metrics_addr: Option<SocketAddr>,
    /// What one slow, silent or greedy client may cost (`HEADER_READ_TIMEOUT_SECONDS`,
    /// `BODY_READ_TIMEOUT_SECONDS`, `IDLE_TIMEOUT_SECONDS`, `MAX_CONNECTIONS`).
    pub connections: ConnectionLimits,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {problem}")]
    Invalid { name: &'static str, problem: String },
    #[error("Leptos settings: {0}")]
    Leptos(String),
}

impl Config {
    /// Reads the configuration from the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut leptos = leptos::config::get_configuration(None)
            .map_err(|error| ConfigError::Leptos(error.to_string()))?
            .leptos_options;
        // Built without cargo-leptos (plain `cargo test`), the name is unset.
        if leptos.output_name.is_empty() {
            leptos.output_name = "portal".into();
        }
        // cargo-leptos tells the server it runs about hashed file names; started on
        // its own (`scripts/serve.sh`), the server finds the list beside itself.
        leptos.hash_files |= ClientFiles::hash_list_path(&leptos.hash_file).is_some_and(|path| path.is_file());
        let site_url = match var("SITE_URL") {
            Some(text) => parse_site_url(&text)?,
            None => default_site_url(leptos.site_addr),
        };
        let defaults = PortalConfig::default();
        let portal = PortalConfig {
            database_url: var("DATABASE_URL").unwrap_or(defaults.database_url),
            session: SessionPolicy {
                idle: minutes("SESSION_IDLE_MINUTES")?.unwrap_or(defaults.session.idle),
                absolute: minutes("SESSION_ABSOLUTE_MINUTES")?.unwrap_or(defaults.session.absolute),
            },
            hashing: HashingLimits {
                concurrency: number("PASSWORD_HASH_CONCURRENCY")?.unwrap_or(defaults.hashing.concurrency),
                untrusted_waiting: number("PASSWORD_HASH_QUEUE")?.unwrap_or(defaults.hashing.untrusted_waiting),
            },
            networks: NetworkLimits {
                registrations_per_hour: count("REGISTRATIONS_PER_NETWORK_HOUR")?
                    .unwrap_or(defaults.networks.registrations_per_hour),
                password_checks_per_hour: count("PASSWORD_CHECKS_PER_NETWORK_HOUR")?
                    .unwrap_or(defaults.networks.password_checks_per_hour),
            },
            master_key: master_key()?.unwrap_or(defaults.master_key),
            totp_issuer: var("TOTP_ISSUER").unwrap_or(defaults.totp_issuer),
            mail: MailConfig {
                from: var("MAIL_FROM").unwrap_or(defaults.mail.from),
                transport: match var("SMTP_URL") {
                    Some(url) => MailTransport::Smtp(url),
                    None => var("OUTBOX_DIR").map_or(defaults.mail.transport, |dir| MailTransport::Files(dir.into())),
                },
                support_contact: var("SUPPORT_CONTACT").unwrap_or(defaults.mail.support_contact),
            },
            sms: sms_transport()?.unwrap_or(defaults.sms),
            sms_limits: SmsLimits {
                texts_per_hour: count("SMS_PER_HOUR")?.unwrap_or(defaults.sms_limits.texts_per_hour),
                countries: match var("SMS_COUNTRIES") {
                    Some(text) => SmsCountries::parse(&text)
                        .map_err(|problem| ConfigError::Invalid { name: "SMS_COUNTRIES", problem })?,
                    None => defaults.sms_limits.countries,
                },
            },
            security_events_retention: days("SECURITY_EVENTS_RETENTION_DAYS")?
                .unwrap_or(defaults.security_events_retention),
            reset_wait: minutes("SUPPORT_RESET_WAIT_MINUTES")?.unwrap_or(defaults.reset_wait),
            site_url: site_url.to_string(),
            passkeys: PasskeyConfig::for_site(&site_url, var("WEBAUTHN_RP_ID"), var("WEBAUTHN_RP_NAME"))
                .map_err(|problem| ConfigError::Invalid { name: "SITE_URL", problem })?,
            migrate_on_start: flag("MIGRATE_ON_START")?.unwrap_or(defaults.migrate_on_start),
            clock: defaults.clock,
        };
        let trusted_proxies = match var("TRUSTED_PROXIES") {
            Some(text) => TrustedProxies::parse(&text)
                .map_err(|problem| ConfigError::Invalid { name: "TRUSTED_PROXIES", problem })?,
            None => TrustedProxies::default(),
        };
        let watching = std::env::var_os("LEPTOS_WATCH").is_some();
        let shutdown_drain = seconds("SHUTDOWN_DRAIN_SECONDS")?.unwrap_or(DEFAULT_SHUTDOWN_DRAIN);
        let shutdown_finish = seconds("SHUTDOWN_FINISH_SECONDS")?.unwrap_or(DEFAULT_SHUTDOWN_FINISH);
        let metrics_addr = match var("METRICS_ADDR") {
            Some(text) => Some(text.trim().parse().map_err(|_| ConfigError::Invalid {
                name: "METRICS_ADDR",
                problem: format!("expected an address and port such as 127.0.0.1:9100, got {text:?}"),
            })?),
            None => None,
        };
        let defaults = ConnectionLimits::default();
        let connections = ConnectionLimits {
            header_read: positive_seconds("HEADER_READ_TIMEOUT_SECONDS")?.unwrap_or(defaults.header_read),
            body_read: positive_seconds("BODY_READ_TIMEOUT_SECONDS")?.unwrap_or(defaults.body_read),
            idle: positive_seconds("IDLE_TIMEOUT_SECONDS")?.unwrap_or(defaults.idle),
            max_connections: number("MAX_CONNECTIONS")?.unwrap_or(defaults.max_connections),
        };
        Ok(Self {
            leptos,
            portal,
            site_url,
            trusted_proxies,
            watching,
            shutdown_drain,
            shutdown_finish,
            metrics_addr,
            connections,
        })
    }

    /// A portal on `addr` over `database_url` with a fresh master key and mail written
    /// to a temporary folder: what tests and benchmarks run. Nothing goes to `./data`.
    pub fn local(addr: SocketAddr, database_url: String) -> Self {
        let mail = MailConfig {
            transport: MailTransport::Files(std::env::temp_dir().join("portal-outbox")),
            ..MailConfig::default()
        };
        let sms = SmsTransport::LogFile(std::env::temp_dir().join("portal-outbox/sms.log"));
        Self {
            leptos: LeptosOptions::builder().output_name("portal").site_addr(addr).build(),
            portal: PortalConfig {
                database_url,
                master_key: KeySource::Key(MasterKey::generate()),
                mail,
                sms,
                site_url: default_site_url(addr).to_string(),
                passkeys: PasskeyConfig::for_site(&default_site_url(addr), None, None)
                    .expect("a socket address has a host"),
                ..PortalConfig::default()
            },
            site_url: default_site_url(addr),
            trusted_proxies: TrustedProxies::default(),
            watching: false,
            shutdown_drain: DEFAULT_SHUTDOWN_DRAIN,
            shutdown_finish: DEFAULT_SHUTDOWN_FINISH,
            metrics_addr: None,
            connections: ConnectionLimits::default(),
        }
    }

    /// Whether customers reach the portal over https.
    pub fn is_https(&self) -> bool {
        self.site_url.scheme() == "https"
    }
}

pub fn default_site_url(addr: SocketAddr) -> Url {
    Url::parse(&format!("http://{addr}")).expect("a socket address makes a valid URL")
}

fn parse_site_url(text: &str) -> Result<Url, ConfigError> {
    let invalid = |problem: &str| ConfigError::Invalid { name: "SITE_URL", problem: problem.to_owned() };
    let url = Url::parse(text).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid("use an http:// or https:// address, like https://portal.example.com"));
    }
    Ok(url)
}

/// `SECRETS_MASTER_KEY` (base64) if set, else `MASTER_KEY_FILE` if set.
fn master_key() -> Result<Option<KeySource>, ConfigError> {
    if let Some(text) = var("SECRETS_MASTER_KEY") {
        let key = MasterKey::from_base64(&text)
            .map_err(|error| ConfigError::Invalid { name: "SECRETS_MASTER_KEY", problem: error.to_string() })?;
        return Ok(Some(KeySource::Key(key)));
    }
    Ok(var("MASTER_KEY_FILE").map(|path| KeySource::File(path.into())))
}

/// Twilio when `TWILIO_ACCOUNT_SID` is set (then its token and sender must be too),
/// else `SMS_LOG_FILE` if set.
fn sms_transport() -> Result<Option<SmsTransport>, ConfigError> {
    let Some(account_sid) = var("TWILIO_ACCOUNT_SID") else {
        return Ok(var("SMS_LOG_FILE").map(|path| SmsTransport::LogFile(path.into())));
    };
    let required = |name: &'static str| {
        var(name).ok_or(ConfigError::Invalid { name, problem: "required when TWILIO_ACCOUNT_SID is set".into() })
    };
    let api_base = var("TWILIO_API_BASE").unwrap_or_else(|| TWILIO_API_BASE.to_owned());
    if !api_base.starts_with("https://") && !api_base.starts_with("http://") {
        let problem = format!("expected an http(s):// address, got {api_base:?}");
        return Err(ConfigError::Invalid { name: "TWILIO_API_BASE", problem });
    }
    Ok(Some(SmsTransport::Twilio(TwilioConfig {
        api_base,
        account_sid,
        auth_token: required("TWILIO_AUTH_TOKEN")?,
        from: required("TWILIO_FROM")?,
    })))
}

/// Long enough for a load balancer checking every few seconds to see it.
const DEFAULT_SHUTDOWN_DRAIN: Duration = Duration::from_secs(5);
/// Well inside the 30 s orchestrators give between SIGTERM and SIGKILL, after the drain.
const DEFAULT_SHUTDOWN_FINISH: Duration = Duration::from_secs(10);

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

fn number(name: &'static str) -> Result<Option<usize>, ConfigError> {
    var(name)
        .map(|text| match text.trim().parse::<usize>() {
            Ok(value) if value > 0 => Ok(value),
            _ => Err(ConfigError::Invalid { name, problem: format!("expected a positive whole number, got {text:?}") }),
        })
        .transpose()
}

/// A positive whole number as a database counts it.
fn count(name: &'static str) -> Result<Option<u32>, ConfigError> {
    number(name)?
        .map(|value| {
            u32::try_from(value).map_err(|_| ConfigError::Invalid { name, problem: format!("{value} is too large") })
        })
        .transpose()
}

fn flag(name: &'static str) -> Result<Option<bool>, ConfigError> {
    var(name)
        .map(|text| match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(ConfigError::Invalid { name, problem: format!("expected true or false, got {text:?}") }),
        })
        .transpose()
}

fn days(name: &'static str) -> Result<Option<Duration>, ConfigError> {
    Ok(number(name)?.map(|days| Duration::from_secs(days as u64 * 24 * 60 * 60)))
}

/// A whole number of seconds, zero included.
fn seconds(name: &'static str) -> Result<Option<Duration>, ConfigError> {
    var(name)
        .map(|text| {
            let problem = || format!("expected a whole number of seconds, got {text:?}");
            text.trim().parse().map(Duration::from_secs).map_err(|_| ConfigError::Invalid { name, problem: problem() })
        })
        .transpose()
}

/// A whole number of seconds, at least one.
fn positive_seconds(name: &'static str) -> Result<Option<Duration>, ConfigError> {
    Ok(number(name)?.map(|seconds| Duration::from_secs(seconds as u64)))
}

fn minutes(name: &'static str) -> Result<Option<Duration>, ConfigError> {
    Ok(number(name)?.map(|minutes| Duration::from_secs((minutes as u64).saturating_mul(60))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_urls_must_be_web_addresses() {
        assert!(parse_site_url("https://portal.example.com").is_ok());
        assert!(parse_site_url("ftp://portal.example.com").is_err());
        assert!(parse_site_url("portal.example.com").is_err());
    }

    #[test]
    fn the_default_site_is_the_listening_address() {
        let url = default_site_url("127.0.0.1:3000".parse().unwrap());
        assert_eq!(url.as_str(), "http://127.0.0.1:3000/");
    }
}
