//! Waiting for a pool slot for a new durable instance: when the pool is full, the least recently
//! used run with a parked instance is evicted through core, one eviction asked per waiting run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ActivationHandler;
use crate::temporal::workflow_run::WorkflowRun;

/// How often a new run waiting for a pool slot checks whether another parked run must be
/// evicted for it (a run may park, and so become evictable, after the wait began).
const SLOT_WAIT_RECHECK: Duration = Duration::from_millis(50);

impl ActivationHandler {
    /// A pool slot for a new durable instance. When none is free, the least recently used run
    /// with a parked instance is evicted through core, and its slot comes back with the
    /// eviction. Each waiting run has one eviction asked for it; one that finds no parked run
    /// (they were all mid-activation) asks again once one has parked.
    pub(super) async fn instance_slot(&self) -> OwnedSemaphorePermit {
        if let Ok(permit) = Arc::clone(&self.instance_slots).try_acquire_owned() {
            return permit;
        }
        let _waiting = SlotWaiter::new(&self.slot_waiters);
        let acquire = Arc::clone(&self.instance_slots).acquire_owned();
        tokio::pin!(acquire);
        loop {
            // Not while a slot is free: it is this run's to take (or another waiter's), and an
            // eviction on its way back would be counted twice.
            if self.instance_slots.available_permits() == 0 {
                self.evict_for_waiting_runs();
            }
            tokio::select! {
                biased;
                permit = &mut acquire => return match permit {
                    Ok(permit) => permit,
                    // The semaphore is never closed; if it were, run without a slot, not hang.
                    Err(_) => Arc::new(Semaphore::new(1))
                        .try_acquire_owned()
                        .unwrap_or_else(|_| unreachable!("a fresh semaphore has a permit")),
                },
                () = tokio::time::sleep(SLOT_WAIT_RECHECK) => {}
            }
        }
    }

    /// Asks core to evict the least recently used parked run not yet asked for, if fewer
    /// evictions are pending than runs wait for a slot.
    fn evict_for_waiting_runs(&self) {
        let victim = {
            let mut cache = self.cache();
            let pending = cache.runs.values().filter(|c| c.eviction_asked).count();
            if pending >= self.slot_waiters.load(Ordering::Relaxed) {
                return;
            }
            cache
                .runs
                .iter_mut()
                .filter(|(_, cached)| {
                    !cached.eviction_asked
                        && cached
                            .run
                            .as_ref()
                            .is_some_and(WorkflowRun::has_live_instance)
                })
                .min_by_key(|(_, cached)| cached.last_used)
                .map(|(run_id, cached)| {
                    cached.eviction_asked = true;
                    run_id.clone()
                })
        };
        if let Some(run_id) = victim {
            tracing::info!(%run_id, "instance pool full: evicting the least recently used run");
            (self.evict)(&run_id);
        }
    }
}

/// Counts a run waiting for an instance slot for as long as it waits (also if its activation
/// is dropped while waiting).
struct SlotWaiter<'a>(&'a AtomicUsize);

impl<'a> SlotWaiter<'a> {
    fn new(waiters: &'a AtomicUsize) -> SlotWaiter<'a> {
        waiters.fetch_add(1, Ordering::Relaxed);
        SlotWaiter(waiters)
    }
}

impl Drop for SlotWaiter<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
