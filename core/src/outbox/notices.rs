//! The emails that tell a customer about a change to their account's security:
//! what happened, with which method, when (UTC), and what to do if it was not them.

use super::Email;
use crate::accounts::Account;
use crate::clock::{self, UnixTime};
use crate::two_factor::Method;

const PRODUCT: &str = "Customer Portal";

/// Two-factor authentication was turned on.
pub fn two_factor_enabled(account: &Account, method: Method, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "Two-factor authentication is on for your account",
        &[
            format!(
                "Two-factor authentication was turned on for your {PRODUCT} account ({}) on {}.",
                account.email,
                clock::format_utc(at)
            ),
            format!("Your account's security method is now {}.", method.described()),
            format!(
                "From now on, every sign-in asks for the six-digit code from {}. Keep it at hand.",
                method.code_source()
            ),
        ],
        support,
    )
}

/// Two-factor authentication was turned off.
pub fn two_factor_disabled(account: &Account, method: Method, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "Two-factor authentication is off for your account",
        &[
            format!(
                "Two-factor authentication ({}) was turned off for your {PRODUCT} account ({}) on {}.",
                method.described(),
                account.email,
                clock::format_utc(at)
            ),
            "Sign-ins now ask for your password only. You can set up two-factor authentication again \
             under My Account, Account Security."
                .into(),
        ],
        support,
    )
}

/// Too many wrong codes in a row: the code step of sign-in is locked.
pub fn code_step_locked(account: &Account, failures: i32, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "Sign-in to your account is locked",
        &[
            format!(
                "After {failures} wrong verification codes in a row, the code step of sign-in to your {PRODUCT} \
                 account ({}) was locked on {}.",
                account.email,
                clock::format_utc(at)
            ),
            format!("To unlock it, contact {support}."),
        ],
        support,
    )
}

fn notice(account: &Account, subject: &str, paragraphs: &[String], support: &str) -> Email {
    let warning = format!(
        "If this wasn't you, someone may know your password: contact {support} right away and change your password."
    );
    let greeting = format!("Hello {},", account.name);
    let signature = format!("The {PRODUCT} team");
    let mut text = format!("{greeting}\n\n");
    let mut html = format!("<p>{}</p>", escape(&greeting));
    for paragraph in paragraphs.iter().chain([&warning]) {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    text.push_str(&format!("-- \n{signature}\n"));
    html.push_str(&format!("<p>{}</p>", escape(&signature)));
    Email { to: account.email.clone(), subject: format!("{PRODUCT}: {subject}"), text, html }
}

/// Text made safe for HTML: customers choose their own names.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> Account {
        Account { id: 1, name: "Ana <b>Lim</b>".into(), email: "ana@example.com".into() }
    }

    #[test]
    fn the_enabled_notice_names_event_method_time_and_what_to_do() {
        let email = two_factor_enabled(&account(), Method::AuthenticatorApp, 1_795_336_200, "support@example.com");
        assert_eq!(email.to, "ana@example.com");
        assert!(email.subject.contains("Two-factor authentication is on"));
        for part in [
            "turned on",
            "TOTP (Authenticator App)",
            "2026-11-22 08:30 UTC",
            "If this wasn't you",
            "support@example.com",
        ] {
            assert!(email.text.contains(part), "{part} missing from the text");
            assert!(email.html.contains(part), "{part} missing from the HTML");
        }
    }

    #[test]
    fn names_are_escaped_in_html() {
        let email = two_factor_disabled(&account(), Method::AuthenticatorApp, 0, "support");
        assert!(email.html.contains("Ana &lt;b&gt;Lim&lt;/b&gt;"));
        assert!(!email.html.contains("<b>"));
    }
}
