//! What a replay says about each history, for people (`Display`) and for tests.

use std::fmt;

/// How one history replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// Every workflow task produced the commands history holds.
    Replayed,
    /// Core found the guest's commands different from history.
    Nondeterminism {
        /// Core's message.
        message: String,
        /// The event it names, as `<id> <type>` (`8 ActivityTaskScheduled`), when it names one.
        event: Option<String>,
        /// The guest's calls in the activation that differed.
        guest_calls: Vec<String>,
    },
    /// A workflow task failed for another reason (a guest bug, an unregistered type).
    TaskFailed {
        /// The failure's message.
        message: String,
    },
    /// The replay worker never activated the run.
    NotReplayed,
}

impl ReplayOutcome {
    /// A nondeterminism from core's eviction `message`, with the guest's calls.
    pub(super) fn nondeterminism(message: &str, guest_calls: Vec<String>) -> ReplayOutcome {
        ReplayOutcome::Nondeterminism {
            message: core_message(message).to_owned(),
            event: event_named_in(message),
            guest_calls,
        }
    }
}

/// The report on one history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayReport {
    /// The file, or `workflow <id>`.
    pub source: String,
    /// The workflow id.
    pub workflow_id: String,
    /// The run id (its first run's, for a history that continued from another).
    pub run_id: String,
    /// The workflow type.
    pub workflow_type: String,
    /// The bundle version the run is pinned to, when its history has a pin marker.
    pub pinned_version: Option<String>,
    /// How it replayed.
    pub outcome: ReplayOutcome,
}

impl ReplayReport {
    /// Whether the history replayed.
    pub fn is_ok(&self) -> bool {
        self.outcome == ReplayOutcome::Replayed
    }

    /// Takes what an activation showed: the first failure sticks.
    pub(super) fn note(&mut self, outcome: ReplayOutcome) {
        if matches!(
            self.outcome,
            ReplayOutcome::NotReplayed | ReplayOutcome::Replayed
        ) {
            self.outcome = outcome;
        }
    }
}

impl fmt::Display for ReplayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run = format!(
            "{} (workflow `{}`, type `{}`, run {})",
            self.source, self.workflow_id, self.workflow_type, self.run_id
        );
        let pinned = self
            .pinned_version
            .as_deref()
            .map(|version| format!("; the run is pinned to bundle {version}"))
            .unwrap_or_default();
        match &self.outcome {
            ReplayOutcome::Replayed => write!(f, "ok      {run}{pinned}"),
            ReplayOutcome::Nondeterminism {
                message,
                event,
                guest_calls,
            } => {
                write!(f, "FAILED  {run}: nondeterminism")?;
                if let Some(event) = event {
                    write!(f, " at event {event}")?;
                }
                write!(f, "{pinned}\n        {message}")?;
                let calls = if guest_calls.is_empty() {
                    "none".to_owned()
                } else {
                    guest_calls.join(", ")
                };
                write!(f, "\n        the guest's calls in that activation: {calls}")
            }
            ReplayOutcome::TaskFailed { message } => {
                write!(
                    f,
                    "FAILED  {run}: a workflow task failed{pinned}\n        {message}"
                )
            }
            ReplayOutcome::NotReplayed => write!(f, "FAILED  {run}: it was never replayed"),
        }
    }
}

/// The failure's own message inside core's eviction text, which wraps it in a debug dump of
/// the failure (`… Failure { message: "[TMPRL1100] Nondeterminism error: …", source: …`).
fn core_message(eviction: &str) -> &str {
    const START: &str = "message: \"";
    eviction
        .find(START)
        .map(|start| &eviction[start + START.len()..])
        .and_then(|rest| rest.find("\", source").map(|end| &rest[..end]))
        .unwrap_or(eviction)
}

/// `<id> <type>` of the `HistoryEvent(id: 8, ActivityTaskScheduled)` core's messages name.
fn event_named_in(message: &str) -> Option<String> {
    let start = message.find("HistoryEvent(id: ")? + "HistoryEvent(id: ".len();
    let rest = &message[start..];
    let (id, rest) = rest.split_once(',')?;
    let event_type: String = rest
        .trim_start()
        .chars()
        .take_while(|character| character.is_alphanumeric())
        .collect();
    Some(format!("{} {event_type}", id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_core_names_is_picked_out_of_its_message() {
        assert_eq!(
            event_named_in(
                "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: \
                 HistoryEvent(id: 5, TimerFired)"
            )
            .as_deref(),
            Some("5 TimerFired")
        );
        assert_eq!(event_named_in("no event here"), None);
        assert_eq!(
            core_message(
                "Workflow activation completion failed: Failure { failure: Some(Failure { \
                 message: \"[TMPRL1100] Nondeterminism error: x\", source: \"\", … }"
            ),
            "[TMPRL1100] Nondeterminism error: x"
        );
        assert_eq!(core_message("plain"), "plain");
    }
}
