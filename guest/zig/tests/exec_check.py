#!/usr/bin/env python3
"""Runs the example bundles (and tests/api_tour.zig) through `temporal-wasm-worker exec` on
the cases of tests/exec_cases.json and checks each report against its expectation.

An expectation is a subset of exec's JSON report: every key it names must be there with an
equal value (objects compared the same way, recursively; lists element by element, same
length). Usage: exec_check.py WORKER BUNDLE_DIR
"""
import json
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent


def matches(expected, actual, path="$"):
    """Returns None if `actual` contains `expected`, else where and how it differs."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {json.dumps(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing"
            problem = matches(value, actual[key], f"{path}.{key}")
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            problem = matches(e, a, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if expected != actual:
        return f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"
    return None


def main():
    worker, bundle_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    cases = json.loads((here / "exec_cases.json").read_text())
    failed = 0
    for case in cases:
        command = [worker, "exec", str(bundle_dir / f"{case['bundle']}.wasm")]
        for value in case["input"]:
            command += ["--input", value]
        if "mocks" in case:
            command += ["--mocks", str(here / "mocks" / case["mocks"])]
        if "memory_limit_mib" in case:
            command += ["--memory-limit-mib", str(case["memory_limit_mib"])]
        run = subprocess.run(command, capture_output=True, text=True)
        try:
            report = json.loads(run.stdout)
            problem = matches(case["expect"], report)
        except json.JSONDecodeError:
            problem = f"exec printed no JSON (exit {run.returncode}): {run.stderr.strip()}"
        if problem:
            failed += 1
            print(f"FAIL {case['name']}: {problem}\n  {' '.join(command)}\n  {run.stdout.strip()}")
        else:
            print(f"ok   {case['name']}")
    print(f"{len(cases) - failed} passed; {failed} failed.")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
