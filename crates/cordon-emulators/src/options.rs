//! Settings for [`Emulators::start`](crate::Emulators::start): the emulators to start, their install root and the
//! directory for their logs and data.

use std::path::PathBuf;
use std::time::Duration;

use crate::EmulatorKind;

/// The default for [`StartOptions::ready_timeout`]. On a 2-core machine, moto 5.2.5 responded 0.3 to 0.8 s after it
/// was spawned and Azurite 3.35.0 0.6 to 1.4 s, the higher values with four starts at once. The rest is margin for a
/// cold disk cache and a loaded machine.
pub const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for one [`Emulators::start`](crate::Emulators::start).
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// The directory `scripts/setup-emulators.sh` installed into. It contains `venv/` (moto server in a Python virtual
    /// environment) and `node/` (Azurite under `node_modules/`).
    pub install_root: PathBuf,
    /// The emulators to start. Duplicates are ignored and the emulators start in the order of [`EmulatorKind::ALL`].
    pub kinds: Vec<EmulatorKind>,
    /// The directory for each emulator's log (`moto.log`, `azurite.log`) and Azurite's data (`azurite/`). It is
    /// created if missing. Azurite keeps its containers and blobs there across restarts.
    pub state_dir: PathBuf,
    /// Maximum time from spawning each emulator until it responds on its ports. A slower emulator fails the start.
    pub ready_timeout: Duration,
}

impl StartOptions {
    /// Returns options that start every emulator from [`default_install_root`] and keep logs and data in
    /// `state_dir`.
    #[must_use]
    pub fn new(state_dir: impl Into<PathBuf>) -> Self {
        StartOptions {
            install_root: default_install_root(),
            kinds: EmulatorKind::ALL.to_vec(),
            state_dir: state_dir.into(),
            ready_timeout: DEFAULT_READY_TIMEOUT,
        }
    }
}

/// Returns the `.build` directory at the root of the source tree this crate was compiled from, where
/// `scripts/setup-emulators.sh` installs by default.
///
/// A `cordon` binary copied elsewhere still points at that tree, so such a binary should be given the install root
/// explicitly.
#[must_use]
pub fn default_install_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match manifest_dir.parent().and_then(|crates| crates.parent()) {
        Some(repository) => repository.join(".build"),
        None => manifest_dir.join(".build"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_root_is_repository_build_dir() {
        let root = default_install_root();
        assert!(root.ends_with(".build"), "{}", root.display());
        assert!(root.parent().unwrap().join("Cargo.toml").is_file(), "{}", root.display());
        assert!(root.parent().unwrap().join("crates/cordon-emulators").is_dir(), "{}", root.display());
    }

    #[test]
    fn new_starts_every_emulator() {
        let options = StartOptions::new("/tmp/state");
        assert_eq!(options.kinds, EmulatorKind::ALL);
        assert_eq!(options.ready_timeout, DEFAULT_READY_TIMEOUT);
    }
}
