//! SMS codes: six digits from the CSPRNG, valid five minutes, used once, stored only
//! as a keyed digest. An account has one live code, and a new one replaces the old.
//!
//! Every limit on sending is the condition of one upsert that also counts the send,
//! so servers racing to send agree without a lock: a send waits
//! [`RESEND_COOLDOWN_SECS`] after the account's last, an account gets at most
//! [`SENDS_PER_HOUR`], and a number gets at most [`TEXTS_PER_NUMBER_PER_HOUR`] for
//! each purpose, whichever accounts ask. Sign-in codes to an account's own verified
//! number have a budget apart from setup codes, so throwaway accounts texting that
//! number cannot keep its owner from signing in.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::clock::UnixTime;
use crate::db::entities::sms_code::{self, Column, Entity};
use crate::db::entities::{sms_number_window, two_factor};
use crate::hourly_budgets::{HourlyBudget, Spent};
use crate::hourly_window::HourlyWindow;
use crate::notices::Text;
use crate::outbox::Priority;
use crate::phone::{PhoneNumber, SmsCountries};
use crate::requester::Requester;
use crate::secrets::{MasterKey, keyed_digest};
use crate::store::Store;
use crate::throttle::Verdict;
use crate::totp::normalize_code;
use crate::vocabulary::Account;

pub const CODE_VALID_SECS: i64 = 5 * 60;
pub const RESEND_COOLDOWN_SECS: i64 = 30;
pub const SENDS_PER_HOUR: i32 = 5;
/// Texts one number may receive in an hour for one purpose, whichever accounts ask:
/// accounts are free to open, so without it a script could run up the SMS bill by
/// texting premium-rate numbers from many of them ("SMS pumping").
pub const TEXTS_PER_NUMBER_PER_HOUR: i32 = 10;
const HOUR: i64 = 60 * 60;
/// How long a number counts as new once set up: its sign-in texts share the half
/// of the ceiling that setup texts may take, so accounts made to pump texts, which
/// can set up numbers and then ask for sign-in codes, cannot spend the other half.
pub const NEW_NUMBER_SECS: i64 = 7 * 24 * HOUR;

/// What texts may cost the portal, whoever asks: a ceiling an hour, and the
/// countries they may go to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsLimits {
    /// Texts the whole portal sends in an hour (`SMS_PER_HOUR`); texts to new
    /// numbers (being set up, or set up in the last [`NEW_NUMBER_SECS`]) may take
    /// half of them, so a flood from accounts made to pump texts never keeps
    /// customers from their sign-in codes.
    pub texts_per_hour: u32,
    /// Where texts may go (`SMS_COUNTRIES`).
    pub countries: SmsCountries,
}

impl Default for SmsLimits {
    fn default() -> Self {
        Self { texts_per_hour: 1_000, countries: SmsCountries::All }
    }
}

/// What a code is for: signing in, or proving a number being set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Purpose {
    SignIn,
    Setup,
}

impl Purpose {
    fn stored(self) -> &'static str {
        match self {
            Self::SignIn => sms_code::PURPOSE_SIGN_IN,
            Self::Setup => sms_code::PURPOSE_SETUP,
        }
    }

    /// How soon its text must go out: a customer waits at the sign-in page.
    fn priority(self) -> Priority {
        match self {
            Self::SignIn => Priority::SignInCode,
            Self::Setup => Priority::Ordinary,
        }
    }

    fn from_stored(text: &str) -> Option<Self> {
        [Self::SignIn, Self::Setup].into_iter().find(|purpose| purpose.stored() == text)
    }
}

/// Where codes go, and whether one is on its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsStatus {
    /// The number, masked: `+60 •••• ••88`.
    pub masked_phone: String,
    /// Seconds the last code sent stays valid; `None` when no code is live (none
    /// could be sent, or it was used or has expired).
    pub valid_for_secs: Option<i64>,
    /// Seconds before another code may be sent (0: now).
    pub resend_in_secs: i64,
}

/// The accounts' SMS codes, digested under the master key.
#[derive(Clone)]
pub(super) struct SmsCodes {
    store: Store,
    key: MasterKey,
    limits: SmsLimits,
}

impl SmsCodes {
    pub(super) fn new(store: Store, key: MasterKey, limits: SmsLimits) -> Self {
        Self { store, key, limits }
    }

    /// Sends a new code for `purpose` to `phone`, replacing any earlier one, unless a
    /// limit says to wait. The limits are counted and the text message stored in one
    /// unit of work, for the outbox worker to deliver; the portal's hourly ceiling
    /// last, so a text another limit refuses never spends it.
    /// A setup code belongs to the session stored under `session` (none for a
    /// sign-in code): no other session may use it.
    pub(super) async fn send(
        &self,
        account: &Account,
        (purpose, phone): (Purpose, &PhoneNumber),
        session: Option<&str>,
    ) -> Result<SmsStatus, CoreError> {
        if !self.limits.countries.allows(phone) {
            crate::telemetry::sms_refusal("country");
            return Err(CoreError::SmsCountryNotServed { country_code: phone.country_code() });
        }
        let code = random_code();
        let requester = Requester::default();
        let mut change = self.store.begin(account, &requester).await?;
        let now = change.now();
        let digest = self.code_digest(account.id, purpose, phone.e164(), &code);
        let code_row = CodeRow { account_id: account.id, purpose, phone, digest, session };
        if !(store_code(change.connection(), code_row, now).await?
            && count_text_to_number(change.connection(), purpose, phone, now).await?)
        {
            change.roll_back().await?;
            let wait = self.status(account.id, purpose, phone).await?.resend_in_secs;
            tracing::warn!(
                account = account.id,
                purpose = purpose.stored(),
                wait,
                "SMS code refused: a limit is reached"
            );
            return Err(CoreError::SmsResendTooSoon { retry_after_secs: wait.max(1) });
        }
        if let Spent::Refused { retry_after_secs } =
            self.spend_from_ceiling(change.connection(), (account.id, purpose), now).await?
        {
            change.roll_back().await?;
            crate::telemetry::sms_refusal("ceiling");
            tracing::warn!(account = account.id, purpose = purpose.stored(), "SMS code refused: the hourly ceiling");
            return Err(CoreError::SmsCeilingReached { retry_after_secs });
        }
        let text = Text::VerificationCode { code, valid_minutes: CODE_VALID_SECS / 60 };
        change.text((phone, text, purpose.priority()), now + CODE_VALID_SECS).await?;
        change.commit().await?;
        tracing::info!(account = account.id, purpose = purpose.stored(), to = ?phone, "SMS code stored for sending");
        self.status(account.id, purpose, phone).await
    }

    /// Spends one text of the portal's hourly ceiling, and for a text to a new
    /// number one of the half those may take.
    async fn spend_from_ceiling(
        &self,
        transaction: &impl ConnectionTrait,
        (account_id, purpose): (i32, Purpose),
        now: UnixTime,
    ) -> Result<Spent, CoreError> {
        let ceiling = self.limits.texts_per_hour;
        if is_new_number(transaction, (account_id, purpose), now).await? {
            let new_numbers = HourlyBudget { name: "new_number_texts", holder: "all", cap: ceiling.div_ceil(2) };
            if let refused @ Spent::Refused { .. } = new_numbers.spend(transaction, now).await? {
                return Ok(refused);
            }
        }
        HourlyBudget { name: "texts", holder: "all", cap: ceiling }.spend(transaction, now).await
    }

    /// Takes the live code for `purpose` if `code` is it: the one call that clears
    /// its digest wins, so a code works once. Right, the verdict holds the number
    /// the code was sent to. The caller holds the attempt in the code throttle.
    /// A setup code is taken only in the session that asked for it (`session`).
    pub(super) async fn take(
        &self,
        connection: &impl ConnectionTrait,
        (account_id, purpose, session): (i32, Purpose, Option<&str>),
        code: &str,
        now: UnixTime,
    ) -> Result<Verdict<PhoneNumber>, CoreError> {
        let live = Entity::find_by_id(account_id).one(connection).await?;
        let live = live.filter(|row| is_live(row, purpose, now) && row.session_id.as_deref() == session);
        let (Some(live), Some(code)) = (live, normalize_code(code)) else {
            return Ok(Verdict::Wrong(CoreError::InvalidCode));
        };
        let Some(phone) = PhoneNumber::from_stored(&live.phone) else {
            return Ok(Verdict::Wrong(CoreError::InvalidCode));
        };
        let taken = Entity::update_many()
            .col_expr(Column::CodeHash, Expr::value(None::<String>))
            .filter(Column::UserId.eq(account_id))
            .filter(Column::Purpose.eq(purpose.stored()))
            .filter(Column::CodeHash.eq(self.code_digest(account_id, purpose, phone.e164(), &code)))
            .filter(Column::ExpiresAt.gt(now))
            .filter(match session {
                Some(session) => Column::SessionId.eq(session),
                None => Column::SessionId.is_null(),
            })
            .exec(connection)
            .await?;
        Ok(match taken.rows_affected {
            1 => Verdict::Right(phone),
            _ => Verdict::Wrong(CoreError::InvalidCode),
        })
    }

    /// Where `purpose`'s codes go for the account, whether one is live, and when
    /// another may be sent.
    pub(super) async fn status(
        &self,
        account_id: i32,
        purpose: Purpose,
        phone: &PhoneNumber,
    ) -> Result<SmsStatus, CoreError> {
        let now = self.store.now();
        let row = Entity::find_by_id(account_id).one(self.store.db()).await?;
        let resend_in_secs = self.wait(row.as_ref(), purpose, phone, now).await?;
        let valid_for_secs =
            row.filter(|row| is_live(row, purpose, now) && row.phone == phone.e164()).map(|row| row.expires_at - now);
        Ok(SmsStatus { masked_phone: phone.masked(), valid_for_secs, resend_in_secs })
    }

    /// Seconds until a code for `purpose` may be sent to `phone` for the account
    /// whose code row is `account` (0: now): the longest of the account's cooldown,
    /// the account's hourly cap and the number's, each computed from its window.
    async fn wait(
        &self,
        account: Option<&sms_code::Model>,
        purpose: Purpose,
        phone: &PhoneNumber,
        now: UnixTime,
    ) -> Result<i64, CoreError> {
        let number = sms_number_window::Entity::find_by_id((phone.e164().to_owned(), purpose.stored().to_owned()))
            .one(self.store.db())
            .await?;
        let window_end = |started: UnixTime, sends: i32, cap: i32| if sends >= cap { started + HOUR - now } else { 0 };
        let account_wait = account.map_or(0, |row| {
            let cooldown = row.sent_at + RESEND_COOLDOWN_SECS - now;
            cooldown.max(window_end(row.window_started_at, row.sends_in_window, SENDS_PER_HOUR))
        });
        let number_wait =
            number.map_or(0, |row| window_end(row.window_started_at, row.sends_in_window, TEXTS_PER_NUMBER_PER_HOUR));
        Ok(account_wait.max(number_wait).max(0))
    }

    /// Voids the account's SMS code, if any (a factor turned on or off: a change
    /// that took the password or a right code). The hour's count stays, so turning
    /// factors on and off sends no more texts; the wait between two texts is
    /// lifted, so the first sign-in code goes at once.
    pub(super) async fn forget(connection: &impl ConnectionTrait, account_id: i32) -> Result<(), CoreError> {
        sms_code::void(connection, Column::UserId.eq(account_id)).await?;
        Entity::update_many()
            .col_expr(Column::SentAt, Expr::value(0_i64))
            .filter(Column::UserId.eq(account_id))
            .exec(connection)
            .await?;
        Ok(())
    }

    /// Deletes codes that expired in an hour that is over (neither the cooldown
    /// nor the hourly cap needs them), and the hourly counts of numbers whose hour
    /// is over; how many.
    pub(super) async fn purge_stale(&self) -> Result<u64, CoreError> {
        let (db, now) = (self.store.db(), self.store.now());
        let codes = Entity::delete_many()
            .filter(Column::ExpiresAt.lte(now))
            .filter(Column::WindowStartedAt.lte(now - HOUR))
            .exec(db)
            .await?;
        let numbers = sms_number_window::Entity::delete_many()
            .filter(sms_number_window::Column::WindowStartedAt.lte(now - HOUR))
            .exec(db)
            .await?;
        Ok(codes.rows_affected + numbers.rows_affected)
    }

    /// The digest a code is stored as: bound to its account, purpose and number.
    fn code_digest(&self, account_id: i32, purpose: Purpose, e164: &str, code: &str) -> String {
        keyed_digest(&self.key, &format!("sms:user:{account_id}:{}:{e164}", purpose.stored()), code)
    }
}

/// Whether a text for `purpose` goes to a new number: one being set up, or the
/// account's number if it was set up less than [`NEW_NUMBER_SECS`] ago (or is
/// not found: refusing to guess, it counts as new).
async fn is_new_number(
    connection: &impl ConnectionTrait,
    (account_id, purpose): (i32, Purpose),
    now: UnixTime,
) -> Result<bool, CoreError> {
    if purpose == Purpose::Setup {
        return Ok(true);
    }
    let factor = two_factor::Entity::find_by_id(account_id).one(connection).await?;
    Ok(factor.is_none_or(|factor| factor.enabled_at > now - NEW_NUMBER_SECS))
}

fn is_live(row: &sms_code::Model, purpose: Purpose, now: UnixTime) -> bool {
    Purpose::from_stored(&row.purpose) == Some(purpose) && row.code_hash.is_some() && row.expires_at > now
}

/// A code to store: whose, what for, where it goes, its digest, and the session
/// a setup code belongs to.
struct CodeRow<'a> {
    account_id: i32,
    purpose: Purpose,
    phone: &'a PhoneNumber,
    digest: String,
    session: Option<&'a str>,
}

/// The account's new code, replacing the old one only when the cooldown has passed
/// and the account's hour has room; counts the send. False when refused.
async fn store_code(transaction: &impl ConnectionTrait, code: CodeRow<'_>, now: UnixTime) -> Result<bool, CoreError> {
    let CodeRow { account_id, purpose, phone, digest, session } = code;
    use sea_orm::sea_query::ExprTrait as _;

    let window = HourlyWindow::new(Entity, Column::WindowStartedAt, Column::SendsInWindow, SENDS_PER_HOUR, now);
    let cooled_down = Expr::col((Entity, Column::SentAt)).lte(now - RESEND_COOLDOWN_SECS);
    let stored = Entity::insert(sms_code::ActiveModel {
        user_id: Set(account_id),
        purpose: Set(purpose.stored().into()),
        phone: Set(phone.e164().into()),
        code_hash: Set(Some(digest)),
        expires_at: Set(now + CODE_VALID_SECS),
        sent_at: Set(now),
        window_started_at: Set(now),
        sends_in_window: Set(1),
        session_id: Set(session.map(str::to_owned)),
    })
    .on_conflict({
        let replacing = OnConflict::column(Column::UserId)
            .update_columns([
                Column::Purpose,
                Column::Phone,
                Column::CodeHash,
                Column::ExpiresAt,
                Column::SentAt,
                Column::SessionId,
            ])
            .to_owned();
        window.counted_in(replacing).action_and_where(cooled_down.and(window.has_room())).to_owned()
    })
    .exec_without_returning(transaction)
    .await?;
    Ok(stored == 1)
}

/// Counts a text to `phone` for `purpose` in the number's hour, unless it is full.
async fn count_text_to_number(
    transaction: &impl ConnectionTrait,
    purpose: Purpose,
    phone: &PhoneNumber,
    now: UnixTime,
) -> Result<bool, CoreError> {
    use sms_number_window::{ActiveModel, Column, Entity};

    let window =
        HourlyWindow::new(Entity, Column::WindowStartedAt, Column::SendsInWindow, TEXTS_PER_NUMBER_PER_HOUR, now);
    let counted = Entity::insert(ActiveModel {
        phone: Set(phone.e164().into()),
        purpose: Set(purpose.stored().into()),
        window_started_at: Set(now),
        sends_in_window: Set(1),
    })
    .on_conflict(window.counting_on([Column::Phone, Column::Purpose]))
    .exec_without_returning(transaction)
    .await?;
    Ok(counted == 1)
}

/// Six digits, uniform: rejection sampling keeps `% 1_000_000` unbiased.
fn random_code() -> String {
    const CODES: u32 = 1_000_000;
    const LIMIT: u32 = u32::MAX - u32::MAX % CODES;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        let value = u32::from_le_bytes(bytes);
        if value < LIMIT {
            return format!("{:06}", value % CODES);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| random_code()).collect();
        assert!(codes.iter().all(|code| code.len() == 6 && code.bytes().all(|byte| byte.is_ascii_digit())));
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert!(distinct.len() > 45, "random codes rarely repeat");
    }

    #[test]
    fn purposes_read_back_and_unknown_ones_do_not() {
        for purpose in [Purpose::SignIn, Purpose::Setup] {
            assert_eq!(Purpose::from_stored(purpose.stored()), Some(purpose));
        }
        assert_eq!(Purpose::from_stored("recovery"), None);
    }
}
