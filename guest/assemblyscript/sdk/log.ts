/**
 * log.ts: logging through the worker, and the abort handler every bundle is built with.
 */

import { ByteBuffer } from "./bytes";
import * as host from "./host";

/** Log levels of `write_log`; the worker logs nothing for any other value. */
export const enum LogLevel {
  /** No logging at all (what `logLevel()` answers while Temporal replays). */
  None = 0,
  /** Something failed. */
  Error = 1,
  /** Something looks wrong. */
  Warn = 2,
  /** What the workflow is doing. */
  Info = 3,
  /** Details for debugging. */
  Debug = 4,
  /** Everything. */
  Trace = 5,
}

/**
 * Writes `message` to the worker's log at `level`. The worker suppresses logs while Temporal
 * replays, so each line appears once per execution.
 */
export function log(level: LogLevel, message: string): void {
  const bytes = new ByteBuffer(message.length + 8);
  bytes.utf8(message);
  host.write_log(level, bytes.ptr, bytes.length);
}

/** Logs at error level. */
export function logError(message: string): void {
  log(LogLevel.Error, message);
}

/** Logs at warn level. */
export function logWarn(message: string): void {
  log(LogLevel.Warn, message);
}

/** Logs at info level. */
export function logInfo(message: string): void {
  log(LogLevel.Info, message);
}

/** Logs at debug level. */
export function logDebug(message: string): void {
  log(LogLevel.Debug, message);
}

/** Logs at trace level. */
export function logTrace(message: string): void {
  log(LogLevel.Trace, message);
}

/**
 * The most verbose level the worker emits now (`LogLevel.None` while replaying), so a workflow
 * can skip building messages nobody will see: `if (logLevel() >= LogLevel.Debug) ...`.
 * An ABI v1 call: using it makes the bundle durable.
 */
export function logLevel(): LogLevel {
  return <LogLevel>host.log_level();
}

/** Whether a message at `level` would be emitted now (see `logLevel`). */
export function logEnabled(level: LogLevel): bool {
  return level != LogLevel.None && <i32>level <= host.log_level();
}

/**
 * Replacement for AssemblyScript's `abort` (wired in with `--use abort=sdk/log/abortRun`): the
 * default imports `env.abort`, which the worker refuses. Logs the reason at error level, then
 * traps, which the worker reports as a guest bug (the workflow task fails and is retried with
 * the message in its history until a fixed bundle is deployed).
 */
export function abortRun(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "guest aborted";
  if (message !== null) text += ": " + message;
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  log(LogLevel.Error, text);
  unreachable();
}

/** Aborts the run as a guest bug with `message` (see `abortRun`): for what should never happen. */
export function panic(message: string): void {
  abortRun(message, null, 0, 0);
}
