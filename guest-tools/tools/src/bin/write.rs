//! `write [-a|--append] PATH`: copies stdin into PATH and prints `wrote N bytes to PATH` to
//! stderr.
//!
//! Without `-a` the data goes to a new temporary file in PATH's directory, which is then
//! renamed over PATH. A failed read or write therefore leaves PATH as it was and removes
//! the temporary file. With `-a` the data is appended to PATH in place, creating it if
//! needed, so a failure can leave part of the data appended. When PATH is a symlink, the
//! file it points to is written and the link stays, as a shell redirection would do.

use std::collections::hash_map::RandomState;
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use cordon_guest_tools::{EXIT_FAILURE, EXIT_SUCCESS, Tool, exit};

const TOOL: Tool = Tool {
    name: "write",
    usage: "write [-a|--append] PATH",
    help: "Copy standard input into PATH, replacing its contents, and report the byte count on
standard error. The new contents appear at PATH all at once: a failed copy leaves PATH as it was.

  -a, --append   append to PATH in place instead of replacing it
      --help     print this help
",
};

/// Size of each read from stdin.
const COPY_BUFFER_BYTES: usize = 64 * 1024;

/// Most symlinks followed from PATH to the file, the same limit as Linux's `MAXSYMLINKS`.
const MAX_SYMLINK_HOPS: u32 = 40;

/// How many temporary names to try before giving up, should each name already exist.
const TEMPORARY_NAME_ATTEMPTS: u32 = 16;

/// Failure of a copy, by side, so the error names stdin or the file.
enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

fn main() {
    TOOL.adopt_initial_cwd();
    let (append, path) = parse_args();

    let result = if append {
        append_stdin(&path)
    } else {
        replace_with_stdin(&path)
    };
    match result {
        Ok(bytes) => {
            eprintln!("wrote {bytes} bytes to {path}");
            exit(EXIT_SUCCESS);
        }
        Err((shown_path, err)) => {
            TOOL.report(shown_path, &err);
            exit(EXIT_FAILURE);
        }
    }
}

fn parse_args() -> (bool, String) {
    use lexopt::prelude::*;

    let mut append = false;
    let mut paths = Vec::new();
    let mut parser = lexopt::Parser::from_env();
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(err) => TOOL.usage_error(err),
        };
        match arg {
            Short('a') | Long("append") => append = true,
            Value(value) => match value.into_string() {
                Ok(path) => paths.push(path),
                Err(raw) => TOOL.usage_error(format_args!("path is not valid UTF-8: {raw:?}")),
            },
            other => TOOL.reject(other),
        }
    }
    match <[String; 1]>::try_from(paths) {
        Ok([path]) => (append, path),
        Err(paths) if paths.is_empty() => TOOL.usage_error("missing PATH"),
        Err(paths) => TOOL.usage_error(format_args!("expected one PATH, got {}", paths.len())),
    }
}

/// Appends stdin to `path`. Returns the byte count, or the path to blame and the error.
fn append_stdin(path: &str) -> Result<u64, (String, io::Error)> {
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|err| (path.to_string(), err))?;
    copy_stdin(&mut file).map_err(|err| match err {
        CopyError::Read(err) => ("standard input".to_string(), err),
        CopyError::Write(err) => (path.to_string(), err),
    })
}

/// Writes stdin to a temporary file beside `path` and renames it over `path`. Returns the
/// byte count, or the path to blame and the error.
fn replace_with_stdin(path: &str) -> Result<u64, (String, io::Error)> {
    let blame_path = |err: io::Error| (path.to_string(), err);
    let target = resolve_symlinks(Path::new(path)).map_err(blame_path)?;
    let target = target.as_path();
    // Checked first so that a directory target fails before stdin is consumed.
    if fs::metadata(target).is_ok_and(|metadata| metadata.is_dir()) {
        return Err(blame_path(io::Error::new(
            io::ErrorKind::IsADirectory,
            "Is a directory",
        )));
    }
    let Some(file_name) = target.file_name() else {
        return Err(blame_path(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name: give a path that ends in a file name",
        )));
    };

    let (temporary_path, mut file) = create_temporary(target, &file_name.to_string_lossy()).map_err(blame_path)?;
    let copied = copy_stdin(&mut file);
    drop(file);
    let result = match copied {
        Ok(bytes) => fs::rename(&temporary_path, target).map(|()| bytes).map_err(blame_path),
        Err(CopyError::Read(err)) => Err(("standard input".to_string(), err)),
        Err(CopyError::Write(err)) => Err(blame_path(err)),
    };
    if result.is_err() {
        // Best effort: the error that matters to the caller is the one being returned.
        let _ = fs::remove_file(&temporary_path);
    }
    result
}

/// Follows symlinks from `path` until it names something that is not a symlink, or
/// nothing. Renaming over the link itself would replace it with a regular file.
fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link_target = fs::read_link(&current)?;
                // A relative target is relative to the directory that contains the link.
                current = match current.parent() {
                    Some(parent) if link_target.is_relative() => parent.join(link_target),
                    _ => link_target,
                };
            }
            Ok(_) => return Ok(current),
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("more than {MAX_SYMLINK_HOPS} levels of symlinks"),
    ))
}

/// Creates a new file named `.NAME.RANDOM.tmp` in the directory of `target`. `create_new`
/// guarantees no existing file is reused.
fn create_temporary(target: &Path, file_name: &str) -> io::Result<(PathBuf, File)> {
    let directory = target.parent().unwrap_or(Path::new(""));
    let mut last_error = None;
    for _ in 0..TEMPORARY_NAME_ATTEMPTS {
        let temporary_path = directory.join(format!(".{file_name}.{:016x}.tmp", random_u64()));
        match OpenOptions::new().write(true).create_new(true).open(&temporary_path) {
            Ok(file) => return Ok((temporary_path, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// Returns a random number from the hash seed `std` draws from the host's random source,
/// which avoids a dependency only for temporary names.
fn random_u64() -> u64 {
    RandomState::new().build_hasher().finish()
}

fn copy_stdin(file: &mut File) -> Result<u64, CopyError> {
    let mut stdin = io::stdin().lock();
    let mut buffer = vec![0u8; COPY_BUFFER_BYTES];
    let mut total: u64 = 0;
    loop {
        let count = match stdin.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(CopyError::Read(err)),
        };
        file.write_all(&buffer[..count]).map_err(CopyError::Write)?;
        total += count as u64;
    }
    file.flush().map_err(CopyError::Write)?;
    Ok(total)
}
