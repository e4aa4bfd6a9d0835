//! Sending a text message. One trait, [`SmsGateway`], with two transports chosen by
//! configuration: Twilio's Programmable Messaging API, or (the embedded default, for
//! development) a log file a developer reads the codes from.

mod log_file;
mod twilio;

pub use log_file::LogFileGateway;
pub use twilio::{TWILIO_API_BASE, TwilioConfig, TwilioGateway};

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

/// What [`SmsGateway::send`] returns: done, or why not (kept with the message, which
/// the outbox then retries).
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Something that delivers a text `body` to the E.164 number `to`.
pub trait SmsGateway: Send + Sync {
    fn send<'a>(&'a self, to: &'a str, body: &'a str) -> Sending<'a>;
}

/// Which gateway to use.
#[derive(Clone, Debug)]
pub enum SmsTransport {
    Twilio(TwilioConfig),
    /// Each message is logged and appended to this file.
    LogFile(PathBuf),
}

impl Default for SmsTransport {
    fn default() -> Self {
        Self::LogFile(PathBuf::from("data/sms.log"))
    }
}

impl SmsTransport {
    /// The gateway for this configuration.
    pub fn gateway(&self) -> Result<Arc<dyn SmsGateway>, String> {
        Ok(match self {
            Self::Twilio(config) => Arc::new(TwilioGateway::new(config.clone())?),
            Self::LogFile(path) => Arc::new(LogFileGateway::new(path.clone())?),
        })
    }
}
