//! `tw-js`: turns a JavaScript workflow into a temporal-wasm-worker bundle.
//!
//! The engine (QuickJS-ng and the glue in `guest/js/engine`, built by `guest/js/build.sh`) is
//! instantiated here with the workflow's modules on its stdin; its `wizer-initialize` export
//! evaluates them, and [wasmtime_wizer] snapshots the instance into a new module whose memory
//! already holds the evaluated workflow, so a run starts from a ready heap instead of parsing
//! JavaScript. The modules are found the way the engine resolves imports: the engine names
//! every file it lacks (`tw-js:need`), this tool adds it from disk and builds again.
//!
//! ```text
//! tw-js build --engine engine.wasm --sdk SDK-DIR --root DIR --entry FILE -o OUT [--no-snapshot]
//! tw-js test  --engine engine.wasm --sdk SDK-DIR --root DIR --entry FILE [--mock-host FILE]
//! tw-js bench BUNDLE [--input JSON]... [--runs N]
//! ```

mod archive;
mod bench;
mod instance;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use archive::{Archive, Mode};

/// Command-line options of both subcommands.
struct Options {
    /// `build` or `test`.
    command: String,
    /// The engine's wasm (not yet initialised).
    engine: PathBuf,
    /// The SDK's folder (`index.js` is what `temporal` imports).
    sdk: PathBuf,
    /// The folder module names are relative to; imports may not leave it.
    root: PathBuf,
    /// The workflow's (or test's) entry module.
    entry: PathBuf,
    /// Where `build` writes the bundle.
    output: Option<PathBuf>,
    /// `build`: keep only the sources in the snapshot (for measuring what pre-initialising saves).
    no_snapshot: bool,
    /// `test`: a module that stands in for `temporal:host`.
    mock_host: Option<PathBuf>,
}

fn usage() -> String {
    "usage: tw-js build --engine WASM --sdk SDK-DIR --root DIR --entry FILE -o OUT [--no-snapshot]\n\
     \x20      tw-js test  --engine WASM --sdk SDK-DIR --root DIR --entry FILE [--mock-host FILE]\n\
     \x20      tw-js bench BUNDLE [--input JSON]... [--runs N]"
        .to_owned()
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or_else(usage)?;
    if command != "build" && command != "test" {
        return Err(usage());
    }
    let (mut engine, mut sdk, mut root, mut entry, mut output, mut mock_host) =
        (None, None, None, None, None, None);
    let mut no_snapshot = false;
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--engine" => engine = Some(value()?),
            "--sdk" => sdk = Some(value()?),
            "--root" => root = Some(value()?),
            "--entry" => entry = Some(value()?),
            "-o" | "--output" => output = Some(value()?),
            "--mock-host" => mock_host = Some(value()?),
            "--no-snapshot" => no_snapshot = true,
            _ => return Err(format!("unknown argument {arg}\n{}", usage())),
        }
    }
    let need = |value: Option<PathBuf>, name: &str| {
        value.ok_or_else(|| format!("{name} is required\n{}", usage()))
    };
    let entry = need(entry, "--entry")?;
    let root = match root {
        Some(root) => root,
        None => entry.parent().map(PathBuf::from).unwrap_or_default(),
    };
    if command == "build" && output.is_none() {
        return Err(format!("-o is required\n{}", usage()));
    }
    Ok(Options {
        command,
        engine: need(engine, "--engine")?,
        sdk: need(sdk, "--sdk")?,
        root,
        entry,
        output,
        no_snapshot,
        mock_host,
    })
}

fn run(options: &Options) -> Result<(), String> {
    let engine_wasm =
        std::fs::read(&options.engine).map_err(|e| format!("{}: {e}", options.engine.display()))?;
    let mode = match (options.command.as_str(), options.no_snapshot) {
        ("test", _) => Mode::Test,
        (_, true) => Mode::Source,
        _ => Mode::Snapshot,
    };
    let mut archive = Archive::new(mode, &options.root, &options.entry)?;
    archive.add_sdk(&options.sdk)?;
    if let Some(mock) = &options.mock_host {
        archive.add_file("temporal:host", mock)?;
    }
    let started = Instant::now();
    if mode == Mode::Source {
        // The snapshot will hold only sources, and nothing evaluates them now to ask for the
        // files they import: find those by evaluating them once, as a pre-initialised build does.
        archive.set_mode(Mode::Snapshot);
        instance::initialise(&engine_wasm, &mut archive)?;
        archive.set_mode(Mode::Source);
    }
    let initialised = instance::initialise(&engine_wasm, &mut archive)?;
    match mode {
        Mode::Test => {
            print!("{}", initialised.stdout);
            Ok(())
        }
        Mode::Snapshot | Mode::Source => {
            let output = options.output.as_ref().expect("checked by parse_args");
            let bundle = initialised.snapshot()?;
            std::fs::write(output, &bundle).map_err(|e| format!("{}: {e}", output.display()))?;
            eprintln!(
                "tw-js: {} ({} modules, {} bytes, {} in {} ms)",
                output.display(),
                archive.module_count(),
                bundle.len(),
                if mode == Mode::Snapshot {
                    "pre-initialised"
                } else {
                    "sources only"
                },
                started.elapsed().as_millis()
            );
            Ok(())
        }
    }
}

/// `tw-js bench BUNDLE [--input JSON]... [--runs N]`.
fn bench_command(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let path = PathBuf::from(args.next().ok_or_else(usage)?);
    let (mut inputs, mut runs) = (Vec::new(), 200);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--input" => inputs.push(value),
            "--runs" => {
                runs = value
                    .parse()
                    .map_err(|_| format!("--runs {value}: not a number"))?
            }
            _ => return Err(format!("unknown argument {arg}\n{}", usage())),
        }
    }
    bench::bench(&path, &inputs, runs)
}

fn main() -> ExitCode {
    let outcome = if std::env::args().nth(1).as_deref() == Some("bench") {
        bench_command(std::env::args().skip(2))
    } else {
        parse_args().and_then(|options| run(&options))
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
