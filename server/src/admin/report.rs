//! `admin show`, as the support desk reads it.

use std::fmt::Write as _;

use portal_core::clock::{format_utc, format_utc_range};
use portal_core::support_desk::{AccountReport, FactorState};
use portal_core::throttle::FailureCount;
use portal_core::vocabulary::RequestedBy;

/// The report as lines of text.
pub fn render(report: &AccountReport) -> String {
    let mut out = String::new();
    let account = &report.account;
    let _ = writeln!(out, "Account      {} (id {}), {:?}", account.email, account.id, account.name);
    let _ = writeln!(out, "Created      {}", format_utc(report.created_at));
    let factor = match &report.factor {
        FactorState::Off => "off".to_owned(),
        FactorState::On { method, masked_phone: Some(phone) } => format!("on: {} to {phone}", method.described()),
        FactorState::On { method, masked_phone: None } => format!("on: {}", method.described()),
        FactorState::Unreadable => "STORED BUT UNREADABLE: sign-in refuses; reset-two-factor clears it".to_owned(),
    };
    let _ = writeln!(out, "Two-factor   {factor}");
    if report.factor != FactorState::Off {
        let _ = writeln!(out, "Recovery     {} codes left", report.recovery_codes_left);
    }
    if let Some(waiting) = &report.waiting_reset {
        let by = match &waiting.requested_by {
            RequestedBy::Customer => "the customer".to_owned(),
            RequestedBy::Support { agent } => format!("support ({agent})"),
            RequestedBy::Operator { name } => format!("an operator ({name})"),
        };
        let (asked, due) = (format_utc(waiting.requested_at), format_utc(waiting.due_at));
        let _ = writeln!(out, "Reset        WAITS: 2FA goes {due} unless cancelled (asked {asked} by {by})");
    }
    if report.failure_counts.is_empty() {
        let _ = writeln!(out, "Failures     none, no locks");
    }
    for count in &report.failure_counts {
        let _ = writeln!(out, "Failures     {}", failure_line(count));
    }
    let (halfway, signed_in): (Vec<_>, Vec<_>) = report.sessions.iter().partition(|session| session.awaiting_code);
    let _ = writeln!(out, "Sessions     {} signed in, {} waiting for a code", signed_in.len(), halfway.len());
    for session in signed_in {
        let _ = writeln!(
            out,
            "             started {}, last seen {}",
            format_utc(session.started_at),
            format_utc(session.last_seen_at)
        );
    }
    let events = &report.events;
    let _ = writeln!(
        out,
        "Events       {} lines, newest first (the failures of one kind between two other events are one line)",
        events.entries.len()
    );
    for event in &events.entries {
        let ip = event.ip.as_deref().unwrap_or("-");
        let when = format_utc_range(event.since, event.at);
        let _ = writeln!(out, "  {when}  {}  [{}, {ip}]", event.in_words(), event.browser);
    }
    if let Some(more) = events.more {
        // Only the cursor: an email may hold `$(…)`, and this line is for pasting.
        let _ = writeln!(out, "More         add --before {} for the next lines", more.to_text());
    }
    out
}

/// "code step, browsers the account does not know: 20 in a row, LOCKED since …".
fn failure_line(count: &FailureCount) -> String {
    let (what, who) = (count.scope.in_words(), count.subject.in_words());
    let lock = match count.locked_at {
        Some(at) => format!(", LOCKED since {}", format_utc(at)),
        None => String::new(),
    };
    format!("{what}, {who}: {} wrong in a row, last {}{lock}", count.consecutive, format_utc(count.last_failed_at))
}
