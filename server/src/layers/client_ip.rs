//! The client's address, for the security events of its requests: the peer of the
//! connection, or, when that peer is a proxy listed in `TRUSTED_PROXIES`, the
//! address it forwarded in `X-Forwarded-For`. Anyone can write that header, so it
//! is believed only from a trusted proxy, and read from the right: the first
//! address that is not a trusted proxy itself is the client.

use std::net::{IpAddr, SocketAddr};

use app::ssr::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// `10.0.0.0/8, 192.0.2.7, 2001:db8::/32`: addresses and CIDR ranges, separated
    /// by commas or spaces.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split([',', ' ']).filter(|part| !part.is_empty()).map(IpRange::parse).collect::<Result<_, _>>().map(Self)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client of a request from `peer` carrying `forwarded_for` headers.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = forwarded_for.iter().flat_map(|value| value.split(',')).map(str::trim);
        for hop in hops.collect::<Vec<_>>().into_iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Garbage: believe no further than the last trusted hop's word.
                // Said once: if the proxy writes it, every client would share
                // the proxy's address, and with it one network's budgets.
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| tracing::warn!(hop, "X-Forwarded-For from a trusted proxy holds no address"));
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One hop of `X-Forwarded-For`: an address, or one with a port as some proxies
/// write it (`192.0.2.7:5678`, `[2001:db8::7]:5678`, `[2001:db8::7]`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// An address, or a CIDR range of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("expected an IP address or CIDR range, got {text:?}");
        let (address, prefix) = text.split_once('/').map_or((text, None), |(address, prefix)| (address, Some(prefix)));
        let network: IpAddr = address.parse().map_err(|_| invalid())?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().ok().filter(|prefix| *prefix <= bits).ok_or_else(invalid)?,
            None => bits,
        };
        if prefix == 0 {
            return Err(format!("{text:?} trusts every address: anyone could then choose the address events record"));
        }
        // `::ffff:10.0.0.0/104` is 10.0.0.0/8: clients are compared as IPv4.
        if let IpAddr::V6(v6) = network
            && let Some(v4) = v6.to_ipv4_mapped()
            && prefix >= 96
        {
            return Ok(Self { network: IpAddr::V4(v4), prefix: prefix - 96 });
        }
        Ok(Self { network, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        match (self.network, ip) {
            (IpAddr::V4(network), IpAddr::V4(ip)) => {
                same_prefix(network.to_bits().into(), ip.to_bits().into(), self.prefix, 32)
            }
            (IpAddr::V6(network), IpAddr::V6(ip)) => same_prefix(network.to_bits(), ip.to_bits(), self.prefix, 128),
            _ => false,
        }
    }
}

fn same_prefix(network: u128, ip: u128, prefix: u8, bits: u32) -> bool {
    let host_bits = bits - u32::from(prefix);
    network.checked_shr(host_bits).unwrap_or(0) == ip.checked_shr(host_bits).unwrap_or(0)
}

/// Puts the request's [`ClientIp`] in its extensions, for the server functions.
pub async fn resolve(State(proxies): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let forwarded: Vec<&str> =
            request.headers().get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok()).collect();
        let client = proxies.client(peer.ip(), &forwarded);
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        assert_eq!(proxies.client(ip("203.0.113.9"), &["198.51.100.1"]), ip("203.0.113.9"), "not a proxy of ours");
        assert_eq!(proxies.client(ip("192.0.2.7"), &["198.51.100.1"]), ip("198.51.100.1"));
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &["1.1.1.1, 198.51.100.1, 10.9.9.9"]),
            ip("198.51.100.1"),
            "the client forged 1.1.1.1"
        );
        assert_eq!(proxies.client(ip("10.1.2.3"), &["1.1.1.1", "198.51.100.1"]), ip("198.51.100.1"), "several headers");
        assert_eq!(proxies.client(ip("10.1.2.3"), &["198.51.100.1, garbage"]), ip("10.1.2.3"));
        assert_eq!(proxies.client(ip("10.1.2.3"), &[]), ip("10.1.2.3"));
        assert_eq!(proxies.client(ip("::ffff:10.1.2.3"), &["198.51.100.1"]), ip("198.51.100.1"), "IPv4 over IPv6");
        assert_eq!(TrustedProxies::default().client(ip("10.1.2.3"), &["198.51.100.1"]), ip("10.1.2.3"));
    }

    #[test]
    fn hops_with_ports_name_their_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("10.1.2.3"), &["198.51.100.1:5678"]), ip("198.51.100.1"));
        assert_eq!(proxies.client(ip("10.1.2.3"), &["[2001:db8::7]:5678"]), ip("2001:db8::7"));
        assert_eq!(proxies.client(ip("10.1.2.3"), &["[2001:db8::7]"]), ip("2001:db8::7"));
        assert_eq!(proxies.client(ip("10.1.2.3"), &["[2001:db8::7"]), ip("10.1.2.3"), "garbage");
    }

    #[test]
    fn ranges_parse_strictly() {
        assert!(TrustedProxies::parse("2001:db8::/32 127.0.0.1").unwrap().trusts(ip("2001:db8::1")));
        for bad in ["10.0.0.0/33", "proxy.example.com", "10.0.0.0/", "::/129", "0.0.0.0/0", "::/0"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
        assert!(TrustedProxies::parse("::ffff:10.0.0.0/104").unwrap().trusts(ip("10.9.8.7")));
        assert!(TrustedProxies::parse("::ffff:10.0.0.0/104").unwrap().trusts(ip("::ffff:10.9.8.7")));
    }
}
