//! Shared Key authorization for Azure Storage requests, for the `blob` guest.
//!
//! The `Authorization: SharedKey ACCOUNT:SIGNATURE` header carries a base64 HMAC-SHA256
//! of a string built from the request, keyed with the account key. The guest has no real
//! key. It signs with the key in `AZURE_STORAGE_KEY` when the host sets one, meant for a
//! stand-in such as the storage emulator's published development key, and otherwise
//! sends a placeholder signature. The host signs every request again with the real key. The string to sign follows the layout for service version 2009-09-19 and
//! later, described at
//! <https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key>.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Signature sent when the guest has no key. The host replaces the whole header.
pub const PLACEHOLDER_SIGNATURE: &str = "placeholder";

/// Standard headers that the string to sign lists by value, in its order. An absent
/// header contributes an empty line.
const SIGNED_STANDARD_HEADERS: [&str; 11] = [
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
    "date",
    "if-modified-since",
    "if-match",
    "if-none-match",
    "if-unmodified-since",
    "range",
];

/// The parts of a request that its Shared Key signature covers.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// HTTP method, such as `PUT`.
    pub method: &'a str,
    /// Percent-encoded URI path as sent, such as `/container/name`. With the emulator's
    /// path-style URLs it starts with the account, as in `/devstoreaccount1/container`.
    pub path: &'a str,
    /// Query parameters, decoded, such as `("restype", "container")`.
    pub query: &'a [(&'a str, &'a str)],
    /// Every header the request carries. Names may be in any case.
    pub headers: &'a [(&'a str, &'a str)],
}

/// Builds the string to sign for `request` to `account`.
pub fn string_to_sign(account: &str, request: &RequestParts<'_>) -> String {
    let mut text = request.method.to_ascii_uppercase();
    text.push('\n');

    for name in SIGNED_STANDARD_HEADERS {
        let value = header_value(request.headers, name).unwrap_or("");
        // From service version 2015-02-21 on, a zero Content-Length is signed as empty.
        let value = if name == "content-length" && value == "0" {
            ""
        } else {
            value
        };
        text.push_str(value);
        text.push('\n');
    }

    text.push_str(&canonicalized_headers(request.headers));
    text.push_str(&canonicalized_resource(account, request.path, request.query));
    text
}

/// Returns the base64 HMAC-SHA256 of `string_to_sign` keyed with `key`.
pub fn signature(key: &[u8], string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC-SHA256 accepts a key of any length");
    mac.update(string_to_sign.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// Returns the `Authorization` header value for `request`: signed with `key` when there
/// is one, and with [`PLACEHOLDER_SIGNATURE`] otherwise.
pub fn authorization(account: &str, key: Option<&[u8]>, request: &RequestParts<'_>) -> String {
    let signature = match key {
        Some(key) => signature(key, &string_to_sign(account, request)),
        None => PLACEHOLDER_SIGNATURE.to_string(),
    };
    format!("SharedKey {account}:{signature}")
}

fn header_value<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| *value)
}

/// Lists the `x-ms-` headers as `name:value` lines, names in lowercase and in order,
/// with runs of whitespace in each value folded to one space.
fn canonicalized_headers(headers: &[(&str, &str)]) -> String {
    let mut lines: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| name.to_ascii_lowercase().starts_with("x-ms-"))
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                value.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect()
}

/// Builds `/ACCOUNT/PATH` followed by one `\nname:value` line per query parameter, names
/// in lowercase and in order, values of a repeated name joined by commas.
fn canonicalized_resource(account: &str, path: &str, query: &[(&str, &str)]) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let mut text = format!("/{account}{path}");

    let mut parameters: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, value) in query {
        let name = name.to_ascii_lowercase();
        match parameters.iter_mut().find(|(known, _)| *known == name) {
            Some((_, values)) => values.push(value),
            None => parameters.push((name, vec![value])),
        }
    }
    parameters.sort();
    for (name, mut values) in parameters {
        values.sort_unstable();
        text.push_str(&format!("\n{name}:{}", values.join(",")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST_HEADERS: [(&str, &str); 3] = [
        ("x-ms-version", "2021-08-06"),
        ("X-Ms-Date", "Thu, 04 Dec 2025 20:46:00 GMT"),
        ("Content-Length", "0"),
    ];

    #[test]
    fn string_to_sign_lists_parts_in_order() {
        let request = RequestParts {
            method: "get",
            path: "/devstoreaccount1/logs",
            query: &[("restype", "container"), ("comp", "list")],
            headers: &LIST_HEADERS,
        };
        let expected = "GET\n\n\n\n\n\n\n\n\n\n\n\n\
            x-ms-date:Thu, 04 Dec 2025 20:46:00 GMT\n\
            x-ms-version:2021-08-06\n\
            /devstoreaccount1/devstoreaccount1/logs\n\
            comp:list\n\
            restype:container";
        assert_eq!(string_to_sign("devstoreaccount1", &request), expected);
    }

    #[test]
    fn string_to_sign_keeps_nonzero_content_length() {
        let request = RequestParts {
            method: "PUT",
            path: "/c/a%20b",
            query: &[],
            headers: &[("Content-Length", "5"), ("x-ms-blob-type", "BlockBlob")],
        };
        assert_eq!(
            string_to_sign("acct", &request),
            "PUT\n\n\n5\n\n\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n/acct/c/a%20b"
        );
    }

    #[test]
    fn canonicalized_resource_joins_repeated_parameters() {
        let resource = canonicalized_resource("acct", "/c", &[("Include", "tags"), ("include", "metadata")]);
        assert_eq!(resource, "/acct/c\ninclude:metadata,tags");
    }

    #[test]
    fn signature_matches_hmac_sha256_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let expected = BASE64.encode([
            0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00,
            0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
        ]);
        assert_eq!(signature(b"Jefe", "what do ya want for nothing?"), expected);
    }

    #[test]
    fn authorization_without_key_is_placeholder() {
        let request = RequestParts {
            method: "GET",
            path: "/c",
            query: &[],
            headers: &[],
        };
        assert_eq!(authorization("acct", None, &request), "SharedKey acct:placeholder");
    }
}
