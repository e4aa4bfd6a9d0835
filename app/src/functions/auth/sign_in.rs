use leptos::prelude::*;

use crate::error::AppError;

/// Where a customer lands after signing in when no page asked for it.
const HOME: &str = "/account";

/// Signs in with email and password, then goes to `next` (a page of this portal).
/// With two-factor authentication on, the browser gets a half-way session instead
/// and goes to the code page, which carries `next` on; with SMS, the code is sent.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use portal_core::password::Password;
    /// Where sign-in asks for the second factor (the `LoginCodePage` route).
    const CODE_PAGE: &str = "/login/code";

    let state = crate::ssr::state()?;
    let requester = crate::ssr::requester(&state);
    let account = state.portal.accounts.authenticate(&email, Password::new(password), &requester).await?;
    let next = safe_next(next.as_deref());
    if state.portal.two_factor.begin_sign_in(&account).await?.is_some() {
        crate::ssr::start_code_session(&state, &account).await?;
        leptos_axum::redirect(&format!("{CODE_PAGE}?next={}", crate::pages::encode_query(&next)));
        return Ok(());
    }
    crate::ssr::start_session(&state, &account, portal_core::sign_ins::Arrival::SignIn).await?;
    tracing::info!(account = account.id, "signed in");
    leptos_axum::redirect(&next);
    Ok(())
}

/// `next` if it is a path on this site, else the account page: a sign-in link must
/// not become a way to send customers to another site (open redirect). A path
/// with an empty or dot segment is refused too, since browsers resolve
/// `/.//evil.example` to `//evil.example`, and so is one that carries a failure
/// for a page to show (`__path`, `__err`: see `FormError`), which the client would
/// read after a sign-in without the server seeing the URL.
pub fn safe_next(next: Option<&str>) -> String {
    let is_local_path = |next: &str| {
        let path = next.split('?').next().unwrap_or_default();
        next.starts_with('/')
            && !path.contains("//")
            && !crate::pages::has_dot_segment(path)
            && !next.contains("__")
            && next.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"/-_.~?=&%".contains(&byte))
    };
    match next {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => HOME.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_local_paths() {
        assert_eq!(safe_next(Some("/account/security")), "/account/security");
        assert_eq!(safe_next(Some("/account?tab=1")), "/account?tab=1");
    }

    #[test]
    fn refuses_other_sites_and_odd_paths() {
        for next in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/.//evil.example",
            "/a//evil.example",
            "/%2e%2e//evil.example",
            "/account?__path=/api/x&__err=eA==",
            "javascript:alert(1)",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next(Some(next)), HOME, "{next:?}");
        }
        assert_eq!(safe_next(None), HOME);
    }
}
