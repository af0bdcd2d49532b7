//! The credential scope of an AWS Signature Version 4 request: the region and
//! service it was signed for. It gives the service and region of a request
//! sent to an emulator host, whose name shows neither.
//!
//! The scope is read from the `Authorization` header
//! (`AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, ...`)
//! or, for a presigned URL, from the `X-Amz-Credential` query parameter.
//! Signatures are not verified here.

use http::HeaderMap;
use http::header::AUTHORIZATION;

use super::params::Params;

/// Region and service from a SigV4 credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CredentialScope {
    /// Region, absent for SigV4a, whose scope names no region.
    pub(crate) region: Option<String>,
    /// Signing name of the service, such as `s3` or `dynamodb`.
    pub(crate) service: String,
}

/// The maximum length of a region or service name accepted from a scope.
/// Real names are far shorter, and the bound keeps guest-chosen text short in
/// ARNs and messages.
const MAX_SCOPE_PART_LENGTH: usize = 64;

/// Reads the credential scope from the first `Authorization` header, or from
/// the `X-Amz-Credential` query parameter when that header has none.
pub(crate) fn credential_scope(headers: &HeaderMap, query: &Params) -> Option<CredentialScope> {
    let from_header =
        headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()).and_then(scope_from_authorization);
    from_header.or_else(|| query.first("X-Amz-Credential").and_then(parse_credential))
}

/// Reads the `Credential=` field of a SigV4 or SigV4a `Authorization` value.
fn scope_from_authorization(value: &str) -> Option<CredentialScope> {
    let (algorithm, fields) = value.trim().split_once(char::is_whitespace)?;
    if !algorithm.starts_with("AWS4-") {
        return None;
    }
    fields.split(',').map(str::trim).find_map(|field| field.strip_prefix("Credential=")).and_then(parse_credential)
}

/// Parses `AKID/DATE/REGION/SERVICE/aws4_request` (SigV4) or
/// `AKID/DATE/SERVICE/aws4_request` (SigV4a).
fn parse_credential(credential: &str) -> Option<CredentialScope> {
    let parts: Vec<&str> = credential.split('/').collect();
    let (region, service) = match parts.as_slice() {
        [_, _, region, service, "aws4_request"] => (Some(*region), *service),
        [_, _, service, "aws4_request"] => (None, *service),
        _ => return None,
    };

    let region = match region {
        Some(region) => Some(valid_scope_part(region)?),
        None => None,
    };
    let service = valid_scope_part(service)?;
    Some(CredentialScope { region, service })
}

/// Lower-cases a region or service name, or returns `None` when it is empty,
/// too long or has characters other than ASCII letters, digits and `-`.
fn valid_scope_part(part: &str) -> Option<String> {
    let valid = !part.is_empty()
        && part.len() <= MAX_SCOPE_PART_LENGTH
        && part.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
    valid.then(|| part.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers_with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        match HeaderValue::from_str(value) {
            Ok(value) => {
                headers.insert(AUTHORIZATION, value);
            }
            Err(error) => panic!("{value:?} should be a header value: {error}"),
        }
        headers
    }

    fn scope(region: Option<&str>, service: &str) -> Option<CredentialScope> {
        Some(CredentialScope { region: region.map(str::to_owned), service: service.to_owned() })
    }

    #[test]
    fn header_scope_is_read() {
        let headers = headers_with_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/dynamodb/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=abcdef",
        );
        assert_eq!(credential_scope(&headers, &Params::default()), scope(Some("eu-west-1"), "dynamodb"));
    }

    #[test]
    fn header_scope_without_spaces() {
        let headers = headers_with_authorization(
            "AWS4-HMAC-SHA256 SignedHeaders=host,Credential=AKID/20240101/us-east-1/s3/aws4_request,Signature=00",
        );
        assert_eq!(credential_scope(&headers, &Params::default()), scope(Some("us-east-1"), "s3"));
    }

    #[test]
    fn sigv4a_scope_has_no_region() {
        let headers = headers_with_authorization(
            "AWS4-ECDSA-P256-SHA256 Credential=AKID/20240101/s3/aws4_request, SignedHeaders=host, Signature=00",
        );
        assert_eq!(credential_scope(&headers, &Params::default()), scope(None, "s3"));
    }

    #[test]
    fn presigned_query_scope_is_read() {
        let query = Params::from_bytes(b"X-Amz-Credential=AKID%2F20240101%2Fus-west-2%2Fs3%2Faws4_request");
        assert_eq!(credential_scope(&HeaderMap::new(), &query), scope(Some("us-west-2"), "s3"));
    }

    #[test]
    fn header_scope_wins_over_query() {
        let headers = headers_with_authorization("AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/sqs/aws4_request");
        let query = Params::from_bytes(b"X-Amz-Credential=A%2F20240101%2Feu-west-1%2Fs3%2Faws4_request");
        assert_eq!(credential_scope(&headers, &query), scope(Some("us-east-1"), "sqs"));
    }

    #[test]
    fn scope_is_lowercased() {
        let headers = headers_with_authorization("AWS4-HMAC-SHA256 Credential=A/20240101/US-EAST-1/S3/aws4_request");
        assert_eq!(credential_scope(&headers, &Params::default()), scope(Some("us-east-1"), "s3"));
    }

    #[test]
    fn malformed_scopes_are_ignored() {
        for value in [
            "AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/s3",
            "AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/s3/aws4_reques",
            "AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/s3:x/aws4_request",
            "AWS4-HMAC-SHA256 Credential=A/20240101//s3/aws4_request",
            "AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/s3/aws4_request/extra",
            "AWS AKID:signature",
            "Bearer token",
            "AWS4-HMAC-SHA256",
            "",
        ] {
            let headers = headers_with_authorization(value);
            assert_eq!(credential_scope(&headers, &Params::default()), None, "{value:?}");
        }
    }

    #[test]
    fn overlong_scope_part_is_ignored() {
        let value = format!("AWS4-HMAC-SHA256 Credential=A/20240101/{}/s3/aws4_request", "a".repeat(65));
        let headers = headers_with_authorization(&value);
        assert_eq!(credential_scope(&headers, &Params::default()), None);
    }
}
