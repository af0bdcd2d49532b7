//! Rules for paths as the guest sees them: where mounts and the scratch
//! directory appear and which working directory a call starts in.
//!
//! Guest paths are plain strings with `/` separators, because they name
//! locations inside the sandbox and never touch the host's file system.

/// A guest path that breaks one of the rules, with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidGuestPath {
    pub(crate) message: String,
    pub(crate) fix: String,
}

/// Checks that `path` is absolute, normalised and not `/` itself. `key` is
/// the policy key that contains the path, for the message.
///
/// Normalised means no `.` or `..` components and no empty ones, so two
/// spellings of one directory cannot slip past the duplicate check, and a
/// guest path cannot point above its mount.
pub(crate) fn check_guest_path(key: &str, path: &str) -> Result<(), InvalidGuestPath> {
    let invalid = |message: String, fix: String| Err(InvalidGuestPath { message, fix });
    let example = "pick a directory such as \"/workspace\"";

    if path.is_empty() {
        return invalid(format!("{key} is empty"), example.to_owned());
    }
    if path.contains('\0') {
        return invalid(format!("{key} {path:?} contains a NUL character"), "remove the NUL character".to_owned());
    }
    let Some(relative) = path.strip_prefix('/') else {
        return invalid(
            format!("{key} {path:?} is not an absolute path"),
            "start it with \"/\", for example \"/workspace\"".to_owned(),
        );
    };
    if relative.is_empty() {
        return invalid(
            format!("{key} \"/\" is the guest's root directory, which cannot be granted whole"),
            example.to_owned(),
        );
    }

    for component in relative.split('/') {
        if component == "." || component == ".." {
            return invalid(
                format!("{key} {path:?} contains a {component:?} component"),
                "write the path without \".\" or \"..\" components".to_owned(),
            );
        }
        if component.is_empty() {
            return invalid(
                format!("{key} {path:?} contains an empty component (a repeated or trailing \"/\")"),
                suggest_without_empty_components(relative),
            );
        }
    }
    Ok(())
}

/// Returns whether `path` is `base` or lies below it. Both must already have
/// passed [`check_guest_path`].
pub(crate) fn is_within(path: &str, base: &str) -> bool {
    match path.strip_prefix(base) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

fn suggest_without_empty_components(relative: &str) -> String {
    let components: Vec<&str> = relative.split('/').filter(|c| !c.is_empty()).collect();
    if components.is_empty() {
        "pick a directory such as \"/workspace\"".to_owned()
    } else {
        format!("write it as \"/{}\"", components.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of(path: &str) -> String {
        match check_guest_path("guest", path) {
            Ok(()) => panic!("expected {path:?} to be rejected"),
            Err(invalid) => invalid.message,
        }
    }

    fn fix_of(path: &str) -> String {
        match check_guest_path("guest", path) {
            Ok(()) => panic!("expected {path:?} to be rejected"),
            Err(invalid) => invalid.fix,
        }
    }

    #[test]
    fn absolute_path_accepted() {
        assert_eq!(check_guest_path("guest", "/workspace/sub"), Ok(()));
    }

    #[test]
    fn relative_path_rejected() {
        assert_eq!(message_of("workspace"), "guest \"workspace\" is not an absolute path");
    }

    #[test]
    fn empty_path_rejected() {
        assert_eq!(message_of(""), "guest is empty");
    }

    #[test]
    fn root_rejected() {
        assert!(message_of("/").contains("root directory"));
    }

    #[test]
    fn root_fix_names_workspace() {
        assert_eq!(fix_of("/"), "pick a directory such as \"/workspace\"");
    }

    #[test]
    fn parent_component_rejected() {
        assert_eq!(message_of("/a/../b"), "guest \"/a/../b\" contains a \"..\" component");
    }

    #[test]
    fn current_component_rejected() {
        assert_eq!(message_of("/a/./b"), "guest \"/a/./b\" contains a \".\" component");
    }

    #[test]
    fn double_slash_rejected() {
        assert!(message_of("/a//b").contains("empty component"));
    }

    #[test]
    fn double_slash_fix_normalises() {
        assert_eq!(fix_of("/a//b/"), "write it as \"/a/b\"");
    }

    #[test]
    fn trailing_slash_rejected() {
        assert!(message_of("/workspace/").contains("empty component"));
    }

    #[test]
    fn slashes_only_fix_names_workspace() {
        assert_eq!(fix_of("//"), "pick a directory such as \"/workspace\"");
    }

    #[test]
    fn nul_rejected() {
        assert_eq!(message_of("/a\0b"), "guest \"/a\\0b\" contains a NUL character");
    }

    #[test]
    fn within_same_path() {
        assert!(is_within("/workspace", "/workspace"));
    }

    #[test]
    fn within_child_path() {
        assert!(is_within("/workspace/src", "/workspace"));
    }

    #[test]
    fn sibling_prefix_not_within() {
        assert!(!is_within("/workspace2", "/workspace"));
    }

    #[test]
    fn parent_not_within_child() {
        assert!(!is_within("/work", "/workspace"));
    }
}
