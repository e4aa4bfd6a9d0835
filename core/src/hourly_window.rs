//! A count of things in an hour from the first of them, as the SQL of one upsert:
//! the statement that counts is the one that checks, so servers racing to count
//! agree without a lock.

use sea_orm::sea_query::{CaseStatement, Expr, IntoIden, OnConflict};

use crate::clock::UnixTime;

const HOUR: i64 = 60 * 60;

/// The upsert's parts: a new hour starts the count afresh, and a full hour refuses.
pub(crate) struct HourlyWindow {
    /// The row's columns: when its hour started, and the count in it.
    pub started: Expr,
    pub count: Expr,
    pub cap: i32,
    pub now: UnixTime,
}

// SQL's operators are imported in each function only: `ExprTrait`'s `max` and `min`
// would shadow the integers' in this module.
impl HourlyWindow {
    fn new_hour(&self) -> Expr {
        use sea_orm::sea_query::ExprTrait as _;
        self.started.clone().lte(self.now - HOUR)
    }

    pub fn next_start(&self) -> CaseStatement {
        CaseStatement::new().case(self.new_hour(), self.now).finally(self.started.clone())
    }

    pub fn next_count(&self) -> CaseStatement {
        use sea_orm::sea_query::ExprTrait as _;
        CaseStatement::new().case(self.new_hour(), 1).finally(self.count.clone().add(1))
    }

    pub fn has_room(&self) -> Expr {
        use sea_orm::sea_query::ExprTrait as _;
        self.new_hour().or(self.count.clone().lt(self.cap))
    }

    /// The `ON CONFLICT` of an upsert that only counts: the row keyed by `keys`,
    /// whose hour starts in `started` and whose count is in `count`, counts one
    /// more if its hour has room, and is left as it is (no row written) if not.
    pub fn counting_on<C: IntoIden + Copy>(
        &self,
        keys: impl IntoIterator<Item = C>,
        started: C,
        count: C,
    ) -> OnConflict {
        OnConflict::columns(keys)
            .value(started, self.next_start())
            .value(count, self.next_count())
            .action_and_where(self.has_room())
            .to_owned()
    }
}
