//! The `[rules]` table: cloud actions the shim denies, the regions it
//! allows and an optional AWS service control policy. The shim evaluates
//! them for every request that a route matches, and an explicit denial wins.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use cordon_shim::{ActionPattern, ServiceControlPolicy};
use serde::{Deserialize, Serialize};
use toml::{Spanned, Value};

use crate::arrays::{SpannedArray, read_strings};
use crate::error::{PolicyError, SourceText};
use crate::table_only::TableShape;

/// An AWS service control policy (IAM JSON) loaded from a file, which the
/// shim evaluates as a set of denials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScpSpec {
    /// Absolute, canonical path of the file, with symbolic links resolved
    /// when the policy was loaded.
    pub path: PathBuf,
    /// The JSON as read. The shim parses it again when it builds its rules,
    /// so the file is read only once.
    pub text: String,
}

/// Largest service control policy file read, in bytes. AWS Organizations
/// limits an SCP document to 5,120 characters, so this leaves ample room
/// while keeping a mistaken path, such as a log file, out of memory.
const MAX_SCP_BYTES: u64 = 1024 * 1024;

/// The `[rules]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRules {
    deny_actions: Option<Spanned<SpannedArray>>,
    allowed_regions: Option<Spanned<SpannedArray>>,
    scp: Option<Spanned<Value>>,
}

impl TableShape for RawRules {
    const EXPECTING: &'static str = "a [rules] table";
}

/// The validated `[rules]` table.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    pub(crate) deny_actions: Vec<String>,
    pub(crate) allowed_regions: Option<Vec<String>>,
    pub(crate) scp: Option<ScpSpec>,
    /// Warnings of the service control policy parser, each prefixed with the
    /// file's path.
    pub(crate) warnings: Vec<String>,
}

impl RawRules {
    /// Checks every action pattern and region and loads the service control
    /// policy, resolving its path against `workspace`.
    pub(crate) fn validate(&self, source: &SourceText<'_>, workspace: &Path) -> Result<Rules, PolicyError> {
        let mut rules = Rules::default();
        if let Some(array) = &self.deny_actions {
            rules.deny_actions = read_deny_actions(source, array.get_ref())?;
        }
        if let Some(array) = &self.allowed_regions {
            rules.allowed_regions = Some(read_allowed_regions(source, array)?);
        }
        if let Some(value) = &self.scp {
            let (scp, warnings) = load_scp(source, value, workspace)?;
            rules.scp = Some(scp);
            rules.warnings = warnings;
        }
        Ok(rules)
    }
}

/// Returns whether `text` has the form of an AWS region name such as
/// `us-east-1`: lowercase letters and digits in words joined by single `-`.
pub(crate) fn is_region_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit()))
}

fn read_deny_actions(source: &SourceText<'_>, array: &SpannedArray) -> Result<Vec<String>, PolicyError> {
    let example = "deny-actions = [\"s3:Delete*\"]";
    let mut actions = Vec::new();
    for action in read_strings(source, "deny-actions", array, example)? {
        // The shim's message already names the pattern and the cause.
        if let Err(error) = ActionPattern::parse(action.text) {
            return Err(source.error(
                action.span,
                crate::routes::without_fix(&error.to_string()).to_owned(),
                "write SERVICE:ACTION, where * matches any run of characters and ? any one \
                 character, such as \"s3:Delete*\" or \"sqs:DeleteQueue\"",
            ));
        }
        actions.push(action.text.to_owned());
    }
    Ok(actions)
}

fn read_allowed_regions(source: &SourceText<'_>, array: &Spanned<SpannedArray>) -> Result<Vec<String>, PolicyError> {
    let example = "allowed-regions = [\"us-east-1\"]";
    let regions = read_strings(source, "allowed-regions", array.get_ref(), example)?;
    if regions.is_empty() {
        return Err(source.error(
            array.span(),
            "allowed-regions is empty, so every AWS request would be denied",
            "list at least one region, such as [\"us-east-1\"], or remove allowed-regions to \
             allow any region",
        ));
    }

    let mut allowed = Vec::with_capacity(regions.len());
    for region in regions {
        if !is_region_name(region.text) {
            return Err(source.error(
                region.span,
                format!("allowed-regions entry {:?} is not a valid region name", region.text),
                "write a region like \"us-east-1\", in lowercase letters, digits and \"-\"",
            ));
        }
        allowed.push(region.text.to_owned());
    }
    Ok(allowed)
}

/// Reads and parses the service control policy named by `scp`. Returns it
/// with the parser's warnings, each prefixed with the canonical path.
fn load_scp(
    source: &SourceText<'_>,
    value: &Spanned<Value>,
    workspace: &Path,
) -> Result<(ScpSpec, Vec<String>), PolicyError> {
    let written = source.require_string(value, "scp", "scp = \"scp.json\"")?;
    let error_at = |message: String, fix: String| source.error(value.span(), message, fix);
    if written.is_empty() {
        return Err(error_at(
            "scp is empty".to_owned(),
            "write the path of the policy's JSON file, relative to the workspace, or remove scp".to_owned(),
        ));
    }
    if written.contains('\0') {
        return Err(error_at(
            format!("scp {written:?} contains a NUL character"),
            "remove the NUL character".to_owned(),
        ));
    }

    let path = resolve_scp_path(written, workspace).map_err(|(message, fix)| error_at(message, fix))?;
    let text = read_scp_text(written, &path).map_err(|(message, fix)| error_at(message, fix))?;
    let policy = ServiceControlPolicy::parse(&text).map_err(|error| {
        error_at(
            format!("scp {written:?} failed to parse: {error}"),
            format!("correct the policy in {}", path.display()),
        )
    })?;

    let warnings = policy.warnings().into_iter().map(|warning| format!("{}: {warning}", path.display())).collect();
    Ok((ScpSpec { path, text }, warnings))
}

/// Resolves the written path against `workspace` and returns it canonical,
/// or a message and a fix.
fn resolve_scp_path(written: &str, workspace: &Path) -> Result<PathBuf, (String, String)> {
    // `join` keeps an absolute path as it is.
    let joined = workspace.join(written);
    let relative_note = if Path::new(written).is_relative() {
        format!(", relative to the workspace {}", workspace.display())
    } else {
        String::new()
    };

    let canonical = fs::canonicalize(&joined).map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            (
                format!("scp {written:?} does not exist (resolved to {})", joined.display()),
                format!("create the file or correct the path{relative_note}"),
            )
        } else {
            (
                format!("scp {written:?} cannot be resolved ({}): {error}", joined.display()),
                "check the path and the permissions of its directories".to_owned(),
            )
        }
    })?;

    match fs::metadata(&canonical) {
        Ok(metadata) if metadata.is_file() && metadata.len() <= MAX_SCP_BYTES => Ok(canonical),
        Ok(metadata) if metadata.is_file() => Err((
            format!(
                "scp {written:?} is {} bytes, more than the {MAX_SCP_BYTES} bytes read for a \
                 service control policy (resolved to {})",
                metadata.len(),
                canonical.display()
            ),
            "point scp at the policy's JSON file".to_owned(),
        )),
        Ok(_) => Err((
            format!("scp {written:?} is not a file (resolved to {})", canonical.display()),
            "point scp at the policy's JSON file".to_owned(),
        )),
        Err(error) => Err((
            format!("scp {written:?} cannot be read ({}): {error}", canonical.display()),
            "check the permissions of the file".to_owned(),
        )),
    }
}

fn read_scp_text(written: &str, path: &Path) -> Result<String, (String, String)> {
    fs::read_to_string(path).map_err(|error| {
        let fix = match error.kind() {
            io::ErrorKind::InvalidData => "save the file as UTF-8 text",
            io::ErrorKind::PermissionDenied => "check the permissions of the file",
            _ => "check the file",
        };
        (format!("scp {written:?} cannot be read ({}): {error}", path.display()), fix.to_owned())
    })
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

    fn policy_of(text: &str, workspace: &Path) -> Policy {
        match Policy::parse(text, "p.toml", workspace) {
            Ok(policy) => policy,
            Err(error) => panic!("expected a policy, got {error}"),
        }
    }

    /// A service control policy with one statement that denies deleting
    /// S3 buckets.
    const SCP: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*" }
  ]
}"#;

    #[test]
    fn deny_actions_are_read() {
        let text = "[rules]\ndeny-actions = [\"s3:Delete*\", \"sqs:DeleteQueue\"]\n";
        let actions = policy_of(text, Path::new(".")).network.deny_actions;
        assert_eq!(actions, ["s3:Delete*", "sqs:DeleteQueue"]);
    }

    #[test]
    fn empty_deny_actions_accepted() {
        let actions = policy_of("[rules]\ndeny-actions = []\n", Path::new(".")).network.deny_actions;
        assert!(actions.is_empty());
    }

    #[test]
    fn invalid_action_positioned() {
        let error = error_of("[rules]\ndeny-actions = [\"s3:Delete*\", \"no colon\"]\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(2), Some(31)));
    }

    #[test]
    fn invalid_action_uses_shim_message() {
        let error = error_of("[rules]\ndeny-actions = [\"s3:\"]\n", Path::new("."));
        let expected =
            ActionPattern::parse("s3:").err().map(|error| crate::routes::without_fix(&error.to_string()).to_owned());
        assert_eq!(Some(error.message), expected);
    }

    #[test]
    fn action_integer_rejected() {
        let error = error_of("[rules]\ndeny-actions = [5]\n", Path::new("."));
        assert_eq!(error.message, "deny-actions entry 1 must be a string, found integer 5");
    }

    #[test]
    fn deny_actions_string_rejected() {
        let error = error_of("[rules]\ndeny-actions = \"s3:*\"\n", Path::new("."));
        assert_eq!(error.message, "invalid type: string \"s3:*\", expected an array of strings");
    }

    #[test]
    fn allowed_regions_are_read() {
        let text = "[rules]\nallowed-regions = [\"us-east-1\", \"eu-west-1\"]\n";
        let regions = policy_of(text, Path::new(".")).network.allowed_regions;
        assert_eq!(regions, Some(vec!["us-east-1".to_owned(), "eu-west-1".to_owned()]));
    }

    #[test]
    fn absent_regions_allow_any() {
        let regions = policy_of("[rules]\n", Path::new(".")).network.allowed_regions;
        assert_eq!(regions, None);
    }

    #[test]
    fn empty_regions_rejected() {
        let error = error_of("[rules]\nallowed-regions = []\n", Path::new("."));
        assert_eq!(
            error.to_string(),
            "p.toml:2:19: allowed-regions is empty, so every AWS request would be denied \
             (fix: list at least one region, such as [\"us-east-1\"], or remove allowed-regions \
             to allow any region)"
        );
    }

    #[test]
    fn invalid_region_positioned() {
        let error = error_of("[rules]\nallowed-regions = [\"us-east-1\", \"us east\"]\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(2), Some(33)));
    }

    #[test]
    fn region_names_recognised() {
        for valid in ["us-east-1", "eu-central-2", "us-gov-west-1", "local"] {
            assert!(is_region_name(valid), "{valid}");
        }
        for invalid in ["", "US-EAST-1", "us--east-1", "-us", "us-", "us_east_1", "us east"] {
            assert!(!is_region_name(invalid), "{invalid:?}");
        }
    }

    #[test]
    fn unknown_rules_key_positioned() {
        let error = error_of("[rules]\ndeny = []\n", Path::new("."));
        assert_eq!((error.line, error.column), (Some(2), Some(1)));
    }

    #[test]
    fn scp_is_loaded() {
        let dir = workspace();
        assert!(fs::write(dir.path().join("scp.json"), SCP).is_ok());
        let scp = policy_of("[rules]\nscp = \"scp.json\"\n", dir.path()).network.scp;
        let expected =
            fs::canonicalize(dir.path().join("scp.json")).ok().map(|path| ScpSpec { path, text: SCP.to_owned() });
        assert_eq!(scp, expected);
    }

    #[test]
    fn scp_warnings_carry_path() {
        let dir = workspace();
        let without_version = SCP.replace("\"Version\": \"2012-10-17\",", "");
        assert!(fs::write(dir.path().join("scp.json"), without_version).is_ok());
        let warnings = policy_of("[rules]\nscp = \"scp.json\"\n", dir.path()).warnings;
        let prefix = fs::canonicalize(dir.path().join("scp.json"))
            .map(|path| format!("{}: ", path.display()))
            .unwrap_or_default();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings.iter().all(|warning| warning.starts_with(&prefix)));
    }

    #[test]
    fn clean_scp_has_no_warnings() {
        let dir = workspace();
        assert!(fs::write(dir.path().join("scp.json"), SCP).is_ok());
        let warnings = policy_of("[rules]\nscp = \"scp.json\"\n", dir.path()).warnings;
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn scp_absolute_path_accepted() {
        let dir = workspace();
        let other = workspace();
        let path = other.path().join("scp.json");
        assert!(fs::write(&path, SCP).is_ok());
        let text = format!("[rules]\nscp = {:?}\n", path.display().to_string());
        assert!(policy_of(&text, dir.path()).network.scp.is_some());
    }

    #[test]
    fn missing_scp_positioned() {
        let dir = workspace();
        let error = error_of("[rules]\nscp = \"absent.json\"\n", dir.path());
        assert_eq!((error.line, error.column), (Some(2), Some(7)));
    }

    #[test]
    fn missing_scp_says_not_exist() {
        let dir = workspace();
        let error = error_of("[rules]\nscp = \"absent.json\"\n", dir.path());
        assert!(error.message.starts_with("scp \"absent.json\" does not exist"));
    }

    #[test]
    fn missing_scp_fix_names_workspace() {
        let dir = workspace();
        let error = error_of("[rules]\nscp = \"absent.json\"\n", dir.path());
        assert_eq!(
            error.fix,
            format!("create the file or correct the path, relative to the workspace {}", dir.path().display())
        );
    }

    #[test]
    fn scp_directory_rejected() {
        let dir = workspace();
        assert!(fs::create_dir(dir.path().join("policies")).is_ok());
        let error = error_of("[rules]\nscp = \"policies\"\n", dir.path());
        assert!(error.message.contains("is not a file"));
    }

    #[test]
    fn non_utf8_scp_rejected() {
        let dir = workspace();
        assert!(fs::write(dir.path().join("scp.json"), [0xff, 0xfe]).is_ok());
        let error = error_of("[rules]\nscp = \"scp.json\"\n", dir.path());
        assert_eq!(error.fix, "save the file as UTF-8 text");
    }

    #[test]
    fn oversized_scp_rejected() {
        let dir = workspace();
        let padding = " ".repeat(1024 * 1024);
        assert!(fs::write(dir.path().join("scp.json"), format!("{SCP}{padding}")).is_ok());
        let error = error_of("[rules]\nscp = \"scp.json\"\n", dir.path());
        assert!(error.message.contains("more than the 1048576 bytes"));
    }

    #[test]
    fn invalid_scp_json_rejected() {
        let dir = workspace();
        assert!(fs::write(dir.path().join("scp.json"), "{ not json").is_ok());
        let error = error_of("[rules]\nscp = \"scp.json\"\n", dir.path());
        assert!(error.message.starts_with("scp \"scp.json\" failed to parse: "));
    }

    #[test]
    fn invalid_scp_points_at_value() {
        let dir = workspace();
        assert!(fs::write(dir.path().join("scp.json"), "[]").is_ok());
        let error = error_of("[rules]\n\nscp = \"scp.json\"\n", dir.path());
        assert_eq!((error.line, error.column), (Some(3), Some(7)));
    }

    #[test]
    fn empty_scp_path_rejected() {
        let error = error_of("[rules]\nscp = \"\"\n", Path::new("."));
        assert_eq!(error.message, "scp is empty");
    }

    #[test]
    fn scp_integer_is_wrong_type() {
        let error = error_of("[rules]\nscp = 1\n", Path::new("."));
        assert_eq!(error.message, "scp must be a string, found integer 1");
    }
}
