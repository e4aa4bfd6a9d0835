//! The process's memory allocator: mimalloc rather than glibc's malloc, for the
//! server and for everything else that links this crate (its tests and benchmarks
//! measure what runs in production).
//!
//! A page render makes and frees thousands of small objects across the async
//! workers: under glibc that was a fifth of the server's time. mimalloc also hands
//! each Argon2 hash's 19 MiB back to the system once freed, which glibc kept in its
//! arenas unless its mapping threshold was pinned.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc gives freed memory back to the system only on a later call into it,
/// after a delay: an idle server would keep what its last burst freed. Purging at
/// once costs nothing the benchmarks can see. Called first thing in `main`.
pub fn give_freed_memory_back_at_once() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_t`, which the Rust
    /// bindings do not name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of mimalloc's tuning options, which it reads atomically;
    // any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}
