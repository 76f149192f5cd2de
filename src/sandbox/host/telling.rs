//! `upsert_search_attributes`, `upsert_memo` and `emit_metric`: how a durable guest tells the
//! world about itself. Search attributes and memo become commands (visible in `temporal workflow
//! describe` and list filters); metrics are recorded by the worker, never while replaying.

use std::collections::BTreeMap;

use wasmtime::{Caller, Linker};

use crate::abi::{Call, MetricKind, MetricRequest, Payload};
use crate::sandbox::GuestBug;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, durable_call, read_input};

/// Longest guest metric name and label key.
pub const MAX_METRIC_NAME_BYTES: usize = 100;
/// Most labels one guest metric may carry.
pub const MAX_METRIC_LABELS: usize = 10;
/// Longest label value.
pub const MAX_LABEL_VALUE_BYTES: usize = 256;

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "upsert_search_attributes",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let attributes: BTreeMap<String, serde_json::Value> = read_input(
                    memory,
                    "upsert_search_attributes",
                    "upsert_search_attributes input",
                    offset,
                    len,
                )?;
                check_keys(
                    "upsert_search_attributes",
                    "search attribute",
                    attributes.keys(),
                )?;
                durable.push_call(Call::UpsertSearchAttributes(attributes), len)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "upsert_memo",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let memo: BTreeMap<String, Option<Payload>> =
                    read_input(memory, "upsert_memo", "upsert_memo input", offset, len)?;
                check_keys("upsert_memo", "memo key", memo.keys())?;
                durable.push_call(Call::UpsertMemo(memo), len)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "emit_metric",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let metric: MetricRequest =
                    read_input(memory, "emit_metric", "emit_metric input", offset, len)?;
                check_metric(&metric)?;
                durable.push_call(Call::EmitMetric(Box::new(metric)), len)
            })
        },
    )?;
    Ok(())
}

fn check_keys<'a>(
    call: &'static str,
    what: &str,
    mut keys: impl Iterator<Item = &'a String>,
) -> Result<(), GuestBug> {
    if keys.any(|key| key.trim().is_empty()) {
        return Err(GuestBug::BadRequest {
            call,
            problem: format!("a {what} name is empty"),
        });
    }
    Ok(())
}

/// A name Prometheus accepts: `[A-Za-z_][A-Za-z0-9_]*`, not too long.
fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= MAX_METRIC_NAME_BYTES
        && chars
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_metric(metric: &MetricRequest) -> Result<(), GuestBug> {
    let bad = |problem: String| GuestBug::BadRequest {
        call: "emit_metric",
        problem,
    };
    if !is_metric_name(&metric.name) {
        return Err(bad(format!(
            "name `{}` must match [A-Za-z_][A-Za-z0-9_]* and be at most {MAX_METRIC_NAME_BYTES} \
             bytes",
            metric.name
        )));
    }
    if !metric.value.is_finite() {
        return Err(bad(format!(
            "value of `{}` is not a finite number",
            metric.name
        )));
    }
    if metric.kind == MetricKind::Counter && (metric.value < 0.0 || metric.value.fract() != 0.0) {
        return Err(bad(format!(
            "counter `{}` counts whole units and cannot go down (value {})",
            metric.name, metric.value
        )));
    }
    if metric.labels.len() > MAX_METRIC_LABELS {
        return Err(bad(format!(
            "`{}` has {} labels, more than {MAX_METRIC_LABELS}",
            metric.name,
            metric.labels.len()
        )));
    }
    for (key, value) in &metric.labels {
        if !is_metric_name(key) || key == "workflow_type" {
            return Err(bad(format!(
                "label `{key}` of `{}` must match [A-Za-z_][A-Za-z0-9_]* and not be \
                 `workflow_type`, which the worker sets",
                metric.name
            )));
        }
        if value.len() > MAX_LABEL_VALUE_BYTES {
            return Err(bad(format!(
                "label `{key}` of `{}` is {} bytes, over {MAX_LABEL_VALUE_BYTES}",
                metric.name,
                value.len()
            )));
        }
    }
    Ok(())
}
