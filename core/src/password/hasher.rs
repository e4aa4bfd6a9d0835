//! Argon2id hashing on a bounded blocking pool, in two lanes.
//!
//! A hash takes tens of milliseconds of CPU and 19 MiB of memory, so it never runs
//! on the async workers (it would stall every other request) and only a fixed
//! number run at once in each lane. The customer's own requests (a browser the
//! account knows, a signed-in session) have a lane of their own, so strangers
//! queueing for the other never delay them; and strangers may queue only so many
//! at once: past that, they are refused at once rather than joining a queue that
//! grows with the attacker's concurrency. In the known lane each account takes
//! its turn: one of its checks waits in the lane at a time, a few more wait behind
//! it, and past that the account's own requests are refused. So someone flooding
//! with their own accounts' browsers is one place in the queue per account, never
//! a queue that grows with their concurrency. While hashes keep coming, each slot's
//! 19 MiB buffer is reused, so memory stays flat at 2 × `concurrency` × 19 MiB
//! however many sign in together; once none is running or waiting, the buffers
//! are let go, so an idle server holds none (the server's allocator gives freed
//! memory back to the system at once).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::{Output, ParamsString, Salt, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use super::Password;
use crate::telemetry::{self, HashQueued};

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The strangers' lane, or the account's turn in the known lane, has as many
    /// waiting as it may: try again shortly.
    #[error("too many password checks are waiting")]
    Busy,
    /// The blocking task panicked or was cancelled, or the system gave no random salt.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

impl HashError {
    fn failed(error: impl ToString) -> Self {
        Self::Failed(error.to_string())
    }
}

/// OWASP's Argon2id parameters: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// A stored hash in PHC string format (`$argon2id$v=19$m=19456,t=2,p=1$…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordHash(pub String);

/// Whose request a hash is for, and so which queue it waits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// A browser with a valid device note for the account (its id), or a
    /// signed-in session of it.
    Known { account: i32 },
    /// Anyone else: a bounded number may wait.
    Untrusted,
}

/// Checks of one account in the known lane, waiting or running, at most: the one
/// in the lane and a few behind it (a double click, two tabs).
const TURNS_WAITING_PER_ACCOUNT: usize = 4;

/// The two queues for a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Queue {
    Known,
    Untrusted,
}

impl Queue {
    fn label(self) -> &'static str {
        match self {
            Self::Known => "known",
            Self::Untrusted => "untrusted",
        }
    }
}

/// How many hashes run at once, and how many strangers may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashingLimits {
    /// Hashes running at once in each lane.
    pub concurrency: usize,
    /// Untrusted hashes running or waiting, at most.
    pub untrusted_waiting: usize,
}

/// Hashes and verifies passwords, at most `concurrency` at a time in each lane.
#[derive(Clone)]
pub struct PasswordHasher {
    known: Arc<Semaphore>,
    untrusted: Arc<Semaphore>,
    /// Untrusted hashes holding a [`Place`].
    untrusted_waiting: Arc<AtomicUsize>,
    max_untrusted_waiting: usize,
    /// Each account's turn in the known lane.
    turns: Arc<Mutex<HashMap<i32, AccountTurn>>>,
    /// Argon2's working memory, one buffer per slot in use, kept for reuse while
    /// hashes keep coming.
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
    /// Hashes running or waiting for a slot.
    busy: Arc<AtomicUsize>,
    /// A hash of a random password, checked when the email is unknown so that
    /// "no such account" costs the same time as "wrong password".
    decoy: Arc<OnceCell<PasswordHash>>,
    /// Verifications started since this server started: how many password guesses
    /// got an answer, for an operator (and for tests that race the throttles).
    verifications: Arc<AtomicU64>,
}

/// A place in a lane, taken before anything is counted or read for the hash, so a
/// full lane refuses before the request has cost anything.
#[derive(Debug)]
pub struct Place {
    queue: Queue,
    _waiting: Option<Waiting>,
    /// In the known lane, the account's turn to wait for first.
    turn: Option<Turn>,
}

impl Place {
    /// A known-lane place of nobody's (the server's own decoy).
    fn servers_own() -> Self {
        Self { queue: Queue::Known, _waiting: None, turn: None }
    }
}

/// One account's checks in the known lane: one at a time holds its turn.
#[derive(Debug)]
struct AccountTurn {
    turn: Arc<Semaphore>,
    /// Places holding it, waiting or running.
    places: usize,
}

/// A place's hold on its account's turn; the last one to go removes the account.
#[derive(Debug)]
struct Turn {
    account: i32,
    turn: Arc<Semaphore>,
    turns: Arc<Mutex<HashMap<i32, AccountTurn>>>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = turns.get_mut(&self.account) {
            held.places -= 1;
            if held.places == 0 {
                turns.remove(&self.account);
            }
        }
    }
}

/// An untrusted place, given back when dropped.
#[derive(Debug)]
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn owasp_params() -> Params {
    Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("OWASP's Argon2 parameters are valid")
}

impl PasswordHasher {
    pub fn new(limits: HashingLimits) -> Self {
        let concurrency = limits.concurrency.max(1);
        Self {
            known: Arc::new(Semaphore::new(concurrency)),
            untrusted: Arc::new(Semaphore::new(concurrency)),
            untrusted_waiting: Arc::new(AtomicUsize::new(0)),
            max_untrusted_waiting: limits.untrusted_waiting.max(1),
            turns: Arc::new(Mutex::new(HashMap::new())),
            buffers: Arc::new(Mutex::new(Vec::new())),
            busy: Arc::new(AtomicUsize::new(0)),
            decoy: Arc::new(OnceCell::new()),
            verifications: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A place in `lane`: in the known lane while the account holds fewer than
    /// [`TURNS_WAITING_PER_ACCOUNT`]; in the untrusted one while fewer than its
    /// bound hold one (counted before it checks, so racing requests cannot pass
    /// it together).
    pub fn place(&self, lane: Lane) -> Result<Place, HashError> {
        match lane {
            Lane::Known { account } => {
                let turn = self.turn_of(account).ok_or_else(|| {
                    telemetry::hash_refused();
                    HashError::Busy
                })?;
                Ok(Place { queue: Queue::Known, _waiting: None, turn: Some(turn) })
            }
            Lane::Untrusted => {
                let waiting = Waiting(Arc::clone(&self.untrusted_waiting));
                if self.untrusted_waiting.fetch_add(1, Ordering::AcqRel) >= self.max_untrusted_waiting {
                    telemetry::hash_refused();
                    return Err(HashError::Busy);
                }
                Ok(Place { queue: Queue::Untrusted, _waiting: Some(waiting), turn: None })
            }
        }
    }

    /// A hold on `account`'s turn, unless it has as many as it may.
    fn turn_of(&self, account: i32) -> Option<Turn> {
        let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
        let held = turns.entry(account).or_insert_with(|| AccountTurn { turn: Arc::new(Semaphore::new(1)), places: 0 });
        if held.places >= TURNS_WAITING_PER_ACCOUNT {
            return None;
        }
        held.places += 1;
        Some(Turn { account, turn: Arc::clone(&held.turn), turns: Arc::clone(&self.turns) })
    }

    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, place: Place, password: Password) -> Result<PasswordHash, HashError> {
        self.run(place, move |memory| hash(&password, memory)).await?
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown account)
    /// it checks a decoy instead and answers `false`, taking the same time.
    pub async fn verify(
        &self,
        place: Place,
        password: Password,
        stored: Option<PasswordHash>,
    ) -> Result<bool, HashError> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let known = stored.is_some();
        let stored = match stored {
            Some(stored) => stored,
            None => self.decoy().await?,
        };
        let matches = self.run(place, move |memory| matches(password.expose().as_bytes(), &stored.0, memory)).await?;
        Ok(known && matches)
    }

    /// How many verifications this hasher has started.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// Prepares the decoy hash now, so that even the first sign-in with an unknown
    /// email costs one verification, like every other.
    pub async fn warm_up(&self) -> Result<(), HashError> {
        self.decoy().await.map(drop)
    }

    async fn decoy(&self) -> Result<PasswordHash, HashError> {
        self.decoy
            .get_or_try_init(|| async {
                let mut random = [0u8; 32];
                getrandom::fill(&mut random).map_err(HashError::failed)?;
                let text = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, random);
                self.hash(Place::servers_own(), Password::new(text)).await
            })
            .await
            .cloned()
    }

    /// Runs `work` on the blocking pool once the account's turn has come (in
    /// the known lane) and a slot of the place's lane is free, lending it the
    /// slot's buffer. The slot, the turn and the place are held until the work is
    /// done, even if the caller stops waiting.
    async fn run<T: Send + 'static>(
        &self,
        place: Place,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let busy = Busy::start(&self.busy, &self.buffers);
        let lane = match place.queue {
            Queue::Known => &self.known,
            Queue::Untrusted => &self.untrusted,
        };
        let queued = HashQueued::start(place.queue.label());
        let turn = match &place.turn {
            Some(held) => Some(Arc::clone(&held.turn).acquire_owned().await.map_err(HashError::failed)?),
            None => None,
        };
        let permit = Arc::clone(lane).acquire_owned().await;
        drop(queued);
        let permit = permit.map_err(HashError::failed)?;
        let buffers = Arc::clone(&self.buffers);
        tokio::task::spawn_blocking(move || {
            let (_busy, _permit, _turn, _place) = (busy, permit, turn, place);
            let taken = buffers.lock().ok().and_then(|mut free| free.pop());
            let mut memory = taken.unwrap_or_else(|| vec![Block::default(); MEMORY_KIB as usize]);
            let result = work(&mut memory);
            if let Ok(mut free) = buffers.lock() {
                free.push(memory);
            }
            result
        })
        .await
        .map_err(HashError::failed)
    }
}

/// One hash running or waiting; the last one to finish lets the buffers go.
struct Busy {
    count: Arc<AtomicUsize>,
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Busy {
    fn start(count: &Arc<AtomicUsize>, buffers: &Arc<Mutex<Vec<Vec<Block>>>>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self { count: Arc::clone(count), buffers: Arc::clone(buffers) }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1
            && let Ok(mut free) = self.buffers.lock()
        {
            free.clear();
        }
    }
}

/// A new hash of `password` with a fresh random salt.
fn hash(password: &Password, memory: &mut [Block]) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, owasp_params());
    compute(&argon, password.expose().as_bytes(), salt.as_salt(), memory)
        .map(|(hash, _)| PasswordHash(hash))
        .map_err(HashError::failed)
}

/// Argon2 over `memory`, as `argon2::PasswordHasher::hash_password` computes it;
/// returns the PHC string and the raw output.
fn compute(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: Salt<'_>,
    memory: &mut [Block],
) -> argon2::password_hash::Result<(String, Output)> {
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut salt_bytes)?;
    let output_len = argon.params().output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(output_len, |out| {
        argon.hash_password_into_with_memory(password, raw_salt, out, &mut *memory).map_err(Into::into)
    })?;
    let phc = argon2::PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params())?,
        salt: Some(salt),
        hash: Some(output),
    };
    Ok((phc.to_string(), output))
}

/// Whether `password` hashes to the PHC string `stored`, with its own parameters.
/// A hash made with more memory than a slot holds (older, stronger settings) gets a
/// buffer of its own; a corrupt one never matches.
fn matches(password: &[u8], stored: &str, memory: &mut [Block]) -> bool {
    let Ok(parsed) = argon2::PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    if algorithm != Algorithm::Argon2id {
        return false;
    }
    let argon = Argon2::new(algorithm, Version::V0x13, params);
    let mut larger;
    let memory = if argon.params().block_count() <= memory.len() {
        memory
    } else {
        larger = vec![Block::default(); argon.params().block_count()];
        &mut larger[..]
    };
    // `Output`'s equality is constant-time.
    compute(&argon, password, salt, memory).is_ok_and(|(_, output)| output == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(text: &str) -> Password {
        Password::new(text.into())
    }

    fn hasher(concurrency: usize) -> PasswordHasher {
        PasswordHasher::new(HashingLimits { concurrency, untrusted_waiting: 4 })
    }

    fn known() -> Place {
        Place::servers_own()
    }

    #[tokio::test]
    async fn hashes_with_owasp_argon2id_parameters_and_a_fresh_salt() {
        let hasher = hasher(2);
        let first = hasher.hash(known(), password("tangerine orchestra")).await.unwrap();
        let second = hasher.hash(known(), password("tangerine orchestra")).await.unwrap();
        assert!(first.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", first.0);
        assert_ne!(first, second, "each hash has its own salt");
    }

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let hasher = hasher(1);
        let stored = hasher.hash(known(), password("tangerine orchestra")).await.unwrap();
        assert!(hasher.verify(known(), password("tangerine orchestra"), Some(stored.clone())).await.unwrap());
        assert!(!hasher.verify(known(), password("tangerine orchestrA"), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = hasher(1);
        assert!(!hasher.verify(known(), password("anything at all"), None).await.unwrap());
    }

    #[tokio::test]
    async fn verifies_hashes_made_by_the_argon2_crate_itself() {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::generate(&mut OsRng);
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, owasp_params());
        let theirs = argon.hash_password(b"tangerine orchestra", &salt).unwrap().to_string();
        let hasher = hasher(1);
        assert!(hasher.verify(known(), password("tangerine orchestra"), Some(PasswordHash(theirs))).await.unwrap());
    }

    #[tokio::test]
    async fn verifies_older_hashes_that_need_more_memory() {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::generate(&mut OsRng);
        let stronger = Params::new(MEMORY_KIB * 2, 1, 1, None).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, stronger)
            .hash_password(b"tangerine orchestra", &salt)
            .unwrap()
            .to_string();
        let hasher = hasher(1);
        assert!(
            hasher.verify(known(), password("tangerine orchestra"), Some(PasswordHash(theirs.clone()))).await.unwrap()
        );
        assert!(!hasher.verify(known(), password("tangerine"), Some(PasswordHash(theirs))).await.unwrap());
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_a_mismatch_not_a_panic() {
        let hasher = hasher(1);
        let corrupt = PasswordHash("$argon2id$garbage".into());
        assert!(!hasher.verify(known(), password("anything at all"), Some(corrupt)).await.unwrap());
    }

    #[tokio::test]
    async fn strangers_past_the_bound_are_refused_at_once_and_the_known_lane_is_not_theirs() {
        let hasher = hasher(1);
        let places: Vec<Place> = (0..4).map(|_| hasher.place(Lane::Untrusted).unwrap()).collect();
        assert!(matches!(hasher.place(Lane::Untrusted), Err(HashError::Busy)));
        assert!(hasher.place(Lane::Known { account: 1 }).is_ok());
        drop(places);
        assert!(hasher.place(Lane::Untrusted).is_ok(), "places come back");
    }

    #[tokio::test]
    async fn an_account_floods_only_its_own_turn() {
        let hasher = hasher(2);
        let flood: Vec<Place> =
            (0..TURNS_WAITING_PER_ACCOUNT).map(|_| hasher.place(Lane::Known { account: 7 }).unwrap()).collect();
        assert!(matches!(hasher.place(Lane::Known { account: 7 }), Err(HashError::Busy)), "its own requests wait");
        assert!(hasher.place(Lane::Known { account: 8 }).is_ok(), "another account is not held up");
        drop(flood);
        assert!(hasher.place(Lane::Known { account: 7 }).is_ok(), "turns come back");
        assert!(hasher.turns.lock().unwrap().is_empty(), "no account is remembered once its checks are over");

        // However many lane slots are free, one account's checks run one at a time.
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let checks = (0..3).map(|_| {
            let (place, running, most) =
                (hasher.place(Lane::Known { account: 7 }).unwrap(), running.clone(), most.clone());
            let hasher = hasher.clone();
            async move {
                hasher
                    .run(place, move |_| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .unwrap();
            }
        });
        futures::future::join_all(checks).await;
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
