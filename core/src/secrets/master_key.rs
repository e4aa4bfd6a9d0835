//! The master key that seals every stored secret: 32 bytes from the environment
//! (base64), or, when none is given, from a key file created on first run with
//! owner-only permissions.

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

pub const KEY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the master key must be {KEY_BYTES} bytes in base64 (e.g. `openssl rand -base64 32`)")]
    Malformed,
    #[error("master key file {path}: {source}")]
    File { path: String, source: std::io::Error },
}

/// 256 bits that never leave memory unsealed and are wiped when dropped.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; KEY_BYTES]>);

impl MasterKey {
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(STANDARD.decode(text.trim()).map_err(|_| KeyError::Malformed)?);
        let array: [u8; KEY_BYTES] = bytes.as_slice().try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Self(Zeroizing::new(array)))
    }

    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(key.as_mut()).expect("the operating system's random source is available");
        Self(key)
    }

    /// Reads the key file at `path`, creating it (mode 0600, base64) when it does not
    /// exist. Creation is exclusive, so two servers starting together agree on one key.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let file_error = |source| KeyError::File { path: path.display().to_string(), source };
        match std::fs::read_to_string(path) {
            Ok(text) => return Self::from_base64(&text),
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(file_error(error)),
            Err(_) => {}
        }
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        let key = Self::generate();
        match owner_only_new_file(path) {
            Ok(mut file) => {
                let text = Zeroizing::new(STANDARD.encode(key.0.as_ref()));
                file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(file_error)?;
                tracing::info!(path = %path.display(), "created a new master key file");
                Ok(key)
            }
            // Another server created it between our read and our create.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::from_base64(&std::fs::read_to_string(path).map_err(file_error)?)
            }
            Err(error) => Err(file_error(error)),
        }
    }

    pub(super) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
}

fn owner_only_new_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(MasterKey::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(matches!(MasterKey::from_base64(&STANDARD.encode([7u8; 16])), Err(KeyError::Malformed)));
        assert!(matches!(MasterKey::from_base64("not base64!"), Err(KeyError::Malformed)));
    }

    #[test]
    fn the_key_file_is_created_once_owner_only_and_read_back() {
        let folder = std::env::temp_dir().join(format!("portal-key-{}", std::process::id()));
        let path = folder.join("nested/master.key");
        let created = MasterKey::load_or_create(&path).unwrap();
        let read = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(created.bytes(), read.bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn debug_output_hides_the_key() {
        let key = MasterKey::from_base64(&STANDARD.encode([0xabu8; 32])).unwrap();
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    }
}
