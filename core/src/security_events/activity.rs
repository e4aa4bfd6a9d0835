//! The activity list as customers and support read it: newest first, a page at a
//! time ("Show more"), with repeated failures collapsed. A stranger can cause
//! wrong passwords, wrong codes and reset requests at will, from as many networks
//! as a botnet has; all failures of one kind between two events that are not such
//! failures are one line, with a count, a time range and how many networks they
//! came from. So "Two-factor authentication turned off" stays in sight however
//! many failures follow it: at most one line for each kind of failure.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Condition, ExprTrait as _};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _};

use super::event::{Actor, SecurityEvent};
use super::{SecurityEvents, read};
use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::security_event;
use crate::vocabulary::Network;

/// Lines a page of the activity shows.
pub const PAGE_LINES: usize = 20;
/// Events one page reads at most: a page of a long flood ends there, and the next
/// page goes on from it, so a flood never makes a page slow.
const SCAN_AT_MOST: usize = 2_000;
/// Events read from the database at a time.
const CHUNK: u64 = 200;

/// One line of the activity: an event, or a run of one repeated failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityEntry {
    /// The newest of the run.
    pub at: UnixTime,
    /// The oldest of the run (`at` for a single event).
    pub since: UnixTime,
    /// How many events the line stands for.
    pub count: u32,
    /// How many networks they came from (1 for a single event).
    pub networks: u32,
    pub event: SecurityEvent,
    pub actor: Actor,
    /// The newest event's client address, when known.
    pub ip: Option<String>,
    /// The newest event's browser.
    pub browser: String,
}

impl ActivityEntry {
    /// The line in a customer's words, saying so when support did it, and how
    /// many times a failure was repeated.
    pub fn in_words(&self) -> String {
        let what = match &self.actor {
            Actor::Client => self.event.in_words(),
            Actor::Support { reason } => format!("{}, by support: {reason}", self.event.in_words()),
        };
        match (self.count, self.networks) {
            (1, _) => what,
            (count, 1) => format!("{what} ({count} times)"),
            (count, networks) => format!("{what} ({count} times, from {networks} networks)"),
        }
    }
}

/// Where a page ends: the next one shows what is older than this event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivityCursor {
    at: UnixTime,
    id: i64,
}

impl ActivityCursor {
    /// `at.id`, as a page carries it.
    pub fn to_text(self) -> String {
        format!("{}.{}", self.at, self.id)
    }

    /// A cursor read back from a page: anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        Some(Self { at: at.parse().ok()?, id: id.parse().ok()? })
    }
}

/// A page of the activity, and where the next one starts, if there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub more: Option<ActivityCursor>,
}

/// A run of one failure still open: its line, and the networks it came from.
struct Run {
    line: usize,
    networks: HashSet<Option<Network>>,
}

impl SecurityEvents {
    /// The account's activity older than `before` (from the newest when `None`):
    /// at most [`PAGE_LINES`] lines. A row this server cannot read is an error
    /// (logged), never skipped or guessed at.
    pub async fn page(&self, account_id: i32, before: Option<ActivityCursor>) -> Result<ActivityPage, CoreError> {
        let mut entries: Vec<ActivityEntry> = Vec::new();
        // The runs still open: since the last event that is not a repeatable failure.
        let mut runs: HashMap<SecurityEvent, Run> = HashMap::new();
        let (mut cursor, mut scanned) = (before, 0);
        loop {
            let rows = self.older_than(account_id, cursor).await?;
            if rows.is_empty() {
                return Ok(ActivityPage { entries, more: None });
            }
            for row in rows {
                let here = ActivityCursor { at: row.occurred_at, id: row.id };
                let recorded = read(row)?;
                let collapses = recorded.actor == Actor::Client && recorded.event.repeats_collapse();
                let network = recorded.ip.as_deref().and_then(|ip| ip.parse().ok()).map(Network::of);
                match runs.get_mut(&recorded.event).filter(|_| collapses) {
                    Some(run) => {
                        run.networks.insert(network);
                        let line = &mut entries[run.line];
                        line.since = recorded.at;
                        line.count = line.count.saturating_add(1);
                        line.networks = u32::try_from(run.networks.len()).unwrap_or(u32::MAX);
                    }
                    None if entries.len() == PAGE_LINES => return Ok(ActivityPage { entries, more: cursor }),
                    None => {
                        if collapses {
                            let run = Run { line: entries.len(), networks: HashSet::from([network]) };
                            runs.insert(recorded.event, run);
                        } else {
                            runs.clear();
                        }
                        entries.push(ActivityEntry {
                            at: recorded.at,
                            since: recorded.at,
                            count: 1,
                            networks: 1,
                            event: recorded.event,
                            actor: recorded.actor,
                            ip: recorded.ip,
                            browser: recorded.browser,
                        });
                    }
                }
                cursor = Some(here);
                scanned += 1;
                if scanned >= SCAN_AT_MOST {
                    return Ok(ActivityPage { entries, more: cursor });
                }
            }
        }
    }

    /// The account's first page of activity: what the support tool shows.
    pub async fn recent(&self, account_id: i32) -> Result<Vec<ActivityEntry>, CoreError> {
        Ok(self.page(account_id, None).await?.entries)
    }

    /// The next [`CHUNK`] rows older than `cursor`, newest first.
    async fn older_than(
        &self,
        account_id: i32,
        cursor: Option<ActivityCursor>,
    ) -> Result<Vec<security_event::Model>, CoreError> {
        use security_event::Column;
        let mut query = security_event::Entity::find().filter(Column::UserId.eq(account_id));
        if let Some(ActivityCursor { at, id }) = cursor {
            query = query.filter(
                Condition::any().add(Column::OccurredAt.lt(at)).add(Column::OccurredAt.eq(at).and(Column::Id.lt(id))),
            );
        }
        let query = query.order_by_desc(Column::OccurredAt).order_by_desc(Column::Id).limit(CHUNK);
        Ok(query.all(&self.db).await?)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::clock::Clock;
    use crate::requester::Requester;
    use crate::security_events::record;
    use crate::vocabulary::Method;

    const NOW: UnixTime = 1_795_336_200;

    fn from(ip: &str) -> Requester {
        Requester::new(Some(ip.parse().unwrap()), Some("curl/8.5.0"), vec![])
    }

    async fn events() -> (sea_orm::DatabaseConnection, SecurityEvents) {
        let db = crate::db::for_tests().await;
        let events = SecurityEvents::new(db.clone(), Clock::fixed(NOW), Duration::from_secs(365 * 86_400));
        (db, events)
    }

    async fn note(db: &sea_orm::DatabaseConnection, event: SecurityEvent, requester: &Requester, at: UnixTime) {
        record(db, 1, event, &Actor::Client, requester, at).await.unwrap();
    }

    fn lines(page: &ActivityPage) -> Vec<String> {
        page.entries.iter().map(ActivityEntry::in_words).collect()
    }

    #[tokio::test]
    async fn a_strangers_flood_collapses_and_what_matters_stays_in_sight() {
        let (db, events) = events().await;
        let customer = from("198.51.100.7");
        note(&db, SecurityEvent::TwoFactorOff(Method::Sms), &customer, NOW - 100).await;
        for second in 0..30 {
            let stranger = from(&format!("2001:db8:1:2::{second}"));
            note(&db, SecurityEvent::SignInFailed, &stranger, NOW - 50 + second).await;
            note(&db, SecurityEvent::PasswordResetRequested, &from("203.0.113.9"), NOW - 50 + second).await;
        }
        note(&db, SecurityEvent::SignInFailed, &from("192.0.2.1"), NOW).await;

        let page = events.page(1, None).await.unwrap();
        assert_eq!(
            lines(&page),
            [
                "Sign-in failed: wrong password (31 times, from 2 networks)",
                "Password reset link requested (30 times)",
                "Two-factor authentication turned off (SMS (text message codes))",
            ]
        );
        let run = &page.entries[0];
        assert_eq!((run.since, run.at, run.ip.as_deref()), (NOW - 50, NOW, Some("192.0.2.1")));
        assert_eq!(page.more, None);
    }

    #[tokio::test]
    async fn a_botnet_of_many_networks_is_one_line_for_each_kind_of_failure() {
        let (db, events) = events().await;
        note(&db, SecurityEvent::TwoFactorOff(Method::Sms), &from("198.51.100.7"), NOW - 100).await;
        for bot in 0..40 {
            let stranger = from(&format!("203.0.{bot}.9"));
            let failure =
                if bot % 2 == 0 { SecurityEvent::SignInFailed } else { SecurityEvent::PasswordResetRequested };
            note(&db, failure, &stranger, NOW - 50 + bot).await;
        }
        let page = events.page(1, None).await.unwrap();
        assert_eq!(
            lines(&page),
            [
                "Password reset link requested (20 times, from 20 networks)",
                "Sign-in failed: wrong password (20 times, from 20 networks)",
                "Two-factor authentication turned off (SMS (text message codes))",
            ]
        );
    }

    #[tokio::test]
    async fn an_event_that_is_not_a_failure_ends_a_run() {
        let (db, events) = events().await;
        let stranger = from("203.0.113.9");
        note(&db, SecurityEvent::SignInFailed, &stranger, NOW - 3).await;
        note(&db, SecurityEvent::SignedIn, &from("198.51.100.7"), NOW - 2).await;
        note(&db, SecurityEvent::SignInFailed, &stranger, NOW - 1).await;
        note(&db, SecurityEvent::SignInFailed, &stranger, NOW).await;
        let page = events.page(1, None).await.unwrap();
        assert_eq!(
            lines(&page),
            ["Sign-in failed: wrong password (2 times)", "Signed in", "Sign-in failed: wrong password"]
        );
    }

    #[tokio::test]
    async fn pages_go_back_through_older_events_without_repeating_one() {
        let (db, events) = events().await;
        for second in 0..45 {
            note(&db, SecurityEvent::SignedIn, &from("198.51.100.7"), NOW - 45 + second).await;
        }
        let first = events.page(1, None).await.unwrap();
        assert_eq!(first.entries.len(), PAGE_LINES);
        let second = events.page(1, first.more).await.unwrap();
        let third = events.page(1, second.more).await.unwrap();
        assert_eq!((second.entries.len(), third.entries.len(), third.more), (PAGE_LINES, 5, None));
        assert_eq!(third.entries.last().unwrap().at, NOW - 45, "the oldest comes last");
        let cursor = second.more.unwrap();
        assert_eq!(ActivityCursor::parse(&cursor.to_text()), Some(cursor));
        for bad in ["", "12", "a.b", "1.2.3"] {
            assert_eq!(ActivityCursor::parse(bad), None, "{bad}");
        }
    }
}
