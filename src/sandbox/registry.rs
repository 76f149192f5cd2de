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

/// Which registered version a run that started earlier runs, in Temporal's Worker Versioning
/// terms (set per workflow type as `versioning_behavior`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum VersioningBehavior {
    /// A run finishes on the exact bundle it started with (kept in `previous_modules`), so a
    /// deploy never changes the code under a running workflow.
    #[default]
    Pinned,
    /// Every run moves to the current bundle at its next activation; changes must replay old
    /// histories (guarded with `patched`, checked with `replay`).
    AutoUpgrade,
}

impl TryFrom<String> for VersioningBehavior {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_str() {
            "pinned" => Ok(VersioningBehavior::Pinned),
            "auto_upgrade" => Ok(VersioningBehavior::AutoUpgrade),
            other => Err(format!(
                "must be \"pinned\" or \"auto_upgrade\", got \"{other}\""
            )),
        }
    }
}

/// The versions registered for one workflow type: the current bundle, which new runs start on,
/// and earlier ones kept so that runs started on them finish on them.
#[derive(Debug)]
pub struct BundleVersions {
    current: Arc<Bundle>,
    previous: Vec<Arc<Bundle>>,
    behavior: VersioningBehavior,
}

impl BundleVersions {
    /// The bundle new runs start on.
    pub fn current(&self) -> &Arc<Bundle> {
        &self.current
    }

    /// Which version earlier runs run.
    pub fn behavior(&self) -> VersioningBehavior {
        self.behavior
    }

    /// The registered bundle whose [`Bundle::version`] is `version`, current or previous.
    pub fn find(&self, version: &str) -> Option<&Arc<Bundle>> {
        self.all().find(|bundle| bundle.version() == version)
    }

    /// Every version, the current one first.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Bundle>> {
        std::iter::once(&self.current).chain(&self.previous)
    }

    /// Every version as an operator reads it: `sha256:… (file, current), sha256:… (file)`.
    pub fn describe(&self) -> String {
        self.all()
            .enumerate()
            .map(|(index, bundle)| {
                let role = if index == 0 { ", current" } else { "" };
                format!(
                    "{} ({}{role})",
                    bundle.version(),
                    bundle.module_path().display()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every registered bundle, by workflow type.
#[derive(Debug, Default)]
pub struct BundleRegistry {
    by_type: BTreeMap<String, BundleVersions>,
}

impl BundleRegistry {
    /// Loads every workflow's bundles (current and previous); fails with all the problems found,
    /// not just the first.
    pub fn load(
        engine: &WasmEngine,
        linkers: &Linkers,
        workflows: &[BundleSpec],
        cache: Option<&ModuleCache>,
    ) -> Result<BundleRegistry, BundleErrors> {
        let mut by_type = BTreeMap::new();
        let mut errors = Vec::new();
        for spec in workflows {
            let mut load = |spec: &BundleSpec| match Bundle::load(engine, linkers, spec, cache) {
                Ok(bundle) => Some(Arc::new(bundle)),
                Err(error) => {
                    errors.push(error);
                    None
                }
            };
            let current = load(spec);
            let mut previous: Vec<Arc<Bundle>> = Vec::new();
            for module_path in &spec.previous_modules {
                let version_spec = BundleSpec {
                    module_path: module_path.clone(),
                    previous_modules: Vec::new(),
                    ..spec.clone()
                };
                let Some(bundle) = load(&version_spec) else {
                    continue;
                };
                let same_as = current
                    .iter()
                    .chain(&previous)
                    .find(|other| other.module_digest() == bundle.module_digest());
                match same_as {
                    Some(other) => tracing::warn!(
                        workflow_type = %spec.workflow_type,
                        "previous module {} has the same bytes as {} (version {}); it is \
                         registered once",
                        module_path.display(),
                        other.module_path().display(),
                        bundle.version(),
                    ),
                    None => previous.push(bundle),
                }
            }
            if let Some(current) = current {
                by_type.insert(
                    spec.workflow_type.clone(),
                    BundleVersions {
                        current,
                        previous,
                        behavior: spec.versioning,
                    },
                );
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

    /// The current bundle registered for `workflow_type`: the one new runs start on.
    pub fn get(&self, workflow_type: &str) -> Option<&Arc<Bundle>> {
        self.by_type.get(workflow_type).map(BundleVersions::current)
    }

    /// Every version registered for `workflow_type`.
    pub fn versions(&self, workflow_type: &str) -> Option<&BundleVersions> {
        self.by_type.get(workflow_type)
    }

    /// The default build id: `wasm-` and 16 hex digits of a SHA-256 over every registered workflow
    /// type and its modules' digests (the current one, then each previous one).
    ///
    /// It changes exactly when a bundle's bytes change or a type or version is added, removed
    /// or renamed, and not when files move or the worker binary changes, so a deployment that
    /// changes a bundle is a new worker version in Temporal and one that only restarts is not.
    pub fn build_id(&self) -> String {
        let mut hasher = Sha256::new();
        for (workflow_type, versions) in &self.by_type {
            // Length-prefixed so that no two registrations hash alike by concatenation.
            hasher.update((workflow_type.len() as u64).to_le_bytes());
            hasher.update(workflow_type.as_bytes());
            for bundle in versions.all() {
                hasher.update(bundle.module_digest());
            }
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

    /// Every current bundle, sorted by workflow type.
    pub fn bundles(&self) -> impl Iterator<Item = &Arc<Bundle>> {
        self.by_type.values().map(BundleVersions::current)
    }

    /// Every workflow type's versions, sorted by workflow type.
    pub fn all_versions(&self) -> impl Iterator<Item = &BundleVersions> {
        self.by_type.values()
    }
}
