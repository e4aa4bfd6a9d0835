//! The authenticator app (TOTP, as Google Authenticator and Authy use it): its
//! setup, a pending secret shown as a QR code and turned on by its first correct
//! code, and its codes where the second factor is asked, each accepted once
//! ([`super::totp_replay`]). With SMS or passkeys on, the setup is the switch:
//! they stay until the app's first code is right, so the account is never without
//! a second factor.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, Set};

use super::{Activated, Method, SecondFactor, TwoFactor, totp_replay};
use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::totp_enrollment;
use crate::requester::Requester;
use crate::secrets::{MasterKey, SealedSecret, contexts};
use crate::sessions::SignedIn;
use crate::store::Store;
use crate::throttle::{Subject, Verdict};
use crate::totp::{TimeStep, TotpSecret};
use crate::vocabulary::Account;

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

/// The app's secrets, sealed under the master key and bound to their account.
#[derive(Clone)]
pub(super) struct AuthenticatorApp {
    store: Store,
    key: MasterKey,
}

impl AuthenticatorApp {
    pub(super) fn new(store: Store, key: MasterKey) -> Self {
        Self { store, key }
    }

    /// The account's pending secret, a new one if none is pending, and how to
    /// show it.
    async fn pending_or_new(&self, account: &Account) -> Result<TotpSetup, CoreError> {
        let now = self.store.now();
        let db = self.store.db();
        totp_enrollment::Entity::delete_many()
            .filter(totp_enrollment::Column::UserId.eq(account.id))
            .filter(totp_enrollment::Column::ExpiresAt.lte(now))
            .exec(db)
            .await?;
        let fresh = self.seal(account.id, &TotpSecret::generate());
        // Inserted only if none is pending, so a double click or a reload keeps the
        // secret (and QR code) the customer may already have scanned.
        totp_enrollment::Entity::insert(totp_enrollment::ActiveModel {
            user_id: Set(account.id),
            sealed_secret: Set(fresh.into_stored()),
            expires_at: Set(now + ENROLLMENT_SECS),
        })
        .on_conflict(OnConflict::column(totp_enrollment::Column::UserId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
        let pending = self.pending(account.id, now).await?.ok_or(CoreError::SetupExpired)?;
        let secret = self.open(account.id, &pending)?;
        let uri = secret.otpauth_uri(&self.store.words().issuer, &account.email);
        Ok(TotpSetup { qr_svg: crate::qr::svg(&uri), setup_key: grouped(&secret.to_base32()) })
    }

    /// The pending secret of the account at `now`, unless it has expired.
    async fn pending(&self, account_id: i32, now: UnixTime) -> Result<Option<SealedSecret>, CoreError> {
        let found = totp_enrollment::Entity::find_by_id(account_id).one(self.store.db()).await?;
        Ok(found
            .filter(|pending| pending.expires_at > now)
            .map(|pending| SealedSecret::from_stored(pending.sealed_secret)))
    }

    /// On `connection`: takes the account's pending secret, once; whoever takes
    /// it turns it on, and a racing twin finds it gone.
    async fn take_pending(connection: &impl ConnectionTrait, account_id: i32) -> Result<(), CoreError> {
        let taken = totp_enrollment::Entity::delete_by_id(account_id).exec(connection).await?;
        if taken.rows_affected != 1 {
            return Err(CoreError::SetupExpired);
        }
        Ok(())
    }

    /// On `connection`: whether `code` is right for the account's app secret
    /// `sealed` at `now`, accepted once ([`totp_replay`]). A right code already
    /// used is not a guess.
    pub(super) async fn accept_code(
        &self,
        connection: &impl ConnectionTrait,
        account_id: i32,
        sealed: &SealedSecret,
        (code, now): (&str, UnixTime),
    ) -> Result<Verdict<()>, CoreError> {
        let Some(step) = self.open(account_id, sealed)?.verify(code, now) else {
            return Ok(Verdict::Wrong(CoreError::InvalidCode));
        };
        Ok(match totp_replay::accept_step(connection, account_id, sealed, step).await? {
            true => Verdict::Right(()),
            false => Verdict::NotAGuess(CoreError::CodeAlreadyUsed),
        })
    }

    /// Forgets setups past their ten minutes; how many.
    pub(super) async fn purge_expired(&self) -> Result<u64, CoreError> {
        let purged = totp_enrollment::Entity::delete_many()
            .filter(totp_enrollment::Column::ExpiresAt.lte(self.store.now()))
            .exec(self.store.db())
            .await?;
        Ok(purged.rows_affected)
    }

    fn seal(&self, account_id: i32, secret: &TotpSecret) -> SealedSecret {
        SealedSecret::seal(&self.key, &contexts::authenticator_secret(account_id), secret.as_bytes())
    }

    fn open(&self, account_id: i32, sealed: &SealedSecret) -> Result<TotpSecret, CoreError> {
        let bytes = sealed.open(&self.key, &contexts::authenticator_secret(account_id)).map_err(|error| {
            tracing::error!(account = account_id, %error, "a stored authenticator secret does not open");
            CoreError::TwoFactorUnreadable { account_id }
        })?;
        Ok(TotpSecret::from_bytes(bytes))
    }
}

impl TwoFactor {
    /// The pending authenticator-app secret of `account`: the one already pending,
    /// or a new one. The caller checks that the password was re-confirmed.
    pub async fn begin_totp_setup(&self, account: &Account) -> Result<TotpSetup, CoreError> {
        if self.method(account.id).await? == Some(Method::AuthenticatorApp) {
            return Err(CoreError::TwoFactorAlreadyOn);
        }
        self.app.pending_or_new(account).await
    }

    /// Turns the authenticator app on if `code` is right for the pending secret
    /// (counted first, for the account in whatever browser): in one change the
    /// secret becomes the account's (replacing the method it had), the pending one
    /// is gone, the other sessions end and the confirmation email is stored.
    /// Returns the account under its renewed security stamp, with its new
    /// recovery codes. The caller checks that the password was re-confirmed.
    pub async fn confirm_totp_setup(
        &self,
        signed_in: &SignedIn,
        code: &str,
        requester: &Requester,
    ) -> Result<Activated, CoreError> {
        let account = &signed_in.account;
        let now = self.store.now();
        let pending = self.app.pending(account.id, now).await?.ok_or(CoreError::SetupExpired)?;
        let secret = self.app.open(account.id, &pending)?;
        let subject = Subject::UntrustedAccount(account.id);
        let attempt = self.codes.reserve(&subject, Some(account), requester).await?;
        let verdict = match secret.verify(code, now) {
            Some(step) => Verdict::Right(step),
            None => Verdict::Wrong(CoreError::InvalidCode),
        };
        let TimeStep(step) = attempt.settle(verdict).await?;

        let mut change = self.store.change(account, requester).await?;
        AuthenticatorApp::take_pending(change.connection(), account.id).await?;
        let factor = SecondFactor::AuthenticatorApp { sealed_secret: pending, last_used_step: Some(step) };
        let activated = self.turn_on(&mut change, signed_in, factor).await?;
        change.commit().await?;
        Ok(activated)
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
