//! `measure`: a typed tool that counts the lines, words, bytes and characters of a text or a workspace file.
//!
//! The component exports one function, `measure`, from the WIT world `cordon:measure/measure`, which includes
//! `cordon:tool/tool`. The host converts each call's JSON arguments to a `source` and a `measures` value and the
//! returned `stats` record or `tool-error` back to JSON. Written as WAVE values, as `wasmtime run --invoke` takes
//! them, a call is `measure(file("README.md"), {lines, longest-line})`. A file is read through the workspace
//! directory that the call's policy preopens, one line at a time.

mod counter;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use counter::Counter;

/// Bindings for the `cordon:measure/measure` world.
mod bindings {
    wit_bindgen::generate!({
        world: "cordon:measure/measure",
        // The shared `cordon:tool` package comes first, because a later path may depend on an earlier one.
        path: ["../../../wit/cordon-tool", "wit"],
        generate_all,
    });
}

use bindings::{Guest, Measures, Source, Stats, ToolError};
use typed_workspace as workspace;

workspace::convert_tool_error!(ToolError);

struct MeasureTool;

impl Guest for MeasureTool {
    fn measure(source: Source, measures: Measures) -> Result<Stats, ToolError> {
        workspace::enter_initial_cwd()?;
        run(&source, measures)
    }
}

bindings::export!(MeasureTool with_types_in bindings);

/// Checks the request and measures the text or the file.
fn run(source: &Source, measures: Measures) -> Result<Stats, ToolError> {
    if measures.is_empty() {
        return Err(ToolError::InvalidInput(
            "no measure requested: ask for at least one measure (lines, words, bytes, chars, longest-line)".to_string(),
        ));
    }

    let mut counter = Counter::new(measures);
    match source {
        Source::Text(text) => counter.add_text(text),
        Source::File(path) => {
            let path = workspace::resolve(path)?;
            add_file(&mut counter, &path)?;
        }
    }
    counter.finish()
}

/// Adds the lines of the file at `path` to `counter`, reading one line at a time so that only the longest line has
/// to fit in memory whole.
fn add_file(counter: &mut Counter, path: &Path) -> Result<(), ToolError> {
    let metadata = std::fs::metadata(path).map_err(|err| workspace::io_error(path, &err))?;
    if !metadata.is_file() {
        return Err(ToolError::InvalidInput(format!(
            "{} is not a file: name a file to measure",
            path.display()
        )));
    }
    let file = File::open(path).map_err(|err| workspace::io_error(path, &err))?;

    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut number: u64 = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|err| workspace::io_error(path, &err))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;

        // A line break never occurs inside a UTF-8 sequence, so each line can be checked on its own.
        let text = std::str::from_utf8(&line).map_err(|_| {
            ToolError::InvalidInput(format!(
                "{}: line {number} is not UTF-8: measure a text file",
                path.display()
            ))
        })?;
        counter.add_line(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file under the system's temporary directory, removed when dropped.
    struct TempFile(std::path::PathBuf);

    impl TempFile {
        fn new(name: &str, contents: &[u8]) -> Self {
            let path = std::env::temp_dir().join(format!("cordon-measure-{name}-{}", std::process::id()));
            std::fs::write(&path, contents).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn measure_file(file: &TempFile, measures: Measures) -> Result<Stats, ToolError> {
        let mut counter = Counter::new(measures);
        add_file(&mut counter, &file.0)?;
        counter.finish()
    }

    #[test]
    fn empty_measures_are_invalid_input() {
        let source = Source::Text("text".to_string());
        assert!(matches!(
            run(&source, Measures::empty()),
            Err(ToolError::InvalidInput(_))
        ));
    }

    #[test]
    fn text_source_counts_all_measures() {
        let stats = run(&Source::Text("one two\nthree\n".to_string()), Measures::all()).unwrap();
        assert_eq!(stats.lines, Some(2));
        assert_eq!(stats.words, Some(3));
        assert_eq!(stats.bytes, Some(14));
        assert_eq!(stats.chars, Some(14));
        assert_eq!(stats.longest_line, Some((1, "one two".to_string())));
    }

    #[test]
    fn file_source_matches_text_source() {
        let contents = "línea uno\r\nline two is longer\nend";
        let file = TempFile::new("same", contents.as_bytes());
        let from_file = measure_file(&file, Measures::all()).unwrap();
        let from_text = run(&Source::Text(contents.to_string()), Measures::all()).unwrap();
        assert_eq!(from_file.lines, from_text.lines);
        assert_eq!(from_file.words, from_text.words);
        assert_eq!(from_file.bytes, from_text.bytes);
        assert_eq!(from_file.chars, from_text.chars);
        assert_eq!(from_file.longest_line, from_text.longest_line);
    }

    #[test]
    fn non_utf8_file_is_invalid_input() {
        let file = TempFile::new("binary", b"ok\n\xff\xfe\n");
        let result = measure_file(&file, Measures::BYTES);
        assert!(matches!(&result, Err(ToolError::InvalidInput(message)) if message.contains("line 2")));
    }

    #[test]
    fn missing_file_is_not_found() {
        let file = TempFile::new("gone", b"");
        let path = file.0.clone();
        drop(file);
        let mut counter = Counter::new(Measures::LINES);
        assert!(matches!(add_file(&mut counter, &path), Err(ToolError::NotFound(_))));
    }

    #[test]
    fn directory_is_invalid_input() {
        let mut counter = Counter::new(Measures::LINES);
        let directory = std::env::temp_dir();
        assert!(matches!(
            add_file(&mut counter, &directory),
            Err(ToolError::InvalidInput(_))
        ));
    }

    #[test]
    fn file_outside_workspace_not_permitted() {
        let source = Source::File("../etc/passwd".to_string());
        assert!(matches!(run(&source, Measures::LINES), Err(ToolError::NotPermitted(_))));
    }
}
