//! How many passwordless sign-ins each network started in the current hour: at
//! most [`STARTS_PER_HOUR`]. Each start stores a challenge before anyone is
//! known; this bounds how many a stranger can make the server store. Counted and
//! checked in one upsert.

use std::net::IpAddr;

use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::passwordless_start::{ActiveModel, Column, Entity};
use crate::hourly_window::HourlyWindow;
use crate::secrets::{MasterKey, keyed_digest};

/// Passwordless sign-ins one network may start in an hour: plenty for an office
/// behind one address, and few enough to keep the table small.
pub const STARTS_PER_HOUR: i32 = 100;

/// Counts a start from `ip`; `false` when its network's hour is full (nothing
/// is counted then).
pub(super) async fn count(
    db: &DatabaseConnection,
    key: &MasterKey,
    ip: Option<IpAddr>,
    now: UnixTime,
) -> Result<bool, CoreError> {
    let window = HourlyWindow::new(Entity, Column::WindowStartedAt, Column::StartsInWindow, STARTS_PER_HOUR, now);
    let counted = Entity::insert(ActiveModel {
        network_digest: Set(keyed_digest(key, "passwordless:network", &network(ip))),
        window_started_at: Set(now),
        starts_in_window: Set(1),
    })
    .on_conflict(window.counting_on([Column::NetworkDigest]))
    .exec_without_returning(db)
    .await?;
    Ok(counted == 1)
}

/// Deletes the counts of hours that are over; returns how many.
pub(super) async fn purge(db: &DatabaseConnection, now: UnixTime) -> Result<u64, CoreError> {
    let purged = Entity::delete_many().filter(Column::WindowStartedAt.lte(now - 60 * 60)).exec(db).await?;
    Ok(purged.rows_affected)
}

/// The network an address belongs to: itself for IPv4, its /64 for IPv6 (one
/// subscriber's, which it may fill with addresses at will).
fn network(ip: Option<IpAddr>) -> String {
    // An IPv4 client of a dual-stack listener arrives as `::ffff:a.b.c.d`.
    match ip.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(ip)) => ip.to_string(),
        Some(IpAddr::V6(ip)) => {
            let segments = ip.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", segments[0], segments[1], segments[2], segments[3])
        }
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_network_is_its_64_prefix() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        assert_eq!(network(Some(one)), network(Some(other)));
        assert_ne!(network(Some("2001:db8:1:3::1".parse().unwrap())), network(Some(one)));
        assert_eq!(network(Some("192.0.2.7".parse().unwrap())), "192.0.2.7");
        assert_eq!(network(Some("::ffff:192.0.2.7".parse().unwrap())), "192.0.2.7", "not one bucket for all IPv4");
    }
}
