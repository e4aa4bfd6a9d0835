//! What one network (an IPv4 address, an IPv6 /64) may do in an hour, whoever it
//! says it is: the limits on many accounts, many emails and many callers together,
//! where every other limit counts per account, per email or per number. Each is
//! counted and checked in one upsert, before the work it pays for, so racing
//! requests on any number of servers cannot pass it. A browser with a valid device
//! note for the account never spends a network's budget: the customer behind an
//! office's NAT still signs in while someone else on it floods.

use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::db::entities::network_budget::{ActiveModel, Column, Entity};
use crate::hourly_window::HourlyWindow;
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

const HOUR: i64 = 60 * 60;

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
        let now = self.store.now();
        let network = requester.ip.map_or_else(|| "unknown".to_owned(), |ip| Network::of(ip).to_string());
        let digest = keyed_digest(self.store.key(), "network", &network);
        let cap = i32::try_from(self.cap(budget)).unwrap_or(i32::MAX);
        let window = HourlyWindow::new(Entity, Column::WindowStartedAt, Column::SpentInWindow, cap, now);
        let counted = Entity::insert(ActiveModel {
            budget: Set(budget.stored().to_owned()),
            network_digest: Set(digest.clone()),
            window_started_at: Set(now),
            spent_in_window: Set(1),
        })
        .on_conflict(window.counting_on([Column::Budget, Column::NetworkDigest]))
        .exec_without_returning(self.store.db())
        .await?;
        if counted == 1 {
            return Ok(());
        }
        let started = Entity::find_by_id((budget.stored().to_owned(), digest)).one(self.store.db()).await?;
        let ends = started.map_or(now + HOUR, |row| row.window_started_at + HOUR);
        crate::telemetry::network_budget_refusal(budget.stored());
        Err(CoreError::NetworkBudgetSpent { budget, retry_after_secs: (ends - now).max(1) })
    }

    /// Deletes the counts of hours that are over; returns how many.
    pub async fn purge(&self) -> Result<u64, CoreError> {
        let over = self.store.now() - HOUR;
        let purged = Entity::delete_many().filter(Column::WindowStartedAt.lte(over)).exec(self.store.db()).await?;
        Ok(purged.rows_affected)
    }
}
