//! `find [PATH...] [-name GLOB] [-type f|d|l] [-maxdepth N]`: prints the paths under each
//! PATH that pass every test, one per line.
//!
//! With no PATH it walks `.`. The walk visits each directory's entries in name order and
//! never follows symlinks, including a symlink given as PATH. `-name` matches the last
//! path component against a shell glob, where `*` and `?` also match a leading dot, as
//! in GNU find. `-type` accepts a comma-separated list such as `f,d`. Repeated tests must
//! all pass. Unreadable directories are reported and the walk goes on, with exit status 1.

use std::io::{self, BufWriter, Write};

use cordon_guest_tools::{EXIT_FAILURE, EXIT_SUCCESS, Tool, exit, parse_count};
use globset::{GlobBuilder, GlobMatcher};
use walkdir::{DirEntry, WalkDir};

const TOOL: Tool = Tool {
    name: "find",
    usage: "find [PATH...] [-name GLOB] [-type f|d|l] [-maxdepth N]",
    help: "Print the paths under each PATH (default .) that pass every test. Symlinks are not followed.

  -name GLOB     last path component matches the shell pattern GLOB (*, ?, [...])
  -type f|d|l    regular file, directory or symlink; a list such as f,d accepts any of them
  -maxdepth N    descend at most N levels below each PATH (0 tests only PATH itself)
  --help         print this help
",
};

/// One kind accepted by `-type`.
#[derive(Clone, Copy, PartialEq)]
enum EntryKind {
    File,
    Directory,
    Symlink,
}

struct Query {
    roots: Vec<String>,
    name_globs: Vec<GlobMatcher>,
    /// Each element comes from one `-type` test, and an entry must match one kind of each.
    kind_tests: Vec<Vec<EntryKind>>,
    max_depth: Option<usize>,
}

fn main() {
    TOOL.adopt_initial_cwd();
    let query = parse_args(std::env::args().skip(1).collect());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut status = EXIT_SUCCESS;

    for root in &query.roots {
        let mut walker = WalkDir::new(root)
            .follow_links(false)
            .follow_root_links(false)
            .sort_by_file_name();
        if let Some(max_depth) = query.max_depth {
            walker = walker.max_depth(max_depth);
        }
        for item in walker {
            let entry = match item {
                Ok(entry) => entry,
                Err(err) => {
                    TOOL.report_walk_error(root, &err);
                    status = EXIT_FAILURE;
                    continue;
                }
            };
            if query.accepts(&entry)
                && let Err(err) = writeln!(out, "{}", entry.path().display())
            {
                TOOL.stdout_failed(&err, EXIT_FAILURE);
            }
        }
    }

    if let Err(err) = out.flush() {
        TOOL.stdout_failed(&err, EXIT_FAILURE);
    }
    exit(status);
}

/// Parses arguments the way find does: leading arguments that do not start with `-` are
/// the paths, and the rest is the expression. lexopt does not fit because `-name` is a
/// single option, not the flags `-n -a -m -e`.
fn parse_args(args: Vec<String>) -> Query {
    let mut query = Query {
        roots: Vec::new(),
        name_globs: Vec::new(),
        kind_tests: Vec::new(),
        max_depth: None,
    };
    let mut args = args.into_iter().peekable();

    while let Some(arg) = args.next_if(|arg| !arg.starts_with('-') || arg == "-") {
        query.roots.push(arg);
    }
    while let Some(arg) = args.next() {
        let mut value = |option: &str| match args.next() {
            Some(value) => value,
            None => TOOL.usage_error(format_args!("missing argument to {option}")),
        };
        match arg.as_str() {
            "-name" => query.name_globs.push(compile_glob(&value("-name"))),
            "-type" => query.kind_tests.push(parse_kinds(&value("-type"))),
            "-maxdepth" => query.max_depth = Some(parse_count(&TOOL, "-maxdepth", &value("-maxdepth"))),
            "--help" | "-help" => TOOL.print_help(),
            other if other.starts_with('-') => TOOL.usage_error(format_args!("unknown predicate '{other}'")),
            other => TOOL.usage_error(format_args!("path '{other}' must come before the expression")),
        }
    }
    if query.roots.is_empty() {
        query.roots.push(".".to_string());
    }
    query
}

fn compile_glob(pattern: &str) -> GlobMatcher {
    // literal_separator keeps `*` from matching `/`. A file name never contains one, so
    // it only matters for a pattern that does, which matches nothing, as in GNU find.
    match GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
    {
        Ok(glob) => glob.compile_matcher(),
        Err(err) => TOOL.usage_error(format_args!("invalid -name pattern '{pattern}': {err}")),
    }
}

fn parse_kinds(list: &str) -> Vec<EntryKind> {
    list.split(',')
        .map(|letter| match letter {
            "f" => EntryKind::File,
            "d" => EntryKind::Directory,
            "l" => EntryKind::Symlink,
            other => TOOL.usage_error(format_args!(
                "unknown argument to -type: '{other}' (expected f, d or l)"
            )),
        })
        .collect()
}

impl Query {
    fn accepts(&self, entry: &DirEntry) -> bool {
        let file_type = entry.file_type();
        let kind = if file_type.is_symlink() {
            Some(EntryKind::Symlink)
        } else if file_type.is_dir() {
            Some(EntryKind::Directory)
        } else if file_type.is_file() {
            Some(EntryKind::File)
        } else {
            None
        };
        let kinds_pass = self
            .kind_tests
            .iter()
            .all(|kinds| kind.is_some_and(|kind| kinds.contains(&kind)));
        if !kinds_pass {
            return false;
        }

        // The name of a root such as `.` or `dir/` is its last component, as find uses.
        let name = entry.file_name().to_string_lossy();
        self.name_globs.iter().all(|glob| glob.is_match(name.as_ref()))
    }
}
