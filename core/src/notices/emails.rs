//! The emails that tell a customer about a change to their account's security:
//! what happened, with which method, when (UTC), and what to do if it was not them.

use crate::clock::{self, UnixTime};
use crate::outbox::Email;
use crate::requester::Requester;
use crate::vocabulary::{Account, Asked, Guess, Method, RequestedBy};

const PRODUCT: &str = "Customer Portal";
/// Every change of a second factor, or of the password, ends the account's other sessions.
const OTHERS_SIGNED_OUT: &str =
    "For your security, every other device or browser signed in to your account has been signed out.";

/// Two-factor authentication was turned on with `method`, or switched to it from
/// `previous`. Either way the email states the method it has been updated to, in
/// the words of seed 003.
/// `passkeys_kept`: the account keeps passkeys beside its new method, which the
/// email says, since they sign in too.
pub(super) fn two_factor_enabled(
    account: &Account,
    method: Method,
    previous: Option<Method>,
    passkeys_kept: bool,
    at: UnixTime,
    support: &str,
) -> Email {
    let when = clock::format_utc(at);
    let (subject, what) = match previous {
        None => (
            "Two-factor authentication is on for your account",
            format!(
                "Two-factor authentication was turned on for your {PRODUCT} account ({}) on {when}.",
                account.email
            ),
        ),
        Some(previous) => (
            "Your account's security method has been updated",
            format!(
                "The two-factor authentication of your {PRODUCT} account ({}) was switched from {} to {} on {when}.",
                account.email,
                previous.described(),
                method.described()
            ),
        ),
    };
    let mut asks = format!("From now on, every sign-in asks for {}. Keep it at hand.", method.asked_at_sign_in());
    if passkeys_kept {
        asks.push_str(" Your passkeys still work in its place.");
    }
    notice(
        account,
        subject,
        &[
            what,
            format!("Your account's security method has been updated to {}.", method.described()),
            asks,
            OTHERS_SIGNED_OUT.into(),
        ],
        support,
    )
}

/// Two-factor authentication was turned off.
pub(super) fn two_factor_disabled(account: &Account, method: Method, at: UnixTime, support: &str) -> Email {
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
            OTHERS_SIGNED_OUT.into(),
        ],
        support,
    )
}

/// Too many wrong guesses in a row: codes lock the code step of sign-in (for
/// browsers the account does not know, or for one browser it does), step-up
/// passwords lock security changes. The email says which was wrong.
pub(super) fn locked(
    account: &Account,
    guess: Guess,
    locked_for: LockedFor,
    failures: i32,
    at: UnixTime,
    support: &str,
) -> Email {
    let when = clock::format_utc(at);
    let (subject, what, still_works) = match (guess, locked_for) {
        (Guess::Code, LockedFor::PasswordResets) => (
            "Resetting your password is locked",
            format!(
                "the code step of \"Forgot your password?\" for your {PRODUCT} account ({}) was locked on {when}",
                account.email
            ),
            "Signing in works as before. Whoever tried had a link we emailed you: make sure nobody else can read \
             your email.",
        ),
        (Guess::Code, LockedFor::UnknownBrowsers) => (
            "Sign-in to your account is locked",
            format!("the code step of sign-in to your {PRODUCT} account ({}) was locked on {when}", account.email),
            "Browsers you have signed in with before can still sign in.",
        ),
        (Guess::Code, LockedFor::OneKnownBrowser) => (
            "Sign-in from one of your browsers is locked",
            format!(
                "the code step of sign-in to your {PRODUCT} account ({}) was locked on {when} for one browser you \
                 had signed in with before",
                account.email
            ),
            "Your other browsers can still sign in.",
        ),
        (Guess::Password, _) => (
            "Security changes to your account are locked",
            format!(
                "security changes to your {PRODUCT} account ({}), such as turning two-factor authentication off, \
                 were locked on {when}",
                account.email
            ),
            "You can still sign in and use the portal.",
        ),
    };
    let typed = match guess {
        Guess::Code => "typed at sign-in or in a setup".to_owned(),
        Guess::Password => "typed to confirm a security change".to_owned(),
    };
    notice(
        account,
        subject,
        &[
            format!("After {failures} wrong {} in a row, {typed}, {what}.", guess.plural()),
            still_works.into(),
            format!("To unlock it, contact {support}."),
        ],
        support,
    )
}

/// Whose guesses a lock stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockedFor {
    /// Every browser the account does not know.
    UnknownBrowsers,
    /// One browser the account knows.
    OneKnownBrowser,
    /// Codes given to reset the password, from browsers the account does not know.
    PasswordResets,
}

/// A recovery code stood in for the second factor's code, where it was `asked`.
pub(super) fn recovery_code_used(account: &Account, left: u64, asked: Asked, at: UnixTime, support: &str) -> Email {
    let (subject, what) = match asked {
        Asked::SignIn => ("A recovery code was used to sign in", "to sign in to"),
        Asked::PasswordReset => ("A recovery code was used to reset your password", "to reset the password of"),
    };
    let left_words = match left {
        0 => "You have no recovery codes left: generate new ones under My Account, Account Security.".to_owned(),
        1 => "You have 1 recovery code left.".to_owned(),
        n if crate::recovery_codes::running_low(n) => {
            format!(
                "You have {n} recovery codes left: consider generating new ones under My Account, Account Security."
            )
        }
        n => format!("You have {n} recovery codes left."),
    };
    notice(
        account,
        subject,
        &[
            format!(
                "A recovery code was used {what} your {PRODUCT} account ({}) on {}. Each code works once.",
                account.email,
                clock::format_utc(at)
            ),
            left_words,
            "If you lost the device your codes come from, set up two-factor authentication again under My \
             Account, Account Security."
                .into(),
        ],
        support,
    )
}

/// The account was signed in from a browser it does not know.
pub(super) fn new_sign_in(account: &Account, requester: &Requester, at: UnixTime, support: &str) -> Email {
    let address = requester.ip.map_or_else(|| "an unknown address".to_owned(), |ip| ip.to_string());
    notice(
        account,
        "New sign-in to your account",
        &[
            format!(
                "Your {PRODUCT} account ({}) was signed in to from a browser it had not seen before, on {}.",
                account.email,
                clock::format_utc(at)
            ),
            format!("Browser: {}. Address: {address}.", requester.browser),
            "If this was you, there is nothing to do: signing in from this browser again will not send this \
             email."
                .into(),
        ],
        support,
    )
}

/// The customer changed their password, signed in.
pub(super) fn password_changed(account: &Account, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "Your password was changed",
        &[
            format!(
                "The password of your {PRODUCT} account ({}) was changed on {}.",
                account.email,
                clock::format_utc(at)
            ),
            OTHERS_SIGNED_OUT.into(),
        ],
        support,
    )
}

/// The link that lets the customer choose a new password, asked for on the sign-in
/// page's "Forgot your password?". Its own warning: a stranger may have typed the
/// customer's address, which changes nothing.
pub(super) fn password_reset_link(account: &Account, link: &str, valid_minutes: i64, at: UnixTime) -> Email {
    let paragraphs = [
        format!(
            "Someone, hopefully you, asked on {} to reset the password of your {PRODUCT} account ({}).",
            clock::format_utc(at),
            account.email
        ),
        format!("To choose a new password, open this link within {valid_minutes} minutes. It works once:"),
        link.to_owned(),
    ];
    let warning = "If you did not ask, you can ignore this email: your password stays as it is, and nobody can \
                   use the link without access to your email.";
    compose(account, "Reset your password", &paragraphs, warning, Some(link))
}

/// The password was reset through an emailed link. Its own warning: whoever did
/// it could read the customer's email.
pub(super) fn password_reset(account: &Account, requester: &Requester, at: UnixTime, support: &str) -> Email {
    let address = requester.ip.map_or_else(|| "an unknown address".to_owned(), |ip| ip.to_string());
    let warning = format!(
        "If this wasn't you, someone can read your email: secure your email account first, then use \"Forgot \
         your password?\" again and contact {support} right away."
    );
    compose(
        account,
        "Your password was reset",
        &[
            format!(
                "The password of your {PRODUCT} account ({}) was reset with a link we emailed, on {}.",
                account.email,
                clock::format_utc(at)
            ),
            format!("Browser: {}. Address: {address}.", requester.browser),
            "For your security, every device and browser signed in to your account has been signed out.".into(),
        ],
        &warning,
        None,
    )
}

/// A passkey was added to the account, beside its method.
pub(super) fn passkey_added(account: &Account, name: &str, passwordless: bool, at: UnixTime, support: &str) -> Email {
    let mut paragraphs = vec![format!(
        "A passkey named \"{name}\" was added to your {PRODUCT} account ({}) on {}. It can now be used where your \
         account asks for a second factor.",
        account.email,
        clock::format_utc(at)
    )];
    if passwordless {
        paragraphs.push(SIGNS_IN_ALONE.into());
    }
    paragraphs.push(OTHERS_SIGNED_OUT.into());
    notice(account, "A passkey was added to your account", &paragraphs, support)
}

/// What a passkey allowed to sign in alone adds to the emails about it.
const SIGNS_IN_ALONE: &str =
    "It can also sign in to your account on its own, without your password (\"Sign in with a passkey\").";

/// A copy of a passkey showed up (its signature counter went backwards): it is
/// suspended, and every session ended.
pub(super) fn passkey_suspended(account: &Account, name: &str, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "A passkey of your account was refused",
        &[
            format!(
                "Your passkey \"{name}\" was used to sign in to your {PRODUCT} account ({}) on {}, but the way it \
                 counts its uses shows that a copy of it exists. We no longer accept it, and every browser signed in \
                 to your account has been signed out.",
                account.email,
                clock::format_utc(at)
            ),
            "Remove it from your account and add it again, or use another method. If you did not make a copy of it, \
             change your password."
                .into(),
        ],
        support,
    )
}

/// A passkey was removed; the account keeps its second factor.
pub(super) fn passkey_removed(account: &Account, name: &str, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "A passkey was removed from your account",
        &[
            format!(
                "The passkey named \"{name}\" was removed from your {PRODUCT} account ({}) on {}. It no longer signs \
                 in to your account.",
                account.email,
                clock::format_utc(at)
            ),
            OTHERS_SIGNED_OUT.into(),
        ],
        support,
    )
}

/// A new set of recovery codes replaced the old one.
pub(super) fn recovery_codes_regenerated(account: &Account, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "New recovery codes were generated",
        &[
            format!(
                "New recovery codes were generated for your {PRODUCT} account ({}) on {}.",
                account.email,
                clock::format_utc(at)
            ),
            "The codes you had before no longer work. Keep the new ones somewhere safe.".into(),
        ],
        support,
    )
}

/// What the support desk did to an account, at the customer's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupportAction {
    Unlocked,
    TwoFactorReset,
    SignedOut,
}

/// The support desk acted on the account, for `reason`.
pub(super) fn support_acted(
    account: &Account,
    action: SupportAction,
    reason: &str,
    at: UnixTime,
    support: &str,
) -> Email {
    let when = clock::format_utc(at);
    let (subject, what, next) = match action {
        SupportAction::Unlocked => (
            "Our support team unlocked your account",
            format!("Our support team cleared the locks on your {PRODUCT} account ({}) on {when}.", account.email),
            "Signing in and security changes work again.",
        ),
        SupportAction::TwoFactorReset => (
            "Our support team turned off two-factor authentication",
            format!(
                "Our support team turned off two-factor authentication for your {PRODUCT} account ({}) on {when}. \
                 Your recovery codes no longer work, and every device and browser was signed out.",
                account.email
            ),
            "Sign in with your password, then set up two-factor authentication again under My Account, Account \
             Security.",
        ),
        SupportAction::SignedOut => (
            "Our support team signed you out everywhere",
            format!(
                "Our support team signed your {PRODUCT} account ({}) out of every device and browser on {when}.",
                account.email
            ),
            "Sign in again to carry on.",
        ),
    };
    notice(account, subject, &[what, format!("The reason given: {reason}"), next.into()], support)
}

const RESET_SCHEDULED: &str = "Two-factor authentication will be turned off unless you cancel";
/// [`reset_scheduled`]'s subject, as stored with the message.
pub(super) const RESET_SCHEDULED_SUBJECT: &str =
    "Customer Portal: Two-factor authentication will be turned off unless you cancel";

/// Who asked for a waiting reset, in the customer's words.
pub(super) fn reset_asked_by(requested_by: &RequestedBy) -> String {
    match requested_by {
        RequestedBy::Customer => "You (or someone with your password and access to your email) asked".to_owned(),
        RequestedBy::Support { agent } => format!("Our support team ({agent}) asked, for a caller"),
        RequestedBy::Operator { name } => format!("Our operations team ({name}) asked"),
    }
}

/// A reset of two-factor authentication waits until `due_at`; `link` cancels it.
/// Its own warning: this is what someone who took over the password would ask.
pub(super) fn reset_scheduled(
    account: &Account,
    (requested_by, due_at, link): (&RequestedBy, UnixTime, &str),
    at: UnixTime,
    support: &str,
) -> Email {
    let paragraphs = [
        format!(
            "{} on {} to turn off two-factor authentication for your {PRODUCT} account ({}), as if its device was \
             lost. Nothing has changed yet.",
            reset_asked_by(requested_by),
            clock::format_utc(at),
            account.email
        ),
        format!(
            "On {} two-factor authentication will be turned off, your recovery codes will stop working and every \
             device and browser will be signed out, unless you cancel it first. Signing in with your second factor \
             cancels it too. To cancel it now, open this link (no sign-in needed; it works once):",
            clock::format_utc(due_at)
        ),
        link.to_owned(),
    ];
    let warning = format!(
        "If you did not ask for this, cancel it now, change your password, and contact {support}: someone may know \
         your password."
    );
    compose(account, RESET_SCHEDULED, &paragraphs, &warning, Some(link))
}

/// A waiting reset was cancelled, by the customer.
pub(super) fn reset_cancelled(account: &Account, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "The reset of your two-factor authentication was cancelled",
        &[format!(
            "The waiting reset of two-factor authentication for your {PRODUCT} account ({}) was cancelled on {}.              Two-factor authentication stays on as it was.",
            account.email,
            clock::format_utc(at)
        )],
        support,
    )
}

/// A waiting reset came due: two-factor authentication is off.
pub(super) fn reset_done(account: &Account, at: UnixTime, support: &str) -> Email {
    notice(
        account,
        "Two-factor authentication was turned off",
        &[
            format!(
                "As asked, and after the wait we told you about, two-factor authentication was turned off for your \
                 {PRODUCT} account ({}) on {}. Your recovery codes no longer work, and every device and browser was \
                 signed out.",
                account.email,
                clock::format_utc(at)
            ),
            "Sign in with your password, then set up two-factor authentication again under My Account, Account              Security."
                .into(),
        ],
        support,
    )
}

fn notice(account: &Account, subject: &str, paragraphs: &[String], support: &str) -> Email {
    let warning = format!(
        "If this wasn't you, someone may know your password: contact {support} right away and change your password."
    );
    compose(account, subject, paragraphs, &warning, None)
}

/// The email: a greeting, the paragraphs and the warning, and the signature. The
/// paragraph that is exactly `link` is a link in the HTML.
fn compose(account: &Account, subject: &str, paragraphs: &[String], warning: &str, link: Option<&str>) -> Email {
    let warning = warning.to_owned();
    let greeting = format!("Hello {},", account.name);
    let signature = format!("The {PRODUCT} team");
    let mut text = format!("{greeting}\n\n");
    let mut html = format!("<p>{}</p>", escape(&greeting));
    for paragraph in paragraphs.iter().chain([&warning]) {
        text.push_str(paragraph);
        text.push_str("\n\n");
        let escaped = escape(paragraph);
        match link {
            Some(link) if link == paragraph => html.push_str(&format!("<p><a href=\"{escaped}\">{escaped}</a></p>")),
            _ => html.push_str(&format!("<p>{escaped}</p>")),
        }
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

    #[test]
    fn the_stored_subject_of_a_waiting_reset_is_the_one_sent() {
        assert_eq!(format!("{PRODUCT}: {RESET_SCHEDULED}"), RESET_SCHEDULED_SUBJECT);
    }

    fn account() -> Account {
        Account {
            id: 1,
            name: "Ana <b>Lim</b>".into(),
            email: "ana@example.com".into(),
            security_stamp: crate::vocabulary::SecurityStamp::generate(),
        }
    }

    #[test]
    fn the_enabled_notice_names_event_method_time_and_what_to_do() {
        let email =
            two_factor_enabled(&account(), Method::AuthenticatorApp, None, false, 1_795_336_200, "support@example.com");
        assert_eq!(email.to, "ana@example.com");
        assert!(email.subject.contains("Two-factor authentication is on"));
        for part in [
            "turned on",
            "security method has been updated to TOTP (Authenticator App)",
            "2026-11-22 08:30 UTC",
            "If this wasn't you",
            "support@example.com",
        ] {
            assert!(email.text.contains(part), "{part} missing from the text");
            assert!(email.html.contains(part), "{part} missing from the HTML");
        }
    }

    #[test]
    fn a_switch_names_both_methods() {
        let email = two_factor_enabled(&account(), Method::AuthenticatorApp, Some(Method::Sms), false, 0, "support");
        assert!(email.subject.contains("security method has been updated"));
        assert!(email.text.contains("switched from SMS (text message codes) to TOTP (Authenticator App)"));
        assert!(email.text.contains("security method has been updated to TOTP (Authenticator App)."));
    }

    #[test]
    fn every_change_says_other_devices_were_signed_out() {
        for email in [
            two_factor_enabled(&account(), Method::Sms, None, false, 0, "support"),
            two_factor_enabled(&account(), Method::Sms, Some(Method::AuthenticatorApp), true, 0, "support"),
            two_factor_disabled(&account(), Method::Sms, 0, "support"),
            password_changed(&account(), 0, "support"),
        ] {
            assert!(email.text.contains("every other device or browser signed in to your account has been signed out"));
        }
    }

    #[test]
    fn a_new_sign_in_names_when_which_browser_and_where() {
        let requester = Requester::new(Some([203, 0, 113, 9].into()), Some("Firefox/133.0 (Windows NT 10.0)"), vec![]);
        let email = new_sign_in(&account(), &requester, 1_795_336_200, "support@example.com");
        assert!(email.subject.contains("New sign-in to your account"));
        for part in ["2026-11-22 08:30 UTC", "Browser: Firefox on Windows. Address: 203.0.113.9.", "If this wasn't you"]
        {
            assert!(email.text.contains(part), "{part} missing from:\n{}", email.text);
        }
        let unknown = new_sign_in(&account(), &Requester::default(), 0, "support");
        assert!(unknown.text.contains("Address: an unknown address."), "{}", unknown.text);
    }

    #[test]
    fn lockout_emails_say_what_was_wrong() {
        let codes = locked(&account(), Guess::Code, LockedFor::UnknownBrowsers, 20, 0, "support@example.com");
        assert!(codes.text.contains("After 20 wrong verification codes in a row"), "{}", codes.text);
        assert!(codes.text.contains("Browsers you have signed in with before can still sign in"));
        let passwords = locked(&account(), Guess::Password, LockedFor::OneKnownBrowser, 20, 0, "support@example.com");
        assert!(passwords.subject.contains("Security changes to your account are locked"));
        assert!(passwords.text.contains("After 20 wrong passwords in a row, typed to confirm a security change"));
        let resets = locked(&account(), Guess::Code, LockedFor::PasswordResets, 20, 0, "support@example.com");
        assert!(resets.subject.contains("Resetting your password is locked"));
        assert!(resets.text.contains("Signing in works as before"), "{}", resets.text);
        for email in [codes, passwords, resets] {
            assert!(email.text.contains("contact support@example.com"));
        }
    }

    #[test]
    fn names_are_escaped_in_html() {
        let email = two_factor_disabled(&account(), Method::AuthenticatorApp, 0, "support");
        assert!(email.html.contains("Ana &lt;b&gt;Lim&lt;/b&gt;"));
        assert!(!email.html.contains("<b>"));
    }

    #[test]
    fn recovery_and_support_notices_say_what_happened_in_plain_sentences() {
        let used = recovery_code_used(&account(), 3, Asked::SignIn, 0, "support");
        assert!(used.text.contains("You have 3 recovery codes left: consider generating new ones"));
        let for_reset = recovery_code_used(&account(), 3, Asked::PasswordReset, 0, "support");
        assert!(for_reset.subject.contains("A recovery code was used to reset your password"), "{}", for_reset.subject);
        let reset = support_acted(&account(), SupportAction::TwoFactorReset, "ticket <42>", 0, "support");
        assert!(reset.text.contains("The reason given: ticket <42>"));
        assert!(reset.html.contains("ticket &lt;42&gt;"));
        for email in [
            used,
            reset,
            recovery_codes_regenerated(&account(), 0, "support"),
            support_acted(&account(), SupportAction::Unlocked, "x", 0, "support"),
            support_acted(&account(), SupportAction::SignedOut, "x", 0, "support"),
            new_sign_in(&account(), &Requester::default(), 0, "support"),
            password_changed(&account(), 0, "support"),
        ] {
            assert!(!email.text.contains("  "), "a run of spaces in:\n{}", email.text);
        }
    }
}
