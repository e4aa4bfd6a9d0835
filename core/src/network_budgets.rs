//! What one network (an IPv4 address, an IPv6 /64) may do in an hour, whoever it
//! says it is, and an IPv6 site (a /48) [`SITE_NETWORKS`] times as much: the
//! limits on many accounts, many emails and many callers together, where every
//! other limit counts per account, per email or per number. Each is
//! counted and checked in one upsert, before the work it pays for, so racing
//! requests on any number of servers cannot pass it. A browser with a valid device
//! note for the account never spends a network's budget: the customer behind an
//! office's NAT still signs in while someone else on it floods.

use crate::CoreError;
use crate::hourly_budgets::{HourlyBudget, Spent};
use crate::requester::Requester;
use crate::secrets::keyed_digest;
use crate::store::Store;
use crate::vocabulary::{Budget, Network, Site};

/// How much each network may spend in an hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkLimits {
    /// `REGISTRATIONS_PER_NETWORK_HOUR`: a family or an office signing up together.
    pub registrations_per_hour: u32,
    /// `PASSWORD_CHECKS_PER_NETWORK_HOUR`: generous, since a mobile carrier's NAT
    /// puts many customers behind one address.
    pub password_checks_per_hour: u32,
}

impl Default for NetworkLimits {
    fn default() -> Self {
        Self { registrations_per_hour: 10, password_checks_per_hour: 300 }
    }
}

/// Passwordless sign-ins one network may start in an hour: plenty for an office
/// behind one address, and few enough to keep the ceremonies table small.
pub const PASSWORDLESS_STARTS_PER_HOUR: u32 = 100;

/// What an IPv6 /48 may spend in an hour, in networks' worth: a site with a few
/// busy /64s, never the 65,536 an attacker who holds the /48 could spread over.
pub const SITE_NETWORKS: u32 = 16;

/// The networks' hourly budgets; cheap to clone.
#[derive(Clone)]
pub struct NetworkBudgets {
    store: Store,
    limits: NetworkLimits,
}

impl NetworkBudgets {
    pub fn new(store: Store, limits: NetworkLimits) -> Self {
        Self { store, limits }
    }

    fn cap(&self, budget: Budget) -> u32 {
        match budget {
            Budget::Registrations => self.limits.registrations_per_hour,
            Budget::PasswordChecks => self.limits.password_checks_per_hour,
            Budget::PasswordlessStarts => PASSWORDLESS_STARTS_PER_HOUR,
        }
    }

    /// Spends one of `budget` for `requester`'s network, and for an IPv6 one its
    /// site's too, or refuses with the wait until that hour is over (the budget that
    /// refused counted nothing). A requester without an address (none comes over HTTP)
    /// counts as one network of its own.
    pub async fn spend(&self, budget: Budget, requester: &Requester) -> Result<(), CoreError> {
        let network = requester.ip.map_or_else(|| "unknown".to_owned(), |ip| Network::of(ip).to_string());
        self.spend_as((budget, self.cap(budget)), &keyed_digest(self.store.key(), "network", &network)).await?;
        if let Some(site) = requester.ip.and_then(Site::of) {
            let holder = keyed_digest(self.store.key(), "site", &site.to_string());
            self.spend_as((budget, self.cap(budget).saturating_mul(SITE_NETWORKS)), &holder).await?;
        }
        Ok(())
    }

    /// Spends one of `budget`, at most `cap` an hour, for `holder`.
    async fn spend_as(&self, (budget, cap): (Budget, u32), holder: &str) -> Result<(), CoreError> {
        let hourly = HourlyBudget { name: budget.stored(), holder, cap };
        match hourly.spend(self.store.db(), self.store.now()).await? {
            Spent::Counted => Ok(()),
            Spent::Refused { retry_after_secs } => {
                crate::telemetry::network_budget_refusal(budget.stored());
                Err(CoreError::NetworkBudgetSpent { budget, retry_after_secs })
            }
        }
    }

    /// Deletes the counts of hours that are over, the portal's own included;
    /// returns how many.
    pub async fn purge(&self) -> Result<u64, CoreError> {
        crate::hourly_budgets::purge(self.store.db(), self.store.now()).await
    }
}
