//! Listing of the files under a directory, in path order.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use crate::ToolError;
use typed_workspace::io_error;

/// Directories the walk never enters: version control data, build output and installed packages, which are large
/// and rarely what a search is after.
pub const SKIPPED_DIRECTORIES: [&str; 4] = [".git", "target", ".build", "node_modules"];

/// Lists the regular files under `root`, depth first, with each directory's entries sorted by name, which is the
/// order of [`Path`]'s comparison.
///
/// Symbolic links are not followed and not listed, and [`SKIPPED_DIRECTORIES`] below `root` are not entered. Paths
/// start with `root`, except that a `root` of `.` adds no prefix. The first error ends the walk.
pub fn list_files(root: &Path) -> Result<Vec<PathBuf>, ToolError> {
    let mut files = Vec::new();
    collect_files(root, &mut files)?;
    Ok(files)
}

fn collect_files(directory: &Path, files: &mut Vec<PathBuf>) -> Result<(), ToolError> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(directory).map_err(|err| io_error(directory, &err))? {
        let entry = entry.map_err(|err| io_error(directory, &err))?;
        let path = child_path(directory, &entry.file_name());
        let file_type = entry.file_type().map_err(|err| io_error(&path, &err))?;
        entries.push((path, file_type));
    }
    entries.sort_by(|(left, _), (right, _)| left.file_name().cmp(&right.file_name()));

    for (path, file_type) in entries {
        if file_type.is_dir() {
            if !is_skipped(&path) {
                collect_files(&path, files)?;
            }
        } else if file_type.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

fn child_path(directory: &Path, name: &OsStr) -> PathBuf {
    if directory == Path::new(".") {
        PathBuf::from(name)
    } else {
        directory.join(name)
    }
}

fn is_skipped(directory: &Path) -> bool {
    directory
        .file_name()
        .is_some_and(|name| SKIPPED_DIRECTORIES.iter().any(|skipped| name == *skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory under the system's temporary directory, removed when dropped.
    struct TempTree(PathBuf);

    impl TempTree {
        fn new(name: &str, files: &[&str]) -> Self {
            let root = std::env::temp_dir().join(format!("cordon-search-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            for file in files {
                let path = root.join(file);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, "text\n").unwrap();
            }
            TempTree(root)
        }

        fn relative(&self, files: Vec<PathBuf>) -> Vec<String> {
            let relative = files
                .iter()
                .map(|file| file.strip_prefix(&self.0).unwrap().to_str().unwrap().to_string());
            relative.collect()
        }
    }

    impl Drop for TempTree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn list_files_sorts_by_path() {
        let tree = TempTree::new("order", &["b.txt", "a-c.txt", "a/z.txt", "a/b/c.txt", "A.txt"]);
        let files = tree.relative(list_files(&tree.0).unwrap());
        assert_eq!(files, ["A.txt", "a/b/c.txt", "a/z.txt", "a-c.txt", "b.txt"]);
    }

    #[test]
    fn list_files_skips_build_directories() {
        let tree = TempTree::new(
            "skip",
            &[
                "src/lib.rs",
                ".git/HEAD",
                "target/out.txt",
                "src/.build/x.txt",
                "web/node_modules/m.js",
            ],
        );
        let files = tree.relative(list_files(&tree.0).unwrap());
        assert_eq!(files, ["src/lib.rs"]);
    }

    #[test]
    fn list_files_enters_skipped_root() {
        let tree = TempTree::new("root", &["target/out.txt"]);
        let files = tree.relative(list_files(&tree.0.join("target")).unwrap());
        assert_eq!(files, ["target/out.txt"]);
    }

    #[test]
    fn list_files_ignores_symbolic_links() {
        let tree = TempTree::new("links", &["real.txt"]);
        std::os::unix::fs::symlink(tree.0.join("real.txt"), tree.0.join("link.txt")).unwrap();
        let files = tree.relative(list_files(&tree.0).unwrap());
        assert_eq!(files, ["real.txt"]);
    }

    #[test]
    fn list_files_missing_root_is_not_found() {
        let tree = TempTree::new("missing", &[]);
        assert!(matches!(
            list_files(&tree.0.join("absent")),
            Err(ToolError::NotFound(_))
        ));
    }

    #[test]
    fn child_path_omits_dot_prefix() {
        assert_eq!(child_path(Path::new("."), OsStr::new("src")), PathBuf::from("src"));
        assert_eq!(
            child_path(Path::new("crates"), OsStr::new("src")),
            PathBuf::from("crates/src")
        );
    }
}
