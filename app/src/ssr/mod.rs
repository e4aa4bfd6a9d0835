//! Server-only helpers for the pages and server functions: the client's file names
//! and chunks, the state they share, the cookies, who is signed in, the
//! password-reset link being followed, and how a core error becomes an HTTP
//! answer. Nothing here is compiled into the WASM.

mod chunks;
mod client_files;
mod cookies;
mod failure;
mod passkey_answers;
mod reset_link;
mod signed_in;
mod state;

pub use chunks::{PageChunks, SplitChunks, preload_route};
pub use client_files::ClientFiles;
pub use cookies::Cookies;
pub use failure::{reject, respond_with};
pub use passkey_answers::{browser_answer, dialog_options, keep_visitor_token, visitor_token};
pub use reset_link::{forget_reset_token, go_on_to, keep_reset_token, reset_token};
pub use signed_in::{
    ClientIp, SessionStage, SignedIn, awaiting_code, end_session, hand_over_session, remember_browser, requester,
    require_signed_in, session_from, signed_in, start_code_session, start_session,
};
pub use state::{AppState, state};
