//! One module a route.

pub mod account;
mod home;
mod login;
mod not_found;
mod register;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use register::RegisterPage;
