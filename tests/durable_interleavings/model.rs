//! The fan-out guest and the model of it the property checks the worker against.

use temporal_wasm_worker::abi::Resolution;
use temporal_wasm_worker::convert::payload_to_abi;
use temporalio_common::protos::coresdk::workflow_activation::workflow_activation_job::Variant as Job;

use super::common::durable::{CHARGE, data, module};
use super::common::jobs::{activity_completed, fire_timer, json_payload, resolve_activity};

/// The workflow type of [`fan_out`].
pub const FAN_OUT: &str = "FanOut";

/// The guest: see the module docs. Its wait set is at 1024, requests from 2048.
pub fn fan_out() -> String {
    let follow_ups: String = (1..=4)
        .map(|h| {
            data(
                2176 + 32 * (h - 1),
                &format!(r#"{{"duration_ms":{}}}"#, 100 * h),
            )
        })
        .collect::<Vec<_>>()
        .join("\n  ");
    module(&format!(
        r#"{first}
  {second}
  {charge}
  {follow_ups}
  (func $slot (param $index i32) (result i32)
    (i32.add (i32.const 1024) (i32.shl (local.get $index) (i32.const 2))))
  (func (export "run") (local $n i32) (local $h i32) (local $j i32)
    (i32.store (call $slot (i32.const 0)) (call $start_timer (i32.const 2048) (i32.const 20)))
    (i32.store (call $slot (i32.const 1)) (call $start_activity (i32.const 3072) (i32.const {charge_len})))
    (i32.store (call $slot (i32.const 2)) (call $start_timer (i32.const 2112) (i32.const 20)))
    (i32.store (call $slot (i32.const 3)) (call $start_activity (i32.const 3072) (i32.const {charge_len})))
    (local.set $n (i32.const 4))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $h (call $wait (i32.const 1024) (local.get $n)))
      (call $put (local.get $h))
      (call $put_result (local.get $h))
      ;; take $h out of the set: the last one moves into its place
      (local.set $j (i32.const 0))
      (block $found (loop $scan
        (br_if $found (i32.eq (i32.load (call $slot (local.get $j))) (local.get $h)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $scan)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (i32.store (call $slot (local.get $j)) (i32.load (call $slot (local.get $n))))
      ;; each of the first four starts a follow-up timer of 100 ms x its handle
      (if (i32.le_u (local.get $h) (i32.const 4))
        (then
          (i32.store (call $slot (local.get $n))
            (call $start_timer
              (i32.add (i32.const 2176) (i32.shl (i32.sub (local.get $h) (i32.const 1)) (i32.const 5)))
              (i32.const 19)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))))
      (br $next)))
    (call $complete_with_transcript))"#,
        first = data(2048, r#"{"duration_ms":1000}"#),
        second = data(2112, r#"{"duration_ms":2000}"#),
        charge = data(3072, CHARGE),
        charge_len = CHARGE.len(),
    ))
}

/// A command, as the model and the handler's completions are compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    Timer { seq: u32, ms: u64 },
    Activity { seq: u32 },
    Complete(String),
}

/// What a handle is in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Timer(u32),
    Activity(u32),
}

/// The model of [`fan_out`]: its handles, which are resolved, and what it has said.
pub struct Model {
    kinds: Vec<Kind>,
    ready: Vec<Option<Vec<u8>>>,
    set: Vec<u32>,
    timers: u32,
    transcript: Vec<String>,
}

impl Model {
    /// The model after the first activation, and the commands of that activation.
    pub fn start() -> (Model, Vec<Said>) {
        let mut model = Model {
            kinds: Vec::new(),
            ready: Vec::new(),
            set: Vec::new(),
            timers: 0,
            transcript: Vec::new(),
        };
        let mut said = Vec::new();
        for (kind, ms) in [
            ("timer", 1000),
            ("activity", 0),
            ("timer", 2000),
            ("activity", 0),
        ] {
            let handle = if kind == "timer" {
                model.timer(ms, &mut said)
            } else {
                let seq = model.count(|k| matches!(k, Kind::Activity(_))) + 1;
                said.push(Said::Activity { seq });
                model.issue(Kind::Activity(seq))
            };
            model.set.push(handle);
        }
        (model, said)
    }

    fn count(&self, matching: impl Fn(&Kind) -> bool) -> u32 {
        self.kinds.iter().filter(|kind| matching(kind)).count() as u32
    }

    fn issue(&mut self, kind: Kind) -> u32 {
        self.kinds.push(kind);
        self.ready.push(None);
        self.kinds.len() as u32
    }

    fn timer(&mut self, ms: u64, said: &mut Vec<Said>) -> u32 {
        self.timers += 1;
        said.push(Said::Timer {
            seq: self.timers,
            ms,
        });
        self.issue(Kind::Timer(self.timers))
    }

    /// Handles issued and not yet resolved: what the next activation may resolve.
    pub fn unresolved(&self) -> Vec<u32> {
        self.set
            .iter()
            .copied()
            .filter(|&h| self.ready[h as usize - 1].is_none())
            .collect()
    }

    /// Resolves `handles` (the job each becomes, and its result JSON), then runs the guest until
    /// it parks or ends; returns the jobs and what the guest said.
    pub fn activate(&mut self, handles: &[u32]) -> (Vec<Job>, Vec<Said>) {
        let mut jobs = Vec::new();
        for &h in handles {
            let (job, result) = match self.kinds[h as usize - 1] {
                Kind::Timer(seq) => (fire_timer(seq), Resolution::Completed(Vec::new())),
                Kind::Activity(seq) => {
                    let payload = json_payload(&format!(r#""charged {seq}""#));
                    let result = Resolution::Completed(vec![payload_to_abi(payload.clone())]);
                    (resolve_activity(seq, activity_completed(payload)), result)
                }
            };
            jobs.push(job);
            self.ready[h as usize - 1] = Some(result.to_json());
        }
        let mut said = Vec::new();
        while let Some(at) = self
            .set
            .iter()
            .position(|&h| self.ready[h as usize - 1].is_some())
        {
            let h = self.set.swap_remove(at);
            let result = self.ready[h as usize - 1].take().expect("ready");
            self.transcript.push(h.to_string());
            self.transcript
                .push(String::from_utf8(result).expect("UTF-8 JSON"));
            if h <= 4 {
                let follow_up = self.timer(100 * u64::from(h), &mut said);
                self.set.push(follow_up);
            }
            // A taken handle stays taken: mark it so `unresolved` skips it.
            self.ready[h as usize - 1] = None;
            if self.set.is_empty() {
                said.push(Said::Complete(self.transcript.join(" ")));
            }
        }
        (jobs, said)
    }
}
