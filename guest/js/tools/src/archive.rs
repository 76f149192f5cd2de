//! The module archive handed to the engine on stdin (format: `guest/js/engine/archive.c`).

use std::path::{Component, Path, PathBuf};

/// How the engine is initialised (the archive header's mode; values as in `engine.h`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Evaluate the modules at build time; the snapshot holds the ready heap.
    Snapshot = 1,
    /// Keep only the sources; `run` evaluates them (what a run costs without pre-initialising).
    Source = 2,
    /// Evaluate a test program; no snapshot.
    Test = 3,
}

/// The files of one build, each named as the engine resolves imports: its path relative to
/// the root folder, with `/` separators.
pub struct Archive {
    mode: Mode,
    root: PathBuf,
    entry: String,
    files: Vec<(String, Vec<u8>)>,
}

/// `path` relative to `root`, `/`-separated, if it is inside it.
fn name_within(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|component| match component {
            Component::Normal(part) => part.to_str().map(str::to_owned),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

impl Archive {
    /// An archive for `entry` (a file under `root`), with the entry module read from disk.
    pub fn new(mode: Mode, root: &Path, entry: &Path) -> Result<Self, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("root folder {}: {e}", root.display()))?;
        let entry_path = entry
            .canonicalize()
            .map_err(|e| format!("entry module {}: {e}", entry.display()))?;
        let name = name_within(&root, &entry_path).ok_or_else(|| {
            format!(
                "the entry module {} is not inside the root folder {}",
                entry.display(),
                root.display()
            )
        })?;
        let mut archive = Archive {
            mode,
            root,
            entry: name.clone(),
            files: Vec::new(),
        };
        archive.add_file(&name, &entry_path)?;
        Ok(archive)
    }

    /// Adds `path`'s contents as module `name`.
    pub fn add_file(&mut self, name: &str, path: &Path) -> Result<(), String> {
        let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        self.files.push((name.to_owned(), data));
        Ok(())
    }

    /// Adds every `.js` file of the SDK's folder as `temporal:sdk/<file>`.
    pub fn add_sdk(&mut self, dir: &Path) -> Result<(), String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("SDK folder {}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        {
            let file = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default();
            self.add_file(&format!("temporal:sdk/{file}"), path)?;
        }
        Ok(())
    }

    /// Adds the file the engine asked for as `name` (as written, or with `.js`, `.mjs` or
    /// `/index.js`, as the engine tries them). Returns false if there is no such file under the
    /// root, or the archive already has it.
    pub fn add_needed(&mut self, name: &str) -> bool {
        if name.split('/').any(|part| part == "..") || name.starts_with('/') {
            return false;
        }
        for suffix in ["", ".js", ".mjs", "/index.js"] {
            let candidate = format!("{name}{suffix}");
            let path = self.root.join(&candidate);
            if path.is_file()
                && !self
                    .files
                    .iter()
                    .any(|(existing, _)| *existing == candidate)
            {
                return self.add_file(&candidate, &path).is_ok();
            }
        }
        false
    }

    /// Changes the mode (the source-only build first evaluates the modules to find them all).
    pub fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
    }

    /// The root folder, for messages.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How many modules the archive has (the SDK included).
    pub fn module_count(&self) -> usize {
        self.files.len()
    }

    /// The bytes the engine reads from stdin.
    pub fn encode(&self) -> Vec<u8> {
        fn put(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        let mut out = b"TWJS".to_vec();
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&(self.mode as u32).to_le_bytes());
        put(&mut out, self.entry.as_bytes());
        for (name, data) in &self.files {
            put(&mut out, name.as_bytes());
            put(&mut out, data);
            out.push(0); // QuickJS parses NUL-terminated sources
        }
        out
    }
}
