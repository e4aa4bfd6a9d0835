//! The Customer Portal app: pages, components and server functions, compiled twice,
//! into the server (feature `ssr`) and into the browser's WASM (feature `hydrate`).

pub mod auth;
pub mod components;
pub mod error;
pub mod functions;
pub mod method;
pub mod pages;
pub mod passkey_dialog;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{Meta, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::components::PortalHeader;
use crate::pages::account::{AccountRoute, AccountSecurityRoute, ProfileTab};
use crate::pages::{
    CancelResetRoute, ForgotPasswordRoute, HomePage, LoginCodeRoute, LoginPage, LoginPasskeyRoute, NotFound,
    RegisterRoute, ResetPasswordRoute,
};

/// The HTML document around the app, rendered on the server only. The router
/// provides the client's file names, except under `cargo leptos watch`, which
/// renames them as it rebuilds: they are looked up for each page then. A page that
/// needs no client ([`routes::needs_client`]) is sent without the script that loads it.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let files = use_context::<ssr::ClientFiles>().unwrap_or_else(|| ssr::ClientFiles::new(&options));
    if let Some(chunks) = files.chunks.clone() {
        provide_context(ssr::PageChunks::new(chunks));
    }
    let path = use_context::<http::request::Parts>().map(|parts| parts.uri.path().to_owned());
    let hydrates = path.as_deref().is_none_or(routes::needs_client);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // `id`: `cargo leptos watch` swaps the stylesheet it names in place.
                <link id="portal" rel="stylesheet" href=files.css.clone()/>
                <AutoReload options/>
                {hydrates.then(|| view! { <script type="module" nonce=nonce>{files.hydration_script()}</script> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    auth::provide_auth();
    // Effects run only in the browser: this marks the page as interactive once the
    // WASM has hydrated it, which the browser tests wait for before clicking.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });

    view! {
        <Title formatter=|page: String| format!("{page} · Customer Portal")/>
        <Meta
            name="description"
            content="Sign in to the Customer Portal and keep your hosting account safe with two-factor authentication."
        />
        <Router>
            <PortalHeader/>
            <main id="content">
                // `Async`: a page is sent once its data is loaded, whole, so the
                // browser paints it at once, with no "Loading…" swapped out later
                // and nothing shifting as the parts stream in.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/code") view={Lazy::<LoginCodeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login/passkey") view={Lazy::<LoginPasskeyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route
                        path=path!("/password/forgot")
                        view={Lazy::<ForgotPasswordRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/password/reset")
                        view={Lazy::<ResetPasswordRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/cancel-reset")
                        view={Lazy::<CancelResetRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <ParentRoute path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async>
                        <Route path=path!("") view=ProfileTab ssr=SsrMode::Async/>
                        <Route path=path!("security") view={Lazy::<AccountSecurityRoute>::new()} ssr=SsrMode::Async/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}
