//! Helpers shared by the everyday guest tools (`ls`, `cat`, `grep`, `wc`, `write`, `find`):
//! the `TOOL: PATH: message` error form, usage errors with a one-line usage, `--help`, and
//! the exit statuses every tool uses.
//!
//! Each tool is one binary under `src/bin/` that declares a [`Tool`] and calls these
//! helpers, so every tool reports errors the same way:
//!
//! ```no_run
//! use cordon_guest_tools::Tool;
//!
//! const TOOL: Tool = Tool {
//!     name: "cat",
//!     usage: "cat [FILE...]",
//!     help: "Concatenate FILEs to standard output.\n",
//! };
//!
//! if let Err(err) = std::fs::read("notes.txt") {
//!     TOOL.report("notes.txt", &err); // prints `cat: notes.txt: No such file or directory`
//! }
//! ```

use std::fmt::Display;
use std::io;
use std::process;

/// Exit status for success. Statuses reach the host through [`exit`].
pub const EXIT_SUCCESS: i32 = 0;
/// Exit status for a failure while running, such as an unreadable file.
pub const EXIT_FAILURE: i32 = 1;
/// Exit status for invalid command-line arguments.
pub const EXIT_USAGE: i32 = 2;

/// Name, usage line and help text of one tool.
pub struct Tool {
    /// Program name used as the prefix of every error message.
    pub name: &'static str,
    /// Synopsis without the `usage: ` prefix, for example `cat [FILE...]`.
    pub usage: &'static str,
    /// Description and option list printed by `--help` after the usage line.
    pub help: &'static str,
}

impl Tool {
    /// Prints `TOOL: PATH: message` to stderr for an I/O error on `path`.
    pub fn report(&self, path: impl Display, err: &io::Error) {
        eprintln!("{}: {}: {}", self.name, path, error_message(err));
    }

    /// Prints `TOOL: message` to stderr.
    pub fn warn(&self, message: impl Display) {
        eprintln!("{}: {}", self.name, message);
    }

    /// Prints `message` and the usage line to stderr, then exits with [`EXIT_USAGE`].
    pub fn usage_error(&self, message: impl Display) -> ! {
        eprintln!("{}: {}", self.name, message);
        eprintln!("usage: {} (see {} --help)", self.usage, self.name);
        exit(EXIT_USAGE);
    }

    /// Prints the usage line and the help text to stdout, then exits with [`EXIT_SUCCESS`].
    pub fn print_help(&self) -> ! {
        print!("usage: {}\n\n{}", self.usage, self.help);
        exit(EXIT_SUCCESS);
    }

    /// Reports a failed write to stdout and exits with `status`.
    ///
    /// A failed stdout write usually means the host closed the stream, so there is no point
    /// in continuing the output.
    pub fn stdout_failed(&self, err: &io::Error, status: i32) -> ! {
        self.report("standard output", err);
        exit(status);
    }

    /// Prints `TOOL: PATH: message` to stderr for an error met while walking a directory
    /// tree, naming the path the error is about, or `root` when the error names none.
    pub fn report_walk_error(&self, root: &str, err: &walkdir::Error) {
        let path = err.path().map(|path| path.display().to_string());
        let path = path.as_deref().unwrap_or(root);
        match err.io_error() {
            Some(io_error) => self.report(path, io_error),
            // The walker's own errors, such as a symlink loop, carry their own message.
            None => eprintln!("{}: {path}: {err}", self.name),
        }
    }

    /// Changes to the working directory the host set as `wasi:cli/environment.initial-cwd`.
    ///
    /// wasi-libc, which `std` uses on wasm32-wasip2, starts every program in `/` and does
    /// not read that value, so without this step a relative path would ignore the host's
    /// choice. A directory that cannot be entered is reported, and the tool then goes on
    /// from `/`.
    pub fn adopt_initial_cwd(&self) {
        #[cfg(all(target_os = "wasi", target_env = "p2"))]
        if let Some(directory) = wasip2::cli::environment::initial_cwd()
            && let Err(err) = std::env::set_current_dir(&directory)
        {
            self.warn(format_args!(
                "cannot enter the initial directory {directory}: {}",
                error_message(&err)
            ));
        }
    }

    /// Handles the options that every tool accepts (`--help`) and turns any other
    /// unrecognised argument into a usage error.
    pub fn reject(&self, arg: lexopt::Arg<'_>) -> ! {
        if arg == lexopt::Arg::Long("help") {
            self.print_help();
        }
        self.usage_error(arg.unexpected());
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

/// Formats an I/O error as the usual sentence, without the ` (os error N)` suffix that
/// `std` appends.
///
/// The errno numbers on wasm32-wasip2 are wasi-libc's, which differ from Linux, so the
/// suffix would mislead a reader who knows the Linux numbers.
pub fn error_message(err: &io::Error) -> String {
    let text = err.to_string();
    match text.rfind(" (os error ") {
        Some(start) if text.ends_with(')') => text[..start].to_string(),
        _ => text,
    }
}

/// Parses a non-negative decimal number given as the value of `option`, or exits with a
/// usage error.
pub fn parse_count(tool: &Tool, option: &str, value: &str) -> usize {
    match value.parse() {
        Ok(count) => count,
        Err(_) => tool.usage_error(format_args!(
            "invalid value '{value}' for {option}: expected a non-negative integer"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_message_drops_errno_suffix() {
        let err = io::Error::from_raw_os_error(2);
        let message = error_message(&err);
        assert!(!message.contains("os error"), "{message}");
        assert!(!message.is_empty());
    }

    #[test]
    fn error_message_keeps_custom_text() {
        let err = io::Error::other("disk on fire");
        assert_eq!(error_message(&err), "disk on fire");
    }
}
