//! Workflow bundles: loading, validating and pre-linking each registered module once, at start-up.
//!
//! A bundle that would fail at its first run (an import the host does not provide, no `run`, an
//! imported memory, a memory that starts above its cap, invalid WASM) is refused here instead,
//! with a message naming the workflow type, the file and the offending import or export. After
//! loading, runs only ever touch the compiled, linked `InstancePre`: the file on disk is not read
//! again, so replacing or corrupting it cannot affect a running worker.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use wasmtime::{ExternType, FuncType, InstancePre, Linker, Module, ModuleExport, ValType};

use crate::config::{GuestBugPolicy, Settings, WorkflowSettings};
use crate::engine::{EngineCapacity, EngineError, WASM_PAGE_BYTES, WasmEngine};
use crate::host_functions::{self, ABI_IMPORTS, IMPORT_MODULE, RunState};
use crate::module_cache::{CacheError, CacheOutcome, ModuleCache};
use crate::workflow_run::RunLimits;

/// What is wrong with one bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleProblem {
    /// The file could not be read.
    #[error("cannot read the module file: {0}")]
    Unreadable(String),
    /// The bytes are not a valid WASM module (or do not fit the engine's limits).
    #[error("is not a valid WASM module: {0}")]
    InvalidWasm(String),
    /// The module imports a memory; ABI v0 modules own theirs.
    #[error(
        "imports memory `{0}`; ABI v0 modules must define and export their own memory, not import one"
    )]
    ImportsMemory(String),
    /// The module imports something the ABI does not define.
    #[error(
        "imports `{import}` ({kind}), which ABI v0 does not provide; allowed imports: {allowed}"
    )]
    UnknownImport {
        /// `module.name` of the import.
        import: String,
        /// What kind of import it is.
        kind: String,
        /// The imports the ABI does provide.
        allowed: String,
    },
    /// An ABI import has the wrong type.
    #[error("imports `{import}` with signature {found}, but ABI v0 defines it as {expected}")]
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

/// A registered workflow type, compiled and linked, ready to instantiate.
pub struct Bundle {
    workflow_type: String,
    module_path: PathBuf,
    module_bytes: usize,
    module_digest: [u8; 32],
    instance_pre: InstancePre<RunState>,
    memory_export: ModuleExport,
    limits: RunLimits,
    on_guest_bug: GuestBugPolicy,
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
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Reads, compiles (or loads from `cache`), validates and links the bundle for `settings`.
    pub fn load(
        engine: &WasmEngine,
        linker: &Linker<RunState>,
        settings: &WorkflowSettings,
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
        check_imports(&module).map_err(error)?;
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

    /// How long reading, compiling, validating and linking took at start-up.
    pub fn load_duration(&self) -> std::time::Duration {
        self.load_duration
    }

    /// What the module cache did at load, when a cache is configured.
    pub fn cache_outcome(&self) -> Option<&CacheOutcome> {
        self.cache_outcome.as_ref()
    }

    /// Per-run caps.
    pub fn limits(&self) -> RunLimits {
        self.limits
    }

    /// What a guest bug in this bundle does to the workflow.
    pub fn on_guest_bug(&self) -> GuestBugPolicy {
        self.on_guest_bug
    }

    /// The compiled, linked module, for `workflow_run`.
    pub(crate) fn instance_pre(&self) -> &InstancePre<RunState> {
        &self.instance_pre
    }

    /// Handle of the exported `memory`, for fast lookup in host calls.
    pub(crate) fn memory_export(&self) -> ModuleExport {
        self.memory_export
    }
}

fn describe_func(ty: &FuncType) -> String {
    let list = |types: &mut dyn Iterator<Item = ValType>| {
        types
            .map(|ty| ty.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "({}) -> ({})",
        list(&mut ty.params()),
        list(&mut ty.results())
    )
}

fn abi_signature(params: usize, results: usize) -> String {
    format!(
        "({}) -> ({})",
        vec!["i32"; params].join(", "),
        vec!["i32"; results].join(", ")
    )
}

fn is_all_i32(types: impl ExactSizeIterator<Item = ValType>, count: usize) -> bool {
    types.len() == count && types.into_iter().all(|ty| matches!(ty, ValType::I32))
}

fn check_imports(module: &Module) -> Result<(), BundleProblem> {
    for import in module.imports() {
        let name = format!("{}.{}", import.module(), import.name());
        let kind = match import.ty() {
            ExternType::Memory(_) => return Err(BundleProblem::ImportsMemory(name)),
            ExternType::Func(func) => {
                let abi = ABI_IMPORTS.iter().find(|(abi_name, _, _)| {
                    import.module() == IMPORT_MODULE && *abi_name == import.name()
                });
                if let Some((_, params, results)) = abi {
                    if !is_all_i32(func.params(), *params) || !is_all_i32(func.results(), *results)
                    {
                        return Err(BundleProblem::WrongImportSignature {
                            import: name,
                            expected: abi_signature(*params, *results),
                            found: describe_func(&func),
                        });
                    }
                    continue;
                }
                format!("function {}", describe_func(&func))
            }
            ExternType::Table(_) => "table".to_owned(),
            ExternType::Global(_) => "global".to_owned(),
            ExternType::Tag(_) => "tag".to_owned(),
        };
        let allowed = ABI_IMPORTS
            .iter()
            .map(|(abi_name, _, _)| format!("{IMPORT_MODULE}.{abi_name}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(BundleProblem::UnknownImport {
            import: name,
            kind,
            allowed,
        });
    }
    Ok(())
}

fn describe_export(module: &Module, name: &str) -> String {
    match module.get_export(name) {
        None => format!("it has no export named `{name}`"),
        Some(ExternType::Func(func)) => format!("`{name}` is a function {}", describe_func(&func)),
        Some(ExternType::Memory(_)) => format!("`{name}` is a memory"),
        Some(ExternType::Table(_)) => format!("`{name}` is a table"),
        Some(ExternType::Global(_)) => format!("`{name}` is a global"),
        Some(ExternType::Tag(_)) => format!("`{name}` is a tag"),
    }
}

fn check_exports(module: &Module, memory_limit_bytes: u64) -> Result<ModuleExport, BundleProblem> {
    match module.get_export("run") {
        Some(ExternType::Func(func)) if func.params().len() == 0 && func.results().len() == 0 => {}
        _ => {
            return Err(BundleProblem::BadExport {
                expected: "a function `run: () -> ()`",
                found: describe_export(module, "run"),
            });
        }
    }
    let memory = match module.get_export("memory") {
        Some(ExternType::Memory(memory)) => memory,
        _ => {
            return Err(BundleProblem::BadExport {
                expected: "its linear memory as `memory`",
                found: describe_export(module, "memory"),
            });
        }
    };
    if memory.is_64() || memory.is_shared() {
        return Err(BundleProblem::BadExport {
            expected: "an unshared 32-bit memory as `memory`",
            found: "`memory` is a 64-bit or shared memory".to_owned(),
        });
    }
    let declared = memory.minimum().saturating_mul(WASM_PAGE_BYTES);
    if declared > memory_limit_bytes {
        return Err(BundleProblem::InitialMemoryOverLimit {
            declared,
            limit: memory_limit_bytes,
        });
    }
    module
        .get_export_index("memory")
        .ok_or_else(|| BundleProblem::BadExport {
            expected: "its linear memory as `memory`",
            found: describe_export(module, "memory"),
        })
}

/// The registry could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The engine could not be created.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The host functions could not be registered.
    #[error("cannot build the host functions: {0}")]
    Linker(String),
    /// The module cache folder is unusable.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// Some bundles were refused.
    #[error(transparent)]
    Bundles(#[from] BundleErrors),
}

/// Every registered bundle, by workflow type.
#[derive(Debug, Default)]
pub struct BundleRegistry {
    by_type: BTreeMap<String, Arc<Bundle>>,
}

impl BundleRegistry {
    /// Loads every workflow's bundle; fails with all the problems found, not just the first.
    pub fn load(
        engine: &WasmEngine,
        linker: &Linker<RunState>,
        workflows: &[WorkflowSettings],
        cache: Option<&ModuleCache>,
    ) -> Result<BundleRegistry, BundleErrors> {
        let mut by_type = BTreeMap::new();
        let mut errors = Vec::new();
        for settings in workflows {
            match Bundle::load(engine, linker, settings, cache) {
                Ok(bundle) => {
                    by_type.insert(settings.workflow_type.clone(), Arc::new(bundle));
                }
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() {
            Ok(BundleRegistry { by_type })
        } else {
            Err(BundleErrors(errors))
        }
    }

    /// Creates the process's engine and linker for `settings` and loads every bundle with them.
    pub fn from_settings(settings: &Settings) -> Result<BundleRegistry, RegistryError> {
        let engine = WasmEngine::new(EngineCapacity {
            instance_slots: settings.worker.max_concurrent_runs,
        })?;
        let linker = host_functions::linker(engine.engine())
            .map_err(|err| RegistryError::Linker(format!("{err:#}")))?;
        let cache = match &settings.worker.module_cache_dir {
            Some(dir) => Some(ModuleCache::open(dir, engine.engine())?),
            None => None,
        };
        Ok(BundleRegistry::load(
            &engine,
            &linker,
            &settings.workflows,
            cache.as_ref(),
        )?)
    }

    /// The bundle registered for `workflow_type`.
    pub fn get(&self, workflow_type: &str) -> Option<&Arc<Bundle>> {
        self.by_type.get(workflow_type)
    }

    /// The default build id: `wasm-` and 16 hex digits of a SHA-256 over every registered workflow
    /// type and its module's digest.
    ///
    /// It changes exactly when a bundle's bytes change or a type is added, removed or renamed,
    /// and not when files move or the worker binary changes, so a deployment that changes a
    /// bundle is a new worker version in Temporal and one that only restarts is not.
    pub fn build_id(&self) -> String {
        let mut hasher = Sha256::new();
        for (workflow_type, bundle) in &self.by_type {
            // Length-prefixed so that no two registrations hash alike by concatenation.
            hasher.update((workflow_type.len() as u64).to_le_bytes());
            hasher.update(workflow_type.as_bytes());
            hasher.update(bundle.module_digest);
        }
        let digest = hasher.finalize();
        let hex: String = digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("wasm-{hex}")
    }

    /// Registered workflow types, sorted.
    pub fn workflow_types(&self) -> impl Iterator<Item = &str> {
        self.by_type.keys().map(String::as_str)
    }

    /// Every bundle, sorted by workflow type.
    pub fn bundles(&self) -> impl Iterator<Item = &Arc<Bundle>> {
        self.by_type.values()
    }
}
