//! `search`: a typed tool that finds a string in the workspace's text files.
//!
//! The component exports one function, `search`, from the WIT world `cordon:search/search`, which includes
//! `cordon:tool/tool`. The host converts each call's JSON arguments to a `query` record and the returned `found`
//! record or `tool-error` back to JSON. Written as a WAVE value, as `wasmtime run --invoke` takes it, a call is
//! `search({pattern: "fuel", path: some("crates"), mode: whole-word, case-sensitive: none, max-matches: none})`.
//! Files are read through the workspace directory that the call's policy preopens.

mod matcher;
mod walk;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use matcher::Matcher;

/// Bindings for the `cordon:search/search` world.
// The export glue that wit-bindgen generates passes each field of a record argument as its own core wasm parameter.
#[allow(clippy::too_many_arguments)]
mod bindings {
    wit_bindgen::generate!({
        world: "cordon:search/search",
        // The shared `cordon:tool` package comes first, because a later path may depend on an earlier one.
        path: ["../../../wit/cordon-tool", "wit"],
        generate_all,
    });
}

use bindings::{Found, Guest, Hit, MatchMode, Query, ToolError};
use typed_workspace as workspace;

workspace::convert_tool_error!(ToolError);

/// Number of hits returned when the query sets no `max-matches`.
const DEFAULT_MAX_MATCHES: u32 = 100;

/// Size above which a file is not searched. A file is held in memory whole while it is searched, so this bounds the
/// memory a call needs besides its hits and its list of paths.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Number of characters of a matching line returned in a hit, so that one minified file cannot flood the result.
const MAX_HIT_TEXT_CHARS: usize = 200;

struct SearchTool;

impl Guest for SearchTool {
    fn search(query: Query) -> Result<Found, ToolError> {
        workspace::enter_initial_cwd()?;
        run(&query)
    }
}

bindings::export!(SearchTool with_types_in bindings);

/// Checks the query, lists the files to search and searches them in order until `max-matches` hits are found.
fn run(query: &Query) -> Result<Found, ToolError> {
    if query.pattern.is_empty() {
        return Err(ToolError::InvalidInput(
            "the pattern is empty: give the text to search for".to_string(),
        ));
    }
    if query.pattern.contains(['\n', '\r']) {
        return Err(ToolError::InvalidInput(
            "the pattern contains a line break: lines are searched one at a time, so give text from a single line"
                .to_string(),
        ));
    }
    let max_matches = query.max_matches.unwrap_or(DEFAULT_MAX_MATCHES);
    if max_matches == 0 {
        return Err(ToolError::InvalidInput(
            "max-matches is 0: ask for at least 1 match".to_string(),
        ));
    }
    let root = workspace::resolve(query.path.as_deref().unwrap_or("."))?;
    let matcher = Matcher::new(&query.pattern, query.mode, query.case_sensitive.unwrap_or(true));

    let metadata = std::fs::metadata(&root).map_err(|err| workspace::io_error(&root, &err))?;
    let files = if metadata.is_dir() {
        walk::list_files(&root)?
    } else if metadata.is_file() {
        vec![root.clone()]
    } else {
        return Err(ToolError::InvalidInput(format!(
            "{} is neither a file nor a directory",
            root.display()
        )));
    };

    let mut found = Found {
        hits: Vec::new(),
        files_searched: 0,
        truncated: false,
    };
    for file in &files {
        let text = match read_text(file)? {
            FileText::Text(text) => text,
            // A file met while walking is skipped, but a file named by `query.path` gets an error that gives the reason.
            FileText::TooLarge if metadata.is_file() => {
                return Err(ToolError::InvalidInput(format!(
                    "{} is larger than 4 MiB, so it is not searched: search a smaller file",
                    root.display()
                )));
            }
            FileText::NotUtf8 if metadata.is_file() => {
                return Err(ToolError::InvalidInput(format!(
                    "{} is not UTF-8 text, so it is not searched: search a text file",
                    root.display()
                )));
            }
            FileText::TooLarge | FileText::NotUtf8 => continue,
        };
        found.files_searched = found.files_searched.saturating_add(1);
        search_text(&matcher, file, &text, max_matches, &mut found);
        if found.truncated {
            break;
        }
    }
    Ok(found)
}

/// Contents of a file that [`read_text`] read.
enum FileText {
    Text(String),
    /// The file is larger than [`MAX_FILE_BYTES`].
    TooLarge,
    NotUtf8,
}

/// Reads `path` as text, unless it is larger than [`MAX_FILE_BYTES`] or not UTF-8.
fn read_text(path: &Path) -> Result<FileText, ToolError> {
    let mut bytes = Vec::new();
    let file = File::open(path).map_err(|err| workspace::io_error(path, &err))?;
    // Reading one byte past the limit detects a larger file without trusting a size read earlier.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| workspace::io_error(path, &err))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(FileText::TooLarge);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(FileText::Text(text)),
        Err(_) => Ok(FileText::NotUtf8),
    }
}

/// Appends a hit to `found` for each line of `text` that matches, and sets `found.truncated` instead of adding a
/// hit beyond `max_matches`.
fn search_text(matcher: &Matcher, path: &Path, text: &str, max_matches: u32, found: &mut Found) {
    for (index, line) in text.lines().enumerate() {
        let Some(column) = matcher.first_match(line) else {
            continue;
        };
        if found.hits.len() >= max_matches as usize {
            found.truncated = true;
            return;
        }

        // A file of at most 4 MiB has fewer than 2^32 lines and characters per line, so the conversions hold.
        found.hits.push(Hit {
            path: path.to_string_lossy().into_owned(),
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            text: line.chars().take(MAX_HIT_TEXT_CHARS).collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search_lines(text: &str, max_matches: u32) -> Found {
        let matcher = Matcher::new("fuel", MatchMode::Literal, true);
        let mut found = Found {
            hits: Vec::new(),
            files_searched: 0,
            truncated: false,
        };
        search_text(&matcher, Path::new("src/lib.rs"), text, max_matches, &mut found);
        found
    }

    #[test]
    fn hit_positions_count_from_one() {
        let found = search_lines("none\r\n  fuel left\n", 10);
        assert_eq!(found.hits.len(), 1);
        assert_eq!(found.hits[0].line, 2);
        assert_eq!(found.hits[0].column, 3);
    }

    #[test]
    fn hit_keeps_line_without_break() {
        let found = search_lines("  fuel left\r\n", 10);
        assert_eq!(found.hits[0].text, "  fuel left");
        assert_eq!(found.hits[0].path, "src/lib.rs");
    }

    #[test]
    fn hit_text_cut_to_limit() {
        let line = format!("fuel {}", "é".repeat(500));
        let found = search_lines(&line, 10);
        assert_eq!(found.hits[0].text.chars().count(), MAX_HIT_TEXT_CHARS);
    }

    #[test]
    fn one_hit_per_matching_line() {
        let found = search_lines("fuel fuel fuel\n", 10);
        assert_eq!(found.hits.len(), 1);
    }

    #[test]
    fn max_matches_sets_truncated() {
        let found = search_lines("fuel\nfuel\nfuel\n", 2);
        assert_eq!(found.hits.len(), 2);
        assert!(found.truncated);
    }

    #[test]
    fn exact_max_matches_not_truncated() {
        let found = search_lines("fuel\nfuel\n", 2);
        assert_eq!(found.hits.len(), 2);
        assert!(!found.truncated);
    }

    #[test]
    fn empty_pattern_is_invalid_input() {
        let query = Query {
            pattern: String::new(),
            path: None,
            mode: MatchMode::Literal,
            case_sensitive: None,
            max_matches: None,
        };
        assert!(matches!(run(&query), Err(ToolError::InvalidInput(_))));
    }

    #[test]
    fn zero_max_matches_is_invalid_input() {
        let query = Query {
            pattern: "fuel".to_string(),
            path: None,
            mode: MatchMode::Literal,
            case_sensitive: None,
            max_matches: Some(0),
        };
        assert!(matches!(run(&query), Err(ToolError::InvalidInput(_))));
    }

    #[test]
    fn read_text_detects_non_utf8_file() {
        let path = std::env::temp_dir().join(format!("cordon-search-binary-{}", std::process::id()));
        std::fs::write(&path, [0x66, 0xff, 0x0a]).unwrap();
        let text = read_text(&path);
        let _ = std::fs::remove_file(&path);
        assert!(matches!(text, Ok(FileText::NotUtf8)));
    }

    #[test]
    fn read_text_detects_oversized_file() {
        let path = std::env::temp_dir().join(format!("cordon-search-large-{}", std::process::id()));
        std::fs::write(&path, vec![b'a'; MAX_FILE_BYTES as usize + 1]).unwrap();
        let text = read_text(&path);
        let _ = std::fs::remove_file(&path);
        assert!(matches!(text, Ok(FileText::TooLarge)));
    }
}
