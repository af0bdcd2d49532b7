//! Emulator processes: spawning each as the leader of its own session, telling whether a recorded pid is still the
//! same process, and stopping a process group with SIGTERM, then SIGKILL.
//!
//! Each emulator gets its own session, so its process group id equals its pid. That group contains any processes the
//! emulator starts, so one signal reaches all of them. The new session also detaches the emulator from the terminal:
//! Ctrl-C in the shell that ran `cordon emulators start` does not reach it, and it outlives that command.

use std::fs;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};

use crate::{EmulatorError, EmulatorKind};

/// How long an emulator may take to exit after SIGTERM before it gets SIGKILL. moto and Azurite exit within a
/// fraction of a second on SIGTERM. The margin covers Azurite flushing its metadata files to a slow disk.
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(5);

/// How long to wait for the kernel to remove a process after SIGKILL.
const KILL_WAIT: Duration = Duration::from_secs(2);

/// The interval between checks while waiting for a process to exit.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Spawns `command` in a new session with stdin from `/dev/null` and stdout and stderr written to `log`.
pub(crate) fn spawn_session_leader(command: &mut Command, log: fs::File) -> io::Result<Child> {
    let stderr = log.try_clone()?;
    command.stdin(Stdio::null()).stdout(log).stderr(stderr);

    // SAFETY: the closure runs in the child between fork and exec, where only async-signal-safe calls are allowed.
    // It makes one system call, setsid(2), which is async-signal-safe, and it neither allocates nor takes locks.
    unsafe {
        command.pre_exec(|| rustix::process::setsid().map(drop).map_err(io::Error::from));
    }
    command.spawn()
}

/// Reads the start time of process `pid`, in clock ticks after boot, from `/proc/PID/stat`.
///
/// A pid can be reused once its process has exited. A recorded start time identifies the process itself, so that
/// `stop` never signals a process that merely inherited the pid. Returns `None` where `/proc` is unavailable.
pub(crate) fn start_time(pid: u32) -> Option<u64> {
    read_proc_stat(pid).ok().map(|stat| stat.start_time)
}

/// Reports whether process `pid` is running and, when `expected_start` is given, is the process that started then.
///
/// A zombie counts as not running because it has exited and only waits for its parent to collect its status.
pub(crate) fn is_running(pid: u32, expected_start: Option<u64>) -> bool {
    match read_proc_stat(pid) {
        Ok(stat) => !stat.zombie && expected_start.is_none_or(|start| start == stat.start_time),
        Err(_) if Path::new("/proc/self/stat").exists() => false,
        // Without /proc, kill(pid, 0) is the only check, and it cannot tell a reused pid apart.
        Err(_) => to_pid(pid).is_some_and(|pid| rustix::process::test_kill_process(pid).is_ok()),
    }
}

/// Stops the emulator whose session leader is `pid`: SIGTERM to its process group, SIGKILL after [`STOP_GRACE`],
/// and SIGKILL to any process left in the group once the leader has gone.
///
/// A leader that is no longer running, or whose start time differs from `expected_start`, is taken as already
/// stopped and nothing is signalled, because its group id may now belong to another program.
///
/// # Errors
///
/// Fails if a signal cannot be sent, or if the leader is still there after SIGKILL.
pub(crate) fn stop_group(kind: EmulatorKind, pid: u32, expected_start: Option<u64>) -> Result<(), EmulatorError> {
    if !is_running(pid, expected_start) {
        tracing::debug!(%kind, pid, "emulator already stopped");
        return Ok(());
    }
    if !leads_own_group(pid) {
        // Every emulator is spawned as a session leader. A pid that leads no group is some other process, and its
        // group may hold unrelated programs.
        tracing::warn!(%kind, pid, "recorded pid does not lead its own process group; not signalling it");
        return Ok(());
    }

    tracing::debug!(%kind, pid, "sending SIGTERM to the emulator's process group");
    signal_group(kind, pid, Signal::TERM)?;
    if !wait_for_exit(pid, expected_start, STOP_GRACE) {
        tracing::warn!(%kind, pid, grace = ?STOP_GRACE, "emulator ignored SIGTERM; sending SIGKILL");
        signal_group(kind, pid, Signal::KILL)?;
        if !wait_for_exit(pid, expected_start, KILL_WAIT) {
            return Err(EmulatorError::StillRunning { kind, pid });
        }
    }

    // The leader has gone, but a process it started may still be in the group. While a group has members the kernel
    // does not reuse its id, so this signal can only reach the emulator's own processes.
    if to_pid(pid).is_some_and(|group| rustix::process::test_kill_process_group(group).is_ok()) {
        tracing::debug!(%kind, pid, "sending SIGKILL to processes left in the emulator's group");
        signal_group(kind, pid, Signal::KILL)?;
    }
    Ok(())
}

/// Reports whether `pid` is a valid emulator pid and its process group id equals its pid.
fn leads_own_group(pid: u32) -> bool {
    to_pid(pid).is_some_and(|process| rustix::process::getpgid(Some(process)).is_ok_and(|group| group == process))
}

/// Sends `signal` to process group `pgid`. A group that no longer exists is not an error.
fn signal_group(kind: EmulatorKind, pgid: u32, signal: Signal) -> Result<(), EmulatorError> {
    let Some(group) = to_pid(pgid) else {
        return Ok(());
    };
    match rustix::process::kill_process_group(group, signal) {
        Ok(()) | Err(rustix::io::Errno::SRCH) => Ok(()),
        Err(errno) => Err(EmulatorError::Signal { kind, pgid, source: errno.into() }),
    }
}

/// Waits up to `timeout` for process `pid` to exit. Returns whether it did.
fn wait_for_exit(pid: u32, expected_start: Option<u64>, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if !is_running(pid, expected_start) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// Converts a pid from the state file, giving `None` for a value that cannot be an emulator's.
///
/// Zero and values above `i32::MAX` name no single process. Pid 1 is init, and a signal to process group 1 is
/// `kill(-1, ...)`, which reaches every process the caller may signal.
fn to_pid(pid: u32) -> Option<Pid> {
    i32::try_from(pid).ok().filter(|raw| *raw > 1).and_then(Pid::from_raw)
}

/// The fields of `/proc/PID/stat` this module reads.
struct ProcStat {
    zombie: bool,
    start_time: u64,
}

fn read_proc_stat(pid: u32) -> io::Result<ProcStat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    parse_proc_stat(&text).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "unexpected /proc/PID/stat format"))
}

/// Parses `/proc/PID/stat`. The command name (field 2) is in parentheses and may itself contain spaces and
/// parentheses, so the fields are counted from the last `)`: field 3 is the state and field 22 the start time.
fn parse_proc_stat(text: &str) -> Option<ProcStat> {
    let after_name = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let state = fields.first()?;
    let start_time = fields.get(22 - 3)?.parse().ok()?;
    Some(ProcStat { zombie: *state == "Z" || *state == "X", start_time })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_stat_with_odd_name_parsed() {
        let text = "4242 (node (azurite) x) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 11 0 987654 0 0\n";
        let stat = parse_proc_stat(text).unwrap();
        assert!(!stat.zombie);
        assert_eq!(stat.start_time, 987654);
    }

    #[test]
    fn zombie_state_recognised() {
        let text = "7 (python) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0\n";
        assert!(parse_proc_stat(text).unwrap().zombie);
    }

    #[test]
    fn own_process_is_running() {
        let pid = std::process::id();
        assert!(is_running(pid, None));
        assert!(is_running(pid, start_time(pid)));
    }

    #[test]
    fn reused_pid_not_running() {
        let pid = std::process::id();
        let start = start_time(pid).expect("this test needs /proc");
        assert!(!is_running(pid, Some(start + 1)));
    }

    #[test]
    fn stop_ends_session_leader() {
        let log = tempfile::tempfile().unwrap();
        let mut child = spawn_session_leader(Command::new("sleep").arg("60"), log).unwrap();
        let pid = child.id();
        assert_eq!(rustix::process::getpgid(to_pid(pid)).unwrap().as_raw_pid() as u32, pid);

        // A test owns its child, so the child stays a zombie until waited for; `is_running` treats that as stopped.
        stop_group(EmulatorKind::Moto, pid, start_time(pid)).unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "{status}");
        assert!(!is_running(pid, None));
    }

    #[test]
    fn stop_of_unknown_pid_does_nothing() {
        assert!(stop_group(EmulatorKind::Azurite, 0, None).is_ok());
        assert!(stop_group(EmulatorKind::Azurite, u32::MAX, None).is_ok());
    }

    #[test]
    fn init_never_a_group_target() {
        assert!(to_pid(1).is_none());
        assert!(!leads_own_group(1));
    }

    #[test]
    fn process_outside_own_group_not_signalled() {
        // A plain child stays in this test's process group, so it leads no group of its own.
        let mut child = Command::new("sleep").arg("60").spawn().unwrap();
        let pid = child.id();
        assert!(!leads_own_group(pid));

        assert!(stop_group(EmulatorKind::Moto, pid, start_time(pid)).is_ok());
        assert!(is_running(pid, None));

        child.kill().unwrap();
        child.wait().unwrap();
    }
}
