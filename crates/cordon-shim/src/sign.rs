//! Re-signing of forwarded requests with the emulator's credentials.
//!
//! The guest's own credentials never leave the shim. [`strip_guest_credentials`] removes every header and query
//! parameter that carries a signature or a token. The request is then signed again, with SigV4 through the
//! `aws-sigv4` crate for AWS emulators and with Shared Key for Azurite. Emulators that verify signatures (Azurite
//! does) therefore accept only what the shim forwarded.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use http::{HeaderMap, Request, Uri};
use sha2::Sha256;

/// A failure to sign a request.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// aws-sigv4 rejected the request or the signing parameters.
    #[error("cannot sign the request with SigV4: {0}")]
    Sigv4(String),
    /// The Azure account key is not valid base64.
    #[error("the Azure account key is not valid base64 (fix: use the key exactly as the storage account shows it)")]
    AzureKey,
}

/// The AWS credentials the shim signs with, which never reach the guest.
#[derive(Clone)]
pub struct AwsSigner {
    /// The access key ID.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for AwsSigner {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("AwsSigner").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// An Azure storage account and its key, which never reaches the guest.
#[derive(Clone)]
pub struct AzureSigner {
    /// The account name, `devstoreaccount1` for Azurite.
    pub account: String,
    /// The account key, base64 as the portal or Azurite shows it.
    pub key: String,
}

impl std::fmt::Debug for AzureSigner {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("AzureSigner").field("account", &self.account).finish_non_exhaustive()
    }
}

/// Headers that carry the guest's AWS or Azure credentials or a signature over them.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256"];

/// Query parameters of presigned AWS URLs and Azure SAS tokens.
const CREDENTIAL_QUERY_PARAMETERS: &[&str] = &[
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-expires",
    "x-amz-signedheaders",
    "x-amz-signature",
    "x-amz-security-token",
    "sig",
    "se",
    "st",
    "sp",
    "sv",
    "sr",
    "spr",
    "sip",
    "skoid",
    "sktid",
    "skt",
    "ske",
    "sks",
    "skv",
];

/// Removes every credential the guest attached: authorization and token headers, and presigned or SAS query
/// parameters. Returns whether anything was removed.
pub fn strip_guest_credentials(headers: &mut HeaderMap, uri: &mut Uri) -> bool {
    let mut removed = false;
    for name in CREDENTIAL_HEADERS {
        removed |= headers.remove(*name).is_some();
    }

    if let Some(query) = uri.query() {
        let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .filter(|(name, _)| !CREDENTIAL_QUERY_PARAMETERS.contains(&name.to_ascii_lowercase().as_str()))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let before = form_urlencoded::parse(query.as_bytes()).count();
        if kept.len() != before {
            removed = true;
            *uri = replace_query(uri, &kept);
        }
    }
    removed
}

/// Rebuilds `uri` with a new query string. Parameters without a value keep their bare form (`?uploads`).
fn replace_query(uri: &Uri, parameters: &[(String, String)]) -> Uri {
    let mut query = String::new();
    for (name, value) in parameters {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode_query_component(name));
        if !value.is_empty() {
            query.push('=');
            query.push_str(&encode_query_component(value));
        }
    }
    let path = uri.path();
    let path_and_query = if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = path_and_query.parse().ok();
    Uri::from_parts(parts).unwrap_or_else(|_| uri.clone())
}

fn encode_query_component(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}

/// Characters SigV4 and Azure both leave unencoded in a query component.
const QUERY_COMPONENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Signs `request` in place with SigV4 for `service` in `region`. The body is hashed whole, because the shim buffers
/// it before forwarding; S3 also gets the `x-amz-content-sha256` header it requires.
pub fn sign_aws(
    request: &mut Request<Vec<u8>>,
    signer: &AwsSigner,
    service: &str,
    region: &str,
    now: SystemTime,
) -> Result<(), SignError> {
    let identity = Credentials::new(&signer.access_key_id, &signer.secret_access_key, None, None, "cordon").into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::Headers;
    if service == "s3" {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(now)
        .settings(settings)
        .build()
        .map_err(|error| SignError::Sigv4(error.to_string()))?
        .into();

    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|value| (name.as_str(), value)))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|error| SignError::Sigv4(error.to_string()))?;
    let (instructions, _signature) =
        sign(signable, &params).map_err(|error| SignError::Sigv4(error.to_string()))?.into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

/// Signs `request` in place with Azure Shared Key for `signer.account`.
///
/// Azurite's endpoints are path-style (`http://127.0.0.1:10000/devstoreaccount1/container`), so the canonical
/// resource, which is the account followed by the path, names the account twice.
pub fn sign_azure(request: &mut Request<Vec<u8>>, signer: &AzureSigner, now: SystemTime) -> Result<(), SignError> {
    let key = BASE64.decode(signer.key.as_bytes()).map_err(|_| SignError::AzureKey)?;

    let headers = request.headers_mut();
    headers.insert("x-ms-date", header_value(&httpdate::fmt_http_date(now)));
    if !headers.contains_key("x-ms-version") {
        headers.insert("x-ms-version", HeaderValue::from_static(AZURE_API_VERSION));
    }

    let string_to_sign = azure_string_to_sign(request, &signer.account);
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| SignError::AzureKey)?;
    mac.update(string_to_sign.as_bytes());
    let signature = BASE64.encode(mac.finalize().into_bytes());
    request.headers_mut().insert(AUTHORIZATION, header_value(&format!("SharedKey {}:{signature}", signer.account)));
    Ok(())
}

/// The storage API version the shim requests when the guest names none. Azurite 3.35 accepts it.
const AZURE_API_VERSION: &str = "2025-01-05";

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Builds the Shared Key string to sign: the verb, eleven standard headers, the `x-ms-` headers and the resource.
fn azure_string_to_sign(request: &Request<Vec<u8>>, account: &str) -> String {
    let headers = request.headers();
    let standard = |name: &str| -> String {
        headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
    };
    // Since API version 2015-02-21 a zero Content-Length is signed as an empty string.
    let content_length = match standard("content-length").as_str() {
        "0" => String::new(),
        other => other.to_owned(),
    };

    let mut text = String::new();
    text.push_str(request.method().as_str());
    text.push('\n');
    for value in [
        standard("content-encoding"),
        standard("content-language"),
        content_length,
        standard("content-md5"),
        standard("content-type"),
        String::new(), // Date: x-ms-date is always set, so the standard Date is signed empty.
        standard("if-modified-since"),
        standard("if-match"),
        standard("if-none-match"),
        standard("if-unmodified-since"),
        standard("range"),
    ] {
        text.push_str(&value);
        text.push('\n');
    }

    let mut ms_headers: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-ms-"))
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().trim().to_owned()))
        .collect();
    ms_headers.sort();
    for (name, value) in ms_headers {
        text.push_str(&name);
        text.push(':');
        text.push_str(&value);
        text.push('\n');
    }

    text.push('/');
    text.push_str(account);
    text.push_str(request.uri().path());
    let mut parameters: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(query) = request.uri().query() {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let name = name.to_ascii_lowercase();
            match parameters.iter_mut().find(|(existing, _)| *existing == name) {
                Some((_, values)) => values.push(value.into_owned()),
                None => parameters.push((name, vec![value.into_owned()])),
            }
        }
    }
    parameters.sort();
    for (name, mut values) in parameters {
        values.sort();
        text.push('\n');
        text.push_str(&name);
        text.push(':');
        text.push_str(&values.join(","));
    }
    text
}

/// Returns whether `name` is a header the shim sets itself and must not take from the guest.
pub fn is_credential_header(name: &HeaderName) -> bool {
    CREDENTIAL_HEADERS.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_authorization_is_removed() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=GUEST/..."));
        headers.insert("x-amz-security-token", HeaderValue::from_static("token"));
        let mut uri: Uri = "http://127.0.0.1:5000/bucket/key".parse().unwrap();
        assert!(strip_guest_credentials(&mut headers, &mut uri));
        assert!(headers.is_empty());
    }

    #[test]
    fn presigned_query_is_removed() {
        let mut headers = HeaderMap::new();
        let mut uri: Uri = "http://h/b/k?X-Amz-Credential=GUEST%2F1&X-Amz-Signature=abc&versionId=3".parse().unwrap();
        assert!(strip_guest_credentials(&mut headers, &mut uri));
        assert_eq!(uri.query(), Some("versionId=3"));
    }

    #[test]
    fn sas_signature_is_removed() {
        let mut headers = HeaderMap::new();
        let mut uri: Uri = "http://h/c/b?sv=2021&sig=secret&comp=list".parse().unwrap();
        strip_guest_credentials(&mut headers, &mut uri);
        assert_eq!(uri.query(), Some("comp=list"));
    }

    #[test]
    fn bare_query_names_survive_stripping() {
        let mut headers = HeaderMap::new();
        let mut uri: Uri = "http://h/b?uploads&X-Amz-Signature=x".parse().unwrap();
        strip_guest_credentials(&mut headers, &mut uri);
        assert_eq!(uri.query(), Some("uploads"));
    }

    #[test]
    fn sigv4_sets_scope_of_emulator() {
        let mut request = Request::builder()
            .method("GET")
            .uri("http://127.0.0.1:5000/bucket")
            .header("host", "127.0.0.1:5000")
            .body(Vec::new())
            .unwrap();
        let signer = AwsSigner { access_key_id: "EMULATOR".into(), secret_access_key: "secret".into() };
        sign_aws(&mut request, &signer, "s3", "eu-west-1", SystemTime::UNIX_EPOCH).unwrap();
        let authorization = request.headers()[AUTHORIZATION].to_str().unwrap();
        assert!(authorization.contains("Credential=EMULATOR/19700101/eu-west-1/s3/aws4_request"), "{authorization}");
        assert!(request.headers().contains_key("x-amz-content-sha256"));
    }

    #[test]
    fn azure_string_to_sign_layout() {
        let request = Request::builder()
            .method("PUT")
            .uri("http://127.0.0.1:10000/devstoreaccount1/reports?restype=container")
            .header("x-ms-date", "Fri, 04 Dec 2026 20:00:00 GMT")
            .header("x-ms-version", "2025-01-05")
            .header("content-length", "0")
            .body(Vec::new())
            .unwrap();
        let text = azure_string_to_sign(&request, "devstoreaccount1");
        let expected = "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 04 Dec 2026 20:00:00 GMT\nx-ms-version:2025-01-05\n\
                        /devstoreaccount1/devstoreaccount1/reports\nrestype:container";
        assert_eq!(text, expected);
    }

    #[test]
    fn azure_signature_uses_account_key() {
        let mut request = Request::builder()
            .method("GET")
            .uri("http://127.0.0.1:10000/devstoreaccount1?comp=list")
            .body(Vec::new())
            .unwrap();
        let signer = AzureSigner { account: "devstoreaccount1".into(), key: BASE64.encode(b"key") };
        sign_azure(&mut request, &signer, SystemTime::UNIX_EPOCH).unwrap();
        let authorization = request.headers()[AUTHORIZATION].to_str().unwrap();
        assert!(authorization.starts_with("SharedKey devstoreaccount1:"), "{authorization}");
    }

    #[test]
    fn invalid_azure_key_is_rejected() {
        let mut request = Request::builder().uri("http://h/a").body(Vec::new()).unwrap();
        let signer = AzureSigner { account: "a".into(), key: "not base64!".into() };
        assert!(matches!(sign_azure(&mut request, &signer, SystemTime::UNIX_EPOCH), Err(SignError::AzureKey)));
    }
}
