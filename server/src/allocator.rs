//! The process's memory allocator: mimalloc rather than glibc's malloc, for the
//! server and for everything else that links this crate (its tests and benchmarks
//! measure what runs in production).
//!
//! A page render makes and frees thousands of small objects across the async
//! workers: under glibc that was a fifth of the server's time. mimalloc also hands
//! each Argon2 hash's 19 MiB back to the system once freed, which glibc kept in its
//! arenas unless its mapping threshold was pinned.
//!
//! Rust's allocations only: SQLite's C code still calls glibc's `malloc`.
//! mimalloc's `secure` build (guard pages, encoded free lists) is not used: it
//! hardens against heap corruption, which safe Rust does not cause, for about 10%
//! of its speed.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the pinned mimalloc's `mi_option_t` (v3's
/// mimalloc.h, the sixteenth entry), which the Rust bindings do not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc gives freed memory back to the system only on a later call into it,
/// after a delay (1 s): an idle server would keep what its last burst freed.
/// Purging at once costs nothing the benchmarks can see. An operator's
/// `MIMALLOC_PURGE_DELAY` still wins.
///
/// # Safety
///
/// Call first thing in `main`, before any other thread starts: mimalloc stores
/// the option without synchronisation.
pub unsafe fn give_freed_memory_back_at_once() {
    // mimalloc read its environment when the process loaded, so a default set now
    // would not take; the option is set unless the environment set it.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: the caller runs this before any other thread exists; any value
        // of this option is valid.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
    }
}

#[cfg(test)]
mod tests {
    use super::PURGE_DELAY;

    /// Guards the option's number across upgrades: the purge delay's default,
    /// 1000 ms, is no other option's. Tests never change it.
    #[test]
    fn the_option_set_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads an option; any number is accepted.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
