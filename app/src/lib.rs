//! The Customer Portal app: pages, components and server functions, compiled twice,
//! into the server (feature `ssr`) and into the browser's WASM (feature `hydrate`).

pub mod auth;
pub mod components;
pub mod error;
pub mod functions;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::PortalHeader;
use crate::pages::account::{AccountPage, AccountSecurityTab, ProfileTab};
use crate::pages::{HomePage, LoginCodePage, LoginPage, NotFound, RegisterPage};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet id="portal" options=options.clone()/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
        <Router>
            <PortalHeader/>
            <main id="content">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/login/code") view=LoginCodePage/>
                    <Route path=path!("/register") view=RegisterPage/>
                    <ParentRoute path=path!("/account") view=AccountPage>
                        <Route path=path!("") view=ProfileTab/>
                        <Route path=path!("security") view=AccountSecurityTab/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}
