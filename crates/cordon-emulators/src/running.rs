//! Starting emulators as child processes and owning them until they are stopped or detached.

use std::fs;
use std::process::Child;
use std::thread;
use std::time::{Duration, Instant};

use crate::launch::{self, Installation};
use crate::log::{create_log, log_tail};
use crate::ports::{is_port_conflict, pick_free_ports};
use crate::probe::{http_status, loopback_url, parse_loopback_endpoint};
use crate::process::{self, spawn_session_leader};
use crate::{EmulatorError, EmulatorKind, EmulatorRecord, EmulatorState, Endpoint, Service, StartOptions};

/// How often an emulator may lose the race for its ports before the start fails. Each loss needs another program to
/// bind the same port within the few milliseconds between its release and the emulator's bind.
const PORT_ATTEMPTS: u32 = 3;

/// The interval between readiness probes.
const PROBE_INTERVAL: Duration = Duration::from_millis(100);

/// The limit on each probe's connect, write and read. The emulators respond on loopback within milliseconds once
/// they listen. A probe that hangs means the process is still loading, and a later probe tries again.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The entry point that starts emulators. It has no values: call [`Emulators::start`].
#[derive(Debug)]
pub enum Emulators {}

/// Emulators started by [`Emulators::start`] and owned by this process.
///
/// Dropping it stops them, like [`stop`](RunningEmulators::stop) but logging errors instead of returning them.
/// [`detach`](RunningEmulators::detach) hands them over to the state file instead.
///
/// NOTE: the emulators outlive this process if it is killed with SIGKILL or aborts, because nothing then runs the
/// drop. Their pids are in [`state`](RunningEmulators::state) for cleaning up.
#[derive(Debug)]
pub struct RunningEmulators {
    children: Vec<RunningChild>,
}

#[derive(Debug)]
struct RunningChild {
    record: EmulatorRecord,
    child: Child,
    spawned_at: Instant,
}

/// The reason one emulator did not become ready.
enum ReadyFailure {
    /// Another program took one of its ports before it bound them, so new ports may work.
    PortConflict,
    Failed(EmulatorError),
}

impl Emulators {
    /// Starts the emulators that `options` names on free loopback ports and waits until each one responds.
    ///
    /// Every emulator runs in its own session and process group, binds 127.0.0.1 only, and writes stdout and stderr
    /// to `<state_dir>/<name>.log`. Azurite always runs with telemetry disabled. All are spawned before the first
    /// wait, so they load in parallel.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::NotInstalled`] before anything is spawned if an emulator is missing from the install root.
    /// [`EmulatorError::Exited`] or [`EmulatorError::NotReady`], each with the tail of the log, if an emulator does
    /// not respond. Emulators started by a call that fails are stopped before it returns.
    pub fn start(options: &StartOptions) -> Result<RunningEmulators, EmulatorError> {
        let options = &absolute_paths(options)?;
        let kinds: Vec<EmulatorKind> =
            EmulatorKind::ALL.into_iter().filter(|kind| options.kinds.contains(kind)).collect();
        let installations = kinds
            .iter()
            .map(|&kind| launch::find_installation(kind, &options.install_root))
            .collect::<Result<Vec<_>, _>>()?;
        prepare_state_dir(options)?;

        let port_count = kinds.iter().map(|kind| kind.services().len()).sum();
        let mut ports = pick_free_ports(port_count).map_err(|source| EmulatorError::NoFreePort { source })?.into_iter();
        let mut running = RunningEmulators { children: Vec::with_capacity(kinds.len()) };
        for (&kind, installation) in kinds.iter().zip(&installations) {
            let kind_ports: Vec<u16> = ports.by_ref().take(kind.services().len()).collect();
            running.children.push(spawn(kind, installation, &kind_ports, options)?);
        }

        for (index, installation) in installations.iter().enumerate() {
            running.wait_until_ready(index, installation, options)?;
        }
        Ok(running)
    }
}

impl RunningEmulators {
    /// Returns the endpoint URL serving `service`, if a running emulator serves it.
    #[must_use]
    pub fn endpoint(&self, service: Service) -> Option<&str> {
        self.children.iter().find_map(|running| running.record.endpoint(service))
    }

    /// Returns moto's endpoint, `http://127.0.0.1:PORT`, for every AWS service, if moto was started.
    #[must_use]
    pub fn moto_endpoint(&self) -> Option<String> {
        self.endpoint(Service::Aws).map(str::to_owned)
    }

    /// Returns Azurite's blob storage endpoint, if Azurite was started.
    #[must_use]
    pub fn azurite_blob_endpoint(&self) -> Option<String> {
        self.endpoint(Service::AzureBlob).map(str::to_owned)
    }

    /// Returns Azurite's queue storage endpoint, if Azurite was started.
    #[must_use]
    pub fn azurite_queue_endpoint(&self) -> Option<String> {
        self.endpoint(Service::AzureQueue).map(str::to_owned)
    }

    /// Returns Azurite's table storage endpoint, if Azurite was started.
    #[must_use]
    pub fn azurite_table_endpoint(&self) -> Option<String> {
        self.endpoint(Service::AzureTable).map(str::to_owned)
    }

    /// Returns the record of every running emulator: kind, pid, endpoints, log path and startup time.
    #[must_use]
    pub fn state(&self) -> EmulatorState {
        EmulatorState { emulators: self.children.iter().map(|running| running.record.clone()).collect() }
    }

    /// Stops every emulator: SIGTERM to its process group, then SIGKILL after a grace period of 5 s, and waits for
    /// it to exit.
    ///
    /// # Errors
    ///
    /// Returns the first error after trying to stop every emulator.
    pub fn stop(mut self) -> Result<(), EmulatorError> {
        self.stop_all()
    }

    /// Gives up ownership of the emulators without stopping them and returns their records, for
    /// [`save_state`](crate::save_state). They keep running after this process exits.
    ///
    /// The children are not waited for. A long-lived caller that detaches and then stops them through the state
    /// keeps them as zombies until it exits. `cordon emulators start` exits right away, so init collects them.
    #[must_use]
    pub fn detach(mut self) -> EmulatorState {
        let state = self.state();
        self.children.clear();
        tracing::info!(count = state.emulators.len(), "detached emulators");
        state
    }

    fn stop_all(&mut self) -> Result<(), EmulatorError> {
        let mut first_error = None;
        for mut running in self.children.drain(..) {
            let record = &running.record;
            let result = process::stop_group(record.kind, record.pid, record.start_time);
            if result.is_ok() {
                reap(&mut running.child);
            }
            match result {
                Ok(()) => tracing::info!(kind = %record.kind, pid = record.pid, "stopped emulator"),
                Err(error) => {
                    tracing::error!(kind = %record.kind, pid = record.pid, %error, "cannot stop emulator");
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Waits until the emulator at `index` responds on every endpoint, moving it to new ports if it lost a port.
    fn wait_until_ready(
        &mut self,
        index: usize,
        installation: &Installation,
        options: &StartOptions,
    ) -> Result<(), EmulatorError> {
        let kind = self.children[index].record.kind;
        let mut attempt = 1;
        loop {
            match self.children[index].wait_until_ready(options.ready_timeout) {
                Ok(()) => return Ok(()),
                Err(ReadyFailure::Failed(error)) => return Err(error),
                Err(ReadyFailure::PortConflict) if attempt < PORT_ATTEMPTS => {
                    tracing::warn!(%kind, attempt, "another program took the emulator's port; retrying on new ports");
                    let _ = self.children[index].child.wait();
                    let ports = pick_free_ports(kind.services().len())
                        .map_err(|source| EmulatorError::NoFreePort { source })?;
                    self.children[index] = spawn(kind, installation, &ports, options)?;
                    attempt += 1;
                }
                Err(ReadyFailure::PortConflict) => {
                    let running = &mut self.children[index];
                    let status =
                        running.child.wait().map_or_else(|error| error.to_string(), |status| status.to_string());
                    let log = running.record.log.clone();
                    return Err(EmulatorError::Exited { kind, status, tail: log_tail(&log), log });
                }
            }
        }
    }
}

impl Drop for RunningEmulators {
    fn drop(&mut self) {
        // stop_all logs each error itself.
        let _ = self.stop_all();
    }
}

impl RunningChild {
    /// Probes each endpoint until all respond, the process exits, or `timeout` passes.
    fn wait_until_ready(&mut self, timeout: Duration) -> Result<(), ReadyFailure> {
        let kind = self.record.kind;
        let deadline = self.spawned_at + timeout;
        let mut pending: Vec<Endpoint> = self.record.endpoints.clone();

        loop {
            self.check_still_running()?;
            pending.retain(|endpoint| !is_serving(endpoint));
            if pending.is_empty() {
                // The process must still be there after the last response, or the response came from whatever
                // took its port.
                self.check_still_running()?;
                let elapsed = self.spawned_at.elapsed();
                self.record.startup_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
                tracing::info!(%kind, pid = self.record.pid, startup = ?elapsed, "emulator ready");
                return Ok(());
            }
            if Instant::now() >= deadline {
                let log = self.record.log.clone();
                return Err(ReadyFailure::Failed(EmulatorError::NotReady {
                    kind,
                    endpoint: pending[0].url.clone(),
                    timeout,
                    tail: log_tail(&log),
                    log,
                }));
            }
            thread::sleep(PROBE_INTERVAL);
        }
    }

    fn check_still_running(&mut self) -> Result<(), ReadyFailure> {
        let status = match self.child.try_wait() {
            Ok(None) => return Ok(()),
            Ok(Some(status)) => status.to_string(),
            Err(error) => error.to_string(),
        };
        let log = self.record.log.clone();
        let tail = log_tail(&log);
        if is_port_conflict(&tail) {
            return Err(ReadyFailure::PortConflict);
        }
        Err(ReadyFailure::Failed(EmulatorError::Exited { kind: self.record.kind, status, log, tail }))
    }
}

/// Returns `options` with absolute install root and state directory. Each emulator runs in the state directory, so a
/// relative path would otherwise be resolved a second time from there.
fn absolute_paths(options: &StartOptions) -> Result<StartOptions, EmulatorError> {
    let absolute = |path: &std::path::Path| {
        std::path::absolute(path).map_err(|source| EmulatorError::Io {
            action: "resolve the path",
            path: path.to_owned(),
            source,
        })
    };
    Ok(StartOptions {
        install_root: absolute(&options.install_root)?,
        state_dir: absolute(&options.state_dir)?,
        ..options.clone()
    })
}

/// Creates the state directory and Azurite's data directory below it.
fn prepare_state_dir(options: &StartOptions) -> Result<(), EmulatorError> {
    let mut dirs = vec![options.state_dir.clone()];
    if options.kinds.contains(&EmulatorKind::Azurite) {
        dirs.push(launch::azurite_data_dir(&options.state_dir));
    }
    for dir in dirs {
        fs::create_dir_all(&dir).map_err(|source| EmulatorError::Io {
            action: "create the directory",
            path: dir,
            source,
        })?;
    }
    Ok(())
}

/// Spawns `kind` on `ports` and returns its record with `startup_ms` at zero.
fn spawn(
    kind: EmulatorKind,
    installation: &Installation,
    ports: &[u16],
    options: &StartOptions,
) -> Result<RunningChild, EmulatorError> {
    let log = options.state_dir.join(format!("{kind}.log"));
    let log_file = create_log(&log)?;
    let mut command = launch::command(kind, installation, ports, &options.state_dir);
    let spawned_at = Instant::now();
    let child = spawn_session_leader(&mut command, log_file).map_err(|source| EmulatorError::Spawn {
        kind,
        program: installation.program.clone(),
        fix: launch::spawn_fix(kind),
        source,
    })?;

    let pid = child.id();
    let endpoints = kind
        .services()
        .iter()
        .zip(ports)
        .map(|(&service, &port)| Endpoint { service, url: loopback_url(port) })
        .collect();
    tracing::info!(%kind, pid, ?ports, log = %log.display(), "spawned emulator");
    let record =
        EmulatorRecord { kind, pid, pgid: pid, start_time: process::start_time(pid), endpoints, log, startup_ms: 0 };
    Ok(RunningChild { record, child, spawned_at })
}

/// Collects the status of a child that `stop_group` has ended, so that it leaves no zombie.
fn reap(child: &mut Child) {
    match child.try_wait() {
        Ok(Some(_)) | Err(_) => {}
        Ok(None) => {
            // stop_group returns only once the process has exited, so this is unexpected. Waiting on a live child
            // could block a drop forever, so the child is killed first.
            tracing::warn!(pid = child.id(), "emulator still running after stop; sending SIGKILL");
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reports whether `endpoint` responds in the way that shows its emulator is serving.
fn is_serving(endpoint: &Endpoint) -> bool {
    let Some(address) = parse_loopback_endpoint(&endpoint.url) else {
        return false;
    };
    match http_status(address, launch::ready_path(endpoint.service), PROBE_TIMEOUT) {
        Ok(status) => launch::is_ready_status(endpoint.service, status),
        Err(error) => {
            tracing::trace!(url = %endpoint.url, %error, "emulator not responding yet");
            false
        }
    }
}
