use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the QR modal shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetupView {
    /// The QR code as an SVG `data:` URL, drawn on the server.
    pub qr_code: String,
    /// The secret in base32, grouped by four, for typing in by hand.
    pub setup_key: String,
}

/// "Sync Authenticator": the pending secret (the same one again within ten minutes).
#[server(endpoint = "begin_totp_setup")]
pub async fn begin_totp_setup() -> Result<TotpSetupView, AppError> {
    use base64::Engine as _;

    let state = crate::ssr::state()?;
    let signed_in = crate::ssr::require_signed_in().await?;
    state.portal.step_up.require_recent(&signed_in.token).await?;
    let setup = state.portal.two_factor.begin_totp_setup(&signed_in).await?;
    let svg = base64::engine::general_purpose::STANDARD.encode(setup.qr_svg);
    Ok(TotpSetupView { qr_code: format!("data:image/svg+xml;base64,{svg}"), setup_key: setup.setup_key })
}
