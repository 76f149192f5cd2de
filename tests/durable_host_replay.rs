//! Host behaviour of ABI v1's deterministic sources (`now`, `random`, `patched`,
//! `is_replaying`, `log_level`), of replaying and evicting a durable instance, and of loading
//! durable bundles, one behaviour per test, with WAT guests and no server. See `durable_host.rs`
//! for the transcripts the guests complete with.

mod common;

use common::durable::{
    CHARGE, REPLAYING, START, at, blocked, calls_and_transcript, charge_call, fire_and_resume,
    fired, guest, guest_with_input, marker, start, start_with, timer_call, transcript,
};
use common::{json_payload, load};
use temporal_wasm_worker::abi::{Call, Resolution};
use temporal_wasm_worker::sandbox::rng::DeterministicRng;
use temporal_wasm_worker::sandbox::{Bundle, StartInputs};

// --- now, random, patched, is_replaying, log_level --------------------------------------------

#[test]
fn now_is_the_first_activations_time_then_each_later_ones() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(call $put_i64 (call $now))
           (drop (call $wait_one (call $start_1s_timer)))
           (call $put_i64 (call $now))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.begin_activation(1_001_000, false);
    assert_eq!(
        transcript(fire_and_resume(&mut instance, 1)),
        "1000000 1001000"
    );
}

/// The first `len` bytes `random` draws for `seed`, in hex.
fn seeded_hex(seed: u64, len: usize) -> String {
    let mut bytes = vec![0; len];
    DeterministicRng::new(seed).fill(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A guest that draws 12 random bytes, parks on a timer, then draws 12 more.
fn random_guest() -> String {
    guest(
        &[],
        r#"(call $random (i32.const 2048) (i32.const 12))
           (call $put_hex (i32.const 2048) (i32.const 12))
           (drop (call $wait_one (call $start_1s_timer)))
           (call $random (i32.const 2048) (i32.const 12))
           (call $put_hex (i32.const 2048) (i32.const 12))
           (call $complete_with_transcript)"#,
    )
}

#[test]
fn random_draws_the_stream_of_the_runs_seed() {
    let (_dir, bundle) = load(&random_guest());
    let mut instance = start(&bundle);
    blocked(instance.resume());
    let text = transcript(fire_and_resume(&mut instance, 1));
    // Eight bytes per draw: 12 bytes take two draws, so the second call starts at byte 16.
    let stream = seeded_hex(START.randomness_seed, 32);
    assert_eq!(text, format!("{} {}", &stream[..24], &stream[32..56]));
}

#[test]
fn random_is_the_same_for_two_instances_with_the_same_seed() {
    let (_dir, bundle) = load(&random_guest());
    let draw = |seed: u64| {
        let mut instance = start_with(
            &bundle,
            StartInputs {
                randomness_seed: seed,
                ..START
            },
        );
        blocked(instance.resume());
        transcript(fire_and_resume(&mut instance, 1))
    };
    assert_eq!(draw(41), draw(41));
    assert_ne!(draw(41), draw(42));
}

#[test]
fn random_continues_from_a_new_seed_after_reseed() {
    let (_dir, bundle) = load(&random_guest());
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.reseed(99);
    let text = transcript(fire_and_resume(&mut instance, 1));
    let first = seeded_hex(START.randomness_seed, 12);
    assert_eq!(text, format!("{first} {}", seeded_hex(99, 12)));
}

/// A guest that asks `patched` for `fix-1` twice and `fix-2` once, with `deprecated`, then
/// parks on a timer and asks for `fix-1` again.
fn patch_guest(deprecated: u32) -> String {
    guest(
        &[(1024, "fix-1"), (1040, "fix-2")],
        &format!(
            r#"(call $put (call $patched {one} (i32.const {deprecated})))
               (call $put (call $patched {one} (i32.const {deprecated})))
               (call $put (call $patched {two} (i32.const {deprecated})))
               (drop (call $wait_one (call $start_1s_timer)))
               (call $put (call $patched {one} (i32.const {deprecated})))
               (call $complete_with_transcript)"#,
            one = at(1024, "fix-1"),
            two = at(1040, "fix-2"),
        ),
    )
}

#[test]
fn patched_outside_replay_is_1_and_records_one_marker_per_id() {
    let (_dir, bundle) = load(&patch_guest(0));
    let mut instance = start(&bundle);
    assert_eq!(
        blocked(instance.resume()),
        vec![
            marker("fix-1", false),
            marker("fix-2", false),
            timer_call(1, 1000)
        ]
    );
    let (calls, text) = calls_and_transcript(fire_and_resume(&mut instance, 1));
    assert_eq!(calls, vec![], "no second marker for fix-1");
    assert_eq!(text, "1 1 1 1");
}

#[test]
fn patched_carries_the_deprecated_flag() {
    let (_dir, bundle) = load(&patch_guest(1));
    let calls = blocked(start(&bundle).resume());
    assert_eq!(calls[..2], [marker("fix-1", true), marker("fix-2", true)]);
}

#[test]
fn patched_in_replay_is_0_for_a_patch_history_does_not_have() {
    let (_dir, bundle) = load(&patch_guest(0));
    let mut instance = start_with(&bundle, REPLAYING);
    assert_eq!(blocked(instance.resume()), vec![timer_call(1, 1000)]);
    let (calls, text) = calls_and_transcript(fire_and_resume(&mut instance, 1));
    assert_eq!(calls, vec![]);
    assert_eq!(text, "0 0 0 0");
}

#[test]
fn patched_in_replay_is_1_for_a_notified_patch_and_records_its_marker() {
    let (_dir, bundle) = load(&patch_guest(0));
    let mut instance = start_with(&bundle, REPLAYING);
    instance.notify_patch("fix-2".into());
    assert_eq!(
        blocked(instance.resume()),
        vec![marker("fix-2", false), timer_call(1, 1000)]
    );
    assert_eq!(transcript(fire_and_resume(&mut instance, 1)), "0 0 1 0");
}

#[test]
fn patched_keeps_its_first_answer_for_the_whole_run() {
    // Asked in replay (0), then again once the run is live: still 0, so code that checks a
    // patch twice cannot take both paths.
    let (_dir, bundle) = load(&patch_guest(0));
    let mut instance = start_with(&bundle, REPLAYING);
    blocked(instance.resume());
    instance.begin_activation(1_001_000, false);
    instance.notify_patch("fix-1".into());
    let (calls, text) = calls_and_transcript(fire_and_resume(&mut instance, 1));
    assert_eq!(calls, vec![]);
    assert_eq!(text, "0 0 0 0");
}

#[test]
fn is_replaying_reflects_each_activation() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(call $put (call $is_replaying))
           (drop (call $wait_one (call $start_1s_timer)))
           (call $put (call $is_replaying))
           (drop (call $wait_one (call $start_1s_timer)))
           (call $put (call $is_replaying))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start_with(&bundle, REPLAYING);
    blocked(instance.resume());
    instance.begin_activation(1_001_000, true);
    blocked(fire_and_resume(&mut instance, 1));
    instance.begin_activation(1_002_000, false);
    assert_eq!(transcript(fire_and_resume(&mut instance, 2)), "1 1 0");
}

#[test]
fn log_level_is_the_most_verbose_level_emitted_and_0_while_replaying() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(call $put (call $log_level))
           (drop (call $wait_one (call $start_1s_timer)))
           (call $put (call $log_level))
           (call $complete_with_transcript)"#,
    ));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::sink)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let text = tracing::subscriber::with_default(subscriber, || {
        let mut instance = start_with(&bundle, REPLAYING);
        blocked(instance.resume());
        instance.begin_activation(1_001_000, false);
        transcript(fire_and_resume(&mut instance, 1))
    });
    assert_eq!(text, "0 4");
}

// --- Replay and eviction ----------------------------------------------------------------------

/// Runs a guest that uses every deterministic source through three activations with fixed jobs,
/// returning each step's calls and the transcript.
fn run_with_fixed_jobs(bundle: &Bundle) -> (Vec<Vec<Call>>, String) {
    let mut instance = start(bundle);
    let first = blocked(instance.resume());
    instance.begin_activation(1_500_000, false);
    instance.resolve(2, &Resolution::Completed(vec![json_payload("42")]));
    instance.reseed(5);
    let second = blocked(instance.resume());
    instance.begin_activation(2_000_000, false);
    let (third, text) = calls_and_transcript(fire_and_resume(&mut instance, 3));
    (vec![first, second, third], text)
}

#[test]
fn two_instances_given_the_same_jobs_make_the_same_calls_and_see_the_same_results() {
    let (_dir, bundle) = load(&guest(
        &[(1024, CHARGE), (1100, "fix-1")],
        &format!(
            r#"(local.set $a (call $start_1s_timer))
               (local.set $b (call $start_activity {charge}))
               (call $put (call $patched {fix} (i32.const 0)))
               (call $random (i32.const 2048) (i32.const 8))
               (call $put_hex (i32.const 2048) (i32.const 8))
               (call $put (call $wait_two (local.get $a) (local.get $b)))
               (call $put_result (local.get $b))
               (call $put_i64 (call $now))
               (call $random (i32.const 2048) (i32.const 8))
               (call $put_hex (i32.const 2048) (i32.const 8))
               (call $put (call $wait_one (call $start_1s_timer)))
               (call $complete_with_transcript)"#,
            charge = at(1024, CHARGE),
            fix = at(1100, "fix-1"),
        ),
    ));
    let (calls, text) = run_with_fixed_jobs(&bundle);
    assert_eq!(
        calls,
        vec![
            vec![timer_call(1, 1000), charge_call(2), marker("fix-1", false)],
            vec![timer_call(3, 1000)],
            vec![],
        ]
    );
    assert!(text.starts_with("1 "), "{text}");
    assert!(text.contains(" 2 {\"completed\":[{"), "{text}");
    assert_eq!(run_with_fixed_jobs(&bundle), (calls, text));
}

#[test]
fn dropping_a_parked_instance_gives_its_pool_slot_back() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(drop (call $wait_one (call $start_1s_timer)))
           (call $complete_with_transcript)"#,
    ));
    // The engine has 4 slots: without giving them back, the fifth instance could not start.
    for _ in 0..10 {
        let mut parked = start(&bundle);
        assert_eq!(blocked(parked.resume()), vec![timer_call(1, 1000)]);
    }
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(transcript(fire_and_resume(&mut instance, 1)), "");
}

#[test]
fn pending_lists_the_commands_still_waiting() {
    let (_dir, bundle) = load(&guest_with_input(
        CHARGE,
        r#"(drop (call $start_1s_timer))
           (drop (call $cancellation_channel))
           (drop (call $wait_one (call $start_activity INPUT)))"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(
        instance.pending(),
        vec![
            (1, "timer 1 (1000 ms)".to_owned()),
            (3, "activity 3 Charge".to_owned())
        ]
    );
    instance.resolve(1, &fired());
    assert_eq!(
        instance.pending(),
        vec![(3, "activity 3 Charge".to_owned())]
    );
}

// --- Loading ----------------------------------------------------------------------------------

#[test]
fn a_module_importing_a_v1_call_is_durable() {
    let (_dir, bundle) = load(
        r#"(module
             (import "env" "now" (func (result i64)))
             (memory (export "memory") 1)
             (func (export "run")))"#,
    );
    assert!(bundle.is_durable());
}

#[test]
fn a_module_importing_only_v0_calls_is_not_durable() {
    let (_dir, bundle) = load(&common::wat::completes_with("[]"));
    assert!(!bundle.is_durable());
}

#[test]
fn a_v1_import_with_a_wrong_signature_is_refused_naming_both_signatures() {
    let message = common::bundle_error(
        r#"(module
             (import "env" "now" (func (result i32)))
             (memory (export "memory") 1)
             (func (export "run")))"#,
    );
    assert!(
        message.contains(
            "imports `env.now` with signature () -> (i32), but the ABI defines it as () -> (i64)"
        ),
        "{message}"
    );
}

#[test]
fn an_import_the_abi_does_not_define_is_refused_listing_the_ones_it_does() {
    let message = common::bundle_error(
        r#"(module
             (import "env" "start_nexus_operation" (func (param i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "run")))"#,
    );
    assert!(
        message.contains("imports `env.start_nexus_operation`")
            && message.contains("which the ABI does not define")
            && message.contains("env.start_http_activity"),
        "{message}"
    );
}
