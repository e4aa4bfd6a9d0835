//! What the core's own tests share: a moment to stand the clock at, accounts
//! stored straight in the database, and durations that read as sentences.

use std::time::Duration;

use sea_orm::{ActiveModelTrait as _, DatabaseConnection, Set};

use crate::clock::UnixTime;
use crate::db::entities::user;
use crate::vocabulary::{Account, SecurityStamp};

/// Where test clocks stand: 2026-11-22 08:30 UTC.
pub(crate) const NOW: UnixTime = 1_795_336_200;

pub(crate) fn minutes(count: u64) -> Duration {
    Duration::from_secs(count * 60)
}

/// An account named Ana Lim with `email`, stored straight in the database.
pub(crate) async fn account(db: &DatabaseConnection, email: &str) -> Account {
    let model = user::ActiveModel {
        email: Set(email.into()),
        name: Set("Ana Lim".into()),
        password_hash: Set("unused".into()),
        created_at: Set(NOW),
        security_stamp: Set(SecurityStamp::generate().as_str().to_owned()),
        ..Default::default()
    };
    model.insert(db).await.unwrap().into()
}

/// An account with id `id`, not stored: for tests of what reads an account only.
pub(crate) fn account_at(id: i32, email: &str) -> Account {
    Account { id, name: "Ana Lim".into(), email: email.into(), security_stamp: SecurityStamp::generate() }
}

/// A whole core on a fresh in-memory database, its clock standing at [`NOW`]:
/// what a scenario drives, as a server would, without HTTP. No worker runs: what
/// the outbox would send stays in the database, where [`Scene::emails`] and
/// [`Scene::texts`] read it.
pub(crate) struct Scene {
    pub portal: crate::Portal,
    pub clock: crate::clock::Clock,
    key: crate::secrets::MasterKey,
}

/// A password that meets the policy.
pub(crate) const PASSWORD: &str = "tangerine orchestra 42";

impl Scene {
    pub(crate) async fn new() -> Self {
        let key = crate::secrets::MasterKey::generate();
        let clock = crate::clock::Clock::fixed(NOW);
        let folder = std::env::temp_dir().join("portal-core-scenes");
        let config = crate::PortalConfig {
            database_url: "sqlite::memory:".into(),
            master_key: crate::KeySource::Key(key.clone()),
            mail: crate::outbox::MailConfig {
                transport: crate::outbox::MailTransport::Files(folder.clone()),
                support_contact: "support@example.com".into(),
                ..Default::default()
            },
            sms: crate::outbox::SmsTransport::LogFile(folder.join("sms.log")),
            hashing: crate::password::HashingLimits { concurrency: 2, untrusted_waiting: 64 },
            clock: clock.clone(),
            ..Default::default()
        };
        Self { portal: crate::Portal::start(&config).await.unwrap(), clock, key }
    }

    /// Registers Ana with `email`, signed in: what registering in a browser leaves.
    pub(crate) async fn signed_in(&self, email: &str) -> crate::sessions::SignedIn {
        let password = crate::password::Password::new(PASSWORD.into());
        let account = self.portal.accounts.register("Ana Lim", email, password, &self.stranger()).await.unwrap();
        let token = self.portal.sessions.start(&account).await.unwrap();
        crate::sessions::SignedIn { token, account }
    }

    /// The subjects of the emails stored for `to`, oldest first.
    pub(crate) async fn emails(&self, to: &str) -> Vec<String> {
        use crate::db::entities::outbox_message::{Column, Entity};
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
        let rows = Entity::find()
            .filter(Column::Recipient.eq(to))
            .order_by_asc(Column::Id)
            .all(&self.portal.db)
            .await
            .unwrap();
        rows.into_iter().filter_map(|row| row.subject).collect()
    }

    /// The text messages stored for `to` (E.164), opened, oldest first.
    pub(crate) async fn texts(&self, to: &str) -> Vec<String> {
        self.opened(to, "sms", &crate::secrets::contexts::text_message(to)).await
    }

    /// The links of the password-reset emails stored for `to`, opened, oldest first.
    pub(crate) async fn reset_links(&self, to: &str) -> Vec<String> {
        let emails = self.opened(to, "sealed_email", &crate::secrets::contexts::secret_email(to)).await;
        emails.iter().map(|text| text.lines().find(|line| line.starts_with("http")).unwrap().to_owned()).collect()
    }

    /// The sealed messages on `channel` stored for `to`, opened, oldest first.
    async fn opened(&self, to: &str, channel: &str, context: &str) -> Vec<String> {
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

        use crate::db::entities::outbox_message::{Column, Entity};
        let rows = Entity::find()
            .filter(Column::Recipient.eq(to))
            .filter(Column::Channel.eq(channel))
            .order_by_asc(Column::Id)
            .all(&self.portal.db)
            .await
            .unwrap();
        rows.into_iter()
            .map(|row| {
                let opened = crate::secrets::SealedSecret::from_stored(row.body_text).open(&self.key, context);
                String::from_utf8(opened.unwrap().to_vec()).unwrap()
            })
            .collect()
    }

    /// A browser that signed in to `account` before: it presents the device
    /// cookie it was given.
    pub(crate) fn known_browser(&self, account: &crate::vocabulary::Account) -> crate::requester::Requester {
        let cookie = self.portal.devices.remember(&[], account);
        crate::requester::Requester::new(Some([198, 51, 100, 7].into()), Some("Firefox/133.0 (Linux)"), vec![cookie])
    }

    /// A browser the account has never seen.
    pub(crate) fn stranger(&self) -> crate::requester::Requester {
        crate::requester::Requester::new(Some([203, 0, 113, 9].into()), Some("curl/8.5.0"), Vec::new())
    }

    /// The account's security activity in words, newest first.
    pub(crate) async fn activity(&self, account_id: i32) -> Vec<String> {
        let recent = self.portal.events.recent(account_id).await.unwrap();
        recent.iter().map(crate::security_events::ActivityEntry::in_words).collect()
    }
}
