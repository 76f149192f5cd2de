//! Workflow bundles: loading, validating and pre-linking each registered module once, at start-up.
//!
//! A bundle that would fail at its first run (an import the host does not provide, no `run`, an
//! imported memory, a memory that starts above its cap, invalid WASM) is refused here instead,
//! with a message naming the workflow type, the file and the offending import or export. After
//! loading, runs only ever touch the compiled, linked `InstancePre`: the file on disk is not read
//! again, so replacing or corrupting it cannot affect a running worker.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{InstancePre, Module, ModuleExport};

use crate::sandbox::GuestBugPolicy;
use crate::sandbox::InstanceLimits;
use crate::sandbox::engine::WasmEngine;
use crate::sandbox::host::{InstanceState, Linkers};
use crate::sandbox::module_cache::{CacheOutcome, ModuleCache};
use crate::sandbox::registry::VersioningBehavior;
use crate::sandbox::validate::{check_exports, check_imports};

/// What is wrong with one bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleProblem {
    /// The file could not be read.
    #[error("cannot read the module file: {0}")]
    Unreadable(String),
    /// The bytes are not a valid WASM module (or do not fit the engine's limits).
    #[error("is not a valid WASM module: {0}")]
    InvalidWasm(String),
    /// The module imports a memory; ABI modules own theirs.
    #[error(
        "imports memory `{0}`; ABI modules must define and export their own memory, not import one"
    )]
    ImportsMemory(String),
    /// The module imports something the ABI does not define.
    #[error(
        "imports `{import}` ({kind}), which the ABI does not define; allowed imports: {allowed}"
    )]
    UnknownImport {
        /// `module.name` of the import.
        import: String,
        /// What kind of import it is.
        kind: String,
        /// The imports the ABI does provide.
        allowed: String,
    },
    /// The module imports a WASI function outside the deterministic subset.
    #[error(
        "imports `{import}`, which is not in the deterministic WASI subset this worker offers \
         to workflows (files, sockets and real time do not exist there); it offers: {offered}"
    )]
    WasiNotOffered {
        /// `wasi_snapshot_preview1.name` of the import.
        import: String,
        /// The WASI functions it does offer.
        offered: String,
    },
    /// An ABI import has the wrong type.
    #[error("imports `{import}` with signature {found}, but the ABI defines it as {expected}")]
    WrongImportSignature {
        /// `env.name` of the import.
        import: String,
        /// The ABI's signature.
        expected: String,
        /// The module's signature.
        found: String,
    },
    /// A required export is absent or of the wrong kind.
    #[error("must export {expected}, but {found}")]
    BadExport {
        /// What the ABI requires.
        expected: &'static str,
        /// What the module has instead.
        found: String,
    },
    /// The exported memory starts larger than the workflow's memory cap.
    #[error(
        "declares an initial memory of {declared} bytes, over this workflow's memory cap of \
         {limit} bytes (raise `memory_limit_mib` or shrink the module's memory)"
    )]
    InitialMemoryOverLimit {
        /// Initial memory in bytes.
        declared: u64,
        /// The configured cap.
        limit: u64,
    },
    /// The host could not link the module (should not happen after the checks above).
    #[error("cannot be linked against the host functions: {0}")]
    Link(String),
}

/// A bundle that cannot be registered, naming the workflow type and the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("workflow type `{workflow_type}`, bundle {}: {problem}", module_path.display())]
pub struct BundleError {
    /// Workflow type the bundle is registered for.
    pub workflow_type: String,
    /// The bundle file.
    pub module_path: PathBuf,
    /// What is wrong (boxed: it is large and errors are rare).
    pub problem: Box<BundleProblem>,
}

/// Every bundle that failed to load, so an operator sees all problems at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleErrors(pub Vec<BundleError>);

impl fmt::Display for BundleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(
            f,
            "{count} bundle{} refused:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BundleErrors {}

/// What to load for one registered workflow type: the module file and how its instances are
/// limited. Configuration produces these; the bundle never reads configuration itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleSpec {
    /// Workflow type name, exactly as clients start it.
    pub workflow_type: String,
    /// Bundle file, resolved against the config file's folder.
    pub module_path: PathBuf,
    /// Earlier versions of the bundle, kept so that runs started on them finish on them
    /// (resolved like `module_path`; see `crate::temporal::pinning`).
    pub previous_modules: Vec<PathBuf>,
    /// Per-run caps.
    pub limits: InstanceLimits,
    /// What a guest bug does.
    pub on_guest_bug: GuestBugPolicy,
    /// Which of the versions a run that started earlier runs.
    pub versioning: VersioningBehavior,
}

/// A registered workflow type, compiled and linked, ready to instantiate.
pub struct Bundle {
    workflow_type: String,
    module_path: PathBuf,
    module_bytes: usize,
    module_digest: [u8; 32],
    instance_pre: InstancePre<InstanceState>,
    memory_export: ModuleExport,
    limits: InstanceLimits,
    on_guest_bug: GuestBugPolicy,
    durable: bool,
    load_duration: std::time::Duration,
    cache_outcome: Option<CacheOutcome>,
}

impl fmt::Debug for Bundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bundle")
            .field("workflow_type", &self.workflow_type)
            .field("module_path", &self.module_path)
            .field("limits", &self.limits)
            .field("on_guest_bug", &self.on_guest_bug)
            .field("durable", &self.durable)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Reads, compiles (or loads from `cache`), validates and links the bundle for `settings`,
    /// with the linker its imports call for.
    pub fn load(
        engine: &WasmEngine,
        linkers: &Linkers,
        settings: &BundleSpec,
        cache: Option<&ModuleCache>,
    ) -> Result<Bundle, BundleError> {
        let error = |problem| BundleError {
            workflow_type: settings.workflow_type.clone(),
            module_path: settings.module_path.clone(),
            problem: Box::new(problem),
        };
        let started = std::time::Instant::now();
        let bytes = std::fs::read(&settings.module_path)
            .map_err(|err| error(BundleProblem::Unreadable(err.to_string())))?;
        let module_digest: [u8; 32] = Sha256::digest(&bytes).into();
        let (module, cache_outcome) = match cache {
            Some(cache) => cache
                .load_or_compile(engine.engine(), &bytes, &module_digest)
                .map(|(module, outcome)| (module, Some(outcome))),
            None => Module::new(engine.engine(), &bytes).map(|module| (module, None)),
        }
        .map_err(|err| error(BundleProblem::InvalidWasm(format!("{err:#}"))))?;
        let durable = check_imports(&module).map_err(error)?;
        let linker = if durable {
            &linkers.durable
        } else {
            &linkers.one_shot
        };
        let memory_export =
            check_exports(&module, settings.limits.memory_limit_bytes).map_err(error)?;
        let instance_pre = linker
            .instantiate_pre(&module)
            .map_err(|err| error(BundleProblem::Link(format!("{err:#}"))))?;
        Ok(Bundle {
            workflow_type: settings.workflow_type.clone(),
            module_path: settings.module_path.clone(),
            module_bytes: bytes.len(),
            module_digest,
            instance_pre,
            memory_export,
            limits: settings.limits,
            on_guest_bug: settings.on_guest_bug,
            durable,
            load_duration: started.elapsed(),
            cache_outcome,
        })
    }

    /// The workflow type this bundle runs.
    pub fn workflow_type(&self) -> &str {
        &self.workflow_type
    }

    /// The file the bundle was loaded from.
    pub fn module_path(&self) -> &Path {
        &self.module_path
    }

    /// Size of the module file in bytes.
    pub fn module_bytes(&self) -> usize {
        self.module_bytes
    }

    /// SHA-256 of the module file as loaded.
    pub fn module_digest(&self) -> &[u8; 32] {
        &self.module_digest
    }

    /// The bundle's version as runs record it and operators read it: `sha256:` and the first 16
    /// hex digits of [`Bundle::module_digest`]. Two files with the same bytes are one version.
    pub fn version(&self) -> String {
        let hex: String = self.module_digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("sha256:{hex}")
    }

    /// How long reading, compiling, validating and linking took at start-up.
    pub fn load_duration(&self) -> std::time::Duration {
        self.load_duration
    }

    /// What the module cache did at load, when a cache is configured.
    pub fn cache_outcome(&self) -> Option<&CacheOutcome> {
        self.cache_outcome.as_ref()
    }

    /// Per-run caps.
    pub fn limits(&self) -> InstanceLimits {
        self.limits
    }

    /// What a guest bug in this bundle does to the workflow.
    pub fn on_guest_bug(&self) -> GuestBugPolicy {
        self.on_guest_bug
    }

    /// Whether the bundle imports ABI v1 calls: its instances then live across activations
    /// ([`crate::sandbox::Instance`]); otherwise each run is one-shot
    /// ([`crate::sandbox::instance::execute`]).
    pub fn is_durable(&self) -> bool {
        self.durable
    }

    /// The compiled, linked module, for the sandbox's instances.
    pub(crate) fn instance_pre(&self) -> &InstancePre<InstanceState> {
        &self.instance_pre
    }

    /// Handle of the exported `memory`, for fast lookup in host calls.
    pub(crate) fn memory_export(&self) -> ModuleExport {
        self.memory_export
    }
}
