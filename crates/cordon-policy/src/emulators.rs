//! Cloud emulators a policy declares (`[emulators.NAME]`): the cloud each one
//! speaks for, where it listens and the credentials the shim signs forwarded
//! requests with. These credentials never reach the guest.
//!
//! Secrets (the AWS secret access key and the Azure account key) are kept
//! out of `Debug`, of serialised output and of every error message.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize, Serializer};
use toml::{Spanned, Value};

use crate::endpoint::check_endpoint;
use crate::error::{PolicyError, SourceText};
use crate::rules::is_region_name;
use crate::table_only::{TableOnly, TableShape};

/// Text shown in place of a secret.
const REDACTED: &str = "<redacted>";

/// An emulator that routes may forward requests to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmulatorSpec {
    /// Name that `[[routes]]` entries refer to: lowercase letters, digits
    /// and `-`.
    pub name: String,
    /// Cloud the emulator speaks for, with the credentials the shim signs
    /// with.
    #[serde(flatten)]
    pub kind: EmulatorKindSpec,
    /// Base URL, `http://` on a loopback address with a port, possibly with
    /// a path. `None` means the caller fills it in, as the CLI does from
    /// `cordon emulators start`. Until then the shim rejects requests routed
    /// to this emulator.
    pub endpoint: Option<String>,
}

/// Cloud an emulator speaks for, with the credentials the shim signs
/// forwarded requests with. `Debug` and serialisation show each secret as
/// `<redacted>`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EmulatorKindSpec {
    /// AWS services on moto server or LocalStack, signed with SigV4.
    Aws {
        /// Region signed for when a request names none.
        region: String,
        /// Access key ID of the emulator's credentials.
        access_key_id: String,
        /// Secret access key of the emulator's credentials.
        #[serde(serialize_with = "serialize_redacted")]
        secret_access_key: String,
    },
    /// Azure storage on Azurite, signed with Shared Key.
    Azure {
        /// Storage account name.
        account: String,
        /// Account key, base64 as Azurite or the storage account shows it.
        #[serde(serialize_with = "serialize_redacted")]
        account_key: String,
    },
}

impl EmulatorKindSpec {
    /// Region signed for when neither the request nor the policy names one.
    /// moto and LocalStack both use us-east-1 as their default region.
    pub const DEFAULT_REGION: &'static str = "us-east-1";
    /// Access key ID the shim signs with by default. moto 5.2 does not
    /// verify signatures, so any key works there.
    pub const DEFAULT_ACCESS_KEY_ID: &'static str = "cordon";
    /// Secret access key the shim signs with by default. It is not a secret
    /// of any real account.
    pub const DEFAULT_SECRET_ACCESS_KEY: &'static str = "cordon-emulator-secret";
    /// Azurite's built-in development account.
    pub const DEFAULT_ACCOUNT: &'static str = "devstoreaccount1";
    /// Azurite's published key for the development account. Azurite checks
    /// Shared Key signatures against it.
    pub const DEFAULT_ACCOUNT_KEY: &'static str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// Returns an AWS emulator kind with the default region and credentials.
    #[must_use]
    pub fn default_aws() -> EmulatorKindSpec {
        EmulatorKindSpec::Aws {
            region: EmulatorKindSpec::DEFAULT_REGION.to_owned(),
            access_key_id: EmulatorKindSpec::DEFAULT_ACCESS_KEY_ID.to_owned(),
            secret_access_key: EmulatorKindSpec::DEFAULT_SECRET_ACCESS_KEY.to_owned(),
        }
    }

    /// Returns an Azure emulator kind with Azurite's development account.
    #[must_use]
    pub fn default_azure() -> EmulatorKindSpec {
        EmulatorKindSpec::Azure {
            account: EmulatorKindSpec::DEFAULT_ACCOUNT.to_owned(),
            account_key: EmulatorKindSpec::DEFAULT_ACCOUNT_KEY.to_owned(),
        }
    }

    /// Returns the spelling used in policy files: `"aws"` or `"azure"`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            EmulatorKindSpec::Aws { .. } => "aws",
            EmulatorKindSpec::Azure { .. } => "azure",
        }
    }
}

impl fmt::Debug for EmulatorKindSpec {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmulatorKindSpec::Aws { region, access_key_id, secret_access_key: _ } => formatter
                .debug_struct("Aws")
                .field("region", region)
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &format_args!("{REDACTED}"))
                .finish(),
            EmulatorKindSpec::Azure { account, account_key: _ } => formatter
                .debug_struct("Azure")
                .field("account", account)
                .field("account_key", &format_args!("{REDACTED}"))
                .finish(),
        }
    }
}

fn serialize_redacted<S: Serializer>(_secret: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(REDACTED)
}

/// One `[emulators.NAME]` table as written. Every key is optional here so
/// that a missing `kind` gets a message with the line to add.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawEmulator {
    kind: Option<Spanned<Value>>,
    endpoint: Option<Spanned<Value>>,
    region: Option<Spanned<Value>>,
    access_key_id: Option<Spanned<Value>>,
    secret_access_key: Option<Spanned<Value>>,
    account: Option<Spanned<Value>>,
    account_key: Option<Spanned<Value>>,
}

impl fmt::Debug for RawEmulator {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RawEmulator")
            .field("kind", &self.kind)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl TableShape for RawEmulator {
    const EXPECTING: &'static str = "an [emulators.NAME] table with a kind";
}

/// The `[emulators]` table as written: each name with the span of the name
/// and of its table.
pub(crate) type RawEmulators = BTreeMap<Spanned<String>, Spanned<TableOnly<RawEmulator>>>;

impl TableShape for RawEmulators {
    const EXPECTING: &'static str = "an [emulators] table of [emulators.NAME] tables";
}

/// Validates every emulator and returns them in the order of the file.
pub(crate) fn validate_emulators(
    source: &SourceText<'_>,
    raw: &RawEmulators,
) -> Result<Vec<EmulatorSpec>, PolicyError> {
    let mut entries: Vec<_> = raw.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);

    let mut emulators = Vec::with_capacity(entries.len());
    for (name, table) in entries {
        check_name(source, name)?;
        let TableOnly(raw_emulator) = table.get_ref();
        emulators.push(raw_emulator.validate(name.get_ref(), table.span(), source)?);
    }
    Ok(emulators)
}

/// Checks an emulator name. The allowed characters let a name be written as
/// a bare key in its table header and read the same in routes and logs.
fn check_name(source: &SourceText<'_>, name: &Spanned<String>) -> Result<(), PolicyError> {
    let text = name.get_ref();
    let valid =
        !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    if valid {
        return Ok(());
    }

    let suggestion: String = text
        .chars()
        .map(|character| match character.to_ascii_lowercase() {
            lower @ ('a'..='z' | '0'..='9') => lower,
            _ => '-',
        })
        .collect();
    let fix = if suggestion.is_empty() {
        "name it with lowercase letters, digits and \"-\", such as [emulators.aws]".to_owned()
    } else {
        format!("rename it to [emulators.{suggestion}]")
    };
    Err(source.error(
        name.span(),
        format!("emulator name {text:?} is not valid: use only lowercase letters, digits and \"-\""),
        fix,
    ))
}

impl RawEmulator {
    /// Validates the emulator `name` whose table starts at `span`.
    fn validate(&self, name: &str, span: Range<usize>, source: &SourceText<'_>) -> Result<EmulatorSpec, PolicyError> {
        let Some(kind) = &self.kind else {
            return Err(source.error(
                span,
                format!("emulator {name:?} has no kind"),
                "add kind = \"aws\" for moto or LocalStack, or kind = \"azure\" for Azurite",
            ));
        };
        let kind_text = source.require_string(kind, "kind", "kind = \"aws\"")?;
        let kind = match kind_text {
            "aws" => self.read_aws(name, source)?,
            "azure" => self.read_azure(name, source)?,
            other => {
                return Err(source.error(
                    kind.span(),
                    format!("kind {other:?} of emulator {name:?} is not valid: expected \"aws\" or \"azure\""),
                    "write kind = \"aws\" for moto or LocalStack, or kind = \"azure\" for Azurite",
                ));
            }
        };

        let endpoint = match &self.endpoint {
            Some(value) => Some(read_endpoint(source, value)?),
            None => None,
        };
        Ok(EmulatorSpec { name: name.to_owned(), kind, endpoint })
    }

    fn read_aws(&self, name: &str, source: &SourceText<'_>) -> Result<EmulatorKindSpec, PolicyError> {
        let foreign = [("account", &self.account), ("account-key", &self.account_key)];
        reject_foreign_keys(source, name, "aws", "azure", &foreign)?;

        let region = match &self.region {
            Some(value) => read_region(source, value)?,
            None => EmulatorKindSpec::DEFAULT_REGION.to_owned(),
        };
        let access_key_id = match &self.access_key_id {
            Some(value) => read_access_key_id(source, value)?,
            None => EmulatorKindSpec::DEFAULT_ACCESS_KEY_ID.to_owned(),
        };
        let secret_access_key = match &self.secret_access_key {
            Some(value) => read_secret(source, value, "secret-access-key", name, "the default")?.to_owned(),
            None => EmulatorKindSpec::DEFAULT_SECRET_ACCESS_KEY.to_owned(),
        };
        Ok(EmulatorKindSpec::Aws { region, access_key_id, secret_access_key })
    }

    fn read_azure(&self, name: &str, source: &SourceText<'_>) -> Result<EmulatorKindSpec, PolicyError> {
        let foreign = [
            ("region", &self.region),
            ("access-key-id", &self.access_key_id),
            ("secret-access-key", &self.secret_access_key),
        ];
        reject_foreign_keys(source, name, "azure", "aws", &foreign)?;

        let account = match &self.account {
            Some(value) => read_account(source, value)?,
            None => EmulatorKindSpec::DEFAULT_ACCOUNT.to_owned(),
        };
        let account_key = match &self.account_key {
            Some(value) => read_account_key(source, value, name)?,
            None => EmulatorKindSpec::DEFAULT_ACCOUNT_KEY.to_owned(),
        };
        Ok(EmulatorKindSpec::Azure { account, account_key })
    }
}

/// Rejects keys that belong to the other kind of emulator, pointing at the
/// first one in the file. Ignoring them would sign with credentials the user
/// did not mean.
fn reject_foreign_keys(
    source: &SourceText<'_>,
    name: &str,
    kind: &str,
    other_kind: &str,
    keys: &[(&str, &Option<Spanned<Value>>)],
) -> Result<(), PolicyError> {
    let first = keys
        .iter()
        .filter_map(|(key, value)| value.as_ref().map(|value| (*key, value.span())))
        .min_by_key(|(_, span)| span.start);
    match first {
        Some((key, span)) => Err(source.error(
            span,
            format!("{key} is a setting of {other_kind} emulators, but emulator {name:?} has kind {kind:?}"),
            format!("remove {key}, or set kind = {other_kind:?}"),
        )),
        None => Ok(()),
    }
}

fn read_endpoint(source: &SourceText<'_>, value: &Spanned<Value>) -> Result<String, PolicyError> {
    let text = source.require_string(value, "endpoint", "endpoint = \"http://127.0.0.1:5000\"")?;
    check_endpoint(text).map_err(|invalid| source.error(value.span(), invalid.message, invalid.fix))?;
    Ok(text.to_owned())
}

fn read_region(source: &SourceText<'_>, value: &Spanned<Value>) -> Result<String, PolicyError> {
    let text = source.require_string(value, "region", "region = \"us-east-1\"")?;
    if !is_region_name(text) {
        return Err(source.error(
            value.span(),
            format!("region {text:?} is not a valid region name"),
            format!(
                "write it like region = \"us-east-1\", in lowercase letters, digits and \"-\", or \
                 remove it to use the default of {:?}",
                EmulatorKindSpec::DEFAULT_REGION
            ),
        ));
    }
    Ok(text.to_owned())
}

/// Reads an access key ID. It is written into the SigV4 `Authorization`
/// header between `/` and `,` separators, so only a plain word is accepted.
fn read_access_key_id(source: &SourceText<'_>, value: &Spanned<Value>) -> Result<String, PolicyError> {
    let text = source.require_string(value, "access-key-id", "access-key-id = \"cordon\"")?;
    let valid =
        !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if !valid {
        return Err(source.error(
            value.span(),
            format!("access-key-id {text:?} is not valid: use only ASCII letters, digits, \"-\" and \"_\""),
            format!(
                "write it like access-key-id = \"cordon\", or remove it to use the default of {:?}",
                EmulatorKindSpec::DEFAULT_ACCESS_KEY_ID
            ),
        ));
    }
    Ok(text.to_owned())
}

/// Reads an Azure storage account name. Azure allows 3 to 24 lowercase
/// letters and digits, and the name becomes the first path segment and part
/// of the Shared Key signature of every forwarded request.
fn read_account(source: &SourceText<'_>, value: &Spanned<Value>) -> Result<String, PolicyError> {
    let text = source.require_string(value, "account", "account = \"devstoreaccount1\"")?;
    let valid =
        (3..=24).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit());
    if !valid {
        return Err(source.error(
            value.span(),
            format!("account {text:?} is not a valid storage account name: use 3 to 24 lowercase letters and digits"),
            format!(
                "write it like account = \"devstoreaccount1\", or remove it to use Azurite's \
                 default account {:?}",
                EmulatorKindSpec::DEFAULT_ACCOUNT
            ),
        ));
    }
    Ok(text.to_owned())
}

fn read_account_key(source: &SourceText<'_>, value: &Spanned<Value>, name: &str) -> Result<String, PolicyError> {
    let text = read_secret(source, value, "account-key", name, "Azurite's development key")?;
    // The shim decodes the key with the same standard, padded alphabet
    // before it signs, so a key accepted here is one it can use.
    if BASE64.decode(text).is_err() {
        return Err(source.error(
            value.span(),
            format!("account-key of emulator {name:?} is not valid base64"),
            "copy the key exactly as Azurite or the storage account shows it, or remove \
             account-key to use Azurite's development key",
        ));
    }
    Ok(text.to_owned())
}

/// Reads a secret. Unlike other values, the secret itself never appears in
/// the message, even when it has the wrong type.
fn read_secret<'v>(
    source: &SourceText<'_>,
    value: &'v Spanned<Value>,
    key: &str,
    name: &str,
    default: &str,
) -> Result<&'v str, PolicyError> {
    let text = match value.get_ref() {
        Value::String(text) => text,
        other => {
            return Err(source.error(
                value.span(),
                format!("{key} of emulator {name:?} must be a string, found {}", other.type_str()),
                format!("write it as a quoted string, or remove {key} to use {default}"),
            ));
        }
    };
    if text.is_empty() {
        return Err(source.error(
            value.span(),
            format!("{key} of emulator {name:?} is empty"),
            format!("write the secret the emulator expects, or remove {key} to use {default}"),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Policy;

    fn emulators_of(text: &str) -> Result<Vec<EmulatorSpec>, PolicyError> {
        Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.network.emulators)
    }

    fn error_of(text: &str) -> PolicyError {
        match emulators_of(text) {
            Ok(emulators) => panic!("expected an error, got {emulators:?}"),
            Err(error) => error,
        }
    }

    const SECRET: &str = "very-secret-value";
    const AZURE_KEY: &str = "c2VjcmV0LWtleS1ieXRlcw==";

    #[test]
    fn aws_defaults_filled_in() {
        let emulators = emulators_of("[emulators.aws]\nkind = \"aws\"\n").ok();
        let expected = EmulatorSpec { name: "aws".to_owned(), kind: EmulatorKindSpec::default_aws(), endpoint: None };
        assert_eq!(emulators, Some(vec![expected]));
    }

    #[test]
    fn azure_defaults_filled_in() {
        let emulators = emulators_of("[emulators.blob]\nkind = \"azure\"\n").ok();
        let kinds: Option<Vec<EmulatorKindSpec>> =
            emulators.map(|list| list.into_iter().map(|emulator| emulator.kind).collect());
        assert_eq!(kinds, Some(vec![EmulatorKindSpec::default_azure()]));
    }

    #[test]
    fn aws_keys_are_read() {
        let text = format!(
            "[emulators.moto]\nkind = \"aws\"\nendpoint = \"http://127.0.0.1:5000\"\n\
             region = \"eu-west-1\"\naccess-key-id = \"test\"\nsecret-access-key = \"{SECRET}\"\n"
        );
        let expected = EmulatorSpec {
            name: "moto".to_owned(),
            kind: EmulatorKindSpec::Aws {
                region: "eu-west-1".to_owned(),
                access_key_id: "test".to_owned(),
                secret_access_key: SECRET.to_owned(),
            },
            endpoint: Some("http://127.0.0.1:5000".to_owned()),
        };
        assert_eq!(emulators_of(&text).ok(), Some(vec![expected]));
    }

    #[test]
    fn azure_keys_are_read() {
        let text =
            format!("[emulators.azurite]\nkind = \"azure\"\naccount = \"myaccount\"\naccount-key = \"{AZURE_KEY}\"\n");
        let kind = emulators_of(&text).ok().and_then(|list| list.into_iter().next()).map(|emulator| emulator.kind);
        let expected = EmulatorKindSpec::Azure { account: "myaccount".to_owned(), account_key: AZURE_KEY.to_owned() };
        assert_eq!(kind, Some(expected));
    }

    #[test]
    fn emulators_keep_file_order() {
        let text = "[emulators.zeta]\nkind = \"aws\"\n[emulators.alpha]\nkind = \"azure\"\n";
        let names: Option<Vec<String>> =
            emulators_of(text).ok().map(|list| list.into_iter().map(|emulator| emulator.name).collect());
        assert_eq!(names, Some(vec!["zeta".to_owned(), "alpha".to_owned()]));
    }

    #[test]
    fn inline_emulators_table_accepted() {
        let text = "emulators = { aws = { kind = \"aws\" }, az = { kind = \"azure\" } }\n";
        assert_eq!(emulators_of(text).map(|list| list.len()).ok(), Some(2));
    }

    #[test]
    fn uppercase_name_rejected() {
        let error = error_of("[emulators.AWS_1]\nkind = \"aws\"\n");
        assert_eq!(
            error.to_string(),
            "p.toml:1:12: emulator name \"AWS_1\" is not valid: use only lowercase letters, \
             digits and \"-\" (fix: rename it to [emulators.aws-1])"
        );
    }

    #[test]
    fn empty_name_rejected() {
        let error = error_of("[emulators.\"\"]\nkind = \"aws\"\n");
        assert_eq!(error.fix, "name it with lowercase letters, digits and \"-\", such as [emulators.aws]");
    }

    #[test]
    fn dotted_name_rejected() {
        let error = error_of("[emulators.\"a.b\"]\nkind = \"aws\"\n");
        assert!(error.message.starts_with("emulator name \"a.b\" is not valid"));
    }

    #[test]
    fn missing_kind_points_at_table() {
        let error = error_of("\n[emulators.aws]\nendpoint = \"http://127.0.0.1:5000\"\n");
        assert_eq!(
            error.to_string(),
            "p.toml:2:1: emulator \"aws\" has no kind (fix: add kind = \"aws\" for moto or \
             LocalStack, or kind = \"azure\" for Azurite)"
        );
    }

    #[test]
    fn unknown_kind_rejected() {
        let error = error_of("[emulators.g]\nkind = \"gcp\"\n");
        assert_eq!(
            error.to_string(),
            "p.toml:2:8: kind \"gcp\" of emulator \"g\" is not valid: expected \"aws\" or \
             \"azure\" (fix: write kind = \"aws\" for moto or LocalStack, or kind = \"azure\" \
             for Azurite)"
        );
    }

    #[test]
    fn kind_integer_is_wrong_type() {
        let error = error_of("[emulators.g]\nkind = 1\n");
        assert_eq!(error.message, "kind must be a string, found integer 1");
    }

    #[test]
    fn unknown_emulator_key_positioned() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\nport = 5000\n");
        assert_eq!((error.line, error.column), (Some(3), Some(1)));
    }

    #[test]
    fn emulator_not_a_table_rejected() {
        let error = error_of("[emulators]\naws = \"aws\"\n");
        assert_eq!(error.message, "invalid type: string \"aws\", expected an [emulators.NAME] table with a kind");
    }

    #[test]
    fn emulators_not_a_table_rejected() {
        let error = error_of("emulators = [1]\n");
        assert!(error.message.contains("expected an [emulators] table of [emulators.NAME] tables"));
    }

    #[test]
    fn account_on_aws_rejected() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\naccount = \"devstoreaccount1\"\n");
        assert_eq!(
            error.to_string(),
            "p.toml:3:11: account is a setting of azure emulators, but emulator \"aws\" has kind \
             \"aws\" (fix: remove account, or set kind = \"azure\")"
        );
    }

    #[test]
    fn account_key_on_aws_hidden() {
        let text = format!("[emulators.aws]\nkind = \"aws\"\naccount-key = \"{SECRET}\"\n");
        let error = error_of(&text);
        assert!(!error.to_string().contains(SECRET));
    }

    #[test]
    fn region_on_azure_rejected() {
        let error = error_of("[emulators.az]\nkind = \"azure\"\nregion = \"us-east-1\"\n");
        assert_eq!(error.message, "region is a setting of aws emulators, but emulator \"az\" has kind \"azure\"");
    }

    #[test]
    fn first_foreign_key_reported() {
        let error = error_of("[emulators.az]\nkind = \"azure\"\naccess-key-id = \"a\"\nregion = \"us-east-1\"\n");
        assert_eq!(error.line, Some(3));
    }

    #[test]
    fn foreign_key_before_kind_rejected() {
        let error = error_of("[emulators.az]\nregion = \"us-east-1\"\nkind = \"azure\"\n");
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn bad_endpoint_positioned() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\nendpoint = \"http://10.1.2.3:5000\"\n");
        assert_eq!(
            error.to_string(),
            "p.toml:3:12: endpoint \"http://10.1.2.3:5000\" is not on loopback: host \"10.1.2.3\" \
             (fix: run the emulator on this machine and use 127.0.0.1, [::1] or localhost as the \
             host)"
        );
    }

    #[test]
    fn endpoint_integer_is_wrong_type() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\nendpoint = 5000\n");
        assert_eq!(error.message, "endpoint must be a string, found integer 5000");
    }

    #[test]
    fn uppercase_region_rejected() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\nregion = \"US-EAST-1\"\n");
        assert_eq!(error.message, "region \"US-EAST-1\" is not a valid region name");
    }

    #[test]
    fn access_key_id_with_slash_rejected() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\naccess-key-id = \"a/b\"\n");
        assert!(error.message.starts_with("access-key-id \"a/b\" is not valid"));
    }

    #[test]
    fn empty_access_key_id_rejected() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\naccess-key-id = \"\"\n");
        assert!(error.message.starts_with("access-key-id \"\" is not valid"));
    }

    #[test]
    fn empty_secret_rejected() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\nsecret-access-key = \"\"\n");
        assert_eq!(error.message, "secret-access-key of emulator \"aws\" is empty");
    }

    #[test]
    fn secret_wrong_type_hides_value() {
        let error = error_of("[emulators.aws]\nkind = \"aws\"\nsecret-access-key = 987654321\n");
        assert_eq!(
            error.to_string(),
            "p.toml:3:21: secret-access-key of emulator \"aws\" must be a string, found integer \
             (fix: write it as a quoted string, or remove secret-access-key to use the default)"
        );
    }

    #[test]
    fn short_account_rejected() {
        let error = error_of("[emulators.az]\nkind = \"azure\"\naccount = \"ab\"\n");
        assert!(error.message.contains("use 3 to 24 lowercase letters and digits"));
    }

    #[test]
    fn account_with_dash_rejected() {
        let error = error_of("[emulators.az]\nkind = \"azure\"\naccount = \"dev-store\"\n");
        assert!(error.message.starts_with("account \"dev-store\" is not a valid"));
    }

    #[test]
    fn account_key_not_base64_rejected() {
        let text = format!("[emulators.az]\nkind = \"azure\"\naccount-key = \"{SECRET}!\"\n");
        let error = error_of(&text);
        assert_eq!(
            (error.line, error.message.as_str()),
            (Some(3), "account-key of emulator \"az\" is not valid base64")
        );
    }

    #[test]
    fn account_key_error_hides_value() {
        let text = format!("[emulators.az]\nkind = \"azure\"\naccount-key = \"{SECRET}!\"\n");
        assert!(!error_of(&text).to_string().contains(SECRET));
    }

    #[test]
    fn account_key_without_padding_rejected() {
        let error = error_of("[emulators.az]\nkind = \"azure\"\naccount-key = \"YWJjZA\"\n");
        assert!(error.message.ends_with("is not valid base64"));
    }

    #[test]
    fn default_account_key_is_base64() {
        assert!(BASE64.decode(EmulatorKindSpec::DEFAULT_ACCOUNT_KEY).is_ok());
    }

    #[test]
    fn debug_redacts_aws_secret() {
        let kind = EmulatorKindSpec::Aws {
            region: "us-east-1".to_owned(),
            access_key_id: "id".to_owned(),
            secret_access_key: SECRET.to_owned(),
        };
        assert_eq!(
            format!("{kind:?}"),
            "Aws { region: \"us-east-1\", access_key_id: \"id\", secret_access_key: <redacted> }"
        );
    }

    #[test]
    fn debug_redacts_azure_key() {
        let kind = EmulatorKindSpec::Azure { account: "acct".to_owned(), account_key: AZURE_KEY.to_owned() };
        assert!(!format!("{kind:#?}").contains(AZURE_KEY));
    }

    #[test]
    fn serialised_aws_secret_redacted() {
        let emulator = EmulatorSpec {
            name: "aws".to_owned(),
            kind: EmulatorKindSpec::Aws {
                region: "us-east-1".to_owned(),
                access_key_id: "id".to_owned(),
                secret_access_key: SECRET.to_owned(),
            },
            endpoint: None,
        };
        let expected = serde_json::json!({
            "name": "aws",
            "kind": "aws",
            "region": "us-east-1",
            "access_key_id": "id",
            "secret_access_key": "<redacted>",
            "endpoint": null,
        });
        assert_eq!(serde_json::to_value(&emulator).ok(), Some(expected));
    }

    #[test]
    fn serialised_azure_key_redacted() {
        let json = serde_json::to_string(&EmulatorKindSpec::default_azure()).unwrap_or_default();
        assert_eq!(json, "{\"kind\":\"azure\",\"account\":\"devstoreaccount1\",\"account_key\":\"<redacted>\"}");
    }
}
