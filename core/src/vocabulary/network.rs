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
    fn an_ipv4_network_is_its_address_however_written() {
        assert_eq!(network("192.0.2.1"), "192.0.2.1");
        assert_eq!(network("::ffff:192.0.2.1"), "192.0.2.1");
        assert_ne!(network("192.0.2.1"), network("192.0.2.2"));
    }
}
