//! A global allocator that forwards to [`System`] and counts what passes through it.
//!
//! A bench binary installs it with
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: xmpp_benches::alloc_count::CountingAlloc =
//!     xmpp_benches::alloc_count::CountingAlloc::new();
//! ```
//!
//! and reads [`CountingAlloc::snapshot`] around the code it measures. Counters are relaxed
//! atomics: exact in a single-threaded measurement, approximate if other threads allocate
//! at the same time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counting wrapper around the system allocator.
#[derive(Debug)]
pub struct CountingAlloc {
    allocs: AtomicU64,
    reallocs: AtomicU64,
    frees: AtomicU64,
    bytes: AtomicU64,
    live: AtomicU64,
    peak: AtomicU64,
}

/// Counter values at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocSnapshot {
    /// Calls to `alloc` and `alloc_zeroed`.
    pub allocs: u64,
    /// Calls to `realloc`.
    pub reallocs: u64,
    /// Calls to `dealloc`.
    pub frees: u64,
    /// Bytes requested by `alloc`, `alloc_zeroed` and the growth of `realloc`.
    pub bytes: u64,
    /// Bytes currently allocated.
    pub live: u64,
    /// Highest value of `live` since the start or the last [`CountingAlloc::reset_peak`].
    pub peak: u64,
}

impl AllocSnapshot {
    /// Allocation events (allocs and reallocs) between `earlier` and `self`.
    pub fn events_since(&self, earlier: &AllocSnapshot) -> u64 {
        (self.allocs + self.reallocs).saturating_sub(earlier.allocs + earlier.reallocs)
    }

    /// Bytes requested between `earlier` and `self`.
    pub fn bytes_since(&self, earlier: &AllocSnapshot) -> u64 {
        self.bytes.saturating_sub(earlier.bytes)
    }
}

impl CountingAlloc {
    /// A wrapper with all counters at zero.
    pub const fn new() -> Self {
        CountingAlloc {
            allocs: AtomicU64::new(0),
            reallocs: AtomicU64::new(0),
            frees: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            live: AtomicU64::new(0),
            peak: AtomicU64::new(0),
        }
    }

    /// The current counter values.
    pub fn snapshot(&self) -> AllocSnapshot {
        AllocSnapshot {
            allocs: self.allocs.load(Relaxed),
            reallocs: self.reallocs.load(Relaxed),
            frees: self.frees.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            live: self.live.load(Relaxed),
            peak: self.peak.load(Relaxed),
        }
    }

    /// Restarts peak tracking from the bytes live now.
    pub fn reset_peak(&self) {
        self.peak.store(self.live.load(Relaxed), Relaxed);
    }

    fn grow(&self, by: u64) {
        self.bytes.fetch_add(by, Relaxed);
        let live = self.live.fetch_add(by, Relaxed) + by;
        self.peak.fetch_max(live, Relaxed);
    }

    fn shrink(&self, by: u64) {
        self.live.fetch_sub(by, Relaxed);
    }
}

impl Default for CountingAlloc {
    fn default() -> Self {
        Self::new()
    }
}

// `GlobalAlloc` is an unsafe trait: this impl is the only unsafe code of the package (the
// package lints deny `unsafe_code` everywhere else). Every method forwards its arguments
// unchanged to `System`, which upholds the trait's contract, and only adds counter updates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same layout as our caller gave us, under the same contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            self.allocs.fetch_add(1, Relaxed);
            self.grow(layout.size() as u64);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            self.allocs.fetch_add(1, Relaxed);
            self.grow(layout.size() as u64);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was returned by this allocator (hence by `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        self.frees.fetch_add(1, Relaxed);
        self.shrink(layout.size() as u64);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr`/`layout` come from this allocator; `new_size` is checked by the caller.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            self.reallocs.fetch_add(1, Relaxed);
            let old = layout.size() as u64;
            let new = new_size as u64;
            if new >= old {
                self.grow(new - old);
            } else {
                self.shrink(old - new);
            }
        }
        p
    }
}
