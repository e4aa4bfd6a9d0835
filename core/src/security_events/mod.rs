//! An account's security activity: an append-only record of sign-ins, wrong codes,
//! changes to its second factor and recovery codes, locks and support actions, each
//! with when, from which address and which browser. Events are written through
//! [`crate::store::SecurityChange`], in the transaction of what they record; old events
//! are purged after the retention time.

mod activity;
mod event;

use std::time::Duration;

use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    Set,
};

pub use self::activity::{ActivityCursor, ActivityEntry, ActivityPage, PAGE_LINES};
pub use self::event::{Actor, SecurityEvent};
use crate::CoreError;
use crate::clock::{self, Clock, UnixTime};
use crate::db::entities::security_event;
use crate::requester::Requester;

/// One recorded event, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RecordedEvent {
    at: UnixTime,
    event: SecurityEvent,
    actor: Actor,
    ip: Option<String>,
    browser: String,
}

/// Records `event` of `account_id`, done by `actor` from `requester` at `at`, on
/// `connection`: the transaction of the change it records, so the change is
/// never without its record. [`crate::store::SecurityChange`] is its one caller.
pub(crate) async fn record(
    connection: &impl ConnectionTrait,
    account_id: i32,
    event: SecurityEvent,
    actor: &Actor,
    requester: &Requester,
    at: UnixTime,
) -> Result<(), CoreError> {
    let (kind, detail) = event.stored();
    let (actor, reason) = actor.stored();
    security_event::ActiveModel {
        user_id: Set(account_id),
        occurred_at: Set(at),
        kind: Set(kind.to_owned()),
        detail: Set(detail),
        actor: Set(actor.to_owned()),
        reason: Set(reason),
        ip: Set(requester.ip.map(|ip| ip.to_string())),
        browser: Set(requester.browser.clone()),
        ..Default::default()
    }
    .insert(connection)
    .await?;
    Ok(())
}

/// Reads an account's activity, and forgets what is past the retention time.
#[derive(Clone)]
pub struct SecurityEvents {
    db: DatabaseConnection,
    clock: Clock,
    /// Events older than this are purged.
    retention: Duration,
}

impl SecurityEvents {
    pub fn new(db: DatabaseConnection, clock: Clock, retention: Duration) -> Self {
        Self { db, clock, retention }
    }

    /// Deletes events older than the retention time; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, CoreError> {
        let before = self.clock.now() - clock::seconds(self.retention);
        let purged = security_event::Entity::delete_many()
            .filter(security_event::Column::OccurredAt.lt(before))
            .exec(&self.db)
            .await?;
        Ok(purged.rows_affected)
    }
}

fn read(row: security_event::Model) -> Result<RecordedEvent, CoreError> {
    let event = SecurityEvent::from_stored(&row.kind, row.detail.as_deref());
    let actor = Actor::from_stored(&row.actor, row.reason.as_deref());
    match (event, actor) {
        (Some(event), Some(actor)) => {
            Ok(RecordedEvent { at: row.occurred_at, event, actor, ip: row.ip, browser: row.browser })
        }
        _ => {
            tracing::error!(event = row.id, kind = %row.kind, actor = %row.actor, "a stored security event cannot be read");
            Err(CoreError::EventUnreadable { id: row.id })
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait as _;

    use super::*;
    use crate::vocabulary::Method;

    fn from_a_browser() -> Requester {
        Requester::new(Some("203.0.113.7".parse().unwrap()), Some("Firefox/133.0 (Windows NT 10.0)"), vec![])
    }

    const NOW: UnixTime = 1_795_336_200;

    fn events(db: &DatabaseConnection, retention_days: u64) -> SecurityEvents {
        SecurityEvents::new(db.clone(), Clock::fixed(NOW), Duration::from_secs(retention_days * 86_400))
    }

    #[tokio::test]
    async fn the_first_page_newest_first_with_address_and_browser() {
        let db = crate::db::for_tests().await;
        let events = events(&db, 365);
        for _ in 0..25 {
            record(&db, 1, SecurityEvent::SignedIn, &Actor::Client, &from_a_browser(), NOW).await.unwrap();
        }
        let support = Actor::Support { reason: "ticket 42".into() };
        record(&db, 1, SecurityEvent::Unlocked, &support, &Requester::default(), NOW).await.unwrap();
        record(&db, 2, SecurityEvent::SignedIn, &Actor::Client, &from_a_browser(), NOW).await.unwrap();

        let recent = events.recent(1).await.unwrap();
        assert_eq!(recent.len(), 20);
        assert_eq!(recent[0].in_words(), "Locks cleared, by support: ticket 42");
        assert_eq!(recent[1].event, SecurityEvent::SignedIn);
        assert_eq!(recent[1].ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(recent[1].browser, "Firefox on Windows");
    }

    #[tokio::test]
    async fn events_cannot_be_rewritten_and_unknown_ones_refuse() {
        let db = crate::db::for_tests().await;
        let events = events(&db, 1);
        let on = SecurityEvent::TwoFactorOn(Method::Sms);
        record(&db, 1, on, &Actor::Client, &from_a_browser(), NOW).await.unwrap();
        let rewrite = db.execute_unprepared("UPDATE security_events SET ip = '198.51.100.1'").await;
        assert!(rewrite.is_err(), "the table is append-only");

        db.execute_unprepared(
            "INSERT INTO security_events (user_id, occurred_at, kind, actor, browser) \
             VALUES (1, 0, 'teleported', 'client', 'x')",
        )
        .await
        .unwrap();
        assert!(matches!(events.recent(1).await, Err(CoreError::EventUnreadable { .. })));
    }

    #[tokio::test]
    async fn events_past_the_retention_are_purged() {
        let db = crate::db::for_tests().await;
        let events = events(&db, 1);
        let a_day_ago = NOW - 86_401;
        record(&db, 1, SecurityEvent::SignedIn, &Actor::Client, &from_a_browser(), a_day_ago).await.unwrap();
        record(&db, 1, SecurityEvent::SignedIn, &Actor::Client, &from_a_browser(), NOW).await.unwrap();
        assert_eq!(events.purge_expired().await.unwrap(), 1);
        assert_eq!(events.recent(1).await.unwrap().len(), 1);
    }
}
