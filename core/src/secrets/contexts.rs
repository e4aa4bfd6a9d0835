//! What each sealed secret is bound to. A sealed value opens only under the
//! context it was sealed with, so a row copied to another account, number or
//! owner opens nowhere; one list shows that no two kinds of secret share one.

/// An authenticator app's secret (turned on, or waiting to be confirmed): its account.
pub fn authenticator_secret(account_id: i32) -> String {
    format!("totp:user:{account_id}")
}

/// A passkey's stored credential: its account and credential id.
pub fn passkey(account_id: i32, credential_id: &str) -> String {
    format!("passkey:{account_id}:{credential_id}")
}

/// A text message waiting in the outbox (it carries a code): its number.
pub fn text_message(e164: &str) -> String {
    format!("sms:to:{e164}")
}

/// An email waiting in the outbox that carries a secret (a reset link): its recipient.
pub fn secret_email(to: &str) -> String {
    format!("email:to:{to}")
}

/// A WebAuthn ceremony under way: its purpose, account (none yet for a
/// passwordless one) and owner (the digest of the session or visitor cookie).
pub fn webauthn_ceremony(purpose: &str, account_id: Option<i32>, owner: &str) -> String {
    let account = account_id.map_or_else(String::new, |id| id.to_string());
    format!("webauthn:{purpose}:{account}:{owner}")
}
