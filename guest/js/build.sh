#!/usr/bin/env bash
# Builds JavaScript and TypeScript workflows into temporal-wasm-worker bundles.
#
#   guest/js/build.sh                         the examples, in JS and TS, into
#                                             ${BUNDLE_DIR:-<repo>/target/guest-bundles}/{js,ts}/<name>.wasm,
#                                             and bench/bench_steps.js into
#                                             <repo>/target/bench-bundles/js/bench_steps.wasm
#   guest/js/build.sh FILE.js|FILE.ts -o OUT  one workflow (its imports are found from FILE's folder;
#                     [--root DIR]            --root widens that, for imports from `../`)
#   --no-snapshot                             bundles that parse their JavaScript at every run
#                                             instead of starting from a pre-initialised heap
#   guest/js/build.sh --tools                 only the engine, the build tool and typescript
#                                             (what test.sh needs)
#   guest/js/build.sh --bench                 only bench_steps (for bench/guests/build.sh)
#
# What it needs, installed when missing (build artefacts stay under <repo>/target/guest-js):
#   - Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (apt-get), for the engine;
#   - the QuickJS-ng sources of PyPI's quickjs-ng sdist (pinned with its sha256, pip download);
#   - cargo, for the build tool in tools/ (wasmtime + wizer);
#   - npm's typescript (pinned in package.json, into guest/js/node_modules), for .ts workflows.
#
# The engine (QuickJS-ng + engine/*.c) is built once per change of its sources. Each bundle is
# that engine with the workflow's modules evaluated at build time and snapshotted by wizer; a
# syntax error (or any error of the modules' top-level code) fails the build naming file and line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
work="$repo_root/target/guest-js"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}"
examples=(greet validate_order order_fulfilment memory_loop)

quickjs_version="0.17.0.2"
quickjs_sha256="43d2e48272208721a7aaea8e3f02d4b9318f12ef20cc4f5421b59d9a470706ef"
quickjs_dir="$work/src/quickjs_ng-$quickjs_version/upstream-quickjs"

# ---- arguments ----
file="" output="" root="" no_snapshot="" tools_only="" bench_only=""
while [ $# -gt 0 ]; do
    case "$1" in
        -o) output="$2"; shift 2 ;;
        --root) root="$2"; shift 2 ;;
        --no-snapshot) no_snapshot="--no-snapshot"; shift ;;
        --tools) tools_only=1; shift ;;
        --bench) bench_only=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) file="$1"; shift ;;
    esac
done
if [ -n "$file" ] && [ -z "$output" ]; then echo "build.sh FILE needs -o OUT" >&2; exit 2; fi

started_ms=$(($(date +%s%N) / 1000000))
elapsed() { local ms=$(($(date +%s%N) / 1000000 - started_ms)); printf '%d.%03d s' $((ms / 1000)) $((ms % 1000)); }

# ---- toolchain ----
apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing $* with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
missing=()
command -v clang >/dev/null || missing+=(clang)
command -v wasm-ld >/dev/null || missing+=(lld)
[ -f /usr/include/wasm32-wasi/stdio.h ] || missing+=(wasi-libc)
compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a" >/dev/null ||
    missing+=("libclang-rt-$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1 || echo 14)-dev-wasm32")
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

# ---- QuickJS-ng sources ----
if [ ! -f "$quickjs_dir/quickjs.c" ]; then
    mkdir -p "$work/src"
    sdist="$work/src/quickjs_ng-$quickjs_version.tar.gz"
    if [ ! -f "$sdist" ]; then
        echo "downloading the quickjs-ng $quickjs_version sdist from PyPI" >&2
        python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
            --no-build-isolation "quickjs-ng==$quickjs_version" -d "$work/src" 2>/dev/null ||
        python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
            "quickjs-ng==$quickjs_version" -d "$work/src"
    fi
    echo "$quickjs_sha256  $sdist" | sha256sum --check --quiet
    tar xzf "$sdist" -C "$work/src"
fi

# ---- the engine ----
# QuickJS-ng compiles with its defaults; the glue with warnings as errors.
#   -nostartfiles --no-entry  no reactor `_initialize`: the constructors run once, at build time
#                             (engine/main.c), so nothing runs them again after the snapshot
#   --stack-first             a shadow-stack overflow traps instead of corrupting data
#   -z stack-size             512 KiB of shadow stack; QuickJS's own limit is set below it
cflags=(--target=wasm32-wasi -O2 -D_GNU_SOURCE)
glue_flags=(-std=gnu11 -Wall -Wextra -Werror -I "$quickjs_dir")
ldflags=(-nostartfiles -Wl,--no-entry -Wl,--stack-first -Wl,-z,stack-size=524288 -Wl,--strip-all)
engine_key="$( (cat "$here"/engine/*.c "$here"/engine/*.h; echo "${cflags[*]} ${glue_flags[*]} ${ldflags[*]} $quickjs_version") | sha256sum | cut -c1-16)"
engine="$work/engine-$engine_key.wasm"
if [ ! -f "$engine" ]; then
    obj="$work/obj-$quickjs_version"
    mkdir -p "$obj"
    pids=()
    for source in quickjs libregexp libunicode dtoa; do
        if [ ! -f "$obj/$source.o" ]; then
            clang "${cflags[@]}" -w -c "$quickjs_dir/$source.c" -o "$obj/$source.o.tmp" &&
                mv "$obj/$source.o.tmp" "$obj/$source.o" &
            pids+=($!)
        fi
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    glue="$work/glue-$engine_key"
    mkdir -p "$glue"
    for source in "$here"/engine/*.c; do
        clang "${cflags[@]}" "${glue_flags[@]}" -c "$source" -o "$glue/$(basename "$source" .c).o"
    done
    clang "${cflags[@]}" "${ldflags[@]}" "$obj"/*.o "$glue"/*.o -o "$engine.tmp"
    mv "$engine.tmp" "$engine"
    echo "engine: $engine ($(wc -c <"$engine") bytes, $(elapsed))" >&2
fi

# ---- the build tool ----
tool="$work/tools/release/tw-js"
cargo build --quiet --locked --release --manifest-path "$here/tools/Cargo.toml" --target-dir "$work/tools"

# ---- TypeScript ----
typescript_ready() { [ -x "$here/node_modules/.bin/tsc" ] && [ "$("$here/node_modules/.bin/tsc" --version)" = "Version $(sed -n 's/.*"typescript": "\(.*\)".*/\1/p' "$here/package.json")" ]; }
ensure_typescript() {
    if typescript_ready; then return; fi
    if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
    echo "installing typescript with npm into $here/node_modules" >&2
    (cd "$here" && npm install --silent --no-audit --no-fund --no-package-lock >/dev/null)
}

# Compiles TypeScript with tsc (type errors and syntax errors fail the build, naming file, line
# and column) into a folder that mirrors the sources.
compile_ts() {
    local project="$1"
    ensure_typescript
    "$here/node_modules/.bin/tsc" -p "$project"
}

bundle() { # root entry output
    mkdir -p "$(dirname "$3")"
    "$tool" build --engine "$engine" --sdk "$here/sdk" --root "$1" --entry "$2" -o "$3" $no_snapshot
    echo "$3 ($(wc -c <"$3") bytes)"
}

if [ -n "$tools_only" ]; then
    ensure_typescript
    echo "$engine"
    exit 0
fi

if [ -n "$file" ]; then
    file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
    root="${root:-$(dirname "$file")}"
    root="$(cd "$root" && pwd)"
    case "$file" in
        *.ts)
            ts_out="$work/ts-user/$(printf '%s' "$root" | sha256sum | cut -c1-12)"
            mkdir -p "$ts_out"
            cat >"$ts_out/tsconfig.json" <<JSON
{
  "extends": "$here/tsconfig.base.json",
  "compilerOptions": {"rootDir": "$root", "outDir": "$ts_out/out", "paths": {"temporal": ["$here/sdk/temporal.d.ts"]}},
  "files": ["$file"]
}
JSON
            compile_ts "$ts_out/tsconfig.json"
            relative="${file#"$root"/}"
            bundle "$ts_out/out" "$ts_out/out/${relative%.ts}.js" "$output"
            ;;
        *) bundle "$root" "$file" "$output" ;;
    esac
    exit 0
fi

bench_steps="$repo_root/target/bench-bundles/js/bench_steps.wasm"
if [ -n "$bench_only" ]; then
    bundle "$here" "$here/bench/bench_steps.js" "$bench_steps"
    exit 0
fi

# The examples: JavaScript as written, TypeScript compiled by tsc into target/guest-js/ts-out.
for example in "${examples[@]}"; do
    bundle "$here" "$here/examples/$example/$example.js" "$out_dir/js/$example.wasm"
done
compile_ts "$here/tsconfig.json"
for example in "${examples[@]}"; do
    bundle "$work/ts-out" "$work/ts-out/examples/$example/$example.js" "$out_dir/ts/$example.wasm"
done
# The durable benchmarks' workflow (bench/guests/README.md), built as the examples are.
bundle "$here" "$here/bench/bench_steps.js" "$bench_steps"
echo "built ${#examples[@]} JavaScript and ${#examples[@]} TypeScript bundles and bench_steps in $(elapsed)"
