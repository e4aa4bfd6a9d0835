//! The replay check of authenticator-app codes: a code is accepted once. The
//! account's row keeps the last time step accepted; a code counts only if its step
//! is later, and moving that mark is one conditional UPDATE, so of two requests
//! racing with the same code exactly one wins, on any number of servers.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use crate::CoreError;
use crate::db::entities::two_factor::{Column, Entity};
use crate::secrets::SealedSecret;
use crate::totp::TimeStep;

/// On `connection`: accepts `step` for the account whose app secret is
/// `sealed_secret`, unless a step as late was accepted already (a replay), or the
/// secret was replaced meanwhile. Whether it was accepted.
pub(super) async fn accept_step(
    connection: &impl ConnectionTrait,
    account_id: i32,
    sealed_secret: &SealedSecret,
    step: TimeStep,
) -> Result<bool, CoreError> {
    let accepted = Entity::update_many()
        .col_expr(Column::LastUsedStep, Expr::value(step.0))
        .filter(Column::UserId.eq(account_id))
        // Still the secret the code was checked against: not a factor that
        // replaced it meanwhile.
        .filter(Column::SealedSecret.eq(sealed_secret.clone().into_stored()))
        .filter(Condition::any().add(Column::LastUsedStep.is_null()).add(Column::LastUsedStep.lt(step.0)))
        .exec(connection)
        .await?;
    Ok(accepted.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveModelTrait as _, Set};

    use super::*;
    use crate::db::entities::two_factor;

    async fn with_app(db: &sea_orm::DatabaseConnection, sealed: &str) {
        two_factor::ActiveModel {
            user_id: Set(1),
            method: Set("totp".into()),
            sealed_secret: Set(Some(sealed.into())),
            last_used_step: Set(None),
            phone: Set(None),
            enabled_at: Set(0),
        }
        .insert(db)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn each_step_is_accepted_once_and_never_an_earlier_one() {
        let db = crate::db::for_tests().await;
        crate::testing::account(&db, "ana@example.com").await;
        with_app(&db, "v1:secret").await;
        let secret = SealedSecret::from_stored("v1:secret".into());
        assert!(accept_step(&db, 1, &secret, TimeStep(100)).await.unwrap());
        assert!(!accept_step(&db, 1, &secret, TimeStep(100)).await.unwrap(), "the same code again");
        assert!(!accept_step(&db, 1, &secret, TimeStep(99)).await.unwrap(), "an earlier one");
        assert!(accept_step(&db, 1, &secret, TimeStep(101)).await.unwrap());
        let replaced = SealedSecret::from_stored("v1:another".into());
        assert!(!accept_step(&db, 1, &replaced, TimeStep(102)).await.unwrap(), "a secret no longer the account's");
    }
}
