//! Helpers shared by the probe guests, which the host's containment tests run inside the
//! sandbox.
//!
//! A probe attempts an operation and prints one line per attempt on stdout, so a test can
//! assert on the exact outcome:
//!
//! - `ok SUBJECT` or `ok SUBJECT DETAIL` when the operation succeeded,
//! - `err SUBJECT KIND: MESSAGE` when it failed, where KIND is the `Debug` name of the
//!   [`std::io::ErrorKind`] (for example `NotFound` or `PermissionDenied`) and MESSAGE is
//!   the error's `Display` text.
//!
//! ```no_run
//! use cordon_adversarial_guests::report;
//!
//! report("/etc/passwd", std::fs::read("/etc/passwd").map(|data| data.len().to_string()));
//! ```

use std::fmt::Display;
use std::io;
use std::process;

/// Exit status for invalid command-line arguments.
pub const EXIT_USAGE: i32 = 2;

/// Returns the command-line arguments after the program name.
pub fn arguments() -> Vec<String> {
    std::env::args().skip(1).collect()
}

/// Prints `usage: USAGE` to stderr and exits with [`EXIT_USAGE`].
pub fn usage_error(usage: &str) -> ! {
    eprintln!("usage: {usage}");
    exit(EXIT_USAGE);
}

/// Changes to the working directory the host set as `wasi:cli/environment.initial-cwd`,
/// so relative paths resolve where the host intends.
///
/// wasi-libc, which `std` uses on wasm32-wasip2, starts every program in `/` and does not
/// read that value. A directory that cannot be entered is reported on stderr, which
/// leaves the stdout lines unchanged, and the probe then goes on from `/`.
pub fn adopt_initial_cwd() {
    #[cfg(all(target_os = "wasi", target_env = "p2"))]
    if let Some(directory) = wasip2::cli::environment::initial_cwd()
        && let Err(err) = std::env::set_current_dir(&directory)
    {
        eprintln!("cannot enter the initial directory {directory}: {err}");
    }
}

/// Flushes stdout and ends the program with `status`, which the host receives unchanged.
///
/// `std::process::exit` cannot be used for this on wasm32-wasip2: wasi-libc ends the
/// program through `wasi:cli/exit.exit`, which carries only success or failure, so the
/// host would see every non-zero status as 1. `exit-with-code`, stable since WASI 0.2.12,
/// carries the number. Only the low 8 bits of `status` are sent, as on POSIX systems.
pub fn exit(status: i32) -> ! {
    use std::io::Write;

    // Best effort: there is nowhere left to report a failed flush.
    let _ = io::stdout().flush();
    #[cfg(all(target_os = "wasi", target_env = "p2"))]
    wasip2::cli::exit::exit_with_code((status & 0xff) as u8);
    process::exit(status)
}

/// Formats the `err SUBJECT KIND: MESSAGE` line for a failed attempt.
pub fn error_line(subject: &str, err: &io::Error) -> String {
    format!("err {subject} {:?}: {err}", err.kind())
}

/// Prints the outcome of one attempt: `ok SUBJECT`, followed by ` DETAIL` when the
/// detail is not empty, or the line from [`error_line`].
pub fn report(subject: &str, outcome: io::Result<impl Display>) {
    match outcome {
        Ok(detail) => {
            let detail = detail.to_string();
            if detail.is_empty() {
                println!("ok {subject}");
            } else {
                println!("ok {subject} {detail}");
            }
        }
        Err(err) => println!("{}", error_line(subject, &err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_line_names_kind() {
        let err = io::Error::new(io::ErrorKind::NotFound, "gone");
        assert_eq!(error_line("a.txt", &err), "err a.txt NotFound: gone");
    }
}
