//! Input a customer can correct, with the words to tell them, and the shapes of a
//! name and an email address.

const MAX_NAME_CHARS: usize = 100;
/// RFC 5321 caps a forward path at 256 octets including the angle brackets.
const MAX_EMAIL_CHARS: usize = 254;

/// Input a customer can correct, with the words to tell them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    #[error("Enter your name.")]
    MissingName,
    #[error("Use at most {MAX_NAME_CHARS} characters for your name.")]
    NameTooLong,
    #[error("Enter a valid email address, like name@example.com.")]
    InvalidEmail,
    #[error("Give the passkey a name of 1 to 60 characters, like \"MacBook Touch ID\".")]
    PasskeyName,
    #[error("You have 10 passkeys, the most an account can have: remove one to add another.")]
    TooManyPasskeys,
}

/// A name as registered: trimmed, without control characters, 1 to 100 characters.
pub(crate) fn normalize_name(name: &str) -> Result<String, InvalidInput> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    match name.chars().count() {
        0 => Err(InvalidInput::MissingName),
        n if n > MAX_NAME_CHARS => Err(InvalidInput::NameTooLong),
        _ => Ok(name),
    }
}

/// Trims and lower-cases an email, and checks it has the shape `local@domain.tld`.
/// Deliverability is the mail server's business; this only catches typing slips.
pub fn normalize_email(email: &str) -> Result<String, InvalidInput> {
    let email = email.trim().to_lowercase();
    let well_formed = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|label| !label.is_empty())
        });
    if well_formed { Ok(email) } else { Err(InvalidInput::InvalidEmail) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(normalize_email("  Ana.Lim@Example.COM "), Ok("ana.lim@example.com".into()));
    }

    #[test]
    fn malformed_emails_are_refused() {
        for email in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "a na@example.com",
            "ana@example..com",
        ] {
            assert_eq!(normalize_email(email), Err(InvalidInput::InvalidEmail), "{email:?}");
        }
        assert_eq!(normalize_email(&format!("{}@example.com", "a".repeat(250))), Err(InvalidInput::InvalidEmail));
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(normalize_name("  Ana Lim "), Ok("Ana Lim".into()));
        assert_eq!(normalize_name(" \t "), Err(InvalidInput::MissingName));
        assert_eq!(normalize_name(&"n".repeat(101)), Err(InvalidInput::NameTooLong));
    }
}
