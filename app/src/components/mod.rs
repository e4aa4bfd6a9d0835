//! Pieces the pages are made of.

mod form_error;
mod portal_header;
mod user_menu;

pub use form_error::FormError;
pub use portal_header::PortalHeader;
pub use user_menu::UserMenu;
