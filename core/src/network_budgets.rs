//! What one network (an IPv4 address, an IPv6 /64) may do in an hour, whoever it
//! says it is: the limits on many accounts, many emails and many callers together,
//! where every other limit counts per account, per email or per number. Each is
//! counted and checked in one upsert, before the work it pays for, so racing
//! requests on any number of servers cannot pass it. A browser with a valid device
//! note for the account never spends a network's budget: the customer behind an
//! office's NAT still signs in while someone else on it floods.

use crate::CoreError;
use crate::hourly_budgets::{HourlyBudget, Spent};
use crate::requester::Requester;
use crate::secrets::keyed_digest;
use crate::store::Store;
use crate::vocabulary::{Budget, Network};

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

    /// Spends one of `budget` for `requester`'s network, or refuses with the wait
    /// until that network's hour is over (nothing is counted then). A requester
    /// without an address (none comes over HTTP) counts as one network of its own.
    pub async fn spend(&self, budget: Budget, requester: &Requester) -> Result<(), CoreError> {
        let network = requester.ip.map_or_else(|| "unknown".to_owned(), |ip| Network::of(ip).to_string());
        let holder = keyed_digest(self.store.key(), "network", &network);
        let hourly = HourlyBudget { name: budget.stored(), holder: &holder, cap: self.cap(budget) };
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
