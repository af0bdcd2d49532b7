//! The on-disk cache of compiled components.
//!
//! Compiling a component with Cranelift takes hundreds of milliseconds; loading its compiled form takes about one.
//! Entries are keyed by the SHA-256 of the component's bytes together with the engine's compatibility hash, so a
//! changed component or a differently configured engine never picks up a stale entry. Entries are written to a
//! temporary file and renamed into place, so a reader never sees a partial one.
//!
//! Loading an entry maps its machine code into the process, which is as trusting as running a binary: the cache
//! directory must be writable only by the user running Cordon.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// A directory of compiled components for one engine configuration.
pub(crate) struct ComponentCache {
    dir: PathBuf,
    engine_key: String,
}

/// The source of a loaded component, reported so that callers and benchmarks can tell a warm load from a cold one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// The compiled component was read from the cache.
    Hit,
    /// The component was compiled and written to the cache.
    Miss,
    /// No cache is configured, or it could not be used; the component was compiled in memory.
    Disabled,
}

impl ComponentCache {
    pub(crate) fn new(dir: PathBuf, engine: &Engine) -> Self {
        let mut hasher = Sha256Hasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
        let engine_key = hex(&hasher.0.finalize())[..16].to_owned();
        ComponentCache { dir, engine_key }
    }

    /// Returns the compiled form of `bytes`, from the cache when present and usable, compiling it otherwise.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        digest: &str,
        bytes: &[u8],
    ) -> wasmtime::Result<(Component, CacheStatus)> {
        let entry = self.entry_path(digest);
        if entry.is_file() {
            // SAFETY: the entry was written by `Component::serialize` of an engine with this compatibility hash, into
            // a directory that only the user running Cordon may write (see the module documentation). wasmtime
            // checks the header and refuses an entry from another engine configuration.
            match unsafe { Component::deserialize_file(engine, &entry) } {
                Ok(component) => return Ok((component, CacheStatus::Hit)),
                Err(error) => {
                    tracing::warn!(entry = %entry.display(), %error, "ignoring unusable cache entry, recompiling");
                }
            }
        }

        let component = Component::new(engine, bytes)?;
        match self.store(&entry, &component) {
            Ok(()) => Ok((component, CacheStatus::Miss)),
            Err(error) => {
                tracing::warn!(dir = %self.dir.display(), %error, "cannot write the component cache, continuing without it");
                Ok((component, CacheStatus::Disabled))
            }
        }
    }

    fn entry_path(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}-{}.cwasm", self.engine_key))
    }

    fn store(&self, entry: &Path, component: &Component) -> std::io::Result<()> {
        let serialized = component.serialize().map_err(|error| std::io::Error::other(error.to_string()))?;
        create_private_dir(&self.dir)?;
        let mut temporary = tempfile::NamedTempFile::new_in(&self.dir)?;
        temporary.write_all(&serialized)?;
        temporary.as_file().sync_data()?;
        temporary.persist(entry).map_err(|error| error.error)?;
        Ok(())
    }
}

/// Creates `dir` and its parents; a directory created here is readable and writable by its owner alone.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Returns the lowercase hexadecimal SHA-256 of `bytes`.
pub(crate) fn content_digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Feeds `std::hash::Hash` output into SHA-256, which unlike `DefaultHasher` is stable across Rust releases.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("a SHA-256 digest has 32 bytes"))
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Returns the cache directory Cordon uses when the caller names none: `$CORDON_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/cordon`, else `$HOME/.cache/cordon`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CORDON_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("cordon"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache").join("cordon"))
}
