//! Host directories granted to a call (`[[fs]]`) and the per-call scratch
//! directory (`[scratch]`): their types, how a host path is resolved and
//! checked, and the rule that no two of them share a guest path.
//!
//! The runtime turns each [`Mount`] into a WASI preopen. Creating and
//! removing the scratch directory is also the runtime's job.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use toml::{Spanned, Value};

use crate::error::{PolicyError, SourceText};
use crate::guest_path::check_guest_path;
use crate::table_only::{TableOnly, TableShape};

/// A host directory that the guest sees at `guest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// Absolute, canonical host directory, with symbolic links resolved when
    /// the policy was loaded.
    pub host: PathBuf,
    /// Absolute, normalised guest path at which the directory appears.
    pub guest: String,
    /// Permission the guest has in the directory.
    pub access: Access,
}

/// Permission a guest has in a mounted directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// The guest may list and read files but not create, change or delete
    /// them.
    ReadOnly,
    /// The guest may also create, change and delete files and directories.
    ReadWrite,
}

impl Access {
    /// Returns the spelling used in policy files: `"read-only"` or `"read-write"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadOnly => "read-only",
            Access::ReadWrite => "read-write",
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A fresh, empty, read-write directory that the runtime creates for each
/// call and removes after it, seen by the guest at `guest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scratch {
    /// Absolute, normalised guest path at which the directory appears.
    pub guest: String,
}

/// One `[[fs]]` entry as written. Every key is optional here so that a
/// missing key gets a message with the line to add.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMount {
    host: Option<Spanned<Value>>,
    guest: Option<Spanned<Value>>,
    access: Option<Spanned<Value>>,
}

impl TableShape for RawMount {
    const EXPECTING: &'static str = "an [[fs]] table with host, guest and access";
}

/// The `[[fs]]` entries as written, in file order, each with the span of
/// its table.
#[derive(Debug, Default)]
pub(crate) struct RawMounts(pub(crate) Vec<Spanned<TableOnly<RawMount>>>);

impl<'de> Deserialize<'de> for RawMounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(RawMountsVisitor)
    }
}

/// Reads an array of tables. A plain `[fs]` table is rejected with a type
/// error that names the `[[fs]]` form.
struct RawMountsVisitor;

impl<'de> Visitor<'de> for RawMountsVisitor {
    type Value = RawMounts;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array of [[fs]] tables")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut entries: A) -> Result<RawMounts, A::Error> {
        let mut mounts = Vec::new();
        while let Some(entry) = entries.next_element()? {
            mounts.push(entry);
        }
        Ok(RawMounts(mounts))
    }
}

impl RawMount {
    /// Validates the entry whose table starts at `span` and resolves its host
    /// directory against `workspace`.
    pub(crate) fn validate(
        &self,
        span: Range<usize>,
        source: &SourceText<'_>,
        workspace: &Path,
    ) -> Result<Mount, PolicyError> {
        let Some(host) = &self.host else {
            return Err(source.error(
                span,
                "[[fs]] entry has no host",
                "add host = \".\" for the workspace, or the path of another directory",
            ));
        };
        let Some(guest) = &self.guest else {
            return Err(source.error(span, "[[fs]] entry has no guest", "add guest = \"/workspace\""));
        };
        let Some(access) = &self.access else {
            return Err(source.error(
                span,
                "[[fs]] entry has no access",
                "add access = \"read-only\" or access = \"read-write\"",
            ));
        };

        let host = resolve_host(source, host, workspace)?;
        let guest = read_guest_path(source, guest)?;
        let access = read_access(source, access)?;
        Ok(Mount { host, guest, access })
    }

    /// Span of the `guest` value, for the duplicate check.
    pub(crate) fn guest_span(&self) -> Option<Range<usize>> {
        self.guest.as_ref().map(Spanned::span)
    }
}

/// The `[scratch]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScratch {
    guest: Option<Spanned<Value>>,
}

impl TableShape for RawScratch {
    const EXPECTING: &'static str = "a [scratch] table with a guest path";
}

impl RawScratch {
    /// Validates the table that starts at `span`.
    pub(crate) fn validate(&self, span: Range<usize>, source: &SourceText<'_>) -> Result<Scratch, PolicyError> {
        let Some(guest) = &self.guest else {
            return Err(source.error(span, "[scratch] has no guest", "add guest = \"/scratch\""));
        };
        Ok(Scratch { guest: read_guest_path(source, guest)? })
    }

    /// Span of the `guest` value, for the duplicate check.
    pub(crate) fn guest_span(&self) -> Option<Range<usize>> {
        self.guest.as_ref().map(Spanned::span)
    }
}

/// A guest path taken by a mount or by the scratch directory.
pub(crate) struct GuestClaim<'a> {
    pub(crate) guest: &'a str,
    pub(crate) span: Range<usize>,
    /// Kind of entry that claims the path, for the message: "mount" or
    /// "scratch directory".
    pub(crate) owner: &'static str,
}

/// Rejects a guest path used twice, pointing at the later use in the file.
///
/// Two preopens at one guest path would leave it to the runtime which
/// directory the guest sees. Nested paths such as `/workspace` and
/// `/workspace/out` stay allowed, because WASI resolves a path through the
/// preopen with the longest matching prefix.
pub(crate) fn check_unique_guests(source: &SourceText<'_>, mut claims: Vec<GuestClaim<'_>>) -> Result<(), PolicyError> {
    claims.sort_by_key(|claim| claim.span.start);

    let mut first_claims: HashMap<&str, &GuestClaim<'_>> = HashMap::new();
    for claim in &claims {
        if let Some(first) = first_claims.get(claim.guest) {
            return Err(source.error(
                claim.span.clone(),
                format!(
                    "guest {:?} is already used by the {} on line {}",
                    claim.guest,
                    first.owner,
                    source.line_of(&first.span)
                ),
                "choose a different guest path for one of them",
            ));
        }
        first_claims.insert(claim.guest, claim);
    }
    Ok(())
}

/// Reads and checks a guest path for a mount or the scratch directory.
fn read_guest_path(source: &SourceText<'_>, value: &Spanned<Value>) -> Result<String, PolicyError> {
    let guest = source.require_string(value, "guest", "guest = \"/workspace\"")?;
    check_guest_path("guest", guest).map_err(|invalid| source.error(value.span(), invalid.message, invalid.fix))?;
    Ok(guest.to_owned())
}

fn read_access(source: &SourceText<'_>, value: &Spanned<Value>) -> Result<Access, PolicyError> {
    let fix = "write access = \"read-only\" or access = \"read-write\"";
    match value.get_ref() {
        Value::String(text) if text == "read-only" => Ok(Access::ReadOnly),
        Value::String(text) if text == "read-write" => Ok(Access::ReadWrite),
        other => Err(source.error(
            value.span(),
            format!("access {other} is not valid: expected \"read-only\" or \"read-write\""),
            fix,
        )),
    }
}

/// Resolves a host path against `workspace` and returns it canonical, so the
/// runtime gets an absolute path with no symbolic links left in it.
fn resolve_host(source: &SourceText<'_>, value: &Spanned<Value>, workspace: &Path) -> Result<PathBuf, PolicyError> {
    let host = source.require_string(value, "host", "host = \".\"")?;
    if host.is_empty() {
        return Err(source.error(
            value.span(),
            "host is empty",
            "use \".\" for the workspace itself, or the path of another directory",
        ));
    }
    if host.contains('\0') {
        return Err(source.error(
            value.span(),
            format!("host {host:?} contains a NUL character"),
            "remove the NUL character",
        ));
    }

    // `join` keeps an absolute host path as it is.
    let joined = workspace.join(host);
    let relative_note = if Path::new(host).is_relative() {
        format!(", relative to the workspace {}", workspace.display())
    } else {
        String::new()
    };

    let canonical = fs::canonicalize(&joined).map_err(|error| {
        let (message, fix) = if error.kind() == io::ErrorKind::NotFound {
            (
                format!("host {host:?} does not exist (resolved to {})", joined.display()),
                format!("create the directory or correct the path{relative_note}"),
            )
        } else {
            (
                format!("host {host:?} cannot be resolved ({}): {error}", joined.display()),
                "check the path and the permissions of its directories".to_owned(),
            )
        };
        source.error(value.span(), message, fix)
    })?;

    match fs::metadata(&canonical) {
        Ok(metadata) if metadata.is_dir() => Ok(canonical),
        Ok(_) => Err(source.error(
            value.span(),
            format!("host {host:?} is not a directory (resolved to {})", canonical.display()),
            "mount the directory that contains the file",
        )),
        Err(error) => Err(source.error(
            value.span(),
            format!("host {host:?} cannot be read ({}): {error}", canonical.display()),
            "check the permissions of the directory",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn workspace() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        }
    }

    fn error_of(text: &str, workspace: &Path) -> PolicyError {
        match Policy::parse(text, "p.toml", workspace) {
            Ok(policy) => panic!("expected an error, got {policy:?}"),
            Err(error) => error,
        }
    }

    fn mounts_of(text: &str, workspace: &Path) -> Vec<Mount> {
        match Policy::parse(text, "p.toml", workspace) {
            Ok(policy) => policy.mounts,
            Err(error) => panic!("expected a policy, got {error}"),
        }
    }

    const WORKSPACE_MOUNT: &str = "[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n";

    #[test]
    fn relative_host_resolves_against_workspace() {
        let dir = workspace();
        let canonical = fs::canonicalize(dir.path()).ok();
        let mounts = mounts_of(WORKSPACE_MOUNT, dir.path());
        assert_eq!(mounts.first().map(|m| m.host.clone()), canonical);
    }

    #[test]
    fn relative_subdirectory_resolves_against_workspace() {
        let dir = workspace();
        assert!(fs::create_dir(dir.path().join("data")).is_ok());
        let text = "[[fs]]\nhost = \"data\"\nguest = \"/data\"\naccess = \"read-write\"\n";
        let expected = fs::canonicalize(dir.path().join("data")).ok();
        let mounts = mounts_of(text, dir.path());
        assert_eq!(mounts.first().map(|m| m.host.clone()), expected);
    }

    #[test]
    fn absolute_host_ignores_workspace() {
        let dir = workspace();
        let other = workspace();
        let text = format!(
            "[[fs]]\nhost = {:?}\nguest = \"/other\"\naccess = \"read-only\"\n",
            other.path().display().to_string()
        );
        let expected = fs::canonicalize(other.path()).ok();
        let mounts = mounts_of(&text, dir.path());
        assert_eq!(mounts.first().map(|m| m.host.clone()), expected);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_host_is_canonicalised() {
        let dir = workspace();
        assert!(fs::create_dir(dir.path().join("real")).is_ok());
        assert!(std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).is_ok());
        let text = "[[fs]]\nhost = \"link\"\nguest = \"/w\"\naccess = \"read-only\"\n";
        let expected = fs::canonicalize(dir.path().join("real")).ok();
        let mounts = mounts_of(text, dir.path());
        assert_eq!(mounts.first().map(|m| m.host.clone()), expected);
    }

    #[test]
    fn access_values_are_read() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \".\"\nguest = \"/a\"\naccess = \"read-only\"\n\
                    [[fs]]\nhost = \".\"\nguest = \"/b\"\naccess = \"read-write\"\n";
        let access: Vec<Access> = mounts_of(text, dir.path()).iter().map(|m| m.access).collect();
        assert_eq!(access, [Access::ReadOnly, Access::ReadWrite]);
    }

    #[test]
    fn inline_mount_table_accepted() {
        let dir = workspace();
        let text = "fs = [{ host = \".\", guest = \"/w\", access = \"read-only\" }]\n";
        assert_eq!(mounts_of(text, dir.path()).len(), 1);
    }

    #[test]
    fn missing_host_positioned() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \"nope\"\nguest = \"/w\"\naccess = \"read-only\"\n";
        let error = error_of(text, dir.path());
        assert_eq!((error.line, error.column), (Some(2), Some(8)));
    }

    #[test]
    fn missing_host_says_not_exist() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \"nope\"\nguest = \"/w\"\naccess = \"read-only\"\n";
        assert!(error_of(text, dir.path()).message.starts_with("host \"nope\" does not exist"));
    }

    #[test]
    fn missing_host_fix_names_workspace() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \"nope\"\nguest = \"/w\"\naccess = \"read-only\"\n";
        let fix = error_of(text, dir.path()).fix;
        assert!(fix.ends_with(&format!("relative to the workspace {}", dir.path().display())));
    }

    #[test]
    fn host_file_not_directory() {
        let dir = workspace();
        assert!(fs::write(dir.path().join("file.txt"), "x").is_ok());
        let text = "[[fs]]\nhost = \"file.txt\"\nguest = \"/w\"\naccess = \"read-only\"\n";
        assert!(error_of(text, dir.path()).message.contains("is not a directory"));
    }

    #[test]
    fn empty_host_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \"\"\nguest = \"/w\"\naccess = \"read-only\"\n";
        assert_eq!(error_of(text, dir.path()).message, "host is empty");
    }

    #[test]
    fn host_integer_is_wrong_type() {
        let dir = workspace();
        let text = "[[fs]]\nhost = 1\nguest = \"/w\"\naccess = \"read-only\"\n";
        let error = error_of(text, dir.path());
        assert_eq!(
            error.to_string(),
            "p.toml:2:8: host must be a string, found integer 1 (fix: write it as a quoted string, for example host = \".\")"
        );
    }

    #[test]
    fn missing_access_points_at_table() {
        let dir = workspace();
        let text = "cwd = \"/w\"\n\n[[fs]]\nhost = \".\"\nguest = \"/w\"\n";
        let error = error_of(text, dir.path());
        assert_eq!(
            error.to_string(),
            "p.toml:3:1: [[fs]] entry has no access (fix: add access = \"read-only\" or access = \"read-write\")"
        );
    }

    #[test]
    fn missing_guest_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \".\"\naccess = \"read-only\"\n";
        assert_eq!(error_of(text, dir.path()).message, "[[fs]] entry has no guest");
    }

    #[test]
    fn missing_host_key_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nguest = \"/w\"\naccess = \"read-only\"\n";
        assert_eq!(error_of(text, dir.path()).message, "[[fs]] entry has no host");
    }

    #[test]
    fn unknown_access_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \".\"\nguest = \"/w\"\naccess = \"ro\"\n";
        assert_eq!(
            error_of(text, dir.path()).message,
            "access \"ro\" is not valid: expected \"read-only\" or \"read-write\""
        );
    }

    #[test]
    fn relative_guest_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \".\"\nguest = \"workspace\"\naccess = \"read-only\"\n";
        let error = error_of(text, dir.path());
        assert_eq!(
            error.to_string(),
            "p.toml:3:9: guest \"workspace\" is not an absolute path (fix: start it with \"/\", for example \"/workspace\")"
        );
    }

    #[test]
    fn parent_component_guest_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \".\"\nguest = \"/workspace/..\"\naccess = \"read-only\"\n";
        assert!(error_of(text, dir.path()).message.contains("contains a \"..\" component"));
    }

    #[test]
    fn root_guest_rejected() {
        let dir = workspace();
        let text = "[[fs]]\nhost = \".\"\nguest = \"/\"\naccess = \"read-only\"\n";
        let error = error_of(text, dir.path());
        assert_eq!(error.fix, "pick a directory such as \"/workspace\"");
    }

    #[test]
    fn duplicate_guest_points_at_second() {
        let dir = workspace();
        let text = format!("{WORKSPACE_MOUNT}\n{WORKSPACE_MOUNT}");
        let error = error_of(&text, dir.path());
        assert_eq!(
            error.to_string(),
            "p.toml:8:9: guest \"/workspace\" is already used by the mount on line 3 \
             (fix: choose a different guest path for one of them)"
        );
    }

    #[test]
    fn scratch_after_mount_clashes() {
        let dir = workspace();
        let text = format!("{WORKSPACE_MOUNT}\n[scratch]\nguest = \"/workspace\"\n");
        let error = error_of(&text, dir.path());
        assert_eq!(error.line, Some(7));
        assert!(error.message.contains("already used by the mount on line 3"));
    }

    #[test]
    fn scratch_before_mount_clashes() {
        let dir = workspace();
        let text = format!("[scratch]\nguest = \"/workspace\"\n\n{WORKSPACE_MOUNT}");
        let error = error_of(&text, dir.path());
        assert_eq!(error.line, Some(6));
        assert!(error.message.contains("already used by the scratch directory on line 2"));
    }

    #[test]
    fn nested_guest_paths_allowed() {
        let dir = workspace();
        let text =
            format!("{WORKSPACE_MOUNT}[[fs]]\nhost = \".\"\nguest = \"/workspace/out\"\naccess = \"read-write\"\n");
        assert_eq!(mounts_of(&text, dir.path()).len(), 2);
    }

    #[test]
    fn scratch_without_guest_rejected() {
        let dir = workspace();
        assert_eq!(error_of("[scratch]\n", dir.path()).message, "[scratch] has no guest");
    }

    #[test]
    fn scratch_relative_guest_rejected() {
        let dir = workspace();
        let error = error_of("[scratch]\nguest = \"scratch\"\n", dir.path());
        assert!(error.message.contains("is not an absolute path"));
    }

    #[test]
    fn unknown_mount_key_positioned() {
        let dir = workspace();
        let text = format!("{WORKSPACE_MOUNT}mode = \"rw\"\n");
        let error = error_of(&text, dir.path());
        assert_eq!((error.line, error.column), (Some(5), Some(1)));
    }

    #[test]
    fn access_serialises_kebab_case() {
        let json = serde_json::to_string(&[Access::ReadOnly, Access::ReadWrite]).ok();
        assert_eq!(json.as_deref(), Some("[\"read-only\",\"read-write\"]"));
    }
}
