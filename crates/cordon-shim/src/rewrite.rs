//! Rewriting of a guest's request target for its emulator.
//!
//! A guest addresses real cloud endpoints; the emulator listens on loopback and expects path-style requests. S3's
//! virtual-hosted buckets (`BUCKET.s3.REGION.amazonaws.com/KEY`) move into the path (`/BUCKET/KEY`), and Azure's
//! account host names (`ACCOUNT.blob.core.windows.net/CONTAINER`) become Azurite's `/ACCOUNT/CONTAINER`, with the
//! emulator's own account, because that is the account the shim signs for.

use http::Uri;

use crate::authority::Authority;
use crate::classify::{parse_aws_host, parse_azure_host};
use crate::config::EmulatorKind;

/// Builds the emulator URI for a guest request to `authority` with path and query from `original`.
///
/// # Errors
///
/// Returns a message when the combined URI is not valid.
pub fn target_uri(endpoint: &Uri, kind: &EmulatorKind, authority: &Authority, original: &Uri) -> Result<Uri, String> {
    let path = original.path();
    let path = match kind {
        EmulatorKind::Aws { .. } => match parse_aws_host(&authority.host).bucket {
            Some(bucket) if path == "/" || path.is_empty() => format!("/{bucket}"),
            Some(bucket) => format!("/{bucket}{path}"),
            None => path.to_owned(),
        },
        EmulatorKind::Azure { signer } if parse_azure_host(&authority.host).is_some() => {
            format!("/{}{}", signer.account, if path == "/" { "" } else { path })
        }
        EmulatorKind::Azure { .. } => path.to_owned(),
    };
    let base = endpoint.path().trim_end_matches('/');
    let path_and_query = match original.query() {
        Some(query) => format!("{base}{path}?{query}"),
        None => format!("{base}{path}"),
    };
    let scheme = endpoint.scheme_str().unwrap_or("http");
    let host = endpoint.authority().map(|authority| authority.as_str()).ok_or("the emulator endpoint has no host")?;
    format!("{scheme}://{host}{path_and_query}").parse().map_err(|error| format!("invalid forwarded URI: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{AwsSigner, AzureSigner};

    fn aws() -> EmulatorKind {
        EmulatorKind::Aws {
            signer: AwsSigner { access_key_id: "a".into(), secret_access_key: "s".into() },
            default_region: "us-east-1".into(),
        }
    }

    fn authority(host: &str) -> Authority {
        Authority { host: host.to_owned(), port: 443 }
    }

    #[test]
    fn virtual_hosted_bucket_moves_to_path() {
        let endpoint: Uri = "http://127.0.0.1:5000".parse().unwrap();
        let original: Uri = "https://reports.s3.us-west-2.amazonaws.com/2026/summary.md?versionId=1".parse().unwrap();
        let target =
            target_uri(&endpoint, &aws(), &authority("reports.s3.us-west-2.amazonaws.com"), &original).unwrap();
        assert_eq!(target.to_string(), "http://127.0.0.1:5000/reports/2026/summary.md?versionId=1");
    }

    #[test]
    fn dotted_bucket_moves_whole() {
        let endpoint: Uri = "http://127.0.0.1:5000".parse().unwrap();
        let original: Uri = "https://my.site.s3.amazonaws.com/index.html".parse().unwrap();
        let target = target_uri(&endpoint, &aws(), &authority("my.site.s3.amazonaws.com"), &original).unwrap();
        assert_eq!(target.to_string(), "http://127.0.0.1:5000/my.site/index.html");
    }

    #[test]
    fn service_endpoint_keeps_path() {
        let endpoint: Uri = "http://127.0.0.1:5000/".parse().unwrap();
        let original: Uri = "https://dynamodb.us-east-1.amazonaws.com/".parse().unwrap();
        let target = target_uri(&endpoint, &aws(), &authority("dynamodb.us-east-1.amazonaws.com"), &original).unwrap();
        assert_eq!(target.to_string(), "http://127.0.0.1:5000/");
    }

    #[test]
    fn azure_host_becomes_emulator_account_path() {
        let kind =
            EmulatorKind::Azure { signer: AzureSigner { account: "devstoreaccount1".into(), key: String::new() } };
        let endpoint: Uri = "http://127.0.0.1:10000".parse().unwrap();
        let original: Uri = "https://myaccount.blob.core.windows.net/reports/a.md".parse().unwrap();
        let target = target_uri(&endpoint, &kind, &authority("myaccount.blob.core.windows.net"), &original).unwrap();
        assert_eq!(target.to_string(), "http://127.0.0.1:10000/devstoreaccount1/reports/a.md");
    }
}
