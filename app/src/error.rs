//! The one error type every server function returns. Its messages are written for
//! customers; its status codes are what an HTTP client sees. Internal failures are
//! logged on the server and reach the browser only as "something went wrong".

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input the customer can correct; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// Same words for an unknown email and a wrong password: no account enumeration.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    #[error("An account with this email already exists. Sign in instead.")]
    EmailTaken,
    #[error("Please sign in to continue.")]
    SignInRequired,
    /// A request the portal's own pages never send (missing or malformed fields).
    #[error("The request was not understood. Please reload the page and try again.")]
    BadRequest,
    /// The browser could not reach the server.
    #[error("The portal could not be reached. Check your connection and try again.")]
    Unreachable,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

impl AppError {
    /// The HTTP status a server function answers with when it fails this way.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::InvalidCredentials | Self::SignInRequired => 401,
            Self::EmailTaken => 409,
            Self::BadRequest => 400,
            Self::Unreachable => 503,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        let app_error = match error {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Unreachable,
            _ => Self::Internal,
        };
        #[cfg(feature = "ssr")]
        crate::ssr::respond_with(&app_error);
        app_error
    }
}
