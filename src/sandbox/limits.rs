//! The resource caps of one wasm instance: a leaf type, so that configuration can produce them
//! and the sandbox can enforce them without either depending on the other.

use std::time::Duration;

/// The resource caps of a bundle's instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceLimits {
    /// Wall-clock time the guest may run before it is interrupted (epoch granularity).
    pub deadline: Duration,
    /// Most linear memory the guest may have, in bytes.
    pub memory_limit_bytes: u64,
}
