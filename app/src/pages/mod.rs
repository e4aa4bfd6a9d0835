//! One module a route.

/// `$route`, a lazy route that shows `$page`: the split build cuts the page's code
/// out of the main WASM, and the browser downloads it when it first shows the
/// page (`Lazy::<$route>::new()` in the router). `data()` runs on the server too,
/// as the route is matched: there the page asks for its chunks in its head.
macro_rules! lazy_route {
    ($(#[$doc:meta])* $route:ident shows $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                #[cfg(feature = "ssr")]
                crate::ssr::preload_route::<Self>();
                Self
            }

            fn view(_route: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

pub mod account;
mod cancel_reset;
mod forgot_password;
mod home;
mod login;
mod login_code;
mod login_passkey;
mod not_found;
mod register;
mod reset_password;

pub use cancel_reset::CancelResetRoute;
pub use forgot_password::ForgotPasswordRoute;
pub use home::HomePage;
pub use login::LoginPage;
pub use login_code::LoginCodeRoute;
pub use login_passkey::LoginPasskeyRoute;
pub use not_found::NotFound;
pub use register::RegisterRoute;
pub use reset_password::ResetPasswordRoute;
