use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the pages may show of the signed-in account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
}

/// The signed-in account, or `None` for a visitor.
#[server(endpoint = "current_account")]
pub async fn current_account() -> Result<Option<AccountView>, AppError> {
    let signed_in = crate::ssr::signed_in().await?;
    Ok(signed_in.map(|signed_in| AccountView { name: signed_in.account.name, email: signed_in.account.email }))
}
