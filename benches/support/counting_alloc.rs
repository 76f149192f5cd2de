//! A global allocator for the parked-memory benchmark: the system allocator, counting the bytes
//! and blocks live, so that the host's heap share of a parked run is measured exactly (malloc's
//! own slack and fragmentation are what the RSS figures add on top); and, while a thread asks
//! for it, recording where each block it allocates comes from, so that the blocks a parked run
//! keeps can be itemised by the code that made them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::backtrace::Backtrace;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The allocator; install with `#[global_allocator]`.
pub struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);
static LIVE_BLOCKS: AtomicIsize = AtomicIsize::new(0);
/// Whether some thread records, so that frees skip the record's lock otherwise.
static PROFILING: AtomicBool = AtomicBool::new(false);

/// Blocks allocated while recording and not freed since: address → (size, where).
static RECORDED: Mutex<Option<HashMap<usize, (usize, Backtrace)>>> = Mutex::new(None);

thread_local! {
    /// Whether this thread's allocations are being recorded.
    static RECORDING: Cell<bool> = const { Cell::new(false) };
    /// Set while the allocator itself allocates (backtraces, the map), so that it does not
    /// record its own blocks.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every call is forwarded to `System` unchanged; the counters and the record only
// observe it.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        LIVE_BLOCKS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        let ptr = unsafe { System.alloc(layout) };
        record(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        LIVE_BLOCKS.fetch_sub(1, Ordering::Relaxed);
        forget(ptr);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        forget(ptr);
        // SAFETY: as above.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        record(moved, new_size);
        moved
    }
}

fn record(ptr: *mut u8, size: usize) {
    if !RECORDING.get() || INSIDE.replace(true) {
        return;
    }
    let backtrace = Backtrace::force_capture();
    if let Ok(mut recorded) = RECORDED.lock()
        && let Some(map) = recorded.as_mut()
    {
        map.insert(ptr as usize, (size, backtrace));
    }
    INSIDE.set(false);
}

fn forget(ptr: *mut u8) {
    if !PROFILING.load(Ordering::Relaxed) || INSIDE.replace(true) {
        return;
    }
    if let Ok(mut recorded) = RECORDED.lock()
        && let Some(map) = recorded.as_mut()
    {
        map.remove(&(ptr as usize));
    }
    INSIDE.set(false);
}

/// Bytes and blocks live on the heap now.
pub fn live_heap() -> (isize, isize) {
    (
        LIVE_BYTES.load(Ordering::Relaxed),
        LIVE_BLOCKS.load(Ordering::Relaxed),
    )
}

/// Runs `work` on this thread recording its allocations, then returns the blocks still live,
/// grouped by the first frame of `crates` that made them: (bytes, blocks, frame), largest first.
pub fn live_blocks_of(work: impl FnOnce(), crates: &[&str]) -> Vec<(usize, usize, String)> {
    *RECORDED.lock().expect("the record's lock") = Some(HashMap::new());
    PROFILING.store(true, Ordering::Relaxed);
    RECORDING.set(true);
    work();
    RECORDING.set(false);
    INSIDE.set(true);
    let recorded = RECORDED
        .lock()
        .expect("the record's lock")
        .take()
        .unwrap_or_default();
    PROFILING.store(false, Ordering::Relaxed);
    let mut by_frame: HashMap<String, (usize, usize)> = HashMap::new();
    for (size, backtrace) in recorded.into_values() {
        let text = backtrace.to_string();
        let mut frames = text
            .lines()
            .map(str::trim)
            .filter_map(|line| line.split_once(": ").map(|(_, name)| name))
            .filter(|name| {
                !name.contains("counting_alloc")
                    && !name.contains("alloc::")
                    && !name.starts_with("std::backtrace")
            });
        let first = frames.clone().next().unwrap_or("?");
        let frame = match frames.find(|name| crates.iter().any(|krate| name.starts_with(krate))) {
            Some(name) if name == first => name.to_owned(),
            Some(name) => format!("{name} ← {first}"),
            None => format!("(elsewhere) {first}"),
        };
        let entry = by_frame.entry(frame).or_default();
        entry.0 += size;
        entry.1 += 1;
    }
    INSIDE.set(false);
    let mut rows: Vec<_> = by_frame
        .into_iter()
        .map(|(frame, (bytes, blocks))| (bytes, blocks, frame))
        .collect();
    rows.sort_by(|a, b| b.cmp(a));
    rows
}
