//! Inbound channels: `signal_channel`, `update_channel`, `respond_update` and
//! `cancellation_channel`.
//!
//! A channel is a handle that delivers many items. Signals sent before their channel opens are
//! held for it; updates are delivered only to a channel open in the activation they arrive in,
//! and [`TestHost::park`] judges the rest at the end of it, as the worker does.

use serde_json::{Value, json};

use super::TestHost;
use super::report::UpdateVerdict;
use super::state::{Kind, UpdateRecord, parse};
use crate::Failure;
use crate::payload::Payload;

/// `signal_channel`.
pub(super) fn signal_channel(host: &mut TestHost, name: &str) -> u32 {
    host.channel("signal_channel", name, false)
}

/// `update_channel`.
pub(super) fn update_channel(host: &mut TestHost, name: &str) -> u32 {
    host.channel("update_channel", name, true)
}

/// `respond_update`: a rejection only in the update's own activation, before any other answer;
/// a completion or failure once, after the update was taken from its channel.
pub(super) fn respond_update(host: &mut TestHost, update_id: &str, json: &[u8]) {
    let value = parse("respond_update", json);
    host.record("respond_update", Some(update_id), value.clone(), None);
    let activation = host.activation;
    let record = host.update_record(update_id);
    assert!(
        record.taken,
        "guest bug: `respond_update` of update `{update_id}`, never taken from its channel"
    );
    assert!(
        record.answer.is_none() && !matches!(record.verdict, Some(UpdateVerdict::Rejected(_))),
        "guest bug: update `{update_id}` answered twice"
    );
    let failure = |value: &Value| -> Failure {
        serde_json::from_value(value.clone())
            .unwrap_or_else(|err| panic!("guest bug: `respond_update` failure: {err}"))
    };
    if let Some(rejection) = value.get("rejected") {
        assert!(
            record.activation == activation && record.verdict.is_none(),
            "guest bug: update `{update_id}` rejected after its activation ended"
        );
        record.verdict = Some(UpdateVerdict::Rejected(failure(rejection)));
    } else if let Some(failed) = value.get("failed") {
        record.answer = Some(UpdateVerdict::Failed(failure(failed)));
    } else if let Some(completed) = value.get("completed") {
        let payloads: Vec<Payload> = serde_json::from_value(completed.clone())
            .unwrap_or_else(|err| panic!("guest bug: `respond_update` payloads: {err}"));
        assert!(
            payloads.len() <= 1,
            "guest bug: `respond_update` with two payloads"
        );
        record.answer = Some(UpdateVerdict::Completed(payloads.into_iter().next()));
    } else {
        panic!("guest bug: `respond_update` needs completed, failed or rejected: {value}");
    }
}

/// `cancellation_channel`: one per run, ready at once if the cancellation came first.
pub(super) fn cancellation_channel(host: &mut TestHost) -> u32 {
    let handle = match host.cancellation_channel {
        Some(handle) => handle,
        None => {
            let handle = host.issue(Kind::Cancellation, "cancellation".into());
            host.cancellation_channel = Some(handle);
            if host.cancel_requested {
                (host.handles[handle as usize - 1].items).push_back(b"{\"completed\":[]}".to_vec());
            }
            handle
        }
    };
    host.record("cancellation_channel", None, Value::Null, Some(handle));
    handle
}

impl TestHost {
    /// Opens (or finds) the channel `name` of `kind`.
    fn channel(&mut self, call: &'static str, name: &str, update: bool) -> u32 {
        let existing = if update {
            self.update_channels.get(name)
        } else {
            self.signal_channels.get(name)
        };
        if let Some(&handle) = existing {
            self.record(call, Some(name), Value::String(name.into()), Some(handle));
            return handle;
        }
        let (kind, label) = if update {
            assert!(
                !name.is_empty() && name.len() <= 1024,
                "guest bug: update channel name must be 1 to 1024 bytes"
            );
            (Kind::Update(name.into()), format!("update channel {name}"))
        } else {
            (Kind::Signal(name.into()), format!("signal channel {name}"))
        };
        let handle = self.issue(kind, label);
        self.record(call, Some(name), Value::String(name.into()), Some(handle));
        if update {
            self.update_channels.insert(name.to_owned(), handle);
            // Updates of this activation that arrived before the channel was opened.
            let activation = self.activation;
            let mut held = Vec::new();
            for record in &mut self.updates {
                if record.name == name && !record.delivered && record.activation == activation {
                    record.delivered = true;
                    held.push(record.id.clone());
                }
            }
            for id in held {
                let item = self.update_item(&id);
                self.handles[handle as usize - 1].items.push_back(item);
            }
        } else {
            self.signal_channels.insert(name.to_owned(), handle);
            if let Some(held) = self.held_signals.remove(name) {
                self.handles[handle as usize - 1].items.extend(held);
            }
        }
        handle
    }

    /// The channel item of update `id`: `{"update_id", "args"}`.
    pub(super) fn update_item(&self, id: &str) -> Vec<u8> {
        let args = (self.update_args.get(id)).cloned().unwrap_or_default();
        json!({ "update_id": id, "args": args })
            .to_string()
            .into_bytes()
    }

    /// The record of update `id`; an id that never arrived is a guest bug.
    pub(super) fn update_record(&mut self, id: &str) -> &mut UpdateRecord {
        (self.updates.iter_mut().find(|record| record.id == id))
            .unwrap_or_else(|| panic!("guest bug: `respond_update` of unknown update `{id}`"))
    }
}
