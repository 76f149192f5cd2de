//! Every registered bundle, by workflow type, loaded together so an operator sees every problem
//! at once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::sandbox::bundle::{Bundle, BundleErrors, BundleSpec};
use crate::sandbox::engine::{EngineCapacity, EngineError, WasmEngine};
use crate::sandbox::host::Linkers;
use crate::sandbox::module_cache::{CacheError, ModuleCache};

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
        linkers: &Linkers,
        workflows: &[BundleSpec],
        cache: Option<&ModuleCache>,
    ) -> Result<BundleRegistry, BundleErrors> {
        let mut by_type = BTreeMap::new();
        let mut errors = Vec::new();
        for settings in workflows {
            match Bundle::load(engine, linkers, settings, cache) {
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

    /// Creates the process's engine (sized for `capacity`) and linker, opens the module cache in
    /// `cache_dir` when there is one, and loads every bundle of `specs` with them.
    pub fn create(
        capacity: EngineCapacity,
        cache_dir: Option<&Path>,
        specs: &[BundleSpec],
    ) -> Result<BundleRegistry, RegistryError> {
        let engine = WasmEngine::new(capacity)?;
        let linkers = Linkers::new(engine.engine())
            .map_err(|err| RegistryError::Linker(format!("{err:#}")))?;
        let cache = match cache_dir {
            Some(dir) => Some(ModuleCache::open(dir, engine.engine())?),
            None => None,
        };
        Ok(BundleRegistry::load(
            &engine,
            &linkers,
            specs,
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
            hasher.update(bundle.module_digest());
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
