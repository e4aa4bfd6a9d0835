//! Setups under way: an authenticator secret shown as a QR code, a code texted to
//! a number being set up, a passkey being created. Each belongs to the session
//! that started it (its stored key), is invisible to every other session, and
//! ends with it; every security change, and "Sign out of all other sessions",
//! discards all of the account's. So an intruder who started a setup cannot keep
//! it for the customer to finish: the QR code the customer scans is always one
//! the customer's own session asked for.

use sea_orm::sea_query::{ExprTrait as _, SimpleExpr};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use crate::CoreError;
use crate::db::entities::{sms_code, totp_enrollment, webauthn_ceremony};

/// On `connection`: discards every setup of the account, whichever session started it.
pub(crate) async fn discard_all(connection: &impl ConnectionTrait, account_id: i32) -> Result<(), CoreError> {
    totp_enrollment::Entity::delete_many()
        .filter(totp_enrollment::Column::UserId.eq(account_id))
        .exec(connection)
        .await?;
    sms_code::void(connection, sms_code::Column::UserId.eq(account_id).and(setup_codes())).await?;
    webauthn_ceremony::Entity::delete_many()
        .filter(webauthn_ceremony::Column::UserId.eq(account_id))
        .filter(webauthn_ceremony::Column::Purpose.eq(webauthn_ceremony::PURPOSE_REGISTER))
        .exec(connection)
        .await?;
    Ok(())
}

/// On `connection`: discards the setups the session stored under `session_id`
/// started, as it ends.
pub(crate) async fn discard_of_session(connection: &impl ConnectionTrait, session_id: &str) -> Result<(), CoreError> {
    totp_enrollment::Entity::delete_many()
        .filter(totp_enrollment::Column::SessionId.eq(session_id))
        .exec(connection)
        .await?;
    sms_code::void(connection, sms_code::Column::SessionId.eq(session_id).and(setup_codes())).await?;
    webauthn_ceremony::Entity::delete_many()
        .filter(webauthn_ceremony::Column::OwnerDigest.eq(session_id))
        .exec(connection)
        .await?;
    Ok(())
}

/// Codes texted to a number being set up.
fn setup_codes() -> SimpleExpr {
    sms_code::Column::Purpose.eq(sms_code::PURPOSE_SETUP)
}
