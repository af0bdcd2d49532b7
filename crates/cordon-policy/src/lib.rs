//! Cordon's policy model: a TOML file that defines what one sandboxed call of
//! an agent tool may use, parsed and validated into a [`Policy`]. The model is
//! deny-by-default. An empty file grants no files, no environment and no
//! network, and applies the default [`Limits`]. The [`Network`] section
//! names the cloud emulators that the HTTP shim may forward requests to, the
//! routes that lead there and the rules on cloud actions. Every error
//! carries the file, line and column of the offending value and a fix. This
//! crate does not run anything: `cordon-runtime` turns a `Policy` into a
//! WASI context and store limits.
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

mod arrays;
mod budgets;
mod describe;
mod emulators;
mod endpoint;
mod env;
mod error;
mod guest_path;
mod limits;
mod mounts;
mod network;
mod policy;
mod routes;
mod rules;
mod table_only;
mod units;

pub use budgets::{BudgetSpec, TimeoutSpec};
pub use emulators::{EmulatorKindSpec, EmulatorSpec};
pub use error::PolicyError;
pub use limits::Limits;
pub use mounts::{Access, Mount, Scratch};
pub use network::Network;
pub use policy::Policy;
pub use routes::RouteSpec;
pub use rules::ScpSpec;
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
            .filter(|path| path.extension().is_some_and(|extension| extension == "toml"))
            .collect();
        paths.sort();
        paths
    }

    fn load_shipped(name: &str) -> Result<Policy, PolicyError> {
        let workspace = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        };
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies").join(name);
        Policy::load(&path, workspace.path())
    }

    #[test]
    fn every_shipped_policy_loads() {
        let workspace = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        };
        let paths = shipped_policies();
        assert!(paths.len() >= 3, "expected at least 3 shipped policies, found {paths:?}");
        for path in paths {
            if let Err(error) = Policy::load(&path, workspace.path()) {
                panic!("shipped policy rejected: {error}");
            }
        }
    }

    #[test]
    fn shipped_deny_all_grants_nothing() {
        let policy =
            load_shipped("deny-all.toml").map(|policy| Policy { origin: Policy::DENY_ALL_ORIGIN.to_owned(), ..policy });
        assert_eq!(policy.ok(), Some(Policy::deny_all()));
    }

    #[test]
    fn shipped_read_only_mounts_workspace() {
        let policy = load_shipped("workspace-read-only.toml").ok();
        let summary = policy.map(|policy| {
            let mounts: Vec<(String, Access)> =
                policy.mounts.iter().map(|mount| (mount.guest.clone(), mount.access)).collect();
            (mounts, policy.scratch.is_some(), policy.cwd)
        });
        let expected = (vec![("/workspace".to_owned(), Access::ReadOnly)], false, Some("/workspace".to_owned()));
        assert_eq!(summary, Some(expected));
    }

    #[test]
    fn shipped_read_only_sets_lang() {
        let env = load_shipped("workspace-read-only.toml").map(|policy| policy.env).ok();
        assert_eq!(env, Some(vec![("LANG".to_owned(), "C.UTF-8".to_owned())]));
    }

    #[test]
    fn shipped_read_write_has_scratch() {
        let policy = load_shipped("workspace-read-write.toml").ok();
        let summary = policy.map(|policy| {
            let mounts: Vec<(String, Access)> =
                policy.mounts.iter().map(|mount| (mount.guest.clone(), mount.access)).collect();
            (mounts, policy.scratch.map(|scratch| scratch.guest), policy.cwd)
        });
        let expected = (
            vec![("/workspace".to_owned(), Access::ReadWrite)],
            Some("/scratch".to_owned()),
            Some("/workspace".to_owned()),
        );
        assert_eq!(summary, Some(expected));
    }

    fn load_cloud_emulated() -> Policy {
        match load_shipped("cloud-emulated.toml") {
            Ok(policy) => policy,
            Err(error) => panic!("shipped policy rejected: {error}"),
        }
    }

    #[test]
    fn shipped_cloud_emulated_grants_files() {
        let policy = load_cloud_emulated();
        let mounts: Vec<(String, Access)> =
            policy.mounts.iter().map(|mount| (mount.guest.clone(), mount.access)).collect();
        let summary = (mounts, policy.scratch.map(|scratch| scratch.guest), policy.cwd, policy.env);
        let expected = (
            vec![("/workspace".to_owned(), Access::ReadOnly)],
            Some("/scratch".to_owned()),
            Some("/workspace".to_owned()),
            vec![("AWS_REGION".to_owned(), "us-east-1".to_owned())],
        );
        assert_eq!(summary, expected);
    }

    #[test]
    fn shipped_cloud_emulated_emulators() {
        let expected = vec![
            EmulatorSpec { name: "aws".to_owned(), kind: EmulatorKindSpec::default_aws(), endpoint: None },
            EmulatorSpec { name: "azure".to_owned(), kind: EmulatorKindSpec::default_azure(), endpoint: None },
        ];
        assert_eq!(load_cloud_emulated().network.emulators, expected);
    }

    #[test]
    fn shipped_cloud_emulated_routes() {
        let route = |hosts: &[&str], emulator: &str| RouteSpec {
            hosts: hosts.iter().map(|host| (*host).to_owned()).collect(),
            emulator: emulator.to_owned(),
        };
        let expected =
            vec![route(&["*.amazonaws.com", "amazonaws.com"], "aws"), route(&["*.blob.core.windows.net"], "azure")];
        assert_eq!(load_cloud_emulated().network.routes, expected);
    }

    #[test]
    fn shipped_cloud_emulated_rules() {
        let network = load_cloud_emulated().network;
        let rules = (network.deny_actions, network.allowed_regions, network.scp);
        let expected = (
            vec![
                "s3:Delete*".to_owned(),
                "s3:PutBucketPolicy".to_owned(),
                "dynamodb:DeleteTable".to_owned(),
                "sqs:DeleteQueue".to_owned(),
            ],
            Some(vec!["us-east-1".to_owned(), "us-west-2".to_owned(), "eu-west-1".to_owned()]),
            None,
        );
        assert_eq!(rules, expected);
    }

    #[test]
    fn shipped_cloud_emulated_default_budgets() {
        let network = load_cloud_emulated().network;
        assert_eq!((network.budgets, network.timeouts), (BudgetSpec::default(), TimeoutSpec::default()));
    }

    #[test]
    fn shipped_cloud_emulated_no_warnings() {
        assert!(load_cloud_emulated().warnings.is_empty());
    }
}
