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

    /// The pending secret `signed_in`'s session started, a new one if it has none
    /// (replacing one another session started: the newest session to open the
    /// wizard owns the setup), and how to show it.
    async fn pending_or_new(&self, signed_in: &SignedIn) -> Result<TotpSetup, CoreError> {
        use sea_orm::sea_query::{Expr, ExprTrait as _};
        let (account, session) = (&signed_in.account, signed_in.token.digest());
        let now = self.store.now();
        let fresh = self.seal(account.id, &TotpSecret::generate());
        // A double click or a reload in the same session keeps the secret (and
        // QR code) the customer may already have scanned.
        let theirs_or_expired = Expr::col((totp_enrollment::Entity, totp_enrollment::Column::SessionId))
            .ne(session.as_str())
            .or(Expr::col((totp_enrollment::Entity, totp_enrollment::Column::SessionId)).is_null())
            .or(Expr::col((totp_enrollment::Entity, totp_enrollment::Column::ExpiresAt)).lte(now));
        totp_enrollment::Entity::insert(totp_enrollment::ActiveModel {
            user_id: Set(account.id),
            sealed_secret: Set(fresh.into_stored()),
            expires_at: Set(now + ENROLLMENT_SECS),
            session_id: Set(Some(session.clone())),
        })
        .on_conflict(
            OnConflict::column(totp_enrollment::Column::UserId)
                .update_columns([
                    totp_enrollment::Column::SealedSecret,
                    totp_enrollment::Column::ExpiresAt,
                    totp_enrollment::Column::SessionId,
                ])
                .action_and_where(theirs_or_expired)
                .to_owned(),
        )
        .exec_without_returning(self.store.db())
        .await?;
        let pending = self.pending(account.id, &session, now).await?.ok_or(CoreError::SetupExpired)?;
        let secret = self.open(account.id, &pending)?;
        let uri = secret.otpauth_uri(&self.store.words().issuer, &account.email);
        Ok(TotpSetup { qr_svg: crate::qr::svg(&uri), setup_key: grouped(&secret.to_base32()) })
    }

    /// The secret pending for the account in the session stored under `session`
    /// at `now`, unless it has expired.
    async fn pending(&self, account_id: i32, session: &str, now: UnixTime) -> Result<Option<SealedSecret>, CoreError> {
        let found = totp_enrollment::Entity::find_by_id(account_id).one(self.store.db()).await?;
        Ok(found
            .filter(|pending| pending.expires_at > now && pending.session_id.as_deref() == Some(session))
            .map(|pending| SealedSecret::from_stored(pending.sealed_secret)))
    }

    /// On `connection`: takes the secret pending in the session stored under
    /// `session`, once; whoever takes it turns it on, and a racing twin (or a
    /// setup another session replaced meanwhile) finds it gone.
    async fn take_pending(connection: &impl ConnectionTrait, account_id: i32, session: &str) -> Result<(), CoreError> {
        let taken = totp_enrollment::Entity::delete_many()
            .filter(totp_enrollment::Column::UserId.eq(account_id))
            .filter(totp_enrollment::Column::SessionId.eq(session))
            .exec(connection)
            .await?;
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
    /// The authenticator-app secret pending in `signed_in`'s session: the one
    /// already pending, or a new one. The caller checks that the password was
    /// re-confirmed.
    pub async fn begin_totp_setup(&self, signed_in: &SignedIn) -> Result<TotpSetup, CoreError> {
        if self.method(signed_in.account.id).await? == Some(Method::AuthenticatorApp) {
            return Err(CoreError::TwoFactorAlreadyOn);
        }
        self.app.pending_or_new(signed_in).await
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
        let (account, session) = (&signed_in.account, signed_in.token.digest());
        let now = self.store.now();
        let pending = self.app.pending(account.id, &session, now).await?.ok_or(CoreError::SetupExpired)?;
        let secret = self.app.open(account.id, &pending)?;
        let subject = Subject::UntrustedAccount(account.id);
        let attempt = self.codes.reserve(&subject, Some(account), requester).await?;
        let verdict = match secret.verify(code, now) {
            Some(step) => Verdict::Right(step),
            None => Verdict::Wrong(CoreError::InvalidCode),
        };
        let TimeStep(step) = attempt.settle(verdict).await?;

        let mut change = self.store.change(account, requester).await?;
        AuthenticatorApp::take_pending(change.connection(), account.id, &session).await?;
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
