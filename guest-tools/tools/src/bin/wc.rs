//! `wc [-l] [-w] [-c] [FILE...]`: counts newlines, words and bytes, like GNU wc.
//!
//! With no option it prints all three counts, always in the order lines, words, bytes.
//! With no FILE, or where FILE is `-`, it reads stdin. Several files get a `total` line.
//! Words are counted as GNU wc 9 counts them in a UTF-8 locale: a word starts at a printable
//! character and ends at whitespace, while control characters and bytes that are not valid
//! UTF-8 neither start nor end one. The column width
//! follows GNU wc: one count for one input is printed unpadded, otherwise the width fits
//! the summed size of the regular files, and is at least 7 when an input is not a regular
//! file, such as stdin.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::ops::AddAssign;

use cordon_guest_tools::{EXIT_FAILURE, EXIT_SUCCESS, Tool, exit};

const TOOL: Tool = Tool {
    name: "wc",
    usage: "wc [-l] [-w] [-c] [FILE...]",
    help: "Print newline, word and byte counts for each FILE, and a total line for several FILEs.
With no FILE, or when FILE is -, read standard input.

  -l, --lines   print the newline count
  -w, --words   print the word count (runs of non-whitespace bytes)
  -c, --bytes   print the byte count
      --help    print this help
",
};

/// Size of each read from an input.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Column width GNU wc uses when an input is not a regular file, so its size is unknown.
const UNKNOWN_SIZE_WIDTH: usize = 7;

struct Selection {
    lines: bool,
    words: bool,
    bytes: bool,
}

impl Selection {
    fn count(&self) -> usize {
        [self.lines, self.words, self.bytes]
            .iter()
            .filter(|&&selected| selected)
            .count()
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    lines: u64,
    words: u64,
    bytes: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.lines += other.lines;
        self.words += other.words;
        self.bytes += other.bytes;
    }
}

fn main() {
    TOOL.adopt_initial_cwd();
    let (selection, files) = parse_args();
    let width = column_width(&selection, &files);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut status = EXIT_SUCCESS;
    let mut total = Counts::default();

    let inputs: Vec<Option<&str>> = if files.is_empty() {
        vec![None]
    } else {
        files.iter().map(|file| Some(file.as_str())).collect()
    };
    for name in &inputs {
        let (counts, error) = count_input(*name);
        if let Some(err) = error {
            TOOL.report(name.unwrap_or("standard input"), &err);
            status = EXIT_FAILURE;
        }
        // GNU wc prints the counts gathered before a read error, but nothing for an input
        // that could not be opened.
        if let Some(counts) = counts {
            total += counts;
            if let Err(err) = write_counts(&mut out, &selection, width, counts, *name) {
                TOOL.stdout_failed(&err, EXIT_FAILURE);
            }
        }
    }
    if inputs.len() > 1
        && let Err(err) = write_counts(&mut out, &selection, width, total, Some("total"))
    {
        TOOL.stdout_failed(&err, EXIT_FAILURE);
    }

    if let Err(err) = out.flush() {
        TOOL.stdout_failed(&err, EXIT_FAILURE);
    }
    exit(status);
}

fn parse_args() -> (Selection, Vec<String>) {
    use lexopt::prelude::*;

    let mut selection = Selection {
        lines: false,
        words: false,
        bytes: false,
    };
    let mut files = Vec::new();
    let mut parser = lexopt::Parser::from_env();
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(err) => TOOL.usage_error(err),
        };
        match arg {
            Short('l') | Long("lines") => selection.lines = true,
            Short('w') | Long("words") => selection.words = true,
            Short('c') | Long("bytes") => selection.bytes = true,
            Value(value) => match value.into_string() {
                Ok(file) => files.push(file),
                Err(raw) => TOOL.usage_error(format_args!("path is not valid UTF-8: {raw:?}")),
            },
            other => TOOL.reject(other),
        }
    }
    if selection.count() == 0 {
        selection = Selection {
            lines: true,
            words: true,
            bytes: true,
        };
    }
    (selection, files)
}

/// Computes the column width the way GNU wc does, from the inputs' metadata before any is
/// read.
fn column_width(selection: &Selection, files: &[String]) -> usize {
    let single_input = files.len() <= 1;
    if single_input && selection.count() == 1 {
        return 1;
    }
    if files.is_empty() {
        return UNKNOWN_SIZE_WIDTH;
    }

    let mut minimum = 1;
    let mut regular_total: u64 = 0;
    for file in files {
        if file == "-" {
            minimum = UNKNOWN_SIZE_WIDTH;
            continue;
        }
        match fs::metadata(file) {
            Ok(metadata) if metadata.is_file() => regular_total += metadata.len(),
            Ok(_) => minimum = UNKNOWN_SIZE_WIDTH,
            // Like GNU wc, leave out an input that cannot be examined. Opening it fails
            // later with an error.
            Err(_) => {}
        }
    }
    regular_total.to_string().len().max(minimum)
}

/// Counts one input, `None` meaning stdin. Returns the counts, or `None` when the input
/// could not be opened, together with the error that stopped the count, if any.
fn count_input(name: Option<&str>) -> (Option<Counts>, Option<io::Error>) {
    match name {
        None | Some("-") => {
            let (counts, error) = count(&mut io::stdin().lock());
            (Some(counts), error)
        }
        Some(path) => match File::open(path) {
            Ok(mut file) => {
                let (counts, error) = count(&mut file);
                (Some(counts), error)
            }
            Err(err) => (None, Some(err)),
        },
    }
}

fn count(input: &mut impl Read) -> (Counts, Option<io::Error>) {
    let mut counts = Counts::default();
    let mut words = WordCounter::default();
    let mut buffer = vec![0u8; READ_BUFFER_BYTES];
    loop {
        let filled = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(filled) => filled,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                counts.words = words.count;
                return (counts, Some(err));
            }
        };
        let chunk = &buffer[..filled];
        counts.bytes += filled as u64;
        counts.lines += chunk.iter().filter(|&&byte| byte == b'\n').count() as u64;
        words.scan(chunk);
    }
    counts.words = words.count;
    (counts, None)
}

/// Counts words across reads, carrying a UTF-8 sequence that a read split in two.
#[derive(Default)]
struct WordCounter {
    count: u64,
    in_word: bool,
    /// Start of a multi-byte character at the end of the previous read.
    partial: Vec<u8>,
}

impl WordCounter {
    fn scan(&mut self, chunk: &[u8]) {
        let joined;
        let mut bytes = if self.partial.is_empty() {
            chunk
        } else {
            let mut data = std::mem::take(&mut self.partial);
            data.extend_from_slice(chunk);
            joined = data;
            &joined[..]
        };

        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    self.scan_text(text);
                    return;
                }
                Err(err) => {
                    let (valid, rest) = bytes.split_at(err.valid_up_to());
                    // SAFETY: from_utf8 reported these bytes as valid UTF-8.
                    self.scan_text(unsafe { std::str::from_utf8_unchecked(valid) });
                    match err.error_len() {
                        // Invalid bytes neither start nor end a word.
                        Some(invalid) => bytes = &rest[invalid..],
                        None => {
                            self.partial = rest.to_vec();
                            return;
                        }
                    }
                }
            }
        }
    }

    fn scan_text(&mut self, text: &str) {
        for character in text.chars() {
            if is_word_separator(character) {
                self.in_word = false;
            } else if !character.is_control() && !self.in_word {
                self.in_word = true;
                self.count += 1;
            }
        }
    }
}

/// Word separators as GNU wc 9.1 has them with glibc: Unicode white space except U+0085
/// (next line), which glibc treats as a control character, plus the word joiner U+2060.
/// The no-break spaces U+00A0, U+2007 and U+202F separate words too.
fn is_word_separator(character: char) -> bool {
    (character.is_whitespace() && character != '\u{85}') || character == '\u{2060}'
}

fn write_counts(
    out: &mut impl Write,
    selection: &Selection,
    width: usize,
    counts: Counts,
    name: Option<&str>,
) -> io::Result<()> {
    let columns = [
        (selection.lines, counts.lines),
        (selection.words, counts.words),
        (selection.bytes, counts.bytes),
    ];
    let mut first = true;
    for (selected, value) in columns {
        if !selected {
            continue;
        }
        if !first {
            write!(out, " ")?;
        }
        write!(out, "{value:>width$}")?;
        first = false;
    }
    match name {
        // GNU wc prints no name for stdin when no FILE was given, and `-` when it was.
        Some(name) => writeln!(out, " {name}"),
        None => writeln!(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_words(chunks: &[&[u8]]) -> u64 {
        let mut words = WordCounter::default();
        for chunk in chunks {
            words.scan(chunk);
        }
        words.count
    }

    #[test]
    fn words_split_on_whitespace() {
        assert_eq!(count_words(&[b"one  two\tthree\n\nfour"]), 4);
    }

    #[test]
    fn words_ignore_control_and_invalid_bytes() {
        assert_eq!(count_words(&[b"a\0b \x01 \xff z\n"]), 2);
    }

    #[test]
    fn words_survive_split_character() {
        let text = "caf\u{e9} \u{e9}t\u{e9}".as_bytes();
        for split in 0..text.len() {
            let (first, second) = text.split_at(split);
            assert_eq!(count_words(&[first, second]), 2, "split at byte {split}");
        }
    }

    #[test]
    fn words_split_on_no_break_space() {
        assert_eq!(count_words(&["x\u{a0}y z".as_bytes()]), 3);
    }
}
