//! `grep [-r] [-n] [-i] [-l] [-c] [-v] [-F] [-e PATTERN] PATTERN [PATH...]`: prints the
//! lines that match a pattern, in Rust `regex` syntax.
//!
//! Output follows GNU grep: `PATH:` prefixes each line when there are several operands or
//! a directory is searched with `-r`, and `-n` adds the line number after it. With no PATH
//! it reads stdin, or searches `.` with `-r`, in which case paths are printed without the
//! leading `./`. While recursing it skips symlinks and files that are not valid UTF-8,
//! without an error. A non-UTF-8 file named as an operand is searched, and a match is
//! reported on stderr as `grep: PATH: binary file matches` instead of its lines, as GNU
//! grep 3.5 and later do. Exit status: 0 if a line was selected, 1 if none was, 2 on any
//! error (invalid pattern, unreadable path).

use std::fs;
use std::io::{self, BufWriter, Read, Write};

use cordon_guest_tools::{Tool, exit};
use regex::bytes::{Regex, RegexBuilder};
use walkdir::WalkDir;

const TOOL: Tool = Tool {
    name: "grep",
    usage: "grep [-r] [-n] [-i] [-l] [-c] [-v] [-F] [-e PATTERN] PATTERN [PATH...]",
    help: "Print lines of each PATH that match PATTERN (Rust regex syntax).
With no PATH, read standard input, or search the current directory with -r.

  -e, --regexp PATTERN      use PATTERN; may be repeated, and a line matching any is selected
  -F, --fixed-strings       treat PATTERN as a literal string
  -i, --ignore-case         ignore case
  -v, --invert-match        select the lines that do not match
  -n, --line-number         print each line's number
  -c, --count               print the number of selected lines per file
  -l, --files-with-matches  print only the names of files with a selected line
  -r, --recursive           search directories; symlinks and non-UTF-8 files met while
                            recursing are skipped
      --help                print this help

Exit status: 0 if a line was selected, 1 if none was, 2 on an error.
",
};

/// Exit status when at least one line was selected.
const EXIT_SELECTED: i32 = 0;
/// Exit status when no line was selected and no error occurred.
const EXIT_NONE_SELECTED: i32 = 1;
/// Exit status for any error, including usage errors, as in GNU grep.
const EXIT_ERROR: i32 = 2;

/// Name GNU grep uses for stdin in `-c` and `-l` output.
const STDIN_NAME: &str = "(standard input)";

struct Options {
    recursive: bool,
    line_numbers: bool,
    ignore_case: bool,
    files_with_matches: bool,
    count: bool,
    invert: bool,
    fixed_strings: bool,
    patterns: Vec<String>,
    paths: Vec<String>,
    /// True when `-r` was given without a PATH, so `.` is searched and printed paths drop
    /// their `./` prefix.
    implicit_current_dir: bool,
}

fn main() {
    TOOL.adopt_initial_cwd();
    let options = parse_args();
    let regex = match build_regex(&options) {
        Ok(regex) => regex,
        Err(err) => {
            TOOL.warn(format_args!("invalid pattern: {err}"));
            exit(EXIT_ERROR);
        }
    };

    let stdout = io::stdout();
    let mut searcher = Searcher {
        options: &options,
        regex,
        out: BufWriter::new(stdout.lock()),
        show_names: options.paths.len() > 1,
        any_selected: false,
        had_error: false,
    };
    let result = options
        .paths
        .iter()
        .try_for_each(|path| searcher.search_operand(path))
        .and_then(|()| searcher.out.flush());
    if let Err(err) = result {
        TOOL.stdout_failed(&err, EXIT_ERROR);
    }

    let status = if searcher.had_error {
        EXIT_ERROR
    } else if searcher.any_selected {
        EXIT_SELECTED
    } else {
        EXIT_NONE_SELECTED
    };
    exit(status);
}

fn parse_args() -> Options {
    use lexopt::prelude::*;

    let mut options = Options {
        recursive: false,
        line_numbers: false,
        ignore_case: false,
        files_with_matches: false,
        count: false,
        invert: false,
        fixed_strings: false,
        patterns: Vec::new(),
        paths: Vec::new(),
        implicit_current_dir: false,
    };
    let mut operands = Vec::new();
    let mut parser = lexopt::Parser::from_env();
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(err) => TOOL.usage_error(err),
        };
        match arg {
            Short('r') | Long("recursive") => options.recursive = true,
            Short('n') | Long("line-number") => options.line_numbers = true,
            Short('i') | Long("ignore-case") => options.ignore_case = true,
            Short('l') | Long("files-with-matches") => options.files_with_matches = true,
            Short('c') | Long("count") => options.count = true,
            Short('v') | Long("invert-match") => options.invert = true,
            Short('F') | Long("fixed-strings") => options.fixed_strings = true,
            Short('e') | Long("regexp") => {
                let value = parser.value().unwrap_or_else(|err| TOOL.usage_error(err));
                options.patterns.push(into_utf8(value));
            }
            Value(value) => operands.push(into_utf8(value)),
            other => TOOL.reject(other),
        }
    }

    let mut operands = operands.into_iter();
    if options.patterns.is_empty() {
        match operands.next() {
            Some(pattern) => options.patterns.push(pattern),
            None => TOOL.usage_error("missing PATTERN"),
        }
    }
    options.paths = operands.collect();
    if options.paths.is_empty() {
        if options.recursive {
            options.paths.push(".".to_string());
            options.implicit_current_dir = true;
        } else {
            options.paths.push("-".to_string());
        }
    }
    options
}

fn into_utf8(value: std::ffi::OsString) -> String {
    value
        .into_string()
        .unwrap_or_else(|raw| TOOL.usage_error(format_args!("argument is not valid UTF-8: {raw:?}")))
}

/// Combines every pattern into one regex. Each `-e` value, and each line of a value that
/// contains newlines, is an alternative, as in GNU grep.
fn build_regex(options: &Options) -> Result<Regex, regex::Error> {
    let alternatives: Vec<String> = options
        .patterns
        .iter()
        .flat_map(|pattern| pattern.split('\n'))
        .map(|pattern| {
            if options.fixed_strings {
                regex::escape(pattern)
            } else {
                pattern.to_string()
            }
        })
        .collect();
    let combined = match alternatives.as_slice() {
        [single] => single.clone(),
        several => several
            .iter()
            .map(|pattern| format!("(?:{pattern})"))
            .collect::<Vec<_>>()
            .join("|"),
    };
    RegexBuilder::new(&combined)
        .case_insensitive(options.ignore_case)
        .build()
}

/// Treatment of a file whose contents are not valid UTF-8.
#[derive(Clone, Copy, PartialEq)]
enum BinaryFiles {
    /// Search it and report `binary file matches` on stderr in place of its lines.
    Report,
    /// Skip it silently, as recursion does.
    Skip,
}

struct Searcher<'a, W: Write> {
    options: &'a Options,
    regex: Regex,
    out: W,
    show_names: bool,
    any_selected: bool,
    had_error: bool,
}

impl<W: Write> Searcher<'_, W> {
    /// Searches one command-line operand. Read errors are reported and remembered, and
    /// only a failed write to stdout is returned as `Err`.
    fn search_operand(&mut self, operand: &str) -> io::Result<()> {
        if operand == "-" {
            let mut data = Vec::new();
            if let Err(err) = io::stdin().lock().read_to_end(&mut data) {
                self.fail("standard input", &err);
                return Ok(());
            }
            return self.search_data(STDIN_NAME, &data, BinaryFiles::Report);
        }

        // fs::metadata follows a symlink operand, as GNU grep does for command-line paths.
        let metadata = match fs::metadata(operand) {
            Ok(metadata) => metadata,
            Err(err) => {
                self.fail(operand, &err);
                return Ok(());
            }
        };
        if metadata.is_dir() {
            if !self.options.recursive {
                TOOL.warn(format_args!("{operand}: Is a directory"));
                self.had_error = true;
                return Ok(());
            }
            self.show_names = true;
            return self.search_tree(operand);
        }
        match fs::read(operand) {
            Ok(data) => self.search_data(operand, &data, BinaryFiles::Report),
            Err(err) => {
                self.fail(operand, &err);
                Ok(())
            }
        }
    }

    /// Searches every regular file under `root` in name order, without following symlinks.
    fn search_tree(&mut self, root: &str) -> io::Result<()> {
        let walker = WalkDir::new(root).follow_links(false).sort_by_file_name();
        for item in walker {
            let entry = match item {
                Ok(entry) => entry,
                Err(err) => {
                    TOOL.report_walk_error(root, &err);
                    self.had_error = true;
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                // The walker descends into directories by itself. Symlinks and special
                // files met while recursing are not searched.
                continue;
            }

            let path = entry.path().display().to_string();
            let display_path = match path.strip_prefix("./") {
                Some(rest) if self.options.implicit_current_dir => rest.to_string(),
                _ => path.clone(),
            };
            match fs::read(entry.path()) {
                Ok(data) => self.search_data(&display_path, &data, BinaryFiles::Skip)?,
                Err(err) => self.fail(&display_path, &err),
            }
        }
        Ok(())
    }

    fn search_data(&mut self, name: &str, data: &[u8], binary_files: BinaryFiles) -> io::Result<()> {
        let binary = std::str::from_utf8(data).is_err();
        if binary && binary_files == BinaryFiles::Skip {
            return Ok(());
        }
        let print_lines = !binary && !self.options.count && !self.options.files_with_matches;

        let mut selected_count: u64 = 0;
        for (index, line) in lines(data).enumerate() {
            if self.regex.is_match(line) == self.options.invert {
                continue;
            }
            selected_count += 1;
            if self.options.files_with_matches {
                break;
            }
            if print_lines {
                self.write_line(name, index + 1, line)?;
            }
        }
        if selected_count > 0 {
            self.any_selected = true;
        }

        if self.options.files_with_matches {
            if selected_count > 0 {
                writeln!(self.out, "{name}")?;
            }
        } else if self.options.count {
            if self.show_names {
                write!(self.out, "{name}:")?;
            }
            writeln!(self.out, "{selected_count}")?;
        } else if binary && selected_count > 0 {
            // Flushed first so the notice follows the lines of earlier files.
            self.out.flush()?;
            TOOL.warn(format_args!("{name}: binary file matches"));
        }
        Ok(())
    }

    fn write_line(&mut self, name: &str, number: usize, line: &[u8]) -> io::Result<()> {
        if self.show_names {
            write!(self.out, "{name}:")?;
        }
        if self.options.line_numbers {
            write!(self.out, "{number}:")?;
        }
        self.out.write_all(line)?;
        self.out.write_all(b"\n")
    }

    fn fail(&mut self, path: &str, err: &io::Error) {
        TOOL.report(path, err);
        self.had_error = true;
    }
}

/// Splits data into lines without their `\n`. A final line without a newline still counts,
/// and empty data has no lines.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let empty = data.is_empty();
    body.split(|&byte| byte == b'\n').filter(move |_| !empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_empty_data() {
        assert_eq!(lines(b"").count(), 0);
    }

    #[test]
    fn lines_keep_unterminated_last_line() {
        let collected: Vec<&[u8]> = lines(b"a\n\nb").collect();
        assert_eq!(collected, [&b"a"[..], b"", b"b"]);
    }

    #[test]
    fn lines_drop_final_newline_only() {
        let collected: Vec<&[u8]> = lines(b"a\n\n").collect();
        assert_eq!(collected, [&b"a"[..], b""]);
    }
}
