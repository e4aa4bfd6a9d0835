//! "Sign in with a passkey": no email, no password. The browser offers the
//! passkeys it holds for this site (discoverable credentials); one the customer
//! allowed for this when adding it, which verified the user (a PIN, a
//! fingerprint), counts as both factors. The ceremony belongs to the visitor
//! cookie that asked for it, since no account is known until the answer.

use std::fmt;

use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, PublicKeyCredential, RequestChallengeResponse,
};

use super::ceremonies::{Ceremony, Purpose};
use super::{Passkeys, refused};
use crate::CoreError;
use crate::db::entities::{passkey, user};
use crate::requester::Requester;
use crate::throttle::Verdict;
use crate::vocabulary::{Account, Budget};

/// The secret of the cookie a passwordless ceremony belongs to. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct VisitorToken(String);

impl VisitorToken {
    fn generate() -> Result<Self, CoreError> {
        crate::random_token::generate().map(Self)
    }

    /// A token from a cookie, if it has a token's shape.
    pub fn parse(value: &str) -> Option<Self> {
        crate::random_token::has_shape(value).then(|| Self(value.to_owned()))
    }

    /// The value to put in the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digest(&self) -> String {
        crate::digest::sha256_hex(&format!("visitor:{}", self.0))
    }
}

impl fmt::Debug for VisitorToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VisitorToken(<redacted>)")
    }
}

impl Passkeys {
    /// The options for the browser's dialog that offers the site's passkeys,
    /// under the visitor cookie `visitor` (a new one when the browser has none),
    /// counted for `requester`'s network first: past
    /// [`PASSWORDLESS_STARTS_PER_HOUR`](crate::network_budgets::PASSWORDLESS_STARTS_PER_HOUR)
    /// in its hour, refused.
    pub async fn start_passwordless(
        &self,
        visitor: Option<VisitorToken>,
        requester: &Requester,
    ) -> Result<(VisitorToken, RequestChallengeResponse), CoreError> {
        self.budgets.spend(Budget::PasswordlessStarts, requester).await?;
        let now = self.store.now();
        let visitor = match visitor {
            Some(visitor) => visitor,
            None => VisitorToken::generate()?,
        };
        let (options, state) = self.webauthn.start_discoverable_authentication().map_err(refused)?;
        let owner = visitor.digest();
        let ceremony = Ceremony { owner: &owner, purpose: Purpose::Passwordless, account_id: None };
        ceremony.start(self.db(), &self.key, &state, now).await?;
        Ok((visitor, options))
    }

    /// The account the browser's answer signs in: a passkey allowed to sign in
    /// alone, not suspended, whose user handle is its account's, answering the
    /// challenge `visitor` was given, once. The use is recorded as at sign-in.
    pub async fn finish_passwordless(
        &self,
        visitor: &VisitorToken,
        answer: &PublicKeyCredential,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        let result = self.check_passwordless(visitor, answer, requester).await;
        crate::telemetry::passwordless_sign_in(match &result {
            Ok(_) => "right",
            Err(CoreError::PasskeyRefused | CoreError::PasskeyCloned) => "refused",
            Err(_) => "error",
        });
        result
    }

    async fn check_passwordless(
        &self,
        visitor: &VisitorToken,
        answer: &PublicKeyCredential,
        requester: &Requester,
    ) -> Result<Account, CoreError> {
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

        let owner = visitor.digest();
        let ceremony = Ceremony { owner: &owner, purpose: Purpose::Passwordless, account_id: None };
        let state: DiscoverableAuthentication = ceremony.take(self.db(), &self.key, self.store.now()).await?;
        let (handle, credential_id) = self.webauthn.identify_discoverable_authentication(answer).map_err(refused)?;
        let credential_id = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, credential_id);
        let row = passkey::Entity::find()
            .filter(passkey::Column::CredentialId.eq(credential_id))
            .filter(passkey::Column::Passwordless.eq(true))
            .one(self.db())
            .await?
            .ok_or(CoreError::PasskeyRefused)?;
        if self.user_handle(row.user_id)? != handle {
            return Err(CoreError::PasskeyRefused);
        }
        // Read before the use is recorded: the session starts under the security
        // stamp of then, so if the customer removes the passkey (or turns 2FA off)
        // meanwhile, the session is void.
        let account: Account =
            user::Entity::find_by_id(row.user_id).one(self.db()).await?.ok_or(CoreError::PasskeyRefused)?.into();
        let key = DiscoverableKey::from(self.open(&row)?);
        let checked = self.webauthn.finish_discoverable_authentication(answer, state, &[key]);
        let mut change = self.store.begin(&account, requester).await?;
        let verdict = self.record_use(&mut change, &row, checked).await?;
        // Committed whatever the verdict: a copy found is suspended and told.
        change.commit().await?;
        match verdict {
            Verdict::Right(()) => Ok(account),
            Verdict::Wrong(error) | Verdict::NotAGuess(error) => Err(error),
        }
    }
}
