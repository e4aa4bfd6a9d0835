//! The network a request comes from, and the budgets it spends, as the limits on
//! many callers count them: an IPv4 address, or an IPv6 /64, which is what one
//! customer's router is given (counting IPv6 addresses one by one would give each
//! attacker 2^64 of them).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// An IPv4 address or an IPv6 /64. IPv4 written as IPv6 (`::ffff:192.0.2.1`) is the
/// IPv4 address, so one network is never counted twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Network(IpAddr);

impl Network {
    /// The network `ip` belongs to.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Self(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => Self(IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & PREFIX_64))),
            },
        }
    }
}

const PREFIX_64: u128 = !0 << 64;
const PREFIX_48: u128 = !0 << 80;

/// An IPv6 /48: one site, as providers hand them out, whose /64s are many networks
/// to the budgets (65,536 of them). Its own budgets bound what one site's
/// networks spend together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Site(Ipv6Addr);

impl Site {
    /// The /48 `ip` belongs to; none for IPv4 (however written), whose addresses
    /// are each a network of their own.
    pub fn of(ip: IpAddr) -> Option<Self> {
        match ip {
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                Some(Self(Ipv6Addr::from_bits(v6.to_bits() & PREFIX_48)))
            }
            _ => None,
        }
    }
}

/// `2001:db8:1::/48`.
impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/48", self.0)
    }
}

/// What a network spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// Accounts created.
    Registrations,
    /// Passwords checked or hashed for browsers the account does not know: sign-in,
    /// registration, choosing a new password through a reset link.
    PasswordChecks,
    /// "Sign in with a passkey" started: each stores a challenge before anyone is known.
    PasswordlessStarts,
}

impl Budget {
    pub(crate) fn stored(self) -> &'static str {
        match self {
            Self::Registrations => "registration",
            Self::PasswordChecks => "password_check",
            Self::PasswordlessStarts => "passwordless_start",
        }
    }
}

/// `192.0.2.1` or `2001:db8:1:2::/64`: how budgets key it and events show it.
impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(text: &str) -> String {
        Network::of(text.parse().unwrap()).to_string()
    }

    #[test]
    fn an_ipv6_network_is_its_first_64_bits() {
        assert_eq!(network("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(network("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_ne!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
    }

    #[test]
    fn an_ipv6_site_is_its_first_48_bits_and_ipv4_has_none() {
        let site = |text: &str| Site::of(text.parse().unwrap()).map(|site| site.to_string());
        assert_eq!(site("2001:db8:1:2::1").as_deref(), Some("2001:db8:1::/48"));
        assert_eq!(site("2001:db8:1:ffff::9"), site("2001:db8:1:2::1"));
        assert_ne!(site("2001:db8:2::1"), site("2001:db8:1::1"));
        assert_eq!((site("192.0.2.1"), site("::ffff:192.0.2.1")), (None, None));
    }

    #[test]
    fn an_ipv4_network_is_its_address_however_written() {
        assert_eq!(network("192.0.2.1"), "192.0.2.1");
        assert_eq!(network("::ffff:192.0.2.1"), "192.0.2.1");
        assert_ne!(network("192.0.2.1"), network("192.0.2.2"));
    }
}
