//! Twilio's Programmable Messaging REST API: a form POST to
//! `{api_base}/2010-04-01/Accounts/{account_sid}/Messages.json` with basic auth.
//! Any answer but 2xx, and any timeout, is an error the outbox retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Sending, SmsGateway};

/// Twilio's own address; tests point `api_base` at a local server.
pub const TWILIO_API_BASE: &str = "https://api.twilio.com";
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error answer is kept for the operator.
const ERROR_EXCERPT: usize = 300;

#[derive(Clone)]
pub struct TwilioConfig {
    pub api_base: String,
    pub account_sid: String,
    pub auth_token: String,
    /// The sender: a Twilio number in E.164, or an alphanumeric sender id.
    pub from: String,
}

impl fmt::Debug for TwilioConfig {
    /// Without the auth token.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("TwilioConfig")
            .field("api_base", &self.api_base)
            .field("account_sid", &self.account_sid)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

pub struct TwilioGateway {
    client: reqwest::Client,
    messages_url: String,
    config: TwilioConfig,
}

impl TwilioGateway {
    pub fn new(config: TwilioConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config()?)
            .timeout(TIMEOUT)
            .build()
            .map_err(|error| format!("SMS client: {error}"))?;
        let messages_url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            config.api_base.trim_end_matches('/'),
            config.account_sid
        );
        Ok(Self { client, messages_url, config })
    }
}

impl SmsGateway for TwilioGateway {
    fn send<'a>(&'a self, to: &'a str, body: &'a str) -> Sending<'a> {
        Box::pin(async move {
            let response = self
                .client
                .post(&self.messages_url)
                .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
                .form(&[("To", to), ("From", self.config.from.as_str()), ("Body", body)])
                .send()
                .await
                .map_err(|error| format!("Twilio: {error}"))?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            let answer = response.text().await.unwrap_or_default();
            let excerpt: String = answer.chars().take(ERROR_EXCERPT).collect();
            Err(format!("Twilio answered {status}: {}", crate::outbox::redact::without_numbers(&excerpt)))
        })
    }
}

/// TLS with the ring provider lettre already uses and Mozilla's root certificates,
/// so the server needs neither a second crypto library nor the system's store.
fn tls_config() -> Result<rustls::ClientConfig, String> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS: {error}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auth_token_never_reaches_the_logs() {
        let config = TwilioConfig {
            api_base: TWILIO_API_BASE.into(),
            account_sid: "AC123".into(),
            auth_token: "very-secret".into(),
            from: "+15005550006".into(),
        };
        let printed = format!("{config:?}");
        assert!(printed.contains("AC123") && !printed.contains("very-secret"), "{printed}");
    }
}
