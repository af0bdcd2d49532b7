//! Paths into arguments and types, such as `query.mode` or `items[2].name`, as error messages show them.
//!
//! A path is a chain of borrowed segments on the stack, so the conversions pay for no allocation unless they fail
//! and render it.

use std::fmt::Write;

/// The maximum length of a key, in characters, that a rendered path shows. Keys come from the caller's JSON, and a path must
/// stay short enough to read in a one-line message.
const MAX_KEY_CHARS: usize = 64;

/// The maximum number of names a message lists, such as the fields of a record or the cases of an enum. Types may
/// have thousands, and a message must stay one readable line.
const MAX_LISTED_NAMES: usize = 32;

/// A path from the arguments object, or from a function's parameter list, to one value or type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The arguments object itself, which renders as the empty string.
    Root,
    /// A key of an object: a parameter, a record field, a variant case, `ok` or `err`, or a map key.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
    /// A fixed suffix, such as `[]` for the elements of a list type.
    Suffix(&'a Path<'a>, &'static str),
}

impl<'a> Path<'a> {
    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    pub(crate) fn suffix(&'a self, suffix: &'static str) -> Path<'a> {
        Path::Suffix(self, suffix)
    }

    /// Renders the path: keys made of letters, digits, `-` and `_` after a dot (or bare at the start), any other
    /// key quoted in brackets, and indices in brackets.
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        self.render_into(&mut text);
        text
    }

    fn render_into(&self, text: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.render_into(text);
                if is_plain(key) {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(key);
                } else {
                    text.push('[');
                    text.push_str(&quote(key));
                    text.push(']');
                }
            }
            Path::Index(parent, index) => {
                parent.render_into(text);
                let _ = write!(text, "[{index}]");
            }
            Path::Suffix(parent, suffix) => {
                parent.render_into(text);
                text.push_str(suffix);
            }
        }
    }
}

/// Quotes a key as a JSON string, cut to [`MAX_KEY_CHARS`] characters. JSON escaping keeps control characters and
/// line breaks out of the one-line messages that show it.
pub(crate) fn quote(key: &str) -> String {
    let prefix: String = key.chars().take(MAX_KEY_CHARS).collect();
    let mut quoted = serde_json::Value::String(prefix).to_string();
    if key.chars().nth(MAX_KEY_CHARS).is_some() {
        quoted.push('…');
    }
    quoted
}

/// Quotes each name and joins them with commas: `"a", "b"`. After [`MAX_LISTED_NAMES`] names the list ends with
/// `…`.
pub(crate) fn quote_all<'n>(names: impl IntoIterator<Item = &'n str>) -> String {
    let mut names = names.into_iter();
    let mut quoted: Vec<String> = names.by_ref().take(MAX_LISTED_NAMES).map(quote).collect();
    if names.next().is_some() {
        quoted.push("…".to_owned());
    }
    quoted.join(", ")
}

fn is_plain(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_path_renders_dots_and_indices() {
        let root = Path::Root;
        let items = root.key("items");
        let second = items.index(2);
        let name = second.key("name");
        assert_eq!(name.render(), "items[2].name");
    }

    #[test]
    fn unusual_key_renders_quoted() {
        let root = Path::Root;
        let query = root.key("query");
        let odd = query.key("a b\n");
        assert_eq!(odd.render(), r#"query["a b\n"]"#);
    }

    #[test]
    fn long_key_renders_cut() {
        let long = "x".repeat(100);
        let rendered = quote(&long);
        assert_eq!(rendered.chars().count(), MAX_KEY_CHARS + 3);
        assert!(rendered.ends_with("\"…"));
    }

    #[test]
    fn long_name_list_is_cut() {
        let names: Vec<String> = (0..40).map(|number| format!("n{number}")).collect();
        let listed = quote_all(names.iter().map(String::as_str));
        assert!(listed.starts_with(r#""n0", "n1", "#), "{listed}");
        assert!(listed.ends_with(r#""n31", …"#), "{listed}");
    }

    #[test]
    fn root_renders_empty() {
        assert_eq!(Path::Root.render(), "");
    }
}
