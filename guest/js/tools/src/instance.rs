//! The engine instantiated at build time: its imports, the initialisation with the module
//! archive on stdin, and the snapshot.
//!
//! Build time offers the engine what the worker's deterministic WASI subset offers (stdin is
//! the archive; stdout and stderr are captured), and no `env` call: the engine throws before it
//! would make one while building, so one that arrives anyway traps, naming itself.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use wasmtime::{Caller, Engine, Extern, Instance, Linker, Module, Store, Val};
use wasmtime_wizer::{InstanceState, ModuleContext, SnapshotVal, ValType, Wizer};

use crate::archive::Archive;

/// What the engine's instance sees of the outside while it is built.
struct BuildIo {
    stdin: Vec<u8>,
    stdin_at: usize,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// An instance whose `wizer-initialize` has run, ready to be snapshotted.
pub struct Initialised<'a> {
    wizer: Wizer,
    context: ModuleContext<'a>,
    store: Store<BuildIo>,
    instance: Instance,
    /// What the modules printed on stdout (a test's report).
    pub stdout: String,
}

impl Initialised<'_> {
    /// The bundle: the engine with its memory and globals as initialisation left them.
    pub fn snapshot(mut self) -> Result<Vec<u8>, String> {
        let mut state = Snapshotted {
            store: &mut self.store,
            instance: self.instance,
        };
        block_on(self.wizer.snapshot(&self.context, &mut state))
            .map_err(|e| format!("snapshot: {e:?}"))
    }
}

/// Reads the instance's state for wizer.
struct Snapshotted<'s> {
    store: &'s mut Store<BuildIo>,
    instance: Instance,
}

impl InstanceState for Snapshotted<'_> {
    async fn global_get(&mut self, name: &str, _: ValType) -> SnapshotVal {
        let global = self
            .instance
            .get_global(&mut *self.store, name)
            .expect("wizer exported it");
        match global.get(&mut *self.store) {
            Val::I32(x) => SnapshotVal::I32(x),
            Val::I64(x) => SnapshotVal::I64(x),
            Val::F32(x) => SnapshotVal::F32(x),
            Val::F64(x) => SnapshotVal::F64(x),
            Val::V128(x) => SnapshotVal::V128(x.as_u128()),
            other => panic!("a global of unsupported type: {other:?}"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        let memory = self
            .instance
            .get_memory(&mut *self.store, name)
            .expect("wizer exported it");
        contents(memory.data(&*self.store))
    }
}

/// Runs a future that never waits (wizer's snapshot is async only for other embedders).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

/// How long the modules' top-level code (or a test) may run at build time.
const BUILD_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_BADF: i32 = 8;
const ERRNO_SPIPE: i32 = 70;

fn memory(caller: &mut Caller<'_, BuildIo>) -> wasmtime::Memory {
    match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => memory,
        _ => panic!("the engine exports its memory"),
    }
}

fn read_u32(data: &[u8], at: usize) -> usize {
    u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes")) as usize
}

/// The WASI functions the engine imports, as the worker's subset answers them, stdin excepted.
fn define_wasi(linker: &mut Linker<BuildIo>) -> wasmtime::Result<()> {
    const WASI: &str = "wasi_snapshot_preview1";
    linker.func_wrap(
        WASI,
        "fd_read",
        |mut caller: Caller<'_, BuildIo>, fd: i32, iovs: i32, count: i32, nread: i32| {
            if fd != 0 {
                return ERRNO_BADF;
            }
            let memory = memory(&mut caller);
            let (data, io) = memory.data_and_store_mut(&mut caller);
            let mut total = 0;
            for i in 0..count as usize {
                let iov = iovs as usize + 8 * i;
                let (ptr, len) = (read_u32(data, iov), read_u32(data, iov + 4));
                let n = len.min(io.stdin.len() - io.stdin_at);
                data[ptr..ptr + n].copy_from_slice(&io.stdin[io.stdin_at..io.stdin_at + n]);
                io.stdin_at += n;
                total += n;
            }
            data[nread as usize..nread as usize + 4].copy_from_slice(&(total as u32).to_le_bytes());
            ERRNO_SUCCESS
        },
    )?;
    linker.func_wrap(
        WASI,
        "fd_write",
        |mut caller: Caller<'_, BuildIo>, fd: i32, iovs: i32, count: i32, nwritten: i32| {
            let memory = memory(&mut caller);
            let (data, io) = memory.data_and_store_mut(&mut caller);
            let sink = match fd {
                1 => &mut io.stdout,
                2 => &mut io.stderr,
                _ => return ERRNO_BADF,
            };
            let mut total = 0;
            for i in 0..count as usize {
                let iov = iovs as usize + 8 * i;
                let (ptr, len) = (read_u32(data, iov), read_u32(data, iov + 4));
                sink.extend_from_slice(&data[ptr..ptr + len]);
                total += len;
            }
            data[nwritten as usize..nwritten as usize + 4]
                .copy_from_slice(&(total as u32).to_le_bytes());
            ERRNO_SUCCESS
        },
    )?;
    linker.func_wrap(WASI, "fd_close", |fd: i32| {
        if (0..3).contains(&fd) {
            ERRNO_SUCCESS
        } else {
            ERRNO_BADF
        }
    })?;
    linker.func_wrap(WASI, "fd_seek", |fd: i32, _: i64, _: i32, _: i32| {
        if (0..3).contains(&fd) {
            ERRNO_SPIPE
        } else {
            ERRNO_BADF
        }
    })?;
    linker.func_wrap(
        WASI,
        "fd_fdstat_get",
        |mut caller: Caller<'_, BuildIo>, fd: i32, stat: i32| {
            if !(0..3).contains(&fd) {
                return ERRNO_BADF;
            }
            let memory = memory(&mut caller);
            let data = memory.data_mut(&mut caller);
            let stat = stat as usize;
            data[stat..stat + 24].fill(0);
            data[stat] = 2; // a character device
            ERRNO_SUCCESS
        },
    )?;
    Ok(())
}

/// The WASI functions [define_wasi] provides.
const WASI_DEFINED: [&str; 5] = [
    "fd_read",
    "fd_write",
    "fd_close",
    "fd_seek",
    "fd_fdstat_get",
];

/// Everything else the engine imports: a trap naming the import.
fn define_traps(linker: &mut Linker<BuildIo>, module: &Module) -> wasmtime::Result<()> {
    for import in module.imports() {
        let (module_name, name) = (import.module().to_owned(), import.name().to_owned());
        if module_name == "wasi_snapshot_preview1" && WASI_DEFINED.contains(&name.as_str()) {
            continue;
        }
        if let wasmtime::ExternType::Func(ty) = import.ty() {
            let message = format!(
                "the engine called `{module_name}.{name}` while the bundle was being built"
            );
            linker.func_new(&module_name, &name, ty, move |_, _, _| {
                Err(wasmtime::format_err!("{message}"))
            })?;
        }
    }
    Ok(())
}

/// Instantiates the engine with the archive on stdin and runs its initialisation, adding the
/// files it asks for and starting again, until it succeeds or fails for another reason.
pub fn initialise<'a>(
    engine_wasm: &'a [u8],
    archive: &mut Archive,
) -> Result<Initialised<'a>, String> {
    let mut wizer = Wizer::new();
    wizer.init_func("wizer-initialize");
    let (context, instrumented) = wizer
        .instrument(engine_wasm)
        .map_err(|e| format!("wizer: {e:?}"))?;
    // A build whose modules never finish (an endless loop at top level) is stopped, not waited
    // for: the engine's epoch ticks once, after BUILD_LIMIT.
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config).map_err(|e| e.to_string())?;
    let ticker = engine.clone();
    std::thread::spawn(move || {
        std::thread::sleep(BUILD_LIMIT);
        ticker.increment_epoch();
    });
    let module = Module::new(&engine, &instrumented)
        .map_err(|e| format!("the engine does not compile: {e:?}"))?;
    let mut linker = Linker::new(&engine);
    define_wasi(&mut linker).map_err(|e| e.to_string())?;
    define_traps(&mut linker, &module).map_err(|e| e.to_string())?;

    loop {
        let io = BuildIo {
            stdin: archive.encode(),
            stdin_at: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
        };
        let mut store = Store::new(&engine, io);
        store.set_epoch_deadline(1);
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| format!("instantiate: {e:?}"))?;
        let init = instance
            .get_typed_func::<(), ()>(&mut store, "wizer-initialize")
            .map_err(|e| format!("the engine has no initialisation: {e}"))?;
        let outcome = init.call(&mut store, ());
        let stderr = String::from_utf8_lossy(&store.data().stderr).into_owned();
        let stdout = String::from_utf8_lossy(&store.data().stdout).into_owned();
        let mut needed = Vec::new();
        let mut shown = String::new();
        for line in stderr.lines() {
            match line.strip_prefix("tw-js:need ") {
                Some(rest) => needed.push(rest.split(' ').next().unwrap_or_default().to_owned()),
                None => {
                    shown.push_str(line);
                    shown.push('\n');
                }
            }
        }
        match outcome {
            Ok(()) => {
                eprint!("{shown}");
                return Ok(Initialised {
                    wizer,
                    context,
                    store,
                    instance,
                    stdout,
                });
            }
            Err(trap) => {
                let mut added = false;
                for name in &needed {
                    added |= archive.add_needed(name);
                }
                if added {
                    continue; // build again with the files it asked for
                }
                print!("{stdout}");
                return Err(crate::report::build_failure(
                    &shown,
                    &trap.to_string(),
                    archive.root(),
                ));
            }
        }
    }
}
