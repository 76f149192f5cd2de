//! A cache of compiled modules on disk, so a restart does not compile every bundle again.
//!
//! Compiling with Cranelift costs milliseconds to seconds per bundle; loading a precompiled
//! module costs microseconds. Entries are keyed by the module's SHA-256 *and* a hash of the
//! engine's compatibility (wasmtime version, target, compiler settings), so a changed bundle or
//! an upgraded worker never picks up a stale entry. Each entry carries a SHA-256 of its own
//! bytes, checked before wasmtime sees them: a truncated or corrupt entry is detected, reported,
//! and rebuilt — never trusted. Entries are written to a temporary file and renamed into place,
//! so a crash mid-write leaves no half entry behind.
//!
//! The folder must be writable only by the worker (like its binary): wasmtime executes what it
//! loads from there.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

const CHECKSUM_BYTES: usize = 32;

/// What the cache did for one module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// A valid entry was loaded; nothing was compiled.
    Hit,
    /// No entry existed; the module was compiled and stored.
    Miss,
    /// An entry existed but was unusable (the reason); the module was compiled and stored again.
    Rebuilt(String),
}

/// The cache folder could not be used.
#[derive(Debug, thiserror::Error)]
#[error("module cache folder {}: {reason}", dir.display())]
pub struct CacheError {
    /// The folder.
    pub dir: PathBuf,
    /// What went wrong.
    pub reason: String,
}

/// Compiled modules stored in one folder, for one engine configuration.
#[derive(Clone, Debug)]
pub struct ModuleCache {
    dir: PathBuf,
    engine_key: String,
}

impl ModuleCache {
    /// Opens (creating it if needed) the cache folder `dir` for modules compiled by `engine`.
    pub fn open(dir: &Path, engine: &Engine) -> Result<ModuleCache, CacheError> {
        std::fs::create_dir_all(dir).map_err(|err| CacheError {
            dir: dir.to_owned(),
            reason: err.to_string(),
        })?;
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(ModuleCache {
            dir: dir.to_owned(),
            engine_key: format!("{:016x}", hasher.finish()),
        })
    }

    /// The file that holds (or would hold) the module with SHA-256 `digest`.
    pub fn entry_path(&self, digest: &[u8; 32]) -> PathBuf {
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        self.dir.join(format!("{hex}-{}.cwasm", self.engine_key))
    }

    /// The compiled module for `wasm` (whose SHA-256 is `digest`): from the cache when a valid
    /// entry exists, otherwise compiled now and stored. Failing to store is logged, not fatal.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        digest: &[u8; 32],
    ) -> wasmtime::Result<(Module, CacheOutcome)> {
        let path = self.entry_path(digest);
        let outcome = match std::fs::read(&path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => CacheOutcome::Miss,
            Err(err) => CacheOutcome::Rebuilt(format!("unreadable: {err}")),
            Ok(entry) => match Self::deserialize(engine, &entry) {
                Ok(module) => return Ok((module, CacheOutcome::Hit)),
                Err(reason) => CacheOutcome::Rebuilt(reason),
            },
        };
        if let CacheOutcome::Rebuilt(reason) = &outcome {
            tracing::warn!(entry = %path.display(), "module cache entry is stale or corrupt ({reason}); recompiling");
        }
        let module = Module::new(engine, wasm)?;
        if let Err(err) = self.store(&path, &module) {
            tracing::warn!(entry = %path.display(), "cannot write module cache entry: {err:#}");
        }
        Ok((module, outcome))
    }

    fn deserialize(engine: &Engine, entry: &[u8]) -> Result<Module, String> {
        let Some((checksum, serialized)) = entry.split_at_checked(CHECKSUM_BYTES) else {
            return Err(format!("{} bytes, shorter than its checksum", entry.len()));
        };
        if Sha256::digest(serialized).as_slice() != checksum {
            return Err("checksum mismatch".to_owned());
        }
        // SAFETY: `serialized` is byte for byte what `Module::serialize` produced for an engine
        // with this compatibility hash (it is in the file name, and the checksum above proves the
        // bytes intact); wasmtime checks its own version and settings header as well.
        unsafe { Module::deserialize(engine, serialized) }.map_err(|err| format!("{err:#}"))
    }

    fn store(&self, path: &Path, module: &Module) -> wasmtime::Result<()> {
        let serialized = module.serialize()?;
        let mut entry = Vec::with_capacity(CHECKSUM_BYTES + serialized.len());
        entry.extend_from_slice(&Sha256::digest(&serialized));
        entry.extend_from_slice(&serialized);
        let temporary = path.with_extension(format!("tmp.{}", std::process::id()));
        std::fs::write(&temporary, &entry)?;
        std::fs::rename(&temporary, path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAT: &str = r#"(module (memory (export "memory") 1) (func (export "run")))"#;

    fn setup() -> (tempfile::TempDir, Engine, ModuleCache, Vec<u8>, [u8; 32]) {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::default();
        let cache = ModuleCache::open(&dir.path().join("cache"), &engine).unwrap();
        // Module::new accepts text, so the cache serves .wat bundles too.
        let wasm = WAT.as_bytes().to_vec();
        let digest: [u8; 32] = Sha256::digest(&wasm).into();
        (dir, engine, cache, wasm, digest)
    }

    #[test]
    fn first_load_compiles_and_second_load_hits() {
        let (_dir, engine, cache, wasm, digest) = setup();
        let (_, first) = cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        assert_eq!(first, CacheOutcome::Miss);
        assert!(cache.entry_path(&digest).is_file());
        let (module, second) = cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        assert_eq!(second, CacheOutcome::Hit);
        assert!(module.get_export("run").is_some());
    }

    #[test]
    fn corrupt_entry_is_detected_and_rebuilt() {
        let (_dir, engine, cache, wasm, digest) = setup();
        cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        let path = cache.entry_path(&digest);
        let mut entry = std::fs::read(&path).unwrap();
        let last = entry.len() - 1;
        entry[last] ^= 0xff;
        std::fs::write(&path, &entry).unwrap();
        let (_, outcome) = cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        assert_eq!(
            outcome,
            CacheOutcome::Rebuilt("checksum mismatch".to_owned())
        );
        // The rebuilt entry is valid again.
        let (_, again) = cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        assert_eq!(again, CacheOutcome::Hit);
    }

    #[test]
    fn truncated_entry_is_detected_and_rebuilt() {
        let (_dir, engine, cache, wasm, digest) = setup();
        cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        std::fs::write(cache.entry_path(&digest), b"short").unwrap();
        let (_, outcome) = cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        assert!(matches!(outcome, CacheOutcome::Rebuilt(reason) if reason.contains("shorter")));
    }

    /// An engine with different compiler settings, and its view of the same cache folder.
    fn other_engine(dir: &tempfile::TempDir) -> (Engine, ModuleCache) {
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let engine = Engine::new(&config).unwrap();
        let cache = ModuleCache::open(&dir.path().join("cache"), &engine).unwrap();
        (engine, cache)
    }

    #[test]
    fn entry_from_an_incompatible_engine_is_not_used() {
        let (dir, engine, cache, wasm, digest) = setup();
        cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        let (other_engine, other) = other_engine(&dir);
        assert_ne!(other.entry_path(&digest), cache.entry_path(&digest));
        let (_, outcome) = other
            .load_or_compile(&other_engine, &wasm, &digest)
            .unwrap();
        assert_eq!(outcome, CacheOutcome::Miss);
    }

    #[test]
    fn entry_whose_engine_header_disagrees_is_rebuilt_not_trusted() {
        // An entry written by one engine, renamed to the other engine's key: the checksum holds,
        // but wasmtime's own header check refuses it.
        let (dir, engine, cache, wasm, digest) = setup();
        cache.load_or_compile(&engine, &wasm, &digest).unwrap();
        let (other_engine, other) = other_engine(&dir);
        std::fs::copy(cache.entry_path(&digest), other.entry_path(&digest)).unwrap();
        let (_, outcome) = other
            .load_or_compile(&other_engine, &wasm, &digest)
            .unwrap();
        assert!(matches!(outcome, CacheOutcome::Rebuilt(_)), "{outcome:?}");
    }
}
