//! Argon2id hashing on a bounded blocking pool.
//!
//! A hash takes tens of milliseconds of CPU and 19 MiB of memory, so it never runs
//! on the async workers (it would stall every other request) and only a fixed
//! number run at once. While hashes keep coming, each slot's 19 MiB buffer is
//! reused, so memory stays flat at `concurrency` × 19 MiB when hundreds sign in
//! together; once none is running or waiting, the buffers are let go, so an idle
//! server holds none (the server's allocator gives freed memory back to the
//! system at once).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, ParamsString, Salt, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use super::Password;

/// A hash that could not be computed: its blocking task panicked or was
/// cancelled, or the system gave no random salt.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashingFailed(String);

impl HashingFailed {
    fn new(error: impl ToString) -> Self {
        Self(error.to_string())
    }
}

/// OWASP's Argon2id parameters: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// A stored hash in PHC string format (`$argon2id$v=19$m=19456,t=2,p=1$…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordHash(pub String);

/// Hashes and verifies passwords, at most `concurrency` at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
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

fn owasp_params() -> Params {
    Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("OWASP's Argon2 parameters are valid")
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            buffers: Arc::new(Mutex::new(Vec::new())),
            busy: Arc::new(AtomicUsize::new(0)),
            decoy: Arc::new(OnceCell::new()),
            verifications: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, password: Password) -> Result<PasswordHash, HashingFailed> {
        self.run(move |memory| {
            let salt = SaltString::generate(&mut OsRng);
            let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, owasp_params());
            compute(&argon, password.expose().as_bytes(), salt.as_salt(), memory)
                .map(|(hash, _)| PasswordHash(hash))
                .map_err(HashingFailed::new)
        })
        .await?
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown account)
    /// it checks a decoy instead and answers `false`, taking the same time.
    pub async fn verify(&self, password: Password, stored: Option<PasswordHash>) -> Result<bool, HashingFailed> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let known = stored.is_some();
        let stored = match stored {
            Some(stored) => stored,
            None => self.decoy().await?,
        };
        let matches = self.run(move |memory| matches(password.expose().as_bytes(), &stored.0, memory)).await?;
        Ok(known && matches)
    }

    /// How many verifications this hasher has started.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// Prepares the decoy hash now, so that even the first sign-in with an unknown
    /// email costs one verification, like every other.
    pub async fn warm_up(&self) -> Result<(), HashingFailed> {
        self.decoy().await.map(drop)
    }

    async fn decoy(&self) -> Result<PasswordHash, HashingFailed> {
        self.decoy
            .get_or_try_init(|| async {
                let mut random = [0u8; 32];
                getrandom::fill(&mut random).map_err(HashingFailed::new)?;
                let text = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, random);
                self.hash(Password::new(text)).await
            })
            .await
            .cloned()
    }

    /// Runs `work` on the blocking pool once a slot is free, lending it the slot's
    /// buffer. The slot is held until the work is done, even if the caller stops
    /// waiting.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashingFailed> {
        let busy = Busy::start(&self.busy, &self.buffers);
        let queued = crate::telemetry::HashQueued::start();
        let permit = Arc::clone(&self.permits).acquire_owned().await;
        drop(queued);
        let permit = permit.map_err(HashingFailed::new)?;
        let buffers = Arc::clone(&self.buffers);
        tokio::task::spawn_blocking(move || {
            let (_busy, _permit) = (busy, permit);
            let taken = buffers.lock().ok().and_then(|mut free| free.pop());
            let mut memory = taken.unwrap_or_else(|| vec![Block::default(); MEMORY_KIB as usize]);
            let result = work(&mut memory);
            if let Ok(mut free) = buffers.lock() {
                free.push(memory);
            }
            result
        })
        .await
        .map_err(HashingFailed::new)
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

    #[tokio::test]
    async fn hashes_with_owasp_argon2id_parameters_and_a_fresh_salt() {
        let hasher = PasswordHasher::new(2);
        let first = hasher.hash(password("tangerine orchestra")).await.unwrap();
        let second = hasher.hash(password("tangerine orchestra")).await.unwrap();
        assert!(first.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", first.0);
        assert_ne!(first, second, "each hash has its own salt");
    }

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let hasher = PasswordHasher::new(1);
        let stored = hasher.hash(password("tangerine orchestra")).await.unwrap();
        assert!(hasher.verify(password("tangerine orchestra"), Some(stored.clone())).await.unwrap());
        assert!(!hasher.verify(password("tangerine orchestrA"), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = PasswordHasher::new(1);
        assert!(!hasher.verify(password("anything at all"), None).await.unwrap());
    }

    #[tokio::test]
    async fn verifies_hashes_made_by_the_argon2_crate_itself() {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::generate(&mut OsRng);
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, owasp_params());
        let theirs = argon.hash_password(b"tangerine orchestra", &salt).unwrap().to_string();
        let hasher = PasswordHasher::new(1);
        assert!(hasher.verify(password("tangerine orchestra"), Some(PasswordHash(theirs))).await.unwrap());
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
        let hasher = PasswordHasher::new(1);
        assert!(hasher.verify(password("tangerine orchestra"), Some(PasswordHash(theirs.clone()))).await.unwrap());
        assert!(!hasher.verify(password("tangerine"), Some(PasswordHash(theirs))).await.unwrap());
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_a_mismatch_not_a_panic() {
        let hasher = PasswordHasher::new(1);
        let corrupt = PasswordHash("$argon2id$garbage".into());
        assert!(!hasher.verify(password("anything at all"), Some(corrupt)).await.unwrap());
    }
}
