//! How long to make someone wait after failing several times in a row: nothing for
//! the first few tries (typos happen), then a delay that doubles up to a cap.

pub const FREE_FAILURES: i32 = 5;
const FIRST_DELAY_SECS: i64 = 10;
pub const MAX_DELAY_SECS: i64 = 15 * 60;

/// Seconds the next attempt must wait after the last failure, having failed
/// `consecutive` times in a row.
pub fn delay_after(consecutive: i32) -> i64 {
    if consecutive < FREE_FAILURES {
        return 0;
    }
    let doublings = u32::try_from(consecutive - FREE_FAILURES).unwrap_or(u32::MAX).min(20);
    (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS)
}

/// The counts at which the delay grows, with the delay each brings, up to the first
/// that reaches the cap: `(5, 10), (6, 20), …, (12, 900)`. The database states the
/// same schedule in SQL from this list.
pub fn steps() -> impl Iterator<Item = (i32, i64)> {
    (FREE_FAILURES..)
        .map(|consecutive| (consecutive, delay_after(consecutive)))
        .take_while(|&(consecutive, _)| consecutive == FREE_FAILURES || delay_after(consecutive - 1) < MAX_DELAY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_five_failures_and_double_up_to_fifteen_minutes() {
        assert_eq!((0..5).map(delay_after).collect::<Vec<_>>(), [0; 5]);
        assert_eq!(delay_after(5), 10);
        assert_eq!(delay_after(6), 20);
        assert_eq!(delay_after(7), 40);
        assert_eq!(delay_after(12), 900);
        assert_eq!(delay_after(19), 900);
        assert_eq!(delay_after(i32::MAX), 900);
    }

    #[test]
    fn the_steps_list_every_change_of_delay_up_to_the_cap() {
        let steps: Vec<_> = steps().collect();
        assert_eq!(steps.first(), Some(&(5, 10)));
        assert_eq!(steps.last(), Some(&(12, 900)));
        assert!(steps.iter().all(|&(consecutive, delay)| delay_after(consecutive) == delay));
    }
}
