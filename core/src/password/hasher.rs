//! Argon2id hashing on a bounded blocking pool.
//!
//! A hash takes tens of milliseconds of CPU and 19 MiB of memory, so it never runs
//! on the async workers (it would stall every other request) and only a fixed
//! number run at once (so memory stays flat when hundreds sign in together).

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use super::Password;
use crate::CoreError;

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
    /// A hash of a random password, checked when the email is unknown so that
    /// "no such account" costs the same time as "wrong password".
    decoy: Arc<OnceCell<PasswordHash>>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("OWASP's Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), decoy: Arc::new(OnceCell::new()) }
    }

    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, password: Password) -> Result<PasswordHash, CoreError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.expose().as_bytes(), &salt)
                .map(|hash| PasswordHash(hash.to_string()))
                .map_err(|error| CoreError::Worker(error.to_string()))
        })
        .await?
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown account)
    /// it checks a decoy instead and answers `false`, taking the same time.
    pub async fn verify(&self, password: Password, stored: Option<PasswordHash>) -> Result<bool, CoreError> {
        let known = stored.is_some();
        let stored = match stored {
            Some(stored) => stored,
            None => self.decoy().await?,
        };
        let matches = self
            .run(move || {
                argon2::PasswordHash::new(&stored.0)
                    .is_ok_and(|parsed| argon2().verify_password(password.expose().as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(known && matches)
    }

    /// Prepares the decoy hash now, so that even the first sign-in with an unknown
    /// email costs one verification, like every other.
    pub async fn warm_up(&self) -> Result<(), CoreError> {
        self.decoy().await.map(drop)
    }

    async fn decoy(&self) -> Result<PasswordHash, CoreError> {
        self.decoy
            .get_or_try_init(|| async {
                let mut random = [0u8; 32];
                getrandom::fill(&mut random).map_err(|error| CoreError::Worker(error.to_string()))?;
                let text = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, random);
                self.hash(Password::new(text)).await
            })
            .await
            .cloned()
    }

    /// Runs `work` on the blocking pool once a permit is free; the permit is held
    /// until the work is done, even if the caller stops waiting.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, CoreError> {
        let permit =
            Arc::clone(&self.permits).acquire_owned().await.map_err(|error| CoreError::Worker(error.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|error| CoreError::Worker(error.to_string()))
    }
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
    async fn a_corrupt_stored_hash_is_a_mismatch_not_a_panic() {
        let hasher = PasswordHasher::new(1);
        let corrupt = PasswordHash("$argon2id$garbage".into());
        assert!(!hasher.verify(password("anything at all"), Some(corrupt)).await.unwrap());
    }
}
