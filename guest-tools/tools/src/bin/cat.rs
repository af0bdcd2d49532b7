//! `cat [FILE...]`: concatenates files to stdout.
//!
//! With no FILE, or where FILE is `-`, it reads stdin. An unreadable file is reported as
//! `cat: FILE: message` and the remaining files are still copied, and the exit status is
//! then 1.

use std::fs::File;
use std::io::{self, Read, Write};

use cordon_guest_tools::{EXIT_FAILURE, EXIT_SUCCESS, Tool, exit};

const TOOL: Tool = Tool {
    name: "cat",
    usage: "cat [FILE...]",
    help: "Concatenate FILEs to standard output. With no FILE, or when FILE is -, read standard input.

      --help   print this help
",
};

/// Size of the buffer that carries data from a file to stdout.
const COPY_BUFFER_BYTES: usize = 64 * 1024;

fn main() {
    TOOL.adopt_initial_cwd();
    let files = parse_args();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buffer = vec![0u8; COPY_BUFFER_BYTES];
    let mut status = EXIT_SUCCESS;

    for name in &files {
        let result = if name == "-" {
            copy(&mut io::stdin().lock(), &mut out, &mut buffer)
        } else {
            match File::open(name) {
                Ok(mut file) => copy(&mut file, &mut out, &mut buffer),
                Err(err) => Err(CopyError::Read(err)),
            }
        };
        match result {
            Ok(()) => {}
            Err(CopyError::Read(err)) => {
                let display_name = if name == "-" { "standard input" } else { name.as_str() };
                TOOL.report(display_name, &err);
                status = EXIT_FAILURE;
            }
            Err(CopyError::Write(err)) => TOOL.stdout_failed(&err, EXIT_FAILURE),
        }
    }

    if let Err(err) = out.flush() {
        TOOL.stdout_failed(&err, EXIT_FAILURE);
    }
    exit(status);
}

fn parse_args() -> Vec<String> {
    use lexopt::prelude::*;

    let mut files = Vec::new();
    let mut parser = lexopt::Parser::from_env();
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(err) => TOOL.usage_error(err),
        };
        match arg {
            Value(value) => match value.into_string() {
                Ok(file) => files.push(file),
                Err(raw) => TOOL.usage_error(format_args!("path is not valid UTF-8: {raw:?}")),
            },
            other => TOOL.reject(other),
        }
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    files
}

/// Failure of a copy, by side: a failed read is reported per file, while a failed write
/// to stdout ends the program.
enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

fn copy(input: &mut impl Read, out: &mut impl Write, buffer: &mut [u8]) -> Result<(), CopyError> {
    loop {
        let count = match input.read(buffer) {
            Ok(0) => return Ok(()),
            Ok(count) => count,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(CopyError::Read(err)),
        };
        out.write_all(&buffer[..count]).map_err(CopyError::Write)?;
    }
}
