//! Retry policies and the other option types shared by several commands.

/// How Temporal retries a failed activity, HTTP activity, child workflow or continued run.
/// Absent fields take Temporal's defaults (unlimited attempts, 1 s doubling to 100 s).
pub const RetryPolicy = struct {
    initial_interval_ms: ?u64 = null,
    backoff_coefficient: ?f64 = null,
    maximum_interval_ms: ?u64 = null,
    /// 1 means no retries; 0 or absent, unlimited.
    maximum_attempts: ?u32 = null,
    /// Application failure types that are never retried.
    non_retryable_error_types: ?[]const []const u8 = null,
};

/// What `cancel` of an activity waits for before its handle resolves.
pub const ActivityCancellationType = enum {
    /// Ask for cancellation and resolve at once (the default).
    try_cancel,
    /// Resolve once the activity has acknowledged the cancellation.
    wait_cancellation_completed,
    /// Resolve at once without asking the activity.
    abandon,
};
