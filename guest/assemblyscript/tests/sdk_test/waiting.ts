/**
 * waiting.ts: the waiting rules, under run_tests.mjs's fake worker: updates validated while the
 * workflow waits for something else, accepted updates kept until received, and selectTimeout.
 */
import { Activity, Failure, SignalChannel, Update, UpdateChannel, select, selectTimeout } from "../../sdk";
import { check, checkText, checkInt } from "./checks";

function rejectEmptyNote(update: Update): Failure | null {
  const arg = update.arg();
  return arg !== null && arg.getString("note").length > 0 ? null : new Failure("a note must not be empty", "EmptyNote");
}

/**
 * An update that arrives while the workflow waits for an activity meets its validator then:
 * the harness queues an empty note on the channel (handle 1) and the activity's result
 * (handle 2) together.
 */
export function wait_validates_updates_while_waiting_for_something_else(): void {
  const notes = new UpdateChannel("add_note", rejectEmptyNote);
  const outcome = new Activity("reserve_stock").startToCloseMs(1000).execute();
  check(outcome.ok, "the activity completed");
  check(notes.tryReceive() === null, "the rejected note is not kept");
}

/** Accepted updates are kept by the SDK until received; select sees them as ready. */
export function wait_keeps_accepted_updates_until_received(): void {
  const notes = new UpdateChannel("add_note", rejectEmptyNote);
  const activity = new Activity("reserve_stock").startToCloseMs(1000).start();
  activity.result();
  checkInt(select([activity, notes]), 0, "the taken activity counts as ready first");
  checkInt(select([notes, activity]), 0, "the accepted note is ready");
  const update = notes.receive();
  checkText(update.id, "u-1", "update id");
  update.complete('{"notes":1}');
}

/** selectTimeout returns -1 when its timer (the last handle) fires first. */
export function wait_select_timeout_times_out(): void {
  const approve = new SignalChannel("approve");
  checkInt(selectTimeout([approve], 5000), -1, "timed out");
}

/** selectTimeout cancels its timer when something else is ready first. */
export function wait_select_timeout_cancels_its_timer(): void {
  const approve = new SignalChannel("approve");
  checkInt(selectTimeout([approve], 5000), 0, "the signal first");
}
