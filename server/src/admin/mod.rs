//! `server admin …`: the support desk's tool. It opens the database with the
//! server's own configuration, acts through the core's
//! [`portal_core::support_desk::SupportDesk`] and tries to
//! send the customer's email at once (any running server's outbox retries it).

mod args;
mod report;

use std::process::ExitCode;

use portal_core::Portal;
use portal_core::clock::format_utc;
use portal_core::security_events::ActivityCursor;
use portal_core::support_desk::SupportError;

pub use self::args::{Acting, Admin, Command, HELP, UsageError};
use crate::Config;

/// Runs `admin` and prints what happened; the exit status says whether it did.
pub async fn run(admin: Admin) -> ExitCode {
    match act(admin).await {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(refused) => {
            eprintln!("error: {refused}");
            ExitCode::FAILURE
        }
    }
}

async fn act(admin: Admin) -> Result<String, String> {
    let config = Config::from_env().map_err(|error| error.to_string())?;
    let portal = Portal::start(&config.portal).await.map_err(|error| format!("cannot open the database: {error}"))?;
    let desk = &portal.support_desk;
    let customer = admin.email().trim().to_lowercase();
    let done = match admin {
        Admin::Show { email, before } => {
            let before = match before.as_deref().map(ActivityCursor::parse) {
                None => None,
                Some(Some(cursor)) => Some(cursor),
                Some(None) => return Err("--before takes the CURSOR a page of events names".to_owned()),
            };
            let found = desk.show(&email, before).await.map_err(text)?;
            return Ok(report::render(&found));
        }
        Admin::Unlock { email, by } => {
            let cleared = desk.unlock(&email, &recorded(&by)).await.map_err(text)?;
            format!("Unlocked {email}: {cleared} lock(s) and count(s) cleared.")
        }
        Admin::ResetTwoFactor { email, by, at_once: None } => {
            let waiting = desk.schedule_reset(&email, &by.reason, &by.operator).await.map_err(text)?;
            format!(
                "A reset of two-factor authentication for {email} waits until {}. The customer is told by email \
                 (and by text, with SMS on), with a link that cancels it; signing in with the second factor \
                 cancels it too. Until then nothing changes.",
                format_utc(waiting.due_at)
            )
        }
        Admin::ResetTwoFactor { email, by, at_once: Some(approver) } => {
            let reason = format!("{}, at once, approved by {approver}", recorded(&by));
            let ended = desk.reset_two_factor(&email, &reason).await.map_err(text)?;
            format!(
                "Two-factor authentication is off for {email}; its recovery codes are spent and {ended} session(s) \
                 ended. The customer signs in with their password and sets it up again."
            )
        }
        Admin::SignOut { email, by } => {
            let ended = desk.sign_out(&email, &recorded(&by)).await.map_err(text)?;
            format!("Signed {email} out everywhere: {ended} session(s) ended.")
        }
    };
    Ok(format!("{done}\n{}", send_now(&portal, &customer).await))
}

/// The reason as recorded and quoted to the customer: with who acted.
fn recorded(by: &Acting) -> String {
    format!("{} (operator {})", by.reason, by.operator)
}

/// Tries to deliver the email to `customer` before exiting.
async fn send_now(portal: &Portal, customer: &str) -> &'static str {
    if let Err(error) = portal.outbox.deliver_due().await {
        tracing::warn!(%error, "cannot deliver the outbox now");
    }
    match portal.outbox.waiting_for(customer).await {
        Ok(0) => "The customer was emailed.",
        _ => "The customer's email is queued; a running server will send it.",
    }
}

fn text(error: SupportError) -> String {
    error.to_string()
}
