//! Copying a call's scratch directory out before it is removed, for callers that keep what a tool wrote.

use std::fs;
use std::io;
use std::path::Path;

/// Copies the regular files and directories under `source` into `destination`, which must not exist yet.
///
/// Symbolic links are skipped rather than followed or recreated: the guest made them, and following one could copy
/// a host file the guest was never granted.
pub(crate) fn copy_tree(source: &Path, destination: &Path) -> io::Result<()> {
    fs::create_dir(destination)?;
    for entry in fs::read_dir(source)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = destination.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_directories_are_copied() {
        let source = tempfile::tempdir().unwrap();
        fs::create_dir(source.path().join("nested")).unwrap();
        fs::write(source.path().join("nested/report.md"), "# Report").unwrap();
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("kept");
        copy_tree(source.path(), &destination).unwrap();
        assert_eq!(fs::read_to_string(destination.join("nested/report.md")).unwrap(), "# Report");
    }

    #[test]
    fn symlinks_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "secret").unwrap();
        let source = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), source.path().join("link")).unwrap();
        let parent = tempfile::tempdir().unwrap();
        let destination = parent.path().join("kept");
        copy_tree(source.path(), &destination).unwrap();
        assert!(!destination.join("link").exists());
    }

    #[test]
    fn existing_destination_is_rejected() {
        let source = tempfile::tempdir().unwrap();
        let destination = tempfile::tempdir().unwrap();
        assert!(copy_tree(source.path(), destination.path()).is_err());
    }
}
