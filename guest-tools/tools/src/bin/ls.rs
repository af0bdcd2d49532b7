//! `ls [-l] [-a] [-1] [PATH...]`: lists directory entries sorted by name, one per line.
//!
//! With no PATH it lists `.`. A file operand prints its own name. With several operands,
//! files come first and each directory follows under a `DIR:` header, as GNU ls prints
//! them. `-l` adds the entry type (`d`, `-`, `l`, or `?` for other kinds) and the size in
//! bytes, and shows a symlink's target after ` -> `. `-a` includes names that start with
//! a dot, but not the `.` and `..` entries, because a directory listing read through WASI
//! does not contain them. `-1` is accepted for compatibility: the output is always one
//! entry per line.

use std::fs::{self, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use cordon_guest_tools::{EXIT_FAILURE, EXIT_SUCCESS, Tool, exit};

const TOOL: Tool = Tool {
    name: "ls",
    usage: "ls [-l] [-a] [-1] [PATH...]",
    help: "List directory entries sorted by name, or the name of a file operand.

  -l, --long   show type (d directory, - file, l symlink, ? other), size in bytes, name
  -a, --all    include entries whose names start with a dot
  -1           one entry per line (always the case)
      --help   print this help
",
};

struct Options {
    long: bool,
    all: bool,
}

/// One line of output: a name together with the metadata that `-l` shows.
struct Entry {
    name: String,
    metadata: Option<Metadata>,
    link_target: Option<String>,
}

fn main() {
    TOOL.adopt_initial_cwd();
    let (options, paths) = parse_args();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());

    let status = match list_operands(&options, &paths, &mut out).and_then(|ok| {
        out.flush()?;
        Ok(ok)
    }) {
        Ok(true) => EXIT_SUCCESS,
        Ok(false) => EXIT_FAILURE,
        Err(err) => TOOL.stdout_failed(&err, EXIT_FAILURE),
    };
    exit(status);
}

fn parse_args() -> (Options, Vec<String>) {
    use lexopt::prelude::*;

    let mut options = Options {
        long: false,
        all: false,
    };
    let mut paths = Vec::new();
    let mut parser = lexopt::Parser::from_env();
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(err) => TOOL.usage_error(err),
        };
        match arg {
            Short('l') | Long("long") => options.long = true,
            Short('a') | Long("all") => options.all = true,
            Short('1') => {}
            Value(value) => match value.into_string() {
                Ok(path) => paths.push(path),
                Err(raw) => TOOL.usage_error(format_args!("path is not valid UTF-8: {raw:?}")),
            },
            other => TOOL.reject(other),
        }
    }
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    (options, paths)
}

/// Lists every operand, files first, then directories. Returns `Ok(false)` when an operand
/// or entry could not be read, and `Err` only when writing to stdout failed.
fn list_operands(options: &Options, paths: &[String], out: &mut impl Write) -> io::Result<bool> {
    let mut all_ok = true;
    let mut files = Vec::new();
    let mut directories = Vec::new();

    for path in paths {
        match operand_metadata(options, path) {
            Ok(metadata) if metadata.is_dir() => directories.push(path.clone()),
            Ok(metadata) => files.push(describe(options, path, Path::new(path), metadata)),
            Err(err) => {
                TOOL.report(path, &err);
                all_ok = false;
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    directories.sort();

    write_entries(options, &files, out)?;
    let show_headers = paths.len() > 1;
    for (index, directory) in directories.iter().enumerate() {
        if show_headers {
            if index > 0 || !files.is_empty() {
                writeln!(out)?;
            }
            writeln!(out, "{directory}:")?;
        }
        all_ok &= list_directory(options, directory, out)?;
    }
    Ok(all_ok)
}

/// Returns the metadata that decides how an operand is shown. Like GNU ls, a symlink
/// operand is followed unless `-l` is given, so `ls link-to-dir` lists the directory.
fn operand_metadata(options: &Options, path: &str) -> io::Result<Metadata> {
    if options.long {
        return fs::symlink_metadata(path);
    }
    fs::metadata(path).or_else(|_| fs::symlink_metadata(path))
}

fn list_directory(options: &Options, directory: &str, out: &mut impl Write) -> io::Result<bool> {
    let mut all_ok = true;
    let reader = match fs::read_dir(directory) {
        Ok(reader) => reader,
        Err(err) => {
            TOOL.report(directory, &err);
            return Ok(false);
        }
    };

    let mut entries = Vec::new();
    for item in reader {
        let item = match item {
            Ok(item) => item,
            Err(err) => {
                TOOL.report(directory, &err);
                all_ok = false;
                continue;
            }
        };
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && !options.all {
            continue;
        }
        let path = item.path();
        if !options.long {
            entries.push(Entry {
                name,
                metadata: None,
                link_target: None,
            });
            continue;
        }
        // DirEntry::metadata does not follow symlinks, which is what `-l` shows.
        match item.metadata() {
            Ok(metadata) => entries.push(describe(options, &name, &path, metadata)),
            Err(err) => {
                TOOL.report(path.display(), &err);
                all_ok = false;
            }
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));

    write_entries(options, &entries, out)?;
    Ok(all_ok)
}

fn describe(options: &Options, name: &str, path: &Path, metadata: Metadata) -> Entry {
    let link_target = if options.long && metadata.file_type().is_symlink() {
        fs::read_link(path)
            .ok()
            .map(|target| target.to_string_lossy().into_owned())
    } else {
        None
    };
    Entry {
        name: name.to_string(),
        metadata: Some(metadata),
        link_target,
    }
}

fn write_entries(options: &Options, entries: &[Entry], out: &mut impl Write) -> io::Result<()> {
    if !options.long {
        for entry in entries {
            writeln!(out, "{}", entry.name)?;
        }
        return Ok(());
    }

    let size_width = entries
        .iter()
        .filter_map(|entry| entry.metadata.as_ref())
        .map(|metadata| metadata.len().to_string().len())
        .max()
        .unwrap_or(1);
    for entry in entries {
        let Some(metadata) = &entry.metadata else { continue };
        let kind = type_letter(metadata);
        let size = metadata.len();
        write!(out, "{kind} {size:>size_width$} {}", entry.name)?;
        if let Some(target) = &entry.link_target {
            write!(out, " -> {target}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn type_letter(metadata: &Metadata) -> char {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        'd'
    } else if file_type.is_symlink() {
        'l'
    } else if file_type.is_file() {
        '-'
    } else {
        '?'
    }
}
