//! Each emulator's install location, the command line that starts it on given ports, and the readiness check.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{EmulatorError, EmulatorKind, Service};

/// The files an installed emulator is run from.
pub(crate) struct Installation {
    /// The interpreter: the virtual environment's Python, or `node` from `PATH`.
    pub(crate) program: PathBuf,
    /// Arguments that come before the port and directory options.
    pub(crate) leading_args: Vec<PathBuf>,
}

/// Finds `kind` under `install_root`, as `scripts/setup-emulators.sh` lays it out.
///
/// # Errors
///
/// [`EmulatorError::NotInstalled`] names the first missing file.
pub(crate) fn find_installation(kind: EmulatorKind, install_root: &Path) -> Result<Installation, EmulatorError> {
    match kind {
        EmulatorKind::Moto => {
            let venv = install_root.join("venv");
            let python = venv.join("bin/python");
            require(kind, &python)?;
            require(kind, &moto_server_module(&venv))?;
            Ok(Installation { program: python, leading_args: vec!["-m".into(), "moto.server".into()] })
        }
        EmulatorKind::Azurite => {
            let script = install_root.join("node/node_modules/azurite/dist/src/azurite.js");
            require(kind, &script)?;
            Ok(Installation { program: "node".into(), leading_args: vec![script] })
        }
    }
}

/// Builds the command that starts `kind` bound to 127.0.0.1 on `ports`, one per service in [`EmulatorKind::services`]
/// order, with its working directory and any data under `state_dir`.
pub(crate) fn command(kind: EmulatorKind, installation: &Installation, ports: &[u16], state_dir: &Path) -> Command {
    let mut command = Command::new(&installation.program);
    command.args(&installation.leading_args).current_dir(state_dir);

    match kind {
        EmulatorKind::Moto => {
            // Without unbuffered output a traceback can still sit in Python's buffer when a start error reads the log.
            command.env("PYTHONUNBUFFERED", "1");
            command.args(["-H", "127.0.0.1", "-p", &ports[0].to_string()]);
        }
        EmulatorKind::Azurite => {
            // --disableTelemetry: without it Azurite collects telemetry (3.35's --help says so) and tries to send it
            // to an outside host.
            // --skipApiVersionCheck: newer Azure SDKs send API versions that Azurite does not know yet.
            // --loose: ignore headers and parameters Azurite does not support instead of rejecting the request.
            command.arg("--blobHost").arg("127.0.0.1").arg("--blobPort").arg(ports[0].to_string());
            command.arg("--queueHost").arg("127.0.0.1").arg("--queuePort").arg(ports[1].to_string());
            command.arg("--tableHost").arg("127.0.0.1").arg("--tablePort").arg(ports[2].to_string());
            command.arg("--location").arg(azurite_data_dir(state_dir));
            command.args(["--disableTelemetry", "--skipApiVersionCheck", "--loose"]);
        }
    }
    command
}

/// Returns the directory Azurite keeps its data in.
pub(crate) fn azurite_data_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("azurite")
}

/// Returns the fix for a program that could not be run.
pub(crate) fn spawn_fix(kind: EmulatorKind) -> &'static str {
    match kind {
        EmulatorKind::Moto => "run scripts/setup-emulators.sh to recreate the virtual environment",
        EmulatorKind::Azurite => "install Node.js 20 or newer and put `node` on PATH",
    }
}

/// Returns the path a readiness probe requests from `service`.
pub(crate) fn ready_path(service: Service) -> &'static str {
    match service {
        // moto's own dashboard, which responds with 200 and needs no credentials.
        Service::Aws => "/moto-api/",
        Service::AzureBlob | Service::AzureQueue | Service::AzureTable => "/",
    }
}

/// Reports whether `status` from [`ready_path`] shows that the emulator, and not another program that took the
/// port, is serving `service`.
pub(crate) fn is_ready_status(service: Service, status: u16) -> bool {
    match service {
        Service::Aws => (200..300).contains(&status),
        // Azurite rejects an unsigned request to `/` with 400, which shows it is serving. Its process is checked to be
        // still running after the probe, so the reply cannot come from a program that won the port.
        Service::AzureBlob | Service::AzureQueue | Service::AzureTable => true,
    }
}

fn require(kind: EmulatorKind, path: &Path) -> Result<(), EmulatorError> {
    if path.exists() { Ok(()) } else { Err(EmulatorError::NotInstalled { kind, path: path.to_owned() }) }
}

/// Returns the path of `moto/server.py` inside the virtual environment's `lib/pythonX.Y/site-packages`, or of the
/// first directory level that is missing.
fn moto_server_module(venv: &Path) -> PathBuf {
    let lib = venv.join("lib");
    let python_dir = fs::read_dir(&lib).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("python")))
    });
    match python_dir {
        Some(dir) => dir.join("site-packages/moto/server.py"),
        None => lib.join("python3/site-packages/moto/server.py"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SETUP_SCRIPT;

    #[test]
    fn missing_install_names_path() {
        let root = tempfile::tempdir().unwrap();
        for kind in EmulatorKind::ALL {
            let error = find_installation(kind, root.path()).err().unwrap();
            let EmulatorError::NotInstalled { path, .. } = &error else {
                panic!("{error}");
            };
            assert!(path.starts_with(root.path()), "{}", path.display());
            assert!(error.to_string().contains(SETUP_SCRIPT), "{error}");
        }
    }

    #[test]
    fn moto_without_package_reported() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("venv/bin")).unwrap();
        fs::write(root.path().join("venv/bin/python"), "").unwrap();
        fs::create_dir_all(root.path().join("venv/lib/python3.11/site-packages")).unwrap();

        let error = find_installation(EmulatorKind::Moto, root.path()).err().unwrap();
        let EmulatorError::NotInstalled { path, .. } = error else {
            panic!("{error}");
        };
        assert!(path.ends_with("venv/lib/python3.11/site-packages/moto/server.py"), "{}", path.display());
    }

    #[test]
    fn azurite_bound_to_loopback_without_telemetry() {
        let installation = Installation { program: "node".into(), leading_args: vec!["azurite.js".into()] };
        let command = command(EmulatorKind::Azurite, &installation, &[1001, 1002, 1003], Path::new("/state"));
        let args: Vec<String> = command.get_args().map(|arg| arg.to_string_lossy().into_owned()).collect();

        for option in ["--blobHost", "--queueHost", "--tableHost"] {
            let index = args.iter().position(|arg| arg == option).unwrap();
            assert_eq!(args[index + 1], "127.0.0.1", "{option}");
        }
        assert!(args.contains(&"--disableTelemetry".to_owned()), "{args:?}");
        assert!(args.windows(2).any(|pair| pair == ["--queuePort", "1002"]), "{args:?}");
        assert!(args.windows(2).any(|pair| pair == ["--location", "/state/azurite"]), "{args:?}");
    }

    #[test]
    fn moto_bound_to_loopback() {
        let installation =
            Installation { program: "python".into(), leading_args: vec!["-m".into(), "moto.server".into()] };
        let command = command(EmulatorKind::Moto, &installation, &[1001], Path::new("/state"));
        let args: Vec<String> = command.get_args().map(|arg| arg.to_string_lossy().into_owned()).collect();
        assert_eq!(args, ["-m", "moto.server", "-H", "127.0.0.1", "-p", "1001"]);
    }

    #[test]
    fn moto_ready_only_on_success() {
        assert!(is_ready_status(Service::Aws, 200));
        assert!(!is_ready_status(Service::Aws, 404));
        assert!(is_ready_status(Service::AzureBlob, 400));
    }
}
