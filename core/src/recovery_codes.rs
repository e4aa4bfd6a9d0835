//! Recovery codes: ten single-use codes shown once when two-factor authentication
//! is turned on, for the day the phone is lost. Each is 12 characters of Crockford's
//! base32 (60 random bits), in groups of four, like `7h3k-9fq2-x8mn`: no `i`, `l`,
//! `o` or `u` to misread, and typed in any case, with or without the dashes. Only a
//! keyed digest bound to the account is stored; spending one deletes its row, so of
//! two servers racing with the same code exactly one wins.

use std::fmt;

use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, Set};

use crate::CoreError;
use crate::db::entities::recovery_code;
use crate::secrets::{MasterKey, keyed_digest};

/// Codes in a set.
pub const CODES_PER_SET: usize = 10;
/// At this many codes left (or fewer), the customer is warned.
pub const FEW_LEFT: u64 = 3;

/// Whether `left` codes are few enough to warn the customer.
pub fn running_low(left: u64) -> bool {
    left <= FEW_LEFT
}

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const CODE_CHARS: usize = 12;
const GROUP_CHARS: usize = 4;

/// A recovery code as the customer is shown it once. Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    fn generate() -> Self {
        let mut bytes = [0u8; CODE_CHARS];
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        // 32 divides 256: every character is equally likely.
        let chars: Vec<char> = bytes.iter().map(|byte| char::from(ALPHABET[usize::from(byte % 32)])).collect();
        Self(chars.chunks(GROUP_CHARS).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
    }

    /// `7h3k-9fq2-x8mn`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

/// What a customer typed, in the form codes are digested in: lower case, without
/// spaces or dashes, with the letters people mistake for digits read as those
/// digits. `None` if it cannot be a code at all.
pub fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}'..='\u{2014}'))
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    let well_formed = code.len() == CODE_CHARS && code.bytes().all(|byte| ALPHABET.contains(&byte));
    well_formed.then_some(code)
}

/// The recovery codes of accounts, digested under the master key.
#[derive(Clone)]
pub struct RecoveryCodes {
    key: MasterKey,
}

impl RecoveryCodes {
    pub fn new(key: MasterKey) -> Self {
        Self { key }
    }

    /// On `connection` (the transaction of the change): replaces the account's codes
    /// with a new set, and returns it, to be shown once.
    pub async fn replace(
        &self,
        connection: &impl ConnectionTrait,
        account_id: i32,
    ) -> Result<Vec<RecoveryCode>, CoreError> {
        Self::discard(connection, account_id).await?;
        let codes: Vec<RecoveryCode> = std::iter::repeat_with(RecoveryCode::generate).take(CODES_PER_SET).collect();
        let rows = codes.iter().map(|code| recovery_code::ActiveModel {
            user_id: Set(account_id),
            digest: Set(self.digest(account_id, &normalize(code.as_str()).expect("generated codes are well formed"))),
        });
        recovery_code::Entity::insert_many(rows).exec_without_returning(connection).await?;
        Ok(codes)
    }

    /// Spends `typed` if it is one of the account's unspent codes: one DELETE, so it
    /// is spent once across every server. Returns whether it was.
    pub async fn spend(
        &self,
        connection: &impl ConnectionTrait,
        account_id: i32,
        typed: &str,
    ) -> Result<bool, CoreError> {
        let Some(code) = normalize(typed) else {
            return Ok(false);
        };
        let spent = recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(account_id))
            .filter(recovery_code::Column::Digest.eq(self.digest(account_id, &code)))
            .exec(connection)
            .await?;
        Ok(spent.rows_affected == 1)
    }

    /// How many unspent codes the account has.
    pub async fn left(connection: &impl ConnectionTrait, account_id: i32) -> Result<u64, CoreError> {
        Ok(recovery_code::Entity::find().filter(recovery_code::Column::UserId.eq(account_id)).count(connection).await?)
    }

    /// Spends every code of the account (2FA turned off); returns how many there were.
    pub async fn discard(connection: &impl ConnectionTrait, account_id: i32) -> Result<u64, CoreError> {
        let gone = recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(account_id))
            .exec(connection)
            .await?;
        Ok(gone.rows_affected)
    }

    /// Bound to the account: a digest copied to another account's rows matches nothing.
    fn digest(&self, account_id: i32, normalized: &str) -> String {
        keyed_digest(&self.key, &format!("recovery:user:{account_id}"), normalized)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_are_three_groups_of_four_from_an_unambiguous_alphabet() {
        let code = RecoveryCode::generate();
        let groups: Vec<&str> = code.as_str().split('-').collect();
        assert_eq!(groups.len(), 3);
        assert!(groups.iter().all(|group| group.len() == 4));
        assert!(code.as_str().chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        // 60 bits: a thousand codes never collide.
        let many: HashSet<String> = (0..1_000).map(|_| RecoveryCode::generate().into_string()).collect();
        assert_eq!(many.len(), 1_000);
        assert!(!format!("{code:?}").contains(code.as_str()));
    }

    #[test]
    fn typing_slips_are_forgiven_and_garbage_is_not_a_code() {
        assert_eq!(normalize("7H3K-9FQ2-X8MN").as_deref(), Some("7h3k9fq2x8mn"));
        assert_eq!(normalize(" 7h3k 9fq2 x8mn ").as_deref(), Some("7h3k9fq2x8mn"));
        assert_eq!(normalize("o0il-1111-2222").as_deref(), Some("001111112222"));
        for garbage in ["", "7h3k-9fq2", "7h3k-9fq2-x8mn-1", "uuuu-uuuu-uuuu", "7h3k-9fq2-x8m!", "７h3k-9fq2-x8mn"] {
            assert_eq!(normalize(garbage), None, "{garbage:?}");
        }
    }

    #[tokio::test]
    async fn a_code_is_spent_once_and_a_new_set_replaces_the_old() {
        let db = crate::db::for_tests().await;
        let codes = RecoveryCodes::new(MasterKey::generate());
        let first = codes.replace(&db, 1).await.unwrap();
        assert_eq!(first.len(), CODES_PER_SET);
        assert_eq!(RecoveryCodes::left(&db, 1).await.unwrap(), 10);

        let typed = first[0].as_str().to_uppercase().replace('-', " ");
        assert!(codes.spend(&db, 1, &typed).await.unwrap());
        assert!(!codes.spend(&db, 1, first[0].as_str()).await.unwrap(), "spent once");
        assert!(!codes.spend(&db, 2, first[1].as_str()).await.unwrap(), "bound to its account");
        assert_eq!(RecoveryCodes::left(&db, 1).await.unwrap(), 9);

        let second = codes.replace(&db, 1).await.unwrap();
        assert!(!codes.spend(&db, 1, first[1].as_str()).await.unwrap(), "the old set is gone");
        assert!(codes.spend(&db, 1, second[1].as_str()).await.unwrap());
        assert_eq!(RecoveryCodes::discard(&db, 1).await.unwrap(), 9);
    }
}
