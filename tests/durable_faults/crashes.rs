//! Crashes with durable workflows parked mid-way: the worker killed with `kill -9`, the dev
//! server (file database) restarted, and one of two workers on a task queue killed.

use std::time::{Duration, Instant};

use super::OUTCOMES_TIMEOUT;
use super::common::activities::ActivityWorker;
use super::common::temporal::{TemporalServer, free_port};
use super::load::{self, Calls, size, task_queue};
use super::plans::{self, parked_mid_way};

#[test]
#[ignore = "fault/load test: run in the bounded fault step"]
fn kill_9_with_workflows_parked_mid_way_loses_none_and_completes_each_exactly_once() {
    let started_at = Instant::now();
    let count = size("DURABLE_FAULTS_PARKED", 500);
    let server = TemporalServer::shared();
    let queue = task_queue("kill9");
    let activity_queue = format!("{queue}-activities");
    let _activities = ActivityWorker::start(&server.address, &activity_queue);
    let calls = Calls::new();
    let planned = parked_mid_way("kill9", count, &activity_queue, &calls, 6000, 2.0);
    let workload = load::start_all(&server.address, &queue, &planned);

    let worker_keys = "max_cached_workflows = 1000";
    let mut first = load::start_worker(&server.address, &queue, worker_keys, "", &[]);
    let begun = load::wait_until_begun(&[&first], count, Duration::from_secs(180));
    let in_flight = calls.keys();
    first.signal("KILL");
    // The watchdog reports the worker's death by SIGKILL as the shell does: 128 + 9.
    assert_eq!(first.wait_exit(Duration::from_secs(10)), Some(137));
    let killed_at = started_at.elapsed();

    let _second = load::start_replacement(&first, &[]);
    let outcomes = workload.outcomes(&plans::ids(&planned), OUTCOMES_TIMEOUT);
    let tally = plans::assert_each_completed_exactly_once(&planned, &outcomes, &calls);
    eprintln!(
        "kill -9 at {:.1}s with {begun} of {count} begun and {in_flight} recorded activities \
         started; {tally:?}; {:.1}s in all",
        killed_at.as_secs_f64(),
        started_at.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "fault/load test: run in the bounded fault step"]
fn dev_server_restarted_with_workflows_parked_the_worker_reconnects_and_every_workflow_completes() {
    let started_at = Instant::now();
    let count = size("DURABLE_FAULTS_PARKED", 500);
    let mut server = TemporalServer::start_persistent_on(free_port());
    let queue = task_queue("restart");
    let activity_queue = format!("{queue}-activities");
    let _activities = ActivityWorker::start(&server.address, &activity_queue);
    let calls = Calls::new();
    let planned = parked_mid_way("restart", count, &activity_queue, &calls, 6000, 2.0);
    let workload = load::start_all(&server.address, &queue, &planned);

    let worker_keys = "max_cached_workflows = 1000";
    let mut worker = load::start_worker(&server.address, &queue, worker_keys, "", &[]);
    let begun = load::wait_until_begun(&[&worker], count, Duration::from_secs(180));
    let in_flight = calls.keys();
    let restarting = Instant::now();
    server.restart();
    let down_for = restarting.elapsed();

    let outcomes = workload.outcomes(&plans::ids(&planned), OUTCOMES_TIMEOUT);
    let tally = plans::assert_each_completed_exactly_once(&planned, &outcomes, &calls);
    assert!(worker.is_running(), "the worker exited:\n{}", worker.log());
    eprintln!(
        "server restarted ({:.1}s down and back) with {begun} of {count} begun and {in_flight} \
         recorded activities started; {tally:?}; {:.1}s in all",
        down_for.as_secs_f64(),
        started_at.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "fault/load test: run in the bounded fault step"]
fn two_workers_on_one_task_queue_one_killed_the_other_finishes_every_workflow() {
    let started_at = Instant::now();
    let count = size("DURABLE_FAULTS_TWO_WORKERS", 300);
    let server = TemporalServer::shared();
    let queue = task_queue("two-workers");
    let activity_queue = format!("{queue}-activities");
    let _activities = ActivityWorker::start(&server.address, &activity_queue);
    let calls = Calls::new();
    let planned = parked_mid_way("two-workers", count, &activity_queue, &calls, 3000, 1.0);

    let keys = |name: &str| format!("max_cached_workflows = 1000\nidentity = \"{name}\"");
    let mut first = load::start_worker(&server.address, &queue, &keys("first"), "", &[]);
    let survivor = load::start_worker(&server.address, &queue, &keys("survivor"), "", &[]);
    let workload = load::start_all(&server.address, &queue, &planned);
    load::wait_until_begun(&[&first, &survivor], count, Duration::from_secs(180));
    let (on_first, on_survivor) = (load::begun(&first).len(), load::begun(&survivor).len());
    assert!(
        on_first > 0 && on_survivor > 0,
        "the workflows were not spread over both workers: {on_first} and {on_survivor} begun"
    );
    first.signal("KILL");
    assert_eq!(first.wait_exit(Duration::from_secs(10)), Some(137));
    let killed_at = started_at.elapsed();

    let outcomes = workload.outcomes(&plans::ids(&planned), OUTCOMES_TIMEOUT);
    let tally = plans::assert_each_completed_exactly_once(&planned, &outcomes, &calls);
    eprintln!(
        "{on_first} begun on the killed worker and {on_survivor} on the survivor; killed at \
         {:.1}s; {tally:?}; {:.1}s in all",
        killed_at.as_secs_f64(),
        started_at.elapsed().as_secs_f64()
    );
}
