//! The server's log lines: readable text by default, or one JSON object a line
//! (`LOG_FORMAT=json`) for a log pipeline, each with the fields of the request it
//! belongs to (its id, route, and account id once known). Secrets are never
//! logged: the request's query is left out (reset links), and nothing logs a
//! password, code, token or phone number (`server/tests/logs.rs` looks).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// `LOG_FORMAT`: `json`, or text when unset; anything else is refused.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("LOG_FORMAT").ok().as_deref().map(str::trim) {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(format!("LOG_FORMAT must be text or json, not {other:?}")),
        }
    }
}

/// Installs the process's logger: `filter` as `RUST_LOG` says (or
/// `default_level`), written to `writer` in `format`.
pub fn init<W>(format: LogFormat, default_level: &str, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt().with_writer(writer).with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
}
