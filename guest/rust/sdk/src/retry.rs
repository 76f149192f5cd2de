//! Temporal's retry policy, shared by activities, HTTP activities, child workflows and
//! continue-as-new.

use std::time::Duration;

use serde::Serialize;

use crate::timer::millis_ceil;

/// How Temporal retries a failed attempt. Unset fields take Temporal's defaults (1 s initial
/// interval, coefficient 2, at most 100 × the initial interval, unlimited attempts).
///
/// ```
/// # use std::time::Duration;
/// # use temporal_wasm_sdk::RetryPolicy;
/// let policy = RetryPolicy::new()
///     .maximum_attempts(5)
///     .initial_interval(Duration::from_millis(100))
///     .non_retryable_error_types(["OutOfStock"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RetryPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_interval_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backoff_coefficient: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_interval_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_attempts: Option<i32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    non_retryable_error_types: Vec<String>,
}

impl RetryPolicy {
    /// Temporal's default policy; change it with the methods below.
    pub fn new() -> RetryPolicy {
        RetryPolicy::default()
    }

    /// Delay before the first retry.
    pub fn initial_interval(mut self, interval: Duration) -> RetryPolicy {
        self.initial_interval_ms = Some(millis_ceil(interval));
        self
    }

    /// How much the delay grows from one retry to the next.
    pub fn backoff_coefficient(mut self, coefficient: f64) -> RetryPolicy {
        self.backoff_coefficient = Some(coefficient);
        self
    }

    /// The longest delay between retries.
    pub fn maximum_interval(mut self, interval: Duration) -> RetryPolicy {
        self.maximum_interval_ms = Some(millis_ceil(interval));
        self
    }

    /// The most attempts in all, the first included; 0 means unlimited.
    pub fn maximum_attempts(mut self, attempts: i32) -> RetryPolicy {
        self.maximum_attempts = Some(attempts);
        self
    }

    /// Failure types (`ApplicationFailure.type`) that are never retried.
    pub fn non_retryable_error_types<S: Into<String>>(
        mut self,
        types: impl IntoIterator<Item = S>,
    ) -> RetryPolicy {
        self.non_retryable_error_types = types.into_iter().map(Into::into).collect();
        self
    }
}
