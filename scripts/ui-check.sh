#!/usr/bin/env bash
# A manual check that the Temporal Web UI shows what a wasm workflow publishes: its Stack Trace
# (Call Stack) tab, its Queries tab (the published query, run from the UI), its history and
# Search Attributes tab (the pin marker of its bundle version, in TemporalChangeVersion) and its
# User Metadata tab (the current details). Not part of CI: it needs Debian's chromium
# (`apt-get install -y chromium`) and takes screenshots for a person to look at.
#
#   bash scripts/ui-check.sh [OUT_DIR]
#
# Everything stays on loopback: a fresh in-memory dev server (UI on) on 127.0.0.1 with free
# ports, the worker (target/debug, built if missing) with the scenario test guest, one parked
# workflow that published a query result and its current details, and headless chromium driven
# over --remote-debugging-pipe (no debugging port is opened). Screenshots and logs go to OUT_DIR,
# which must be under /tmp (default: a new /tmp/ui-check.XXXXXX); the repository is never
# written to. The server, worker and browser this script started are stopped when it exits.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo_root/scripts/env.sh"

out="${1:-$(mktemp -d /tmp/ui-check.XXXXXX)}"
case "$(realpath -m "$out")" in
    /tmp/*) mkdir -p "$out" ;;
    *) echo "OUT_DIR must be under /tmp, got $out" >&2; exit 2 ;;
esac
chromium="$(command -v chromium || true)"
if [ -z "$chromium" ]; then
    echo "chromium is missing: apt-get install -y chromium" >&2
    exit 2
fi

worker_bin="$repo_root/target/debug/temporal-wasm-worker"
bundle="$repo_root/target/guest-bundles/tests/scenario.wasm"
[ -x "$worker_bin" ] || (cd "$repo_root" && cargo build --locked --bin temporal-wasm-worker)
[ -f "$bundle" ] || bash "$repo_root/tests/guests/build.sh"

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port="$(free_port)"
ui_port="$(free_port)"
address="127.0.0.1:$port"
ui="http://127.0.0.1:$ui_port"
queue="ui-check"
id="ui-check-$$"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "dev server on $address, UI on $ui" >&2
"$TEMPORAL_CLI" server start-dev --ip 127.0.0.1 --port "$port" --ui-port "$ui_port" \
    --http-port "$(free_port)" --metrics-port "$(free_port)" --ui-disable-news-fetch \
    --log-level warn >"$out/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
    "$TEMPORAL_CLI" operator namespace describe --namespace default --address "$address" \
        >/dev/null 2>&1 && break
    sleep 0.5
done

cat >"$out/worker.toml" <<EOF
[temporal]
address = "$address"
namespace = "default"
task_queue = "$queue"

[worker]
shutdown_timeout_secs = 5

[workflows.Scenario]
module = "$bundle"
EOF
NO_COLOR=1 "$worker_bin" run --config "$out/worker.toml" >"$out/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
    grep -q "polling for workflow tasks" "$out/worker.log" && break
    sleep 0.5
done

# Publishes `status`, says what it is doing (Markdown), then parks on a one-hour timer.
script='{"steps": [
  {"publish_query": {"name": "status", "value": {"stage": "packing", "items": 3}}},
  {"details": "Packing **order 7** for _Ada_"},
  {"sleep_ms": 3600000}]}'
spec="[{\"id\": \"$id\", \"type\": \"Scenario\", \"timeout_s\": 3600, \"args\": [$script]}]"
"$PYTHON" "$repo_root/tests/support/durable.py" --address "$address" --task-queue "$queue" \
    start "$spec" >/dev/null
for _ in $(seq 120); do
    "$TEMPORAL_CLI" workflow stack -w "$id" --address "$address" 2>/dev/null |
        grep -q timer && break
    sleep 0.5
done
run_id="$("$TEMPORAL_CLI" workflow describe -w "$id" --address "$address" -o json |
    "$PYTHON" -c 'import json, sys
print(json.load(sys.stdin)["workflowExecutionInfo"]["execution"]["runId"])')"
page="$ui/namespaces/default/workflows/$id/$run_id"

# Chromium speaks the DevTools protocol on fds 3 (commands in) and 4 (replies out), each message
# JSON ended by a NUL byte: enough to load a page, wait for its text, click and screenshot.
cat >"$out/cdp.py" <<'EOF'
import base64, json, os, subprocess, sys, time

chromium, profile, page, out = sys.argv[1:5]
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()


def wire():
    ours_in, ours_out = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(ours_in, 3)
    os.dup2(ours_out, 4)


browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
     "--disable-component-update", "--disable-sync", "--no-first-run",
     f"--user-data-dir={profile}", "--remote-debugging-pipe", "--window-size=1400,1000"],
    preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
replies, buffer, next_id, session = os.fdopen(from_chrome_r, "rb"), b"", 0, None


def call(method, **params):
    global buffer, next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params}
    if session:
        message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in buffer:
            chunk = replies.read1(65536)
            if not chunk:
                sys.exit("chromium closed the pipe")
            buffer += chunk
        raw, buffer = buffer.split(b"\0", 1)
        reply = json.loads(raw)
        if reply.get("id") == next_id:
            if "error" in reply:
                sys.exit(f"{method}: {reply['error']}")
            return reply.get("result", {})


def text():
    result = call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                  returnByValue=True)
    return result.get("result", {}).get("value") or ""


def wait_for(needle):
    deadline = time.monotonic() + 60
    while needle not in text():
        if time.monotonic() > deadline:
            sys.exit(f"{needle!r} never appeared; the page says:\n{text()}")
        time.sleep(0.5)


def shot(name):
    path = os.path.join(out, name)
    with open(path, "wb") as file:
        file.write(base64.b64decode(call("Page.captureScreenshot", format="png")["data"]))
    print(path)


def main():
    global session
    target = call("Target.createTarget", url="about:blank")["targetId"]
    session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    call("Page.enable")
    call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1,
         mobile=False)

    call("Page.navigate", url=f"{page}/stack-trace")
    wait_for("timer 1 (3600000 ms)")
    shot("stack-trace.png")

    call("Page.navigate", url=f"{page}/query")
    wait_for("Run Query")
    time.sleep(1)  # the query types arrive with __temporal_workflow_metadata
    call("Runtime.evaluate", expression="[...document.querySelectorAll('button')]"
         ".find(button => button.innerText.trim() === 'Run Query').click()")
    wait_for('"stage": "packing"')
    shot("queries.png")

    # The run's history: the pin marker of its bundle version, before its first command.
    call("Page.navigate", url=f"{page}/history")
    wait_for("Marker")
    time.sleep(2)
    shot("history.png")
    call("Page.navigate", url=f"{page}/search-attributes")
    wait_for("temporal-wasm-worker/bundle/sha256:")
    shot("search-attributes.png")

    call("Page.navigate", url=f"{page}/user-metadata")
    wait_for("Current Details")
    time.sleep(2)  # the details render as Markdown in a frame of their own
    shot("user-metadata.png")

    session = None
    call("Browser.close")
    browser.wait(timeout=10)


try:
    main()
finally:
    if browser.poll() is None:
        browser.kill()
EOF
"$PYTHON" "$out/cdp.py" "$chromium" "$out/profile" "$page" "$out"
"$TEMPORAL_CLI" workflow terminate -w "$id" --address "$address" --reason "ui check done" >/dev/null
echo "screenshots of $page in $out" >&2
