//! Open files: each connection holds one. A process starts with the system's soft
//! limit, often 1,024, which would run out long before the cap of connections:
//! accepts would then fail for everyone, the customer too, instead of the cap
//! choosing whom to let in. So serving raises the soft limit to the hard one, and
//! when even that is short, lowers the cap to what fits.

/// Files kept for everything but connections (the database pool, the outbox's
/// mail and SMS clients, logs, the metrics listener): this many, or a quarter of
/// a small limit.
const KEPT_FOR_THE_REST: u64 = 256;

/// How many of `files` open files connections may take.
fn for_connections(files: u64) -> u64 {
    files - KEPT_FOR_THE_REST.min(files / 4)
}

/// How many connections may be open at once, at most `wanted`, once the soft
/// limit of open files is as high as it may go.
pub fn connections_that_fit(wanted: usize) -> usize {
    let Some(files) = raise_soft_limit() else { return wanted };
    let fit = usize::try_from(for_connections(files)).unwrap_or(usize::MAX).max(1);
    if fit < wanted {
        tracing::warn!(wanted, fit, files, "MAX_CONNECTIONS is more than this process may open files for: lowered");
    }
    wanted.min(fit)
}

/// Raises the soft limit of open files to the hard one; the limit now, if known.
fn raise_soft_limit() -> Option<u64> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `limit` is a valid, writable rlimit for the call to fill.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
        // SAFETY: `raised` is a valid rlimit, read by the call; asking for no more
        // than the hard limit needs no privilege, and a refusal leaves it as it was.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raw const raised) } == 0 {
            limit = raised;
        }
    }
    (limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_fits_the_files_a_process_may_open() {
        let fit = connections_that_fit(usize::MAX);
        match raise_soft_limit() {
            Some(files) => assert_eq!(fit as u64, for_connections(files)),
            None => assert_eq!(fit, usize::MAX, "no limit"),
        }
        assert_eq!(connections_that_fit(10), 10, "a cap that fits stays");
        assert_eq!((for_connections(20_000), for_connections(256)), (19_744, 192), "a small limit keeps a quarter");
    }
}
