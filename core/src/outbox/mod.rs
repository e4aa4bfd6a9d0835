//! Messages to customers, stored before they are sent. A message is written in the
//! same transaction as the change it reports ([`crate::store::SecurityChange`] stores it
//! and wakes the worker once that commits), so a security change is never undone
//! by a mail server being down, and nothing is lost when one is or a server
//! restarts: a worker on every server delivers what is due, with retries and
//! backoff. A text message carries a code, and a password-reset email a link, so
//! they are stored sealed and erased once sent. What the messages say is
//! [`crate::notices`]'.

mod channel;
mod mailer;
mod priority;
mod redact;
pub mod sms;

use channel::Channel;
pub use priority::Priority;

pub use mailer::{MailConfig, MailTransport, Mailer};
pub use sms::{SmsGateway, SmsTransport};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Set,
};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

use crate::CoreError;
use crate::clock::{Clock, UnixTime};
use crate::db::entities::outbox_message;
use crate::phone::PhoneNumber;
use crate::secrets::{MasterKey, SealedSecret, contexts};

/// How often the worker looks for due messages when nobody wakes it.
const POLL_EVERY: Duration = Duration::from_secs(5);
/// A worker that began no pass for this long is not running (or is stuck).
const RUNNING_WITHIN_SECS: i64 = 60;
/// A message being sent is not picked up by another worker for this long.
const LEASE_SECS: i64 = 60;
const MAX_BACKOFF_SECS: i64 = 300;
/// A message still failing this long after it was stored is set aside: kept, marked
/// failed, logged, and tried no more.
const GIVE_UP_AFTER_SECS: i64 = 24 * 60 * 60;
/// Sent messages are kept this long (for an operator asking "did it go out?"), then
/// deleted: the table is a queue, not an archive of who was told what.
const KEEP_SENT_SECS: i64 = 30 * 24 * 60 * 60;
const BATCH: u64 = 20;

/// An email, in plain text and HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
pub struct Outbox {
    db: DatabaseConnection,
    clock: Clock,
    mailer: Mailer,
    sms: Arc<dyn SmsGateway>,
    key: MasterKey,
    wake: Arc<Notify>,
    /// When this server's worker last began a pass (0: never): readiness asks.
    last_pass_at: Arc<AtomicI64>,
    /// Deliveries under way, one lane a priority, so slow ones of one priority
    /// never hold up the other.
    lanes: Arc<[Arc<Semaphore>; 2]>,
    /// A pass left due messages for later (a full lane, a full batch): the next
    /// delivery to end wakes the worker for them.
    left_behind: Arc<AtomicBool>,
}

impl Outbox {
    pub fn new(db: DatabaseConnection, clock: Clock, mailer: Mailer, sms: Arc<dyn SmsGateway>, key: MasterKey) -> Self {
        let last_pass_at = Arc::new(AtomicI64::new(0));
        let lanes = Arc::new(Priority::ALL.map(|priority| Arc::new(Semaphore::new(priority.lane_width()))));
        let left_behind = Arc::new(AtomicBool::new(false));
        Self { db, clock, mailer, sms, key, wake: Arc::new(Notify::new()), last_pass_at, lanes, left_behind }
    }

    /// Whether this server's worker is delivering: it began a pass lately (it
    /// begins one every few seconds, and a pass that hangs on a mail server
    /// shows here too).
    pub fn is_running(&self) -> bool {
        let last = self.last_pass_at.load(Ordering::Relaxed);
        last > 0 && self.clock.now() - last <= RUNNING_WITHIN_SECS
    }

    /// Stores `email` for delivery at `now`, on `connection`: the transaction of
    /// the change it reports. [`wake`](Self::wake) once that has committed.
    pub(crate) async fn enqueue(
        connection: &impl ConnectionTrait,
        email: Email,
        now: UnixTime,
    ) -> Result<(), CoreError> {
        let message = new_message(Channel::Email, email.to, Some(email.subject), (email.text, Some(email.html)), now);
        message.insert(connection).await?;
        Ok(())
    }

    /// Stores a text message to `to`, sealed under `key` (it holds a code), on
    /// `connection`, to go out with `priority`; it is dropped unsent if still
    /// waiting at `deliver_by` (when its code expires: a dead code arriving late
    /// only confuses).
    pub(crate) async fn enqueue_sms(
        connection: &impl ConnectionTrait,
        key: &MasterKey,
        (to, text, priority): (&PhoneNumber, &str, Priority),
        (now, deliver_by): (UnixTime, UnixTime),
    ) -> Result<(), CoreError> {
        let sealed = SealedSecret::seal(key, &contexts::text_message(to.e164()), text.as_bytes()).into_stored();
        let mut message = new_message(Channel::Sms, to.e164().to_owned(), None, (sealed, None), now);
        message.deliver_by = Set(Some(deliver_by));
        message.priority = Set(priority.stored());
        message.insert(connection).await?;
        Ok(())
    }

    /// Stores `email`, which carries a secret, sealed under `key`, on `connection`;
    /// it is dropped unsent if still waiting at `deliver_by` (when its link expires).
    pub(crate) async fn enqueue_sealed(
        connection: &impl ConnectionTrait,
        key: &MasterKey,
        email: Email,
        (now, deliver_by): (UnixTime, UnixTime),
    ) -> Result<(), CoreError> {
        let context = contexts::secret_email(&email.to);
        let seal = |body: &str| SealedSecret::seal(key, &context, body.as_bytes()).into_stored();
        let (text, html) = (seal(&email.text), seal(&email.html));
        let mut message = new_message(Channel::SealedEmail, email.to, Some(email.subject), (text, Some(html)), now);
        message.deliver_by = Set(Some(deliver_by));
        message.insert(connection).await?;
        Ok(())
    }

    /// Tells this server's worker that a message is waiting, so it goes out at
    /// once: [`crate::store::SecurityChange`] does, once what it stored has committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Delivers messages forever: whenever woken, and every few seconds for retries
    /// and for messages other servers stored. One pass at a time picks what is
    /// due, and wakes that come meanwhile make one more pass, however many there
    /// were; the deliveries it starts run on their own, so a pass never waits on a
    /// slow provider: what they claimed stays theirs (the lease), and what came
    /// since goes out at once, in its priority's lane.
    pub async fn run(self) {
        loop {
            self.last_pass_at.store(self.clock.now(), Ordering::Relaxed);
            if let Err(error) = self.start_due().await {
                tracing::warn!(%error, "outbox: cannot read due messages");
            }
            let _ = tokio::time::timeout(POLL_EVERY, self.wake.notified()).await;
        }
    }

    /// One pass, waiting for its deliveries; returns how many went out.
    pub async fn deliver_due(&self) -> Result<usize, CoreError> {
        let mut sent = 0;
        for delivery in self.start_due().await? {
            match delivery.await {
                Ok(delivered) => sent += usize::from(delivered?),
                Err(error) => tracing::error!(%error, "outbox: a delivery panicked"),
            }
        }
        Ok(sent)
    }

    /// Claims the messages that are due, as many as their priorities' lanes have
    /// room for, and starts delivering each beside the others. Sign-in codes go
    /// first, then messages with a deadline, then those that have failed least, so
    /// a message that keeps failing never holds up newer ones. When some were left
    /// for later, the next delivery to end, of this pass or an earlier one, wakes
    /// the worker for them.
    async fn start_due(&self) -> Result<Vec<JoinHandle<Result<bool, CoreError>>>, CoreError> {
        use sea_orm::sea_query::ExprTrait as _;

        let now = self.clock.now();
        let due = outbox_message::Entity::find()
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::FailedAt.is_null())
            .filter(outbox_message::Column::NextAttemptAt.lte(now))
            .order_by_asc(outbox_message::Column::Priority)
            .order_by_asc(Expr::col(outbox_message::Column::DeliverBy).is_null())
            .order_by_asc(outbox_message::Column::Attempts)
            .order_by_asc(outbox_message::Column::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        if crate::telemetry::is_exported()
            && let Err(error) = self.report_depth(now).await
        {
            tracing::warn!(%error, "outbox: cannot measure what waits");
        }
        if due.len() as u64 == BATCH {
            self.left_behind.store(true, Ordering::Release);
        }
        let mut deliveries = Vec::new();
        for message in due {
            let Some(place) = self.place_in_lane(&message) else {
                self.left_behind.store(true, Ordering::Release);
                continue;
            };
            if self.claim(&message, self.clock.now()).await? {
                let outbox = self.clone();
                deliveries.push(tokio::spawn(async move {
                    let delivered = outbox.deliver(message).await;
                    drop(place);
                    // Each message shows the worker is alive, however long it took.
                    outbox.last_pass_at.store(outbox.clock.now(), Ordering::Relaxed);
                    if outbox.left_behind.swap(false, Ordering::AcqRel) {
                        outbox.wake();
                    }
                    delivered
                }));
            }
        }
        Ok(deliveries)
    }

    /// Room for `message` in its priority's lane, if there is.
    fn place_in_lane(&self, message: &outbox_message::Model) -> Option<OwnedSemaphorePermit> {
        let priority = Priority::from_stored(message.priority);
        let lane = Priority::ALL.iter().position(|each| *each == priority).and_then(|index| self.lanes.get(index))?;
        Arc::clone(lane).try_acquire_owned().ok()
    }

    /// Reports what waits on each channel (not sent, not set aside), for operators.
    async fn report_depth(&self, now: UnixTime) -> Result<(), CoreError> {
        use sea_orm::{FromQueryResult, QuerySelect as _};

        #[derive(FromQueryResult)]
        struct Waiting {
            channel: String,
            waiting: i64,
            oldest: Option<i64>,
        }
        let rows = outbox_message::Entity::find()
            .select_only()
            .column(outbox_message::Column::Channel)
            .column_as(outbox_message::Column::Id.count(), "waiting")
            .column_as(outbox_message::Column::CreatedAt.min(), "oldest")
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::FailedAt.is_null())
            .group_by(outbox_message::Column::Channel)
            .into_model::<Waiting>()
            .all(&self.db)
            .await?;
        for channel in Channel::ALL {
            let found = rows.iter().find(|row| row.channel == channel.stored());
            let waiting = found.map_or(0, |row| row.waiting.max(0) as u64);
            let oldest_age = found.and_then(|row| row.oldest).map_or(0, |oldest| now - oldest);
            crate::telemetry::outbox_depth(channel.stored(), waiting, oldest_age);
        }
        Ok(())
    }

    /// How many messages to `address` wait to be sent (not yet sent, not set aside).
    pub async fn waiting_for(&self, address: &str) -> Result<u64, CoreError> {
        use sea_orm::PaginatorTrait as _;
        Ok(outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq(address))
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::FailedAt.is_null())
            .count(&self.db)
            .await?)
    }

    /// Deletes messages sent more than 30 days ago; returns how many.
    pub async fn purge_sent(&self) -> Result<u64, CoreError> {
        let result = outbox_message::Entity::delete_many()
            .filter(outbox_message::Column::SentAt.lte(self.clock.now() - KEEP_SENT_SECS))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }

    /// Takes a lease on `message`, unless another worker just did.
    async fn claim(&self, message: &outbox_message::Model, now: UnixTime) -> Result<bool, CoreError> {
        let claimed = outbox_message::Entity::update_many()
            .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(now + LEASE_SECS))
            .filter(outbox_message::Column::Id.eq(message.id))
            .filter(outbox_message::Column::NextAttemptAt.eq(message.next_attempt_at))
            .filter(outbox_message::Column::SentAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    async fn deliver(&self, message: outbox_message::Model) -> Result<bool, CoreError> {
        if message.deliver_by.is_some_and(|deadline| deadline <= self.clock.now()) {
            let (id, channel, attempts) = (message.id, &message.channel, message.attempts);
            tracing::warn!(id, channel, attempts, "outbox: dropped unsent, it would arrive too late to use");
            outbox_message::Entity::delete_by_id(message.id).exec(&self.db).await?;
            return Ok(false);
        }
        let channel = Channel::from_stored(&message.channel);
        let outcome = match channel {
            Some(Channel::Email) => self.mailer.send(&message).await,
            Some(Channel::SealedEmail) => self.send_sealed_email(&message).await,
            Some(Channel::Sms) => self.send_sms(&message).await,
            None => Err(format!("unknown channel {:?}", message.channel)),
        };
        let attempts = message.attempts + 1;
        let now = self.clock.now();
        let is_sealed = channel.is_some_and(Channel::is_sealed);
        let give_up = now - message.created_at >= GIVE_UP_AFTER_SECS;
        let (id, channel) = (message.id, channel.map_or("other", Channel::stored));
        let mut update: outbox_message::ActiveModel = message.into();
        update.attempts = Set(attempts);
        crate::telemetry::outbox_delivery(channel, if outcome.is_ok() { "sent" } else { "failed" });
        let delivered = match outcome {
            Ok(()) => {
                update.sent_at = Set(Some(now));
                update.last_error = Set(None);
                if is_sealed {
                    // The code or link has gone out; the database keeps no copy.
                    update.body_text = Set(String::new());
                    update.body_html = Set(None);
                }
                true
            }
            Err(error) if give_up => {
                tracing::error!(id, channel, %error, attempts, "outbox: set aside after failing for a day");
                update.failed_at = Set(Some(now));
                update.last_error = Set(Some(error));
                false
            }
            Err(error) => {
                let backoff = retry_delay(attempts);
                tracing::warn!(id, channel, %error, attempts, retry_in_secs = backoff, "outbox: delivery failed");
                update.next_attempt_at = Set(now + backoff);
                update.last_error = Set(Some(error));
                false
            }
        };
        update.update(&self.db).await?;
        Ok(delivered)
    }

    async fn send_sms(&self, message: &outbox_message::Model) -> Result<(), String> {
        let sealed = SealedSecret::from_stored(message.body_text.clone());
        let text =
            sealed.open(&self.key, &contexts::text_message(&message.recipient)).map_err(|error| error.to_string())?;
        let text = std::str::from_utf8(&text).map_err(|error| error.to_string())?;
        self.sms.send(&message.recipient, text).await
    }
}

impl Outbox {
    async fn send_sealed_email(&self, message: &outbox_message::Model) -> Result<(), String> {
        let context = contexts::secret_email(&message.recipient);
        let open = |stored: &str| {
            let opened = SealedSecret::from_stored(stored.to_owned()).open(&self.key, &context);
            let opened = opened.map_err(|error| error.to_string())?;
            String::from_utf8(opened.to_vec()).map_err(|error| error.to_string())
        };
        let html = message.body_html.as_deref().map(open).transpose()?;
        let opened = outbox_message::Model { body_text: open(&message.body_text)?, body_html: html, ..message.clone() };
        self.mailer.send(&opened).await
    }
}

/// A message due at once.
fn new_message(
    channel: Channel,
    recipient: String,
    subject: Option<String>,
    (text, html): (String, Option<String>),
    now: UnixTime,
) -> outbox_message::ActiveModel {
    outbox_message::ActiveModel {
        channel: Set(channel.stored().into()),
        recipient: Set(recipient),
        subject: Set(subject),
        body_text: Set(text),
        body_html: Set(html),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        deliver_by: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        priority: Set(Priority::Ordinary.stored()),
        ..Default::default()
    }
}

/// Seconds before the next try of a message that failed `attempts` times: 2, 4, 8, …
/// up to five minutes.
fn retry_delay(attempts: i32) -> i64 {
    (1_i64 << attempts.clamp(1, 16)).min(MAX_BACKOFF_SECS)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    const NOW: UnixTime = 1_795_336_200;

    /// A gateway that keeps what it was asked to send.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl SmsGateway for Recorder {
        fn send<'a>(&'a self, to: &'a str, _body: &'a str) -> sms::Sending<'a> {
            self.0.lock().unwrap().push(to.to_owned());
            Box::pin(async { Ok(()) })
        }
    }

    /// A gateway whose sends wait until the test lets them go, one permit each.
    struct Gate(Arc<Semaphore>);

    impl SmsGateway for Gate {
        fn send<'a>(&'a self, _to: &'a str, _body: &'a str) -> sms::Sending<'a> {
            Box::pin(async move { self.0.acquire().await.map(|permit| permit.forget()).map_err(|e| e.to_string()) })
        }
    }

    /// An outbox whose mail server refuses every connection, on a clock standing
    /// at [`NOW`], and no worker.
    async fn outbox_with_mail_down() -> (Outbox, Arc<Recorder>) {
        let db = crate::db::for_tests().await;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config =
            MailConfig { transport: MailTransport::Smtp(format!("smtp://127.0.0.1:{port}")), ..MailConfig::default() };
        let recorder = Arc::new(Recorder::default());
        let mailer = Mailer::new(&config).unwrap();
        (Outbox::new(db, Clock::fixed(NOW), mailer, recorder.clone(), MasterKey::generate()), recorder)
    }

    /// Fails every message that waits, as a pass with the mail server down does.
    async fn fail_every_waiting_message(outbox: &Outbox, times: usize) {
        for _ in 0..times {
            outbox.deliver_due().await.unwrap();
            outbox.clock.advance(std::time::Duration::from_secs(MAX_BACKOFF_SECS as u64));
        }
    }

    fn email(number: usize) -> Email {
        let to = format!("customer{number}@example.com");
        Email { to, subject: "Notice".into(), text: "Hello".into(), html: "<p>Hello</p>".into() }
    }

    #[tokio::test]
    async fn codes_go_before_a_backlog_of_failing_mail() {
        let (outbox, recorder) = outbox_with_mail_down().await;
        for number in 0..(BATCH as usize + 5) {
            Outbox::enqueue(&outbox.db, email(number), NOW).await.unwrap();
        }
        fail_every_waiting_message(&outbox, 3).await;
        let phone = PhoneNumber::parse("+60123456788").unwrap();
        let now = outbox.clock.now();
        let text = (&phone, "123456 is your code", Priority::SignInCode);
        Outbox::enqueue_sms(&outbox.db, &outbox.key, text, (now, now + 300)).await.unwrap();

        assert_eq!(outbox.deliver_due().await.unwrap(), 1, "the text went out in the first pass");
        assert_eq!(*recorder.0.lock().unwrap(), ["+60123456788"]);
    }

    #[tokio::test]
    async fn a_delivery_ending_wakes_the_worker_for_what_a_full_lane_left() {
        use futures::FutureExt as _;

        let gate = Arc::new(Semaphore::new(0));
        let mailer = Mailer::new(&MailConfig::default()).unwrap();
        let db = crate::db::for_tests().await;
        let outbox = Outbox::new(db, Clock::fixed(NOW), mailer, Arc::new(Gate(gate.clone())), MasterKey::generate());
        let (width, phone) = (Priority::SignInCode.lane_width(), PhoneNumber::parse("+60123456788").unwrap());
        for _ in 0..width + 2 {
            let text = (&phone, "123456 is your code", Priority::SignInCode);
            Outbox::enqueue_sms(&outbox.db, &outbox.key, text, (NOW, NOW + 300)).await.unwrap();
        }

        let deliveries = outbox.start_due().await.unwrap();
        assert_eq!(deliveries.len(), width, "the lane is full: two codes are left for later");
        assert!(outbox.wake.notified().now_or_never().is_none(), "nothing has woken the worker yet");
        gate.add_permits(1);
        let (delivered, _, rest) = futures::future::select_all(deliveries).await;
        assert!(delivered.unwrap().unwrap());
        assert!(outbox.wake.notified().now_or_never().is_some(), "the delivery's end woke the worker");
        assert_eq!(outbox.start_due().await.unwrap().len(), 1, "the room it left goes to one of the two");

        gate.add_permits(width + 2);
        futures::future::join_all(rest).await;
    }

    #[tokio::test]
    async fn a_message_failing_for_a_day_is_set_aside_kept_and_tried_no_more() {
        let (outbox, _) = outbox_with_mail_down().await;
        Outbox::enqueue(&outbox.db, email(1), NOW - GIVE_UP_AFTER_SECS).await.unwrap();
        Outbox::enqueue(&outbox.db, email(2), NOW).await.unwrap();

        outbox.deliver_due().await.unwrap();
        let stored =
            outbox_message::Entity::find().order_by_asc(outbox_message::Column::Id).all(&outbox.db).await.unwrap();
        assert!(stored[0].failed_at.is_some() && stored[0].last_error.is_some(), "set aside: {:?}", stored[0]);
        assert!(stored[1].failed_at.is_none(), "a younger message is retried: {:?}", stored[1]);

        fail_every_waiting_message(&outbox, 1).await;
        let again = outbox_message::Entity::find_by_id(1).one(&outbox.db).await.unwrap().unwrap();
        assert_eq!(again.attempts, stored[0].attempts, "tried no more");
        assert_eq!(outbox.purge_sent().await.unwrap(), 0, "kept for an operator");
    }

    #[tokio::test]
    async fn a_worker_silent_for_a_minute_is_not_running() {
        let (outbox, _) = outbox_with_mail_down().await;
        assert!(!outbox.is_running(), "no pass yet");
        let seen = |secs_ago: i64| outbox.last_pass_at.store(NOW - secs_ago, Ordering::Relaxed);
        seen(RUNNING_WITHIN_SECS - 5);
        assert!(outbox.is_running(), "a pass within the minute");
        seen(RUNNING_WITHIN_SECS + 5);
        assert!(!outbox.is_running(), "stuck, or stopped");

        // A pass that waits on a slow provider shows it is alive at each message.
        Outbox::enqueue(&outbox.db, email(1), NOW).await.unwrap();
        outbox.deliver_due().await.unwrap();
        assert!(outbox.is_running());
    }

    #[test]
    fn retries_back_off_exponentially_up_to_five_minutes() {
        assert_eq!([1, 2, 3, 8, 9].map(retry_delay), [2, 4, 8, 256, 300]);
        assert_eq!(retry_delay(63), 300);
        assert_eq!(retry_delay(i32::MAX), 300);
    }
}
