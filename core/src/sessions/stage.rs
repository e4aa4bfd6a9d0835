//! How far a session has got, read from its row one way: two nullable columns
//! store it, and only the combinations this server writes are read back.

use sea_orm::ColumnTrait as _;
use sea_orm::sea_query::{ExprTrait as _, SimpleExpr};

use crate::clock::UnixTime;
use crate::db::entities::session::{Column, Model};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The password was right at `since`; the second factor is still to come.
    /// Such a session signs nobody in.
    AwaitingSecondFactor { since: UnixTime },
    /// Signed in; the password was last re-typed to confirm a change at
    /// `password_confirmed_at`.
    SignedIn { password_confirmed_at: Option<UnixTime> },
}

impl Stage {
    /// The stage of a stored session; `None` for a half-way session with a
    /// confirmed password, which this server never writes.
    pub(crate) fn of(row: &Model) -> Option<Self> {
        match (row.awaiting_code_since, row.password_confirmed_at) {
            (Some(since), None) => Some(Self::AwaitingSecondFactor { since }),
            (None, password_confirmed_at) => Some(Self::SignedIn { password_confirmed_at }),
            (Some(_), Some(_)) => None,
        }
    }

    /// The `awaiting_code_since` and `password_confirmed_at` columns.
    pub(crate) fn into_columns(self) -> (Option<UnixTime>, Option<UnixTime>) {
        match self {
            Self::AwaitingSecondFactor { since } => (Some(since), None),
            Self::SignedIn { password_confirmed_at } => (None, password_confirmed_at),
        }
    }

    /// The condition that picks half-way sessions (with nothing confirmed).
    pub(crate) fn awaiting_second_factor() -> SimpleExpr {
        Column::AwaitingCodeSince.is_not_null().and(Column::PasswordConfirmedAt.is_null())
    }

    /// The condition that picks signed-in sessions.
    pub(crate) fn signed_in() -> SimpleExpr {
        Column::AwaitingCodeSince.is_null()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(awaiting_code_since: Option<i64>, password_confirmed_at: Option<i64>) -> Model {
        Model {
            id: String::new(),
            user_id: 1,
            created_at: 0,
            last_seen_at: 0,
            expires_at: 0,
            awaiting_code_since,
            password_confirmed_at,
            security_stamp: String::new(),
            browser: String::new(),
            ip: None,
        }
    }

    #[test]
    fn stages_read_back_and_an_impossible_one_does_not() {
        for stage in [
            Stage::AwaitingSecondFactor { since: 5 },
            Stage::SignedIn { password_confirmed_at: None },
            Stage::SignedIn { password_confirmed_at: Some(7) },
        ] {
            let (awaiting, confirmed) = stage.into_columns();
            assert_eq!(Stage::of(&row(awaiting, confirmed)), Some(stage));
        }
        assert_eq!(Stage::of(&row(Some(5), Some(7))), None, "half-way, yet a change confirmed");
    }
}
