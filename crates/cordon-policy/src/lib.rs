//! Cordon's policy model: a TOML file that defines what one sandboxed call of
//! an agent tool may use, parsed and validated into a [`Policy`]. The model is
//! deny-by-default. An empty file grants no files, no environment and no
//! network, and applies the default [`Limits`]. Every error carries the file,
//! line and column of the offending value and a fix. This crate does not run
//! anything: `cordon-runtime` turns a `Policy` into a WASI context and store
//! limits.
//!
//! ```
//! use std::time::Duration;
//!
//! use cordon_policy::{Access, Policy};
//!
//! let text = r#"
//! cwd = "/workspace"
//!
//! [limits]
//! memory = "128 MiB"
//!
//! [[fs]]
//! host = "."
//! guest = "/workspace"
//! access = "read-only"
//! "#;
//! // Relative host paths resolve against the workspace passed here.
//! let workspace = std::env::temp_dir();
//! let policy = Policy::parse(text, "example.toml", &workspace)?;
//!
//! assert_eq!(policy.mounts[0].access, Access::ReadOnly);
//! assert_eq!(policy.limits.memory, 128 * 1024 * 1024);
//! assert_eq!(policy.limits.timeout, Duration::from_secs(5));
//!
//! let error = Policy::parse("[limits]\nfuel = 0\n", "bad.toml", &workspace).unwrap_err();
//! assert_eq!((error.line, error.column), (Some(2), Some(8)));
//! # Ok::<(), cordon_policy::PolicyError>(())
//! ```

#![warn(missing_docs)]

mod describe;
mod env;
mod error;
mod guest_path;
mod limits;
mod mounts;
mod policy;
mod table_only;
mod units;

pub use error::PolicyError;
pub use limits::Limits;
pub use mounts::{Access, Mount, Scratch};
pub use policy::Policy;
pub use units::{GIB, KIB, MIB, format_byte_size, parse_byte_size};

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// Lists the ready policies shipped in the repository's `policies/`
    /// folder.
    fn shipped_policies() -> Vec<PathBuf> {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(error) => panic!("cannot list {}: {error}", folder.display()),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "toml")
            })
            .collect();
        paths.sort();
        paths
    }

    fn load_shipped(name: &str) -> Result<Policy, PolicyError> {
        let workspace = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        };
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../policies")
            .join(name);
        Policy::load(&path, workspace.path())
    }

    #[test]
    fn every_shipped_policy_loads() {
        let workspace = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        };
        let paths = shipped_policies();
        assert!(
            paths.len() >= 3,
            "expected at least 3 shipped policies, found {paths:?}"
        );
        for path in paths {
            if let Err(error) = Policy::load(&path, workspace.path()) {
                panic!("shipped policy rejected: {error}");
            }
        }
    }

    #[test]
    fn shipped_deny_all_grants_nothing() {
        let policy = load_shipped("deny-all.toml").map(|policy| Policy {
            origin: Policy::DENY_ALL_ORIGIN.to_owned(),
            ..policy
        });
        assert_eq!(policy.ok(), Some(Policy::deny_all()));
    }

    #[test]
    fn shipped_read_only_mounts_workspace() {
        let policy = load_shipped("workspace-read-only.toml").ok();
        let summary = policy.map(|policy| {
            let mounts: Vec<(String, Access)> = policy
                .mounts
                .iter()
                .map(|mount| (mount.guest.clone(), mount.access))
                .collect();
            (mounts, policy.scratch.is_some(), policy.cwd)
        });
        let expected = (
            vec![("/workspace".to_owned(), Access::ReadOnly)],
            false,
            Some("/workspace".to_owned()),
        );
        assert_eq!(summary, Some(expected));
    }

    #[test]
    fn shipped_read_only_sets_lang() {
        let env = load_shipped("workspace-read-only.toml")
            .map(|policy| policy.env)
            .ok();
        assert_eq!(env, Some(vec![("LANG".to_owned(), "C.UTF-8".to_owned())]));
    }

    #[test]
    fn shipped_read_write_has_scratch() {
        let policy = load_shipped("workspace-read-write.toml").ok();
        let summary = policy.map(|policy| {
            let mounts: Vec<(String, Access)> = policy
                .mounts
                .iter()
                .map(|mount| (mount.guest.clone(), mount.access))
                .collect();
            (
                mounts,
                policy.scratch.map(|scratch| scratch.guest),
                policy.cwd,
            )
        });
        let expected = (
            vec![("/workspace".to_owned(), Access::ReadWrite)],
            Some("/scratch".to_owned()),
            Some("/workspace".to_owned()),
        );
        assert_eq!(summary, Some(expected));
    }
}
