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
//! and brackets the code it measures with [`CountingAlloc::start`] and
//! [`CountingAlloc::stop`], reading [`CountingAlloc::snapshot`] in between. Outside such a
//! window the wrapper costs one relaxed load per call, so timing runs in the same binary are
//! not slowed down by the counting (atomic read-modify-writes on every allocation and free
//! would cost allocation-heavy parsers a good share of their time). Counters are relaxed
//! atomics: exact in a single-threaded measurement, approximate if other threads allocate at
//! the same time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

/// Counting wrapper around the system allocator.
#[derive(Debug)]
pub struct CountingAlloc {
    enabled: AtomicBool,
    allocs: AtomicU64,
    reallocs: AtomicU64,
    frees: AtomicU64,
    bytes: AtomicU64,
    live: AtomicI64,
    peak: AtomicI64,
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
    /// Bytes allocated minus bytes freed since [`CountingAlloc::start`] (negative when more
    /// was freed than allocated in the window).
    pub live: i64,
    /// Highest value of `live` since [`CountingAlloc::start`].
    pub peak: i64,
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
            enabled: AtomicBool::new(false),
            allocs: AtomicU64::new(0),
            reallocs: AtomicU64::new(0),
            frees: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            live: AtomicI64::new(0),
            peak: AtomicI64::new(0),
        }
    }

    /// Starts counting; `live` and `peak` restart from zero, the event counters continue.
    pub fn start(&self) {
        self.live.store(0, Relaxed);
        self.peak.store(0, Relaxed);
        self.enabled.store(true, Relaxed);
    }

    /// Counts again after [`CountingAlloc::stop`], keeping `live` and `peak`: windows
    /// opened with `resume` add up to one measurement.
    pub fn resume(&self) {
        self.enabled.store(true, Relaxed);
    }

    /// Stops counting; the counters keep their values.
    pub fn stop(&self) {
        self.enabled.store(false, Relaxed);
    }

    fn counting(&self) -> bool {
        self.enabled.load(Relaxed)
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

    fn grow(&self, by: usize) {
        self.bytes.fetch_add(by as u64, Relaxed);
        let by = by as i64;
        let live = self.live.fetch_add(by, Relaxed) + by;
        self.peak.fetch_max(live, Relaxed);
    }

    fn shrink(&self, by: usize) {
        self.live.fetch_sub(by as i64, Relaxed);
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
        if !p.is_null() && self.counting() {
            self.allocs.fetch_add(1, Relaxed);
            self.grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && self.counting() {
            self.allocs.fetch_add(1, Relaxed);
            self.grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was returned by this allocator (hence by `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        if self.counting() {
            self.frees.fetch_add(1, Relaxed);
            self.shrink(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr`/`layout` come from this allocator; `new_size` is checked by the caller.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && self.counting() {
            self.reallocs.fetch_add(1, Relaxed);
            let old = layout.size();
            let new = new_size;
            if new >= old {
                self.grow(new - old);
            } else {
                self.shrink(old - new);
            }
        }
        p
    }
}
