//! Paths named in a typed tool's arguments, resolved inside the workspace, and the errors for I/O failures on them.
//!
//! The sandbox enforces containment whatever the tool does. The lexical check here only turns an argument that
//! cannot lie inside the workspace into a clear `not-permitted` error before any file is touched.
//!
//! Each tool's bindings generate their own `tool-error` type, so this crate has [`ToolError`] with the same cases,
//! and each tool converts it with a `From` implementation.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Implements `From<typed_workspace::ToolError>` for a tool's generated `tool-error` type, whose cases have the
/// same names.
#[macro_export]
macro_rules! convert_tool_error {
    ($target:ty) => {
        impl From<$crate::ToolError> for $target {
            fn from(error: $crate::ToolError) -> Self {
                match error {
                    $crate::ToolError::InvalidInput(message) => <$target>::InvalidInput(message),
                    $crate::ToolError::NotFound(message) => <$target>::NotFound(message),
                    $crate::ToolError::NotPermitted(message) => <$target>::NotPermitted(message),
                    $crate::ToolError::Failed(message) => <$target>::Failed(message),
                }
            }
        }
    };
}

/// A failure on a path argument, with the cases of the `cordon:tool/types` `tool-error` variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// The path is not a usable argument, such as an empty string.
    InvalidInput(String),
    /// Nothing exists at the path.
    NotFound(String),
    /// The path lies outside the workspace, or the sandbox rejected it.
    NotPermitted(String),
    /// Any other I/O failure.
    Failed(String),
}

/// Changes to the directory the host set as `wasi:cli/environment.initial-cwd`, if it set one.
///
/// wasi-libc, which `std` uses on wasm32-wasip2, starts in `/` and does not read that value, so without this step a
/// workspace preopened under another name than `.` would not serve relative paths.
pub fn enter_initial_cwd() -> Result<(), ToolError> {
    #[cfg(all(target_os = "wasi", target_env = "p2"))]
    if let Some(directory) = wasip2::cli::environment::initial_cwd() {
        std::env::set_current_dir(&directory).map_err(|err| {
            ToolError::Failed(format!(
                "cannot enter the initial directory {directory}: {}",
                error_message(&err)
            ))
        })?;
    }
    Ok(())
}

/// Resolves `path`, relative to the workspace, to a relative path without `.` or `..` components, or `.` for the
/// workspace itself.
///
/// An absolute path is accepted only when it lies under the current directory and that directory is not `/`. A
/// `..` that climbs above the workspace is rejected.
pub fn resolve(path: &str) -> Result<PathBuf, ToolError> {
    if path.is_empty() {
        return Err(ToolError::InvalidInput(
            "the path is empty: give a path relative to the workspace".to_string(),
        ));
    }

    let requested = Path::new(path);
    let relative = if requested.is_absolute() {
        let current = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        match requested.strip_prefix(&current) {
            Ok(rest) if current != Path::new("/") => rest,
            _ => return Err(outside_workspace(path)),
        }
    } else {
        requested
    };

    let mut resolved = PathBuf::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => resolved.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !resolved.pop() {
                    return Err(outside_workspace(path));
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(outside_workspace(path)),
        }
    }
    if resolved.as_os_str().is_empty() {
        resolved.push(".");
    }
    Ok(resolved)
}

/// Maps an I/O error on `path` to the tool error a caller can act on.
///
/// The sandbox reports a path it rejects, such as a symbolic link that leads out of a preopen, as a permission
/// error, so every permission error becomes `not-permitted`.
pub fn io_error(path: &Path, err: &io::Error) -> ToolError {
    let message = format!("{}: {}", path.display(), error_message(err));
    match err.kind() {
        io::ErrorKind::NotFound => ToolError::NotFound(message),
        io::ErrorKind::PermissionDenied => ToolError::NotPermitted(message),
        _ => ToolError::Failed(message),
    }
}

/// Formats an I/O error without the ` (os error N)` suffix that `std` appends, because the numbers on wasm32-wasip2
/// are wasi-libc's and differ from the host's.
fn error_message(err: &io::Error) -> String {
    let text = err.to_string();
    match text.rfind(" (os error ") {
        Some(start) if text.ends_with(')') => text[..start].to_string(),
        _ => text,
    }
}

fn outside_workspace(path: &str) -> ToolError {
    ToolError::NotPermitted(format!(
        "{path} is outside the workspace: give a path relative to the workspace"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_drops_dot_components() {
        assert_eq!(resolve("./src/./lib.rs").unwrap(), PathBuf::from("src/lib.rs"));
    }

    #[test]
    fn resolve_folds_inner_parent() {
        assert_eq!(resolve("src/../docs/").unwrap(), PathBuf::from("docs"));
    }

    #[test]
    fn resolve_workspace_root_is_dot() {
        assert_eq!(resolve(".").unwrap(), PathBuf::from("."));
        assert_eq!(resolve("src/..").unwrap(), PathBuf::from("."));
    }

    #[test]
    fn resolve_rejects_climbing_parent() {
        assert!(matches!(resolve("../secret"), Err(ToolError::NotPermitted(_))));
        assert!(matches!(resolve("src/../../secret"), Err(ToolError::NotPermitted(_))));
    }

    #[test]
    fn resolve_rejects_absolute_outside_path() {
        assert!(matches!(resolve("/etc/passwd"), Err(ToolError::NotPermitted(_))));
    }

    #[test]
    fn resolve_accepts_absolute_path_under_cwd() {
        let current = std::env::current_dir().unwrap();
        let inside = current.join("src/lib.rs");
        assert_eq!(resolve(inside.to_str().unwrap()).unwrap(), PathBuf::from("src/lib.rs"));
    }

    #[test]
    fn resolve_rejects_empty_path() {
        assert!(matches!(resolve(""), Err(ToolError::InvalidInput(_))));
    }

    #[test]
    fn io_error_maps_not_found() {
        let err = io::Error::from(io::ErrorKind::NotFound);
        let mapped = io_error(Path::new("missing.txt"), &err);
        assert!(matches!(&mapped, ToolError::NotFound(message) if message.starts_with("missing.txt: ")));
    }

    #[test]
    fn io_error_maps_permission_denied() {
        let err = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(matches!(io_error(Path::new("x"), &err), ToolError::NotPermitted(_)));
    }

    #[test]
    fn io_error_maps_other_kinds_to_failed() {
        let err = io::Error::other("disk on fire");
        assert!(matches!(io_error(Path::new("x"), &err), ToolError::Failed(_)));
    }
}
