//! Who is asking: the client's address and a short summary of its browser, which
//! security events record, and the device cookies the throttles recognise it by.

use std::net::IpAddr;

/// The client behind a request. The server fills it from the connection and the
/// headers; the support tool has none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requester {
    /// From the connection, or from `X-Forwarded-For` when a trusted proxy sent it.
    pub ip: Option<IpAddr>,
    /// Like "Chrome on Linux": see [`browser_summary`].
    pub browser: String,
    /// The device cookie values presented, unchecked: [`crate::devices`] checks them.
    pub device_cookies: Vec<String>,
}

impl Requester {
    /// A requester with the browser summarised from its `User-Agent`.
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>, device_cookies: Vec<String>) -> Self {
        Self { ip, browser: browser_summary(user_agent.unwrap_or_default()), device_cookies }
    }

    /// The support desk's command-line tool: no address, no browser.
    pub fn support_tool() -> Self {
        Self { ip: None, browser: "Support tool".to_owned(), device_cookies: Vec::new() }
    }
}

/// "Chrome on Linux", "Safari on iOS", … from a `User-Agent`. Only these fixed words
/// are kept: whatever else a client claims never reaches the database or a page.
pub fn browser_summary(user_agent: &str) -> String {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    const BROWSERS: [(&str, &str); 9] = [
        ("Edg/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    // Android and ChromeOS also say "Linux"; iPhones also say "Mac OS X".
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table.iter().find(|(marker, _)| user_agent.contains(marker)).map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_summary;

    #[test]
    fn names_common_browsers_and_systems() {
        for (user_agent, summary) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 \
                 Safari/537.36",
                "Chrome on Linux",
            ),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                 Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile \
                 Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 \
                 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 \
                 Safari/605.1.15",
                "Safari on macOS",
            ),
            ("curl/8.5.0", "curl"),
            ("", "An unknown browser"),
            ("<script>alert(1)</script> Linux", "A browser on Linux"),
        ] {
            assert_eq!(browser_summary(user_agent), summary, "{user_agent}");
        }
    }
}
