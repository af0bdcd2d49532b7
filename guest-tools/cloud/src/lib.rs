//! Helpers shared by the cloud guest tools (`s3`, `dynamodb`, `sqs` and `blob`): the
//! command line, exit statuses, file and stdin input, and the `TOOL: message` error form.
//!
//! The tools are written as for the real services. They address the real host names
//! (`*.amazonaws.com`, `*.blob.core.windows.net`) unless `--endpoint-url` gives another
//! base URL, and carry only placeholder credentials. Their one network is `wasi:http`, so the host
//! decides where each request goes and signs it with real credentials. The [`aws`] module
//! builds the AWS SDK configuration, [`item`] maps DynamoDB items to plain JSON, and
//! [`shared_key`] signs Azure Storage requests.
//!
//! ```no_run
//! use cordon_cloud_tools::{CommandLine, Tool};
//!
//! const TOOL: Tool = Tool {
//!     name: "s3",
//!     usage: "s3 [--endpoint-url URL] [--region REGION] COMMAND",
//!     help: "Copy objects to and from Amazon S3.\n",
//! };
//!
//! let line = CommandLine::parse(&TOOL, &["endpoint-url", "region"]);
//! if line.values.is_empty() {
//!     TOOL.usage_error("missing COMMAND");
//! }
//! ```

pub mod aws;
pub mod item;
pub mod shared_key;

use std::ffi::OsString;
use std::fmt::Display;
use std::fs::File;
use std::io::{self, Read, Write};
use std::process;

/// Exit status for success. Statuses reach the host through [`exit`].
pub const EXIT_SUCCESS: i32 = 0;
/// Exit status for a failed request or an unreadable or unwritable file.
pub const EXIT_FAILURE: i32 = 1;
/// Exit status for invalid command-line arguments.
pub const EXIT_USAGE: i32 = 2;

/// Name, usage line and help text of one tool.
pub struct Tool {
    /// Program name used as the prefix of every error message.
    pub name: &'static str,
    /// Synopsis without the `usage: ` prefix.
    pub usage: &'static str,
    /// Description, commands and options printed by `--help` after the usage line.
    pub help: &'static str,
}

impl Tool {
    /// Prints `TOOL: message` to stderr.
    pub fn warn(&self, message: impl Display) {
        eprintln!("{}: {}", self.name, message);
    }

    /// Prints `TOOL: message` to stderr and exits with [`EXIT_FAILURE`].
    pub fn fail(&self, message: impl Display) -> ! {
        self.warn(message);
        exit(EXIT_FAILURE);
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

    /// Changes to the working directory the host set as `wasi:cli/environment.initial-cwd`.
    ///
    /// wasi-libc, which `std` uses on wasm32-wasip2, starts every program in `/` and does
    /// not read that value, so without this step a relative FILE would ignore the host's
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
}

/// Command-line arguments split into positional values and `--NAME VALUE` options.
///
/// Options may appear anywhere, also after the command, and every option takes a value,
/// given as `--NAME VALUE` or `--NAME=VALUE`. `--` ends the options, so a value that starts
/// with `-` can follow it. A lone `-` is a positional value that means stdin or stdout.
pub struct CommandLine {
    /// Positional arguments in order, starting with the command.
    pub values: Vec<String>,
    options: Vec<(&'static str, String)>,
}

impl CommandLine {
    /// Parses the program's arguments, accepting the long options named in `known`
    /// (without the leading `--`) and `--help`.
    ///
    /// Exits with a usage error on an unknown option, a missing option value or an
    /// argument that is not valid UTF-8.
    pub fn parse(tool: &Tool, known: &[&'static str]) -> Self {
        Self::parse_from(tool, known, std::env::args_os().skip(1))
    }

    fn parse_from(tool: &Tool, known: &[&'static str], args: impl IntoIterator<Item = OsString>) -> Self {
        use lexopt::Arg;

        let mut parser = lexopt::Parser::from_args(args);
        let mut line = Self {
            values: Vec::new(),
            options: Vec::new(),
        };
        loop {
            let arg = match parser.next() {
                Ok(Some(arg)) => arg,
                Ok(None) => return line,
                Err(err) => tool.usage_error(err),
            };
            match arg {
                Arg::Value(value) => line.values.push(utf8(tool, value)),
                Arg::Long("help") => tool.print_help(),
                Arg::Long(name) => {
                    let Some(&name) = known.iter().find(|known| **known == name) else {
                        tool.usage_error(Arg::Long(name).unexpected());
                    };
                    let value = match parser.value() {
                        Ok(value) => utf8(tool, value),
                        Err(err) => tool.usage_error(err),
                    };
                    line.options.push((name, value));
                }
                other => tool.usage_error(other.unexpected()),
            }
        }
    }

    /// Returns the value of `--NAME`, the last one when it was given more than once.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| value.as_str())
    }

    /// Exits with a usage error if any of the options in `names` was given, because
    /// `command` does not take it.
    pub fn reject_options(&self, tool: &Tool, command: &str, names: &[&str]) {
        for (name, _) in &self.options {
            if names.contains(name) {
                tool.usage_error(format_args!("option --{name} does not apply to {command}"));
            }
        }
    }
}

fn utf8(tool: &Tool, value: OsString) -> String {
    value
        .into_string()
        .unwrap_or_else(|raw| tool.usage_error(format_args!("argument is not valid UTF-8: {raw:?}")))
}

/// Flushes stdout and ends the program with `status`, which the host receives unchanged.
///
/// `std::process::exit` cannot be used for this on wasm32-wasip2: wasi-libc ends the
/// program through `wasi:cli/exit.exit`, which carries only success or failure, so the
/// host would see every non-zero status as 1. `exit-with-code`, stable since WASI 0.2.12,
/// carries the number. Only the low 8 bits of `status` are sent, as on POSIX systems.
pub fn exit(status: i32) -> ! {
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

/// Formats an error and each error in its `source` chain as `outer: inner: ...`, leaving
/// out a source whose text the previous message already contains.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Reads all of `path`, or all of stdin when `path` is `-`.
///
/// # Errors
///
/// Returns the error from opening or reading the file or stdin.
pub fn read_input(path: &str) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    if path == "-" {
        io::stdin().lock().read_to_end(&mut data)?;
    } else {
        File::open(path)?.read_to_end(&mut data)?;
    }
    Ok(data)
}

/// Names the source that [`read_input`] reads from `path`, for messages.
pub fn input_name(path: &str) -> &str {
    if path == "-" { "standard input" } else { path }
}

/// Destination of downloaded data: stdout, or a file that is removed again if the
/// download fails part way.
pub enum Output {
    /// Standard output, for the path `-`.
    Stdout(io::Stdout),
    /// A file created for the download.
    File {
        /// Path the file was created at.
        path: String,
        /// The open file.
        file: File,
    },
}

impl Output {
    /// Opens stdout when `path` is `-` and otherwise creates or truncates the file.
    ///
    /// # Errors
    ///
    /// Returns the error from creating the file.
    pub fn create(path: &str) -> io::Result<Self> {
        if path == "-" {
            return Ok(Self::Stdout(io::stdout()));
        }
        Ok(Self::File {
            path: path.to_string(),
            file: File::create(path)?,
        })
    }

    /// Names the destination for messages.
    pub fn name(&self) -> &str {
        match self {
            Self::Stdout(_) => "standard output",
            Self::File { path, .. } => path,
        }
    }

    /// Writes all of `data`.
    ///
    /// # Errors
    ///
    /// Returns the error from the write.
    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Self::Stdout(stdout) => stdout.lock().write_all(data),
            Self::File { file, .. } => file.write_all(data),
        }
    }

    /// Flushes the data and, for a file, syncs it to storage.
    ///
    /// # Errors
    ///
    /// Returns the error from the flush or the sync.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Self::Stdout(stdout) => stdout.lock().flush(),
            Self::File { file, .. } => file.sync_all(),
        }
    }

    /// Removes a partly written file, so a failed download leaves nothing behind.
    /// Stdout is left alone because what was written there cannot be taken back.
    pub fn discard(self) {
        if let Self::File { path, file } = self {
            drop(file);
            // Best effort: the download error is the one worth reporting.
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_TOOL: Tool = Tool {
        name: "test",
        usage: "test",
        help: "",
    };

    fn parse(args: &[&str]) -> CommandLine {
        CommandLine::parse_from(&TEST_TOOL, &["region", "max"], args.iter().map(OsString::from))
    }

    #[test]
    fn command_line_splits_options_and_values() {
        let line = parse(&["--region", "eu-west-1", "receive", "q", "--max=3"]);
        assert_eq!(line.values, ["receive", "q"]);
        assert_eq!(line.option("region"), Some("eu-west-1"));
        assert_eq!(line.option("max"), Some("3"));
    }

    #[test]
    fn command_line_values_after_double_dash() {
        let line = parse(&["send", "q", "-", "--", "--max"]);
        assert_eq!(line.values, ["send", "q", "-", "--max"]);
        assert_eq!(line.option("max"), None);
    }

    #[test]
    fn command_line_last_option_wins() {
        let line = parse(&["--region", "a", "--region", "b"]);
        assert_eq!(line.option("region"), Some("b"));
    }

    #[test]
    fn error_chain_joins_sources() {
        let err = Wrapper(io::Error::other("connection refused"));
        assert_eq!(error_chain(&err), "dispatch failure: connection refused");
    }

    #[derive(Debug)]
    struct Wrapper(io::Error);

    impl Display for Wrapper {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("dispatch failure")
        }
    }

    impl std::error::Error for Wrapper {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
}
