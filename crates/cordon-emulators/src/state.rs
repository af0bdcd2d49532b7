//! The state file, `emulators.json`: which emulators a detached start left running, on which endpoints, under which
//! process ids, logging where. `cordon emulators start` writes it, `status` and `stop` read it, and a program that
//! runs tools can take the endpoints from it with [`load_state`].

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{EmulatorError, EmulatorKind, Service};

/// The name of the state file inside the state directory.
pub const STATE_FILE: &str = "emulators.json";

/// Running emulators as recorded in the state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmulatorState {
    /// One record per running emulator, in start order.
    pub emulators: Vec<EmulatorRecord>,
}

/// One running emulator process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmulatorRecord {
    /// Which emulator.
    pub kind: EmulatorKind,
    /// The process id of the emulator.
    pub pid: u32,
    /// Its process group id. The emulator leads its own session, so this equals `pid`, and `stop` signals the whole
    /// group so that processes the emulator started end with it.
    pub pgid: u32,
    /// The process start time in clock ticks after boot, from `/proc/PID/stat`, or `None` where `/proc` is missing.
    /// `status` and `stop` compare it so that a pid reused by another program after the emulator died is not taken
    /// for the emulator.
    pub start_time: Option<u64>,
    /// One endpoint per service the emulator serves.
    pub endpoints: Vec<Endpoint>,
    /// The file that takes the emulator's stdout and stderr.
    pub log: PathBuf,
    /// Milliseconds from spawning the emulator until it responded on every endpoint.
    pub startup_ms: u64,
}

/// The base URL at which an emulator serves one cloud service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// The service.
    pub service: Service,
    /// The base URL, `http://127.0.0.1:PORT` with no trailing slash.
    pub url: String,
}

impl EmulatorState {
    /// Returns the endpoint URL serving `service`, if an emulator in this state serves it.
    #[must_use]
    pub fn endpoint(&self, service: Service) -> Option<&str> {
        self.emulators.iter().find_map(|record| record.endpoint(service))
    }

    /// Returns the record of the emulator of `kind`, if it was started.
    #[must_use]
    pub fn record(&self, kind: EmulatorKind) -> Option<&EmulatorRecord> {
        self.emulators.iter().find(|record| record.kind == kind)
    }
}

impl EmulatorRecord {
    /// Returns this emulator's endpoint URL for `service`, if it serves that service.
    #[must_use]
    pub fn endpoint(&self, service: Service) -> Option<&str> {
        self.endpoints.iter().find(|endpoint| endpoint.service == service).map(|endpoint| endpoint.url.as_str())
    }
}

/// Returns the directory for the state file: `$CORDON_STATE_DIR`, else `$XDG_STATE_HOME/cordon`, else
/// `~/.local/state/cordon`. Relative values of the XDG variable are ignored, as the XDG base directory
/// specification requires.
///
/// # Errors
///
/// [`EmulatorError::NoStateDir`] if none of those variables is set.
pub fn default_state_dir() -> Result<PathBuf, EmulatorError> {
    state_dir_from(|name| env::var_os(name))
}

/// Picks the state directory from the variables `lookup` returns, ignoring empty ones.
fn state_dir_from(lookup: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, EmulatorError> {
    let variable = |name| lookup(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    if let Some(dir) = variable("CORDON_STATE_DIR") {
        return Ok(dir);
    }
    if let Some(dir) = variable("XDG_STATE_HOME").filter(|dir| dir.is_absolute()) {
        return Ok(dir.join("cordon"));
    }
    variable("HOME").map(|home| home.join(".local/state/cordon")).ok_or(EmulatorError::NoStateDir)
}

/// Writes `state` to `dir/emulators.json` and returns that path. The directory is created if missing.
///
/// The file is written under a temporary name in the same directory and renamed into place, so a reader never sees
/// a partly written file.
///
/// # Errors
///
/// [`EmulatorError::Io`] if the directory cannot be created or the file cannot be written.
pub fn save_state(dir: &Path, state: &EmulatorState) -> Result<PathBuf, EmulatorError> {
    let path = dir.join(STATE_FILE);
    fs::create_dir_all(dir).map_err(io_error("create the state directory", dir))?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io_error("create a temporary file in", dir))?;
    let json = serde_json::to_vec_pretty(state).expect("an emulator state always serialises");
    file.write_all(&json).and_then(|()| file.write_all(b"\n")).map_err(io_error("write", file.path()))?;
    file.as_file().sync_all().map_err(io_error("flush", file.path()))?;
    file.persist(&path).map_err(|error| EmulatorError::Io {
        action: "replace the state file",
        path: path.clone(),
        source: error.error,
    })?;
    Ok(path)
}

/// Returns a `map_err` adapter that wraps an I/O error with what was being done to `path`.
fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> EmulatorError + use<> {
    let path = path.to_owned();
    move |source| EmulatorError::Io { action, path, source }
}

/// Reads `dir/emulators.json`. Returns `None` if the file does not exist, which means no emulators were started.
///
/// The processes it lists may have died since. [`check_state`](crate::check_state) checks them.
///
/// # Errors
///
/// [`EmulatorError::Io`] if the file exists but cannot be read, and [`EmulatorError::InvalidState`] if it is not
/// valid state JSON.
pub fn load_state(dir: &Path) -> Result<Option<EmulatorState>, EmulatorError> {
    let path = dir.join(STATE_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(EmulatorError::Io { action: "read the state file", path, source });
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|source| EmulatorError::InvalidState { path, source })
}

/// Deletes `dir/emulators.json`. Returns whether there was a file to delete.
///
/// # Errors
///
/// [`EmulatorError::Io`] if the file exists but cannot be deleted.
pub fn remove_state(dir: &Path) -> Result<bool, EmulatorError> {
    let path = dir.join(STATE_FILE);
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(EmulatorError::Io { action: "delete the state file", path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_state() -> EmulatorState {
        EmulatorState {
            emulators: vec![
                EmulatorRecord {
                    kind: EmulatorKind::Moto,
                    pid: 4100,
                    pgid: 4100,
                    start_time: Some(123_456),
                    endpoints: vec![Endpoint { service: Service::Aws, url: "http://127.0.0.1:40001".into() }],
                    log: "/state/moto.log".into(),
                    startup_ms: 1500,
                },
                EmulatorRecord {
                    kind: EmulatorKind::Azurite,
                    pid: 4101,
                    pgid: 4101,
                    start_time: None,
                    endpoints: vec![
                        Endpoint { service: Service::AzureBlob, url: "http://127.0.0.1:40002".into() },
                        Endpoint { service: Service::AzureQueue, url: "http://127.0.0.1:40003".into() },
                        Endpoint { service: Service::AzureTable, url: "http://127.0.0.1:40004".into() },
                    ],
                    log: "/state/azurite.log".into(),
                    startup_ms: 2100,
                },
            ],
        }
    }

    #[test]
    fn state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let state = sample_state();

        let path = save_state(dir.path(), &state).unwrap();
        assert_eq!(path, dir.path().join(STATE_FILE));
        assert_eq!(load_state(dir.path()).unwrap(), Some(state));
    }

    #[test]
    fn save_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        save_state(dir.path(), &sample_state()).unwrap();
        let smaller = EmulatorState { emulators: sample_state().emulators[..1].to_vec() };
        save_state(dir.path(), &smaller).unwrap();

        assert_eq!(load_state(dir.path()).unwrap(), Some(smaller));
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(names, [STATE_FILE]);
    }

    #[test]
    fn save_creates_missing_dir() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        save_state(&nested, &sample_state()).unwrap();
        assert!(nested.join(STATE_FILE).is_file());
    }

    #[test]
    fn missing_file_loads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_state(dir.path()).unwrap(), None);
        assert!(!remove_state(dir.path()).unwrap());
    }

    #[test]
    fn invalid_file_names_path_and_fix() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(STATE_FILE), "{\"emulators\": [{\"kind\": \"localstack\"}]}").unwrap();

        let error = load_state(dir.path()).unwrap_err().to_string();
        assert!(error.contains(STATE_FILE), "{error}");
        assert!(error.contains("localstack"), "{error}");
        assert!(error.contains("fix: stop the processes it lists"), "{error}");
    }

    #[test]
    fn remove_deletes_file() {
        let dir = tempfile::tempdir().unwrap();
        save_state(dir.path(), &sample_state()).unwrap();
        assert!(remove_state(dir.path()).unwrap());
        assert_eq!(load_state(dir.path()).unwrap(), None);
    }

    #[test]
    fn endpoints_looked_up_by_service() {
        let state = sample_state();
        assert_eq!(state.endpoint(Service::Aws), Some("http://127.0.0.1:40001"));
        assert_eq!(state.endpoint(Service::AzureQueue), Some("http://127.0.0.1:40003"));
        assert_eq!(state.record(EmulatorKind::Azurite).map(|record| record.pid), Some(4101));

        let moto_only = EmulatorState { emulators: state.emulators[..1].to_vec() };
        assert_eq!(moto_only.endpoint(Service::AzureBlob), None);
    }

    fn state_dir_with(variables: &[(&str, &str)]) -> Result<PathBuf, EmulatorError> {
        state_dir_from(|name| variables.iter().find(|(key, _)| *key == name).map(|(_, value)| OsString::from(value)))
    }

    #[test]
    fn state_dir_precedence() {
        let all = [("CORDON_STATE_DIR", "/c"), ("XDG_STATE_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(state_dir_with(&all).unwrap(), Path::new("/c"));

        let empty_cordon = [("CORDON_STATE_DIR", ""), ("XDG_STATE_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(state_dir_with(&empty_cordon).unwrap(), Path::new("/x/cordon"));

        let relative_xdg = [("XDG_STATE_HOME", "x"), ("HOME", "/h")];
        assert_eq!(state_dir_with(&relative_xdg).unwrap(), Path::new("/h/.local/state/cordon"));

        assert!(matches!(state_dir_with(&[]), Err(EmulatorError::NoStateDir)));
    }

    #[test]
    fn json_uses_stable_names() {
        let json = serde_json::to_value(sample_state()).unwrap();
        assert_eq!(json["emulators"][0]["kind"], "moto");
        assert_eq!(json["emulators"][0]["endpoints"][0]["service"], "aws");
        assert_eq!(json["emulators"][1]["endpoints"][2]["service"], "azure-table");
    }
}
