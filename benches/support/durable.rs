//! What the durable benchmarks (`resume_path`, `parked_memory`) share: the `bench_steps`
//! bundles of bench/guests/, activations as core hands them over, and where a process's memory
//! is (by wasmtime pool region, from /proc/self/smaps).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::sandbox::engine::WasmEngine;
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{
    Bundle, BundleSpec, GuestBugPolicy, InstanceLimits, VersioningBehavior,
};
use temporalio_common::protos::coresdk::workflow_activation::{
    FireTimer, InitializeWorkflow, WorkflowActivation, WorkflowActivationJob,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    WorkflowCommand, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::{
    WorkflowActivationCompletion, workflow_activation_completion::Status,
};
use temporalio_common::protos::temporal::api::common::v1::Payload;

/// The workflow type the bench guests are registered as.
pub const WORKFLOW_TYPE: &str = "BenchSteps";

/// The bench guests' languages, as bench/guests/build.sh names them (`js` is built only on
/// request, and its rows skipped when it was not).
pub const LANGUAGES: [&str; 4] = ["c", "rust", "go", "js"];

/// Where bench/guests/build.sh puts the `bench_steps` bundle of `language`, if it was built.
pub fn bundle_path(language: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-bundles")
        .join(language)
        .join("bench_steps.wasm");
    path.is_file().then_some(path)
}

/// Loads a bundle with the worker's default limits.
pub fn load(engine: &WasmEngine, linkers: &Linkers, path: PathBuf) -> Arc<Bundle> {
    let spec = BundleSpec {
        workflow_type: WORKFLOW_TYPE.to_owned(),
        module_path: path,
        previous_modules: Vec::new(),
        limits: InstanceLimits::DEFAULT,
        on_guest_bug: GuestBugPolicy::FailTask,
        versioning: VersioningBehavior::Pinned,
    };
    Arc::new(Bundle::load(engine, linkers, &spec, None).expect("the bench bundle loads"))
}

/// The worker context every benchmark run belongs to.
pub fn context() -> WorkerContext {
    WorkerContext {
        namespace: "default".to_owned(),
        task_queue: "bench".to_owned(),
    }
}

/// The first activation of run `run_id`: `InitializeWorkflow` with `input` (JSON) as its one
/// argument.
pub fn initialize(run_id: &str, input: &str) -> WorkflowActivation {
    let init = InitializeWorkflow {
        workflow_type: WORKFLOW_TYPE.to_owned(),
        workflow_id: format!("wf-{run_id}"),
        arguments: vec![Payload {
            metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
            data: input.as_bytes().to_vec(),
            ..Default::default()
        }],
        randomness_seed: 42,
        attempt: 1,
        first_execution_run_id: run_id.to_owned(),
        start_time: Some(prost_wkt_types::Timestamp {
            seconds: 1_767_225_600,
            nanos: 0,
        }),
        ..Default::default()
    };
    activation(run_id, Job::InitializeWorkflow(init), 0)
}

/// An activation of `run_id` that fires timer `seq`, `ms` after the run started.
pub fn fire_timer(run_id: &str, seq: u32, ms: i64) -> WorkflowActivation {
    activation(run_id, Job::FireTimer(FireTimer { seq }), ms)
}

fn activation(run_id: &str, job: Job, ms: i64) -> WorkflowActivation {
    let now_ms = 1_767_225_600_000 + ms;
    WorkflowActivation {
        run_id: run_id.to_owned(),
        jobs: vec![WorkflowActivationJob { variant: Some(job) }],
        timestamp: Some(prost_wkt_types::Timestamp {
            seconds: now_ms / 1000,
            nanos: (now_ms % 1000) as i32 * 1_000_000,
        }),
        ..Default::default()
    }
}

/// The commands of a successful completion, or a panic naming what came back instead.
pub fn commands(completion: &WorkflowActivationCompletion) -> &[WorkflowCommand] {
    match &completion.status {
        Some(Status::Successful(success)) => &success.commands,
        other => panic!("expected a successful completion, got {other:?}"),
    }
}

/// The sequence number of the one `StartTimer` a completion must hold.
pub fn started_timer(completion: &WorkflowActivationCompletion) -> u32 {
    match commands(completion) {
        [
            WorkflowCommand {
                variant: Some(Command::StartTimer(timer)),
                ..
            },
        ] => timer.seq,
        other => panic!("expected one StartTimer, got {other:?}"),
    }
}

/// Resident memory of this process, split by where it is, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Resident {
    /// The pool's linear-memory slots (guest pages touched, copy-on-write image pages read).
    pub linear_memory: Region,
    /// The pool's fiber stacks.
    pub fiber_stacks: Region,
    /// Everything else: the malloc heap (stores, instances, host state), the table pool, code,
    /// thread stacks.
    pub other: Region,
}

/// One kind of mapping's resident memory, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Region {
    /// Resident pages, shared ones counted in full (what VmRSS adds up).
    pub rss: u64,
    /// Proportional set size: shared pages divided among their sharers.
    pub pss: u64,
    /// Pages written by this process only.
    pub private_dirty: u64,
}

impl Region {
    fn add(&mut self, other: &Region) {
        self.rss += other.rss;
        self.pss += other.pss;
        self.private_dirty += other.private_dirty;
    }

    /// `self - before`, per instance of `count`, in KiB.
    pub fn per(&self, before: &Region, count: usize) -> (f64, f64, f64) {
        let per = |now: u64, then: u64| (now as f64 - then as f64) / count as f64;
        (
            per(self.rss, before.rss),
            per(self.pss, before.pss),
            per(self.private_dirty, before.private_dirty),
        )
    }
}

impl Resident {
    /// The sum of every region.
    pub fn total(&self) -> Region {
        let mut total = Region::default();
        for region in [&self.linear_memory, &self.fiber_stacks, &self.other] {
            total.add(region);
        }
        total
    }
}

/// One mapping of /proc/self/smaps.
struct Mapping {
    start: u64,
    end: u64,
    perms: String,
    region: Region,
}

/// Reads /proc/self/smaps and splits it by wasmtime pool region, mapping by mapping (the pools
/// sit next to each other and to the table pool, so contiguity alone cannot tell them apart):
/// - **linear memory**: the accessible pieces of a memory slot, i.e. every mapping directly
///   below one of the slots' huge (≥ 1 GiB) `---p` reservations, back to the previous `---p`;
/// - **fiber stacks**: `rw-p` mappings directly above a 4 KiB `---p` guard page whose size is the
///   most common among such mappings (the pool's stack size; thread stacks are rarer);
/// - **other**: the rest (the malloc heap with stores, instances and host state, the table
///   pool, code, thread stacks). bench/durable_lib.py applies the same rules to a worker.
pub fn resident() -> Resident {
    let text = std::fs::read_to_string("/proc/self/smaps").expect("read /proc/self/smaps");
    let mappings = parse_smaps(&text);
    let guard = |mapping: &Mapping| mapping.perms == "---p";
    let adjacent = |index: usize| index > 0 && mappings[index - 1].end == mappings[index].start;
    let mut linear = vec![false; mappings.len()];
    for (index, mapping) in mappings.iter().enumerate() {
        if guard(mapping) && mapping.end - mapping.start >= 1 << 30 {
            let mut below = index;
            while adjacent(below) && !guard(&mappings[below - 1]) {
                below -= 1;
                linear[below] = true;
            }
        }
    }
    let above_guard = |index: usize| {
        adjacent(index)
            && mappings[index].perms == "rw-p"
            && guard(&mappings[index - 1])
            && mappings[index - 1].end - mappings[index - 1].start == 4096
    };
    let mut sizes: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for index in (0..mappings.len()).filter(|&index| above_guard(index)) {
        *sizes
            .entry(mappings[index].end - mappings[index].start)
            .or_default() += 1;
    }
    let stack_size = sizes
        .into_iter()
        .max_by_key(|&(size, count)| (count, size))
        .map(|(size, _)| size);
    let mut resident = Resident::default();
    for (index, mapping) in mappings.iter().enumerate() {
        if linear[index] {
            resident.linear_memory.add(&mapping.region);
        } else if above_guard(index) && Some(mapping.end - mapping.start) == stack_size {
            resident.fiber_stacks.add(&mapping.region);
        } else {
            resident.other.add(&mapping.region);
        }
    }
    resident
}

fn parse_smaps(text: &str) -> Vec<Mapping> {
    let mut mappings: Vec<Mapping> = Vec::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or_default();
        if let Some((start, end)) = first.split_once('-')
            && let (Ok(start), Ok(end)) =
                (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16))
        {
            mappings.push(Mapping {
                start,
                end,
                perms: fields.next().unwrap_or_default().to_owned(),
                region: Region::default(),
            });
            continue;
        }
        let Some(mapping) = mappings.last_mut() else {
            continue;
        };
        let value = fields
            .next()
            .and_then(|kib| kib.parse::<u64>().ok())
            .unwrap_or(0);
        match first {
            "Rss:" => mapping.region.rss = value,
            "Pss:" => mapping.region.pss = value,
            "Private_Dirty:" => mapping.region.private_dirty = value,
            _ => {}
        }
    }
    mappings
}

/// This process's VmSize (address space reserved), in KiB.
pub fn vm_size_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmSize:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmSize in /proc/self/status")
}

/// How many mappings this process has (Linux caps them at vm.max_map_count).
pub fn mapping_count() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .expect("read /proc/self/maps")
        .lines()
        .count()
}
