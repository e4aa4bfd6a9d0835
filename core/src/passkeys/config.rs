//! Where passkeys belong: the relying party's id (a domain: passkeys work on it
//! and its subdomains), its name, and the origin browsers must show.

use url::{Host, Url};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyConfig {
    /// `WEBAUTHN_RP_ID`, e.g. `portal.example.com`.
    pub rp_id: String,
    /// `WEBAUTHN_RP_NAME`, what the browser's dialog names the site.
    pub rp_name: String,
    /// The origin the browser reports, e.g. `https://portal.example.com`.
    pub origin: Url,
}

impl PasskeyConfig {
    /// The configuration for a portal served at `site_url`. Browsers refuse
    /// passkeys on an IP address, so a site named by one (development on
    /// `127.0.0.1`, a server on `0.0.0.0` with no `SITE_URL`) gets `localhost` on
    /// the same scheme and port: open it as `http://localhost:3000`. Set
    /// `SITE_URL` to the site's domain for passkeys anywhere else.
    pub fn for_site(site_url: &Url, rp_id: Option<String>, rp_name: Option<String>) -> Result<Self, String> {
        let mut origin = site_url.clone();
        origin.set_path("");
        origin.set_query(None);
        if matches!(site_url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_))) {
            origin.set_host(Some("localhost")).map_err(|error| error.to_string())?;
        }
        let host = origin.host_str().ok_or("the site URL has no host")?.to_owned();
        Ok(Self { rp_id: rp_id.unwrap_or(host), rp_name: rp_name.unwrap_or_else(|| "Customer Portal".into()), origin })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(site: &str) -> PasskeyConfig {
        PasskeyConfig::for_site(&Url::parse(site).unwrap(), None, None).unwrap()
    }

    #[test]
    fn derives_from_the_site_url() {
        let production = config("https://portal.example.com");
        assert_eq!(production.rp_id, "portal.example.com");
        assert_eq!(production.origin.as_str(), "https://portal.example.com/");
        assert_eq!(production.rp_name, "Customer Portal");
        for site in ["http://127.0.0.1:3000", "http://0.0.0.0:3000", "http://[::1]:3000", "http://10.1.2.3:3000"] {
            let local = config(site);
            assert_eq!(
                (local.rp_id.as_str(), local.origin.as_str()),
                ("localhost", "http://localhost:3000/"),
                "{site}"
            );
        }
        let named = PasskeyConfig::for_site(
            &Url::parse("https://a.example.com").unwrap(),
            Some("example.com".into()),
            Some("Example".into()),
        );
        assert_eq!(named.unwrap().rp_id, "example.com");
    }
}
