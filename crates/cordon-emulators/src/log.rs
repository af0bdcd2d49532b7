//! The log file that takes an emulator's stdout and stderr, and the tail of it that goes into start errors.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::EmulatorError;

/// Lines of the log shown in an error.
const TAIL_LINES: usize = 20;

/// Bytes read from the end of the log to find those lines: enough for 20 lines of 400 bytes each.
const TAIL_BYTES: u64 = 8 * 1024;

/// Creates (or truncates) the log file at `path`.
pub(crate) fn create_log(path: &Path) -> Result<File, EmulatorError> {
    File::create(path).map_err(|source| EmulatorError::Io { action: "create the log file", path: path.into(), source })
}

/// Returns the last lines of the log at `path`, each indented by two spaces, or a note that it cannot be read.
pub(crate) fn log_tail(path: &Path) -> String {
    match read_end(path) {
        Ok(text) if text.trim().is_empty() => "  (the log is empty)".to_owned(),
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(TAIL_LINES);
            lines[start..].iter().map(|line| format!("  {line}")).collect::<Vec<_>>().join("\n")
        }
        Err(error) => format!("  (cannot read the log: {error})"),
    }
}

fn read_end(path: &Path) -> std::io::Result<String> {
    let mut file = fs::File::open(path)?;
    let length = file.metadata()?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(TAIL_BYTES)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn tail_keeps_last_lines() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("moto.log");
        let mut file = create_log(&path).unwrap();
        for line in 0..100 {
            writeln!(file, "line {line}").unwrap();
        }

        let tail = log_tail(&path);
        assert_eq!(tail.lines().count(), TAIL_LINES);
        assert!(tail.starts_with("  line 80\n"), "{tail}");
        assert!(tail.ends_with("  line 99"), "{tail}");
    }

    #[test]
    fn tail_of_missing_log_explains() {
        let tail = log_tail(Path::new("/nonexistent/cordon/azurite.log"));
        assert!(tail.contains("cannot read the log"), "{tail}");
    }

    #[test]
    fn tail_of_empty_log_explains() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("empty.log");
        create_log(&path).unwrap();
        assert_eq!(log_tail(&path), "  (the log is empty)");
    }
}
