//! Sending an email: over SMTP when `SMTP_URL` is set, else as `.eml` files in a
//! folder (the embedded default, for development).

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::db::entities::outbox_message;

const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone, Debug)]
pub enum MailTransport {
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…`, as lettre reads it.
    Smtp(String),
    /// Each message becomes `<id>.eml` in this folder.
    Files(PathBuf),
}

#[derive(Clone, Debug)]
pub struct MailConfig {
    /// The sender, e.g. `Customer Portal <no-reply@portal.example.com>`.
    pub from: String,
    pub transport: MailTransport,
    /// Who to contact when a change was not the customer's doing, named in every notice.
    pub support_contact: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            from: "Customer Portal <no-reply@localhost>".into(),
            transport: MailTransport::Files(PathBuf::from("data/outbox")),
            support_contact: "our support team".into(),
        }
    }
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Self, String> {
        let from = config.from.parse::<Mailbox>().map_err(|error| format!("MAIL_FROM {:?}: {error}", config.from))?;
        let transport = match &config.transport {
            MailTransport::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| format!("SMTP_URL: {error}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            MailTransport::Files(folder) => {
                std::fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
                Transport::Files(AsyncFileTransport::new(folder))
            }
        };
        Ok(Self { from, transport })
    }

    /// Sends one stored message; the error is kept with it for the operator.
    pub async fn send(&self, message: &outbox_message::Model) -> Result<(), String> {
        let to = message.recipient.parse::<Mailbox>().map_err(|error| format!("recipient: {error}"))?;
        let text = message.body_text.clone();
        let body = match &message.body_html {
            Some(html) => MultiPart::alternative_plain_html(text, html.clone()),
            None => MultiPart::alternative_plain_html(text.clone(), text),
        };
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .multipart(body)
            .map_err(|error| error.to_string())?;
        let sent = match &self.transport {
            Transport::Smtp(smtp) => smtp.send(email).await.map(drop).map_err(|error| error.to_string()),
            Transport::Files(files) => files.send(email).await.map(drop).map_err(|error| error.to_string()),
        };
        sent.map_err(|error| super::redact::without_addresses(&error, &message.recipient))
    }
}
