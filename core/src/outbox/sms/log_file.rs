//! The development gateway: no phone receives anything; each message is appended
//! to a file, one line each, where a developer (or a browser test) reads the code.
//! The log only says a message was written: logs travel further than a file.

use std::path::PathBuf;

use tokio::io::AsyncWriteExt as _;

use super::{Sending, SmsGateway};
use crate::clock;

pub struct LogFileGateway {
    path: PathBuf,
}

impl LogFileGateway {
    pub fn new(path: PathBuf) -> Result<Self, String> {
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| format!("{}: {error}", parent.display()))?;
        }
        tracing::warn!(file = %path.display(), "SMS go to this file, not to phones (set TWILIO_ACCOUNT_SID to send them)");
        Ok(Self { path })
    }
}

impl SmsGateway for LogFileGateway {
    fn send<'a>(&'a self, to: &'a str, body: &'a str) -> Sending<'a> {
        Box::pin(async move {
            tracing::info!(file = %self.path.display(), "SMS written to the file (development gateway)");
            let line = format!("{} to {to}: {}\n", clock::format_utc(clock::system_now()), body.replace('\n', " "));
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .await
                .map_err(|error| format!("{}: {error}", self.path.display()))?;
            file.write_all(line.as_bytes()).await.map_err(|error| format!("{}: {error}", self.path.display()))
        })
    }
}
