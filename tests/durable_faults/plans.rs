//! The scenario workflows the durable fault tests run, the results each must end with, and the
//! check that every one completed exactly once with them.

use serde_json::{Value, json};

use super::common::durable_worker::activity;
use super::common::temporal::workflow_id;
use super::load::{BEGUN, Calls};

/// `echo` of `value` on `queue`.
pub fn echo(queue: &str, value: Value) -> Value {
    let mut options = activity("echo", json!([value]), json!({}));
    options["task_queue"] = json!(queue);
    options
}

/// One load workflow: its id, its script, and the results it must end with (`record_call`'s
/// result left as `null`: it is the call count, checked against the recorded calls).
pub struct Planned {
    pub id: String,
    pub steps: Value,
    pub results: Vec<Value>,
    /// The index of its `record_call` result in `results`.
    pub record_at: usize,
}

/// `count` workflows parked mid-way with timers and activities in flight: even ones wait on a
/// `timer_ms` timer, then record a call, a short timer, and echo their number; odd ones record a
/// call that runs `activity_s` seconds, then the timer, then the echo.
pub fn parked_mid_way(
    prefix: &str,
    count: usize,
    queue: &str,
    calls: &Calls,
    timer_ms: u64,
    activity_s: f64,
) -> Vec<Planned> {
    (0..count)
        .map(|n| {
            let id = workflow_id(prefix);
            let record = calls.record(
                queue,
                &id,
                if n % 2 == 0 { 0.0 } else { activity_s },
                json!({}),
            );
            let echoed = echo(queue, json!({"n": n}));
            let fired = json!({"completed": []});
            if n % 2 == 0 {
                Planned {
                    steps: json!([{"log": BEGUN}, {"sleep_ms": timer_ms}, {"activity": record},
                                  {"sleep_ms": 200}, {"activity": echoed}]),
                    results: vec![
                        Value::Null,
                        fired.clone(),
                        Value::Null,
                        fired,
                        json!({"completed": {"n": n}}),
                    ],
                    record_at: 2,
                    id,
                }
            } else {
                Planned {
                    steps: json!([{"log": BEGUN}, {"activity": record}, {"sleep_ms": timer_ms},
                                  {"activity": echoed}]),
                    results: vec![
                        Value::Null,
                        Value::Null,
                        fired,
                        json!({"completed": {"n": n}}),
                    ],
                    record_at: 1,
                    id,
                }
            }
        })
        .collect()
}

/// Five steps: a timer, an activity, a timer, an activity, a recorded activity.
pub fn five_steps(prefix: &str, count: usize, queue: &str, calls: &Calls) -> Vec<Planned> {
    (0..count)
        .map(|n| {
            let id = workflow_id(prefix);
            let fired = json!({"completed": []});
            Planned {
                steps: json!([{"sleep_ms": 500}, {"activity": echo(queue, json!({"n": n}))},
                              {"sleep_ms": 500}, {"activity": echo(queue, json!([n, n]))},
                              {"activity": calls.record(queue, &id, 0.0, json!({}))}]),
                results: vec![
                    fired.clone(),
                    json!({"completed": {"n": n}}),
                    fired,
                    json!({"completed": [n, n]}),
                    Value::Null,
                ],
                record_at: 4,
                id,
            }
        })
        .collect()
}

/// The start specs of `planned` workflows of the `Scenario` type.
pub fn specs(planned: &[Planned]) -> Value {
    planned
        .iter()
        .map(|plan| json!({"id": plan.id, "type": "Scenario", "args": [{"steps": plan.steps}]}))
        .collect()
}

/// The ids of `planned`.
pub fn ids(planned: &[Planned]) -> Vec<String> {
    planned.iter().map(|plan| plan.id.clone()).collect()
}

/// What the outcomes of a load came to, for the test's report.
#[derive(Debug, Default)]
pub struct Tally {
    /// Workflows whose recorded activity ran more than once (allowed: at least once).
    pub recorded_twice: usize,
    /// Workflow tasks that timed out (held by a worker that died or stopped).
    pub task_timeouts: u64,
    /// Workflow tasks that failed.
    pub task_failures: u64,
}

/// Checks every workflow completed exactly once — one run, one completion event — with the
/// results it planned, and that its recorded activity ran at least once and returned a count
/// no higher than the calls recorded (Temporal's contract for activities is at least once).
pub fn assert_each_completed_exactly_once(
    planned: &[Planned],
    outcomes: &[Value],
    calls: &Calls,
) -> Tally {
    assert_eq!(outcomes.len(), planned.len());
    let mut tally = Tally::default();
    let mut not_completed = Vec::new();
    for (plan, outcome) in planned.iter().zip(outcomes) {
        assert_eq!(outcome["id"], json!(plan.id));
        if outcome["status"] != "completed" {
            not_completed.push(outcome.clone());
            continue;
        }
        assert_eq!(outcome["runs"], 1, "{outcome}");
        assert_eq!(outcome["completed_events"], 1, "{outcome}");
        let mut results = outcome["result"]["results"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("no results: {outcome}"));
        let returned = results
            .get_mut(plan.record_at)
            .map(std::mem::take)
            .unwrap_or_default();
        let results: Vec<Value> = results.iter().map(comparable).collect();
        assert_eq!(results, plan.results, "{outcome}");
        let recorded = calls.count(&plan.id);
        let returned = returned["completed"]
            .as_u64()
            .unwrap_or_else(|| panic!("{outcome}"));
        assert!(recorded >= 1, "the activity of {} never ran", plan.id);
        assert!(
            returned as usize <= recorded && returned >= 1,
            "{} saw call {returned} of {recorded}",
            plan.id
        );
        if recorded > 1 {
            tally.recorded_twice += 1;
        }
        tally.task_timeouts += outcome["task_timed_out"].as_u64().unwrap_or(0);
        tally.task_failures += outcome["task_failed"].as_u64().unwrap_or(0);
    }
    assert!(
        not_completed.is_empty(),
        "{} of {} workflows did not complete, e.g. {}",
        not_completed.len(),
        planned.len(),
        not_completed[0]
    );
    tally
}

/// A step result as [`Planned::results`] spells it: an HTTP response keeps only its `status` and
/// `body_text` (its headers carry the server's date); anything else is left as it is.
fn comparable(result: &Value) -> Value {
    match &result["completed"] {
        response @ Value::Object(fields) if fields.contains_key("status") => {
            json!({"completed": {"status": response["status"], "body_text": response["body_text"]}})
        }
        _ => result.clone(),
    }
}
