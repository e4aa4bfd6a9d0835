//! A count of things in an hour from the first of them, as the SQL of one upsert:
//! the statement that counts is the one that checks, so servers racing to count
//! agree without a lock.

use sea_orm::sea_query::{CaseStatement, DynIden, Expr, IntoIden, OnConflict};

use crate::clock::UnixTime;

const HOUR: i64 = 60 * 60;

/// The upsert's parts: a new hour starts the count afresh, and a full hour refuses.
pub(crate) struct HourlyWindow {
    table: DynIden,
    /// The row's columns: when its hour started, and the count in it.
    started: DynIden,
    count: DynIden,
    cap: i32,
    now: UnixTime,
}

// SQL's operators are imported in each function only: `ExprTrait`'s `max` and `min`
// would shadow the integers' in this module.
impl HourlyWindow {
    /// The window of `table`'s rows, whose hour starts in `started` and whose count
    /// is in `count`, at most `cap` an hour, as it stands at `now`.
    pub fn new(table: impl IntoIden, started: impl IntoIden, count: impl IntoIden, cap: i32, now: UnixTime) -> Self {
        Self { table: table.into_iden(), started: started.into_iden(), count: count.into_iden(), cap, now }
    }

    fn column(&self, column: &DynIden) -> Expr {
        Expr::col((self.table.clone(), column.clone()))
    }

    fn new_hour(&self) -> Expr {
        use sea_orm::sea_query::ExprTrait as _;
        self.column(&self.started).lte(self.now - HOUR)
    }

    /// Whether the row's hour has room for one more (or a new hour starts).
    pub fn has_room(&self) -> Expr {
        use sea_orm::sea_query::ExprTrait as _;
        self.new_hour().or(self.column(&self.count).lt(self.cap))
    }

    /// `conflict`, also counting one more in the row's hour.
    pub fn counted_in(&self, mut conflict: OnConflict) -> OnConflict {
        use sea_orm::sea_query::ExprTrait as _;
        let next_start = CaseStatement::new().case(self.new_hour(), self.now).finally(self.column(&self.started));
        let next_count = CaseStatement::new().case(self.new_hour(), 1).finally(self.column(&self.count).add(1));
        conflict.value(self.started.clone(), next_start).value(self.count.clone(), next_count);
        conflict
    }

    /// The `ON CONFLICT` of an upsert that only counts: the row keyed by `keys`
    /// counts one more if its hour has room, and is left as it is (no row
    /// written) if not.
    pub fn counting_on<C: IntoIden>(&self, keys: impl IntoIterator<Item = C>) -> OnConflict {
        self.counted_in(OnConflict::columns(keys)).action_and_where(self.has_room()).to_owned()
    }
}
