//! The validated [`Policy`] and the steps that build it from TOML text: parse
//! the document, read the limits, resolve the mounts, check the guest paths,
//! the working directory and the environment, then read the network tables.

use std::path::Path;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use toml::{Spanned, Value};

use crate::budgets::{RawBudgets, RawHttp};
use crate::emulators::RawEmulators;
use crate::env::{RawEnv, validate_env};
use crate::error::{PolicyError, SourceText};
use crate::guest_path::{check_guest_path, is_within};
use crate::limits::{Limits, RawLimits};
use crate::mounts::{GuestClaim, Mount, RawMounts, RawScratch, Scratch, check_unique_guests};
use crate::network::{Network, RawNetwork, validate_network};
use crate::routes::RawRoutes;
use crate::rules::RawRules;
use crate::table_only::TableOnly;

/// Everything one sandboxed call may use. A resource the policy does not
/// grant is absent from the guest's world, not merely refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Display name of the source, such as the file path or
    /// `"<deny-all default>"`.
    pub origin: String,
    /// Resource limits of the call.
    pub limits: Limits,
    /// Host directories the guest sees, in the order of the policy file.
    pub mounts: Vec<Mount>,
    /// The per-call scratch directory, if granted.
    pub scratch: Option<Scratch>,
    /// The guest's initial working directory, if set. It is always a mount's
    /// or the scratch's guest path or lies below one.
    pub cwd: Option<String>,
    /// Environment variables the guest sees, sorted by name. Nothing is
    /// inherited from the host.
    #[serde(serialize_with = "serialize_env")]
    pub env: Vec<(String, String)>,
    /// HTTP access of the call: emulators, routes and rules. The default
    /// rejects every request.
    pub network: Network,
    /// Problems that do not stop the policy from loading, such as parts of
    /// the service control policy that the shim ignores. `cordon check`
    /// prints them.
    pub warnings: Vec<String>,
}

impl Policy {
    /// Display name of the built-in policy returned by [`Policy::deny_all`].
    pub const DENY_ALL_ORIGIN: &'static str = "<deny-all default>";

    /// Returns the built-in default: no files, no scratch, no environment,
    /// no network, and the default [`Limits`].
    #[must_use]
    pub fn deny_all() -> Policy {
        Policy {
            origin: Policy::DENY_ALL_ORIGIN.to_owned(),
            limits: Limits::default(),
            mounts: Vec::new(),
            scratch: None,
            cwd: None,
            env: Vec::new(),
            network: Network::default(),
            warnings: Vec::new(),
        }
    }

    /// Reads and validates the policy file at `path`.
    ///
    /// Relative host paths and the path of a service control policy resolve
    /// against `workspace`, never against the folder of the policy file, so
    /// one policy serves any workspace.
    ///
    /// # Errors
    ///
    /// Returns a [`PolicyError`] when the file cannot be read or when
    /// [`Policy::parse`] rejects its text.
    pub fn load(path: &Path, workspace: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|error| PolicyError::read(path, error))?;
        Policy::parse(&text, &path.display().to_string(), workspace)
    }

    /// Parses and validates policy text. `origin` names the text in errors
    /// and in [`Policy::origin`]. Relative host paths and the path of a
    /// service control policy resolve against `workspace`.
    ///
    /// Host directories are checked and canonicalised now, so a directory
    /// that disappears later is only noticed when the runtime opens it. A
    /// service control policy is read and parsed now, and later changes to
    /// its file have no effect.
    ///
    /// # Errors
    ///
    /// Returns a [`PolicyError`] with the line and column of the first
    /// offending key or value. The causes are invalid TOML, an unknown key,
    /// a value of the wrong type and a limit out of range. They also include
    /// a host that is not an existing directory, an invalid or duplicate
    /// guest path, a working directory outside every mount and an invalid
    /// environment variable. In the network tables, the causes include an
    /// invalid emulator name, kind, endpoint or credential, and a route with
    /// an invalid host pattern or an undeclared emulator. They also include
    /// an invalid action pattern or region, a service control policy that
    /// cannot be read or parsed, and a budget or timeout out of range.
    pub fn parse(text: &str, origin: &str, workspace: &Path) -> Result<Policy, PolicyError> {
        let source = SourceText::new(origin, text);
        let raw: RawPolicy = toml::from_str(text).map_err(|error| source.toml_error(&error))?;

        let limits = match &raw.limits {
            Some(TableOnly(raw_limits)) => raw_limits.validate(&source)?,
            None => Limits::default(),
        };

        let mut mounts = Vec::with_capacity(raw.fs.0.len());
        for entry in &raw.fs.0 {
            let TableOnly(raw_mount) = entry.get_ref();
            mounts.push(raw_mount.validate(entry.span(), &source, workspace)?);
        }
        let scratch = match &raw.scratch {
            Some(entry) => {
                let TableOnly(raw_scratch) = entry.get_ref();
                Some(raw_scratch.validate(entry.span(), &source)?)
            }
            None => None,
        };
        check_unique_guests(&source, guest_claims(&raw, &mounts, scratch.as_ref()))?;

        let cwd = match &raw.cwd {
            Some(value) => Some(read_cwd(&source, value, &mounts, scratch.as_ref())?),
            None => None,
        };
        let env = match &raw.env {
            Some(TableOnly(raw_env)) => validate_env(&source, raw_env)?,
            None => Vec::new(),
        };
        let (network, warnings) = validate_network(&source, &raw.network(), workspace)?;

        Ok(Policy { origin: origin.to_owned(), limits, mounts, scratch, cwd, env, network, warnings })
    }
}

/// A policy file as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    limits: Option<TableOnly<RawLimits>>,
    cwd: Option<Spanned<Value>>,
    #[serde(default)]
    fs: RawMounts,
    scratch: Option<Spanned<TableOnly<RawScratch>>>,
    env: Option<TableOnly<RawEnv>>,
    emulators: Option<TableOnly<RawEmulators>>,
    #[serde(default)]
    routes: RawRoutes,
    rules: Option<TableOnly<RawRules>>,
    budgets: Option<TableOnly<RawBudgets>>,
    http: Option<TableOnly<RawHttp>>,
}

impl RawPolicy {
    /// Borrows the network tables.
    fn network(&self) -> RawNetwork<'_> {
        RawNetwork {
            emulators: self.emulators.as_ref().map(|TableOnly(raw)| raw),
            routes: &self.routes,
            rules: self.rules.as_ref().map(|TableOnly(raw)| raw),
            budgets: self.budgets.as_ref().map(|TableOnly(raw)| raw),
            http: self.http.as_ref().map(|TableOnly(raw)| raw),
        }
    }
}

/// Pairs each validated guest path with the span of its value in the file.
fn guest_claims<'a>(raw: &RawPolicy, mounts: &'a [Mount], scratch: Option<&'a Scratch>) -> Vec<GuestClaim<'a>> {
    let mut claims = Vec::with_capacity(mounts.len() + 1);
    for (mount, entry) in mounts.iter().zip(&raw.fs.0) {
        let TableOnly(raw_mount) = entry.get_ref();
        claims.push(GuestClaim {
            guest: &mount.guest,
            span: raw_mount.guest_span().unwrap_or_else(|| entry.span()),
            owner: "mount",
        });
    }
    if let (Some(scratch), Some(entry)) = (scratch, &raw.scratch) {
        let TableOnly(raw_scratch) = entry.get_ref();
        claims.push(GuestClaim {
            guest: &scratch.guest,
            span: raw_scratch.guest_span().unwrap_or_else(|| entry.span()),
            owner: "scratch directory",
        });
    }
    claims
}

/// Reads `cwd` and checks that it lies within a mount or the scratch, since
/// a guest that starts in a directory it cannot open fails on its first
/// relative path.
fn read_cwd(
    source: &SourceText<'_>,
    value: &Spanned<Value>,
    mounts: &[Mount],
    scratch: Option<&Scratch>,
) -> Result<String, PolicyError> {
    let cwd = source.require_string(value, "cwd", "cwd = \"/workspace\"")?;
    check_guest_path("cwd", cwd).map_err(|invalid| source.error(value.span(), invalid.message, invalid.fix))?;

    let mut granted =
        mounts.iter().map(|mount| mount.guest.as_str()).chain(scratch.map(|scratch| scratch.guest.as_str()));
    if granted.any(|guest| is_within(cwd, guest)) {
        return Ok(cwd.to_owned());
    }

    let first_granted =
        mounts.first().map(|mount| mount.guest.as_str()).or(scratch.map(|scratch| scratch.guest.as_str()));
    let fix = match first_granted {
        Some(guest) => {
            format!("set cwd to a granted guest path such as \"{guest}\" or a directory below it")
        }
        None => "add a [[fs]] mount or a [scratch] that contains it, or remove cwd".to_owned(),
    };
    Err(source.error(value.span(), format!("cwd {cwd:?} is not inside any mount or the scratch directory"), fix))
}

/// Writes the environment as a JSON-style object, `{"NAME": "value"}`, which
/// loses nothing because names are unique and sorted.
fn serialize_env<S: Serializer>(env: &[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(env.len()))?;
    for (name, value) in env {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

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

    const READ_ONLY: &str =
        "cwd = \"/workspace/src\"\n\n[[fs]]\nhost = \".\"\nguest = \"/workspace\"\naccess = \"read-only\"\n";

    #[test]
    fn empty_file_equals_deny_all() {
        let policy = Policy::parse("", Policy::DENY_ALL_ORIGIN, Path::new(".")).ok();
        assert_eq!(policy, Some(Policy::deny_all()));
    }

    #[test]
    fn comments_only_grant_nothing() {
        let policy = Policy::parse("# nothing\n", "p.toml", Path::new("."));
        assert_eq!(policy.map(|p| p.mounts.len() + p.env.len()).ok(), Some(0));
    }

    #[test]
    fn origin_is_kept() {
        let policy = Policy::parse("", "policies/x.toml", Path::new("."));
        assert_eq!(policy.map(|p| p.origin).ok().as_deref(), Some("policies/x.toml"));
    }

    #[test]
    fn cwd_below_mount_accepted() {
        let dir = workspace();
        let policy = Policy::parse(READ_ONLY, "p.toml", dir.path()).ok();
        assert_eq!(policy.and_then(|p| p.cwd).as_deref(), Some("/workspace/src"));
    }

    #[test]
    fn cwd_in_scratch_accepted() {
        let text = "cwd = \"/scratch\"\n[scratch]\nguest = \"/scratch\"\n";
        let policy = Policy::parse(text, "p.toml", Path::new(".")).ok();
        assert_eq!(policy.and_then(|p| p.cwd).as_deref(), Some("/scratch"));
    }

    #[test]
    fn cwd_outside_mounts_rejected() {
        let dir = workspace();
        let text = READ_ONLY.replace("/workspace/src", "/tmp");
        let error = error_of(&text, dir.path());
        assert_eq!(
            error.to_string(),
            "p.toml:1:7: cwd \"/tmp\" is not inside any mount or the scratch directory \
             (fix: set cwd to a granted guest path such as \"/workspace\" or a directory below it)"
        );
    }

    #[test]
    fn cwd_sibling_prefix_rejected() {
        let dir = workspace();
        let text = READ_ONLY.replace("/workspace/src", "/workspace2");
        assert!(error_of(&text, dir.path()).message.contains("is not inside any mount"));
    }

    #[test]
    fn cwd_without_mounts_rejected() {
        let error = error_of("cwd = \"/workspace\"\n", Path::new("."));
        assert_eq!(error.fix, "add a [[fs]] mount or a [scratch] that contains it, or remove cwd");
    }

    #[test]
    fn cwd_with_parent_component_rejected() {
        let dir = workspace();
        let text = READ_ONLY.replace("/workspace/src", "/workspace/../etc");
        assert!(error_of(&text, dir.path()).message.contains("contains a \"..\" component"));
    }

    #[test]
    fn unknown_top_level_key_positioned() {
        let error = error_of("# policy\nnetwork = true\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(2), Some(1)));
    }

    #[test]
    fn unknown_key_message_lists_known_keys() {
        let error = error_of("network = true\n", Path::new("."));
        assert!(error.message.starts_with("unknown field `network`, expected one of"));
    }

    #[test]
    fn unknown_key_fix_suggests_spelling() {
        let error = error_of("network = true\n", Path::new("."));
        assert_eq!(error.fix, "remove the key or correct its spelling");
    }

    #[test]
    fn unknown_nested_key_positioned() {
        let error = error_of("[limits]\nfuel = 5\n  fule = 6\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(3), Some(3)));
    }

    #[test]
    fn wrong_type_positioned() {
        let error = error_of("\ncwd = 5\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(2), Some(7)));
    }

    #[test]
    fn wrong_type_message_names_key() {
        let error = error_of("cwd = 5\n", Path::new("."));
        assert_eq!(error.message, "cwd must be a string, found integer 5");
    }

    #[test]
    fn limits_not_a_table_rejected() {
        let error = error_of("limits = 5\n", Path::new("."));
        assert_eq!(error.message, "invalid type: integer `5`, expected a [limits] table");
    }

    #[test]
    fn fs_not_an_array_positioned() {
        let error = error_of("fs = \"x\"\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(1), Some(6)));
    }

    #[test]
    fn syntax_error_positioned() {
        let error = error_of("[limits]\nfuel = = 5\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(2), Some(8)));
    }

    #[test]
    fn syntax_error_fix_names_syntax() {
        let error = error_of("[limits\n", Path::new("."));
        assert_eq!(error.fix, "correct the TOML syntax at this position");
    }

    #[test]
    fn duplicate_key_rejected() {
        let error = error_of("cwd = \"/a\"\ncwd = \"/b\"\n", Path::new("."));
        assert_eq!((error.line, error.fix.as_str()), (Some(2), "keep only one of the two definitions"));
    }

    #[test]
    fn load_reads_file_with_path_origin() {
        let dir = workspace();
        let path = dir.path().join("p.toml");
        assert!(fs::write(&path, "[limits]\nfuel = 9\n").is_ok());
        let policy = Policy::load(&path, dir.path()).ok();
        assert_eq!(policy.map(|p| (p.origin, p.limits.fuel)), Some((path.display().to_string(), 9)));
    }

    #[test]
    fn load_error_uses_path_origin() {
        let dir = workspace();
        let path = dir.path().join("p.toml");
        assert!(fs::write(&path, "fuel = 9\n").is_ok());
        let error = error_of_load(&path, dir.path());
        assert!(error.to_string().starts_with(&format!("{}:1:1: unknown field `fuel`", path.display())));
    }

    #[test]
    fn load_missing_file_fails() {
        let dir = workspace();
        let path = dir.path().join("absent.toml");
        let error = error_of_load(&path, dir.path());
        assert!(error.to_string().starts_with(&format!("cannot read policy {}: ", path.display())));
    }

    #[test]
    fn load_non_utf8_file_fails() {
        let dir = workspace();
        let path = dir.path().join("p.toml");
        assert!(fs::write(&path, [0xff, 0xfe, b'\n']).is_ok());
        assert_eq!(error_of_load(&path, dir.path()).fix, "save the policy as UTF-8 text");
    }

    fn error_of_load(path: &Path, workspace: &Path) -> PolicyError {
        match Policy::load(path, workspace) {
            Ok(policy) => panic!("expected an error, got {policy:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn policy_serialises_to_json() {
        let dir = workspace();
        let text = format!("{READ_ONLY}\n[env]\nLANG = \"C.UTF-8\"\n");
        let policy = Policy::parse(&text, "p.toml", dir.path()).ok();
        let json = policy.and_then(|p| serde_json::to_value(p).ok());
        let expected_env = serde_json::json!({ "LANG": "C.UTF-8" });
        assert_eq!(json.as_ref().and_then(|j| j.get("env")), Some(&expected_env));
    }

    #[test]
    fn mount_serialises_access_string() {
        let dir = workspace();
        let policy = Policy::parse(READ_ONLY, "p.toml", dir.path()).ok();
        let json = policy.and_then(|p| serde_json::to_value(p).ok());
        let access = json.as_ref().and_then(|j| j.pointer("/mounts/0/access"));
        assert_eq!(access, Some(&serde_json::json!("read-only")));
    }
}
