//! The second factor an account has on, read from its `two_factor` row into a closed
//! type. A row this server cannot read (a method it does not know, from a newer
//! server in a rolling deploy or a bad restore; a field its method needs, missing or
//! malformed) is an error and never "2FA off": whatever asks for the factor refuses.

use sea_orm::{ConnectionTrait, EntityTrait as _, Set};

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::two_factor;
use crate::phone::PhoneNumber;
use crate::secrets::SealedSecret;
use crate::vocabulary::Method;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactor {
    AuthenticatorApp {
        sealed_secret: SealedSecret,
        /// The last time step accepted: a code at or before it is a replay.
        last_used_step: Option<i64>,
    },
    Sms {
        phone: PhoneNumber,
    },
    /// Passkeys only: the account's passkeys are the factor (a `two_factor` row
    /// with neither secret nor phone, so every rule that asks "is 2FA on?" sees
    /// them). Passkeys added beside the app or SMS leave that method in the row.
    Passkey,
}

impl SecondFactor {
    pub fn method(&self) -> Method {
        match self {
            Self::AuthenticatorApp { .. } => Method::AuthenticatorApp,
            Self::Sms { .. } => Method::Sms,
            Self::Passkey => Method::Passkey,
        }
    }

    /// Where SMS codes go (SMS only).
    pub fn phone(&self) -> Option<&PhoneNumber> {
        match self {
            Self::Sms { phone } => Some(phone),
            Self::AuthenticatorApp { .. } | Self::Passkey => None,
        }
    }

    /// The factor of `account_id`: `None` when 2FA is off, an error (logged with the
    /// account) when its row cannot be read.
    pub(super) async fn load(connection: &impl ConnectionTrait, account_id: i32) -> Result<Option<Self>, CoreError> {
        let Some(row) = two_factor::Entity::find_by_id(account_id).one(connection).await? else {
            return Ok(None);
        };
        match Self::read(&row) {
            Some(factor) => Ok(Some(factor)),
            None => {
                tracing::error!(
                    account = account_id,
                    method = %row.method,
                    "the stored second factor cannot be read: refusing sign-in and changes until support looks at it"
                );
                Err(CoreError::TwoFactorUnreadable { account_id })
            }
        }
    }

    fn read(row: &two_factor::Model) -> Option<Self> {
        match Method::from_stored(&row.method)? {
            Method::AuthenticatorApp => Some(Self::AuthenticatorApp {
                sealed_secret: SealedSecret::from_stored(row.sealed_secret.clone()?),
                last_used_step: row.last_used_step,
            }),
            Method::Sms => Some(Self::Sms { phone: PhoneNumber::from_stored(row.phone.as_deref()?)? }),
            // Nothing else in the row: a secret or a phone there is not a row this
            // server wrote.
            Method::Passkey => (row.sealed_secret.is_none() && row.phone.is_none()).then_some(Self::Passkey),
        }
    }

    /// The row that stores this factor for `account_id`, turned on at `now`.
    pub(super) fn into_row(self, account_id: i32, now: UnixTime) -> two_factor::ActiveModel {
        let method = Set(self.method().stored().to_owned());
        let (sealed_secret, last_used_step, phone) = match self {
            Self::AuthenticatorApp { sealed_secret, last_used_step } => {
                (Some(sealed_secret.into_stored()), last_used_step, None)
            }
            Self::Sms { phone } => (None, None, Some(phone.e164().to_owned())),
            Self::Passkey => (None, None, None),
        };
        two_factor::ActiveModel {
            user_id: Set(account_id),
            method,
            sealed_secret: Set(sealed_secret),
            last_used_step: Set(last_used_step),
            phone: Set(phone),
            enabled_at: Set(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(method: &str, sealed_secret: Option<&str>, phone: Option<&str>) -> two_factor::Model {
        two_factor::Model {
            user_id: 1,
            method: method.into(),
            sealed_secret: sealed_secret.map(Into::into),
            last_used_step: None,
            phone: phone.map(Into::into),
            enabled_at: 0,
        }
    }

    #[test]
    fn known_rows_read_into_their_method() {
        let app = SecondFactor::read(&row("totp", Some("v1:abc"), None)).unwrap();
        assert_eq!(app.method(), Method::AuthenticatorApp);
        let sms = SecondFactor::read(&row("sms", None, Some("+60123456788"))).unwrap();
        assert_eq!(sms.phone().map(PhoneNumber::e164), Some("+60123456788"));
        assert_eq!(SecondFactor::read(&row("passkey", None, None)), Some(SecondFactor::Passkey));
    }

    #[test]
    fn unknown_methods_and_missing_or_malformed_fields_do_not_read() {
        for bad in [
            row("webauthn", Some("v1:abc"), Some("+60123456788")),
            row("", None, None),
            row("TOTP", Some("v1:abc"), None),
            row("totp", None, None),
            row("sms", None, None),
            row("sms", None, Some("0123456788")),
            row("passkey", Some("v1:abc"), None),
            row("passkey", None, Some("+60123456788")),
        ] {
            assert_eq!(SecondFactor::read(&bad), None, "{bad:?}");
        }
    }
}
