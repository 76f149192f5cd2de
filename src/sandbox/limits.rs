//! The resource caps of one wasm instance: a leaf type, so that configuration can produce them
//! and the sandbox can enforce them without either depending on the other.

use std::time::Duration;

/// The resource caps of a bundle's instances.
///
/// CPU and memory bound what a guest's code can cost; the three per-run caps bound what a durable
/// guest can make the host hold for it between activations. Exceeding any of them is a guest bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceLimits {
    /// Wall-clock time the guest may run before it is interrupted (epoch granularity): the whole
    /// run for a one-shot guest, each activation (resume to park) for a durable one.
    pub deadline: Duration,
    /// Most linear memory the guest may have, in bytes, for the whole life of the instance.
    pub memory_limit_bytes: u64,
    /// Most handles one run may be given (timers, activities, channels…), so a guest cannot make
    /// the host's per-run tables grow without bound.
    pub max_handles: u32,
    /// Most commands (timers, activities, cancellations…) one activation may issue, so a guest
    /// that never waits cannot flood the workflow task.
    pub max_pending_commands: u32,
    /// Most bytes of result JSON the host holds for one run at a time: results and channel items
    /// that are ready but not yet taken.
    pub max_result_bytes: u64,
}

impl InstanceLimits {
    /// The defaults of every cap, as documented in `config/reference.toml`.
    pub const DEFAULT: InstanceLimits = InstanceLimits {
        deadline: Duration::from_secs(2),
        memory_limit_bytes: 64 << 20,
        // Every handle costs its run at least one history event, and Temporal caps a history
        // at 51,200 by default: no run that fits in a history is stopped by this default.
        max_handles: 50_000,
        max_pending_commands: 10_000,
        max_result_bytes: 64 << 20,
    };
}

impl Default for InstanceLimits {
    fn default() -> InstanceLimits {
        InstanceLimits::DEFAULT
    }
}
