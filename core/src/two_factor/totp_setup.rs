//! Setting up an authenticator app: a pending secret shown as a QR code, then turned
//! on by its first correct code. With SMS on, this is the switch: SMS stays until
//! the app's first code is right, so the account is never without a second factor.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set, TransactionTrait as _};

use super::{Activated, Method, SecondFactor, TwoFactor, secret_context};
use crate::CoreError;
use crate::accounts::{Account, lock_for_change};
use crate::clock::{self, UnixTime};
use crate::db::entities::totp_enrollment;
use crate::requester::Requester;
use crate::secrets::SealedSecret;
use crate::sessions::SignedIn;
use crate::throttle::Verdict;
use crate::totp::TotpSecret;

/// A pending secret lives this long; opening the wizard again within it shows the same one.
const ENROLLMENT_SECS: i64 = 10 * 60;

/// What the "Sync Authenticator" step shows.
#[derive(Clone, Debug)]
pub struct TotpSetup {
    /// The QR code of the `otpauth://` URI, as an SVG document.
    pub qr_svg: String,
    /// The secret in base32, in groups of four, for typing in by hand.
    pub setup_key: String,
}

impl TwoFactor {
    /// The pending authenticator-app secret of `account`: the one already pending,
    /// or a new one. The caller checks that the password was re-confirmed.
    pub async fn begin_totp_setup(&self, account: &Account) -> Result<TotpSetup, CoreError> {
        if self.method(account.id).await? == Some(Method::AuthenticatorApp) {
            return Err(CoreError::TwoFactorAlreadyOn);
        }
        let now = clock::now();
        totp_enrollment::Entity::delete_many()
            .filter(totp_enrollment::Column::UserId.eq(account.id))
            .filter(totp_enrollment::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?;
        let fresh = SealedSecret::seal(&self.key, &secret_context(account.id), TotpSecret::generate().as_bytes());
        // Inserted only if none is pending, so a double click or a reload keeps the
        // secret (and QR code) the customer may already have scanned.
        totp_enrollment::Entity::insert(totp_enrollment::ActiveModel {
            user_id: Set(account.id),
            sealed_secret: Set(fresh.into_stored()),
            expires_at: Set(now + ENROLLMENT_SECS),
        })
        .on_conflict(OnConflict::column(totp_enrollment::Column::UserId).do_nothing().to_owned())
        .exec_without_returning(&self.db)
        .await?;
        let pending = self.pending_enrollment(account.id, now).await?.ok_or(CoreError::SetupExpired)?;
        let secret = self.open_secret(account.id, &pending)?;
        let uri = secret.otpauth_uri(&self.issuer, &account.email);
        Ok(TotpSetup { qr_svg: crate::qr::svg(&uri), setup_key: grouped(&secret.to_base32()) })
    }

    /// Turns the authenticator app on if `code` is right for the pending secret: in
    /// one transaction the secret becomes the account's (replacing SMS, if that was
    /// on), the pending one is gone, the other sessions end and the confirmation
    /// email is stored. Returns the account under its renewed security stamp, with
    /// its new recovery codes. The caller checks that the password was re-confirmed.
    pub async fn confirm_totp_setup(
        &self,
        signed_in: &SignedIn,
        code: &str,
        requester: &Requester,
    ) -> Result<Activated, CoreError> {
        let account = &signed_in.account;
        let now = clock::now();
        let pending = self.pending_enrollment(account.id, now).await?.ok_or(CoreError::SetupExpired)?;
        let secret = self.open_secret(account.id, &pending)?;
        let attempt = self.reserve_setup_code(account, requester).await?;
        let verdict = match secret.verify(code, now) {
            Some(step) => Verdict::Right(step),
            None => Verdict::Wrong(CoreError::InvalidCode),
        };
        let step = attempt.settle(verdict).await?;

        let transaction = self.db.begin().await?;
        lock_for_change(&transaction, account.id).await?;
        // Whoever deletes the pending secret enables it; a racing twin finds it gone.
        let taken = totp_enrollment::Entity::delete_by_id(account.id).exec(&transaction).await?;
        if taken.rows_affected != 1 {
            return Err(CoreError::SetupExpired);
        }
        let factor = SecondFactor::AuthenticatorApp { sealed_secret: pending, last_used_step: Some(step.0) };
        let activated = self.turn_on(&transaction, signed_in, factor, now, requester).await?;
        transaction.commit().await?;
        self.outbox.wake();
        Ok(activated)
    }

    /// The pending secret of the account, unless it has expired.
    async fn pending_enrollment(&self, account_id: i32, now: UnixTime) -> Result<Option<SealedSecret>, CoreError> {
        let found = totp_enrollment::Entity::find_by_id(account_id).one(&self.db).await?;
        Ok(found
            .filter(|pending| pending.expires_at > now)
            .map(|pending| SealedSecret::from_stored(pending.sealed_secret)))
    }
}

/// `ABCDEFGH…` as `ABCD EFGH …`: easier to read off a screen and type.
fn grouped(key: &str) -> String {
    key.as_bytes().chunks(4).map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn setup_keys_are_grouped_by_four() {
        assert_eq!(super::grouped("GEZDGNBVGY3TQOJQ"), "GEZD GNBV GY3T QOJQ");
    }
}
