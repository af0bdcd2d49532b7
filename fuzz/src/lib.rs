//! Input formats of Cordon's fuzz targets that are more than plain text, with
//! the encoders that write seed inputs from real requests.
//!
//! The `classify` target reads an HTTP request through [`RequestInput`]'s
//! [`Arbitrary`] implementation. Its byte layout is defined here rather than
//! by `#[derive(Arbitrary)]`, whose layout depends on the `arbitrary` version,
//! so that the seed corpus in `corpus/classify/` stays valid and can be
//! written again with `cargo run --example classify_seeds`.

use arbitrary::{Arbitrary, Unstructured};
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, Uri};

/// An HTTP request for the `classify` target.
///
/// The encoding starts with the fields `method`, `scheme`, `authority` and
/// `path_and_query`, each a two-byte little-endian length followed by that
/// many bytes. One byte with the number of headers follows, then each
/// header's name and value in the same length-prefixed form. The body takes
/// the rest of the input. A length past the end of the input takes the bytes
/// that are left, and missing bytes read as zero, so every input decodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInput {
    /// Request method, such as `PUT`.
    pub method: Vec<u8>,
    /// URI scheme, such as `https`.
    pub scheme: Vec<u8>,
    /// URI authority, such as `bucket.s3.amazonaws.com`.
    pub authority: Vec<u8>,
    /// URI path and query, such as `/key?uploads`.
    pub path_and_query: Vec<u8>,
    /// Header names and values in request order.
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// Request body.
    pub body: Vec<u8>,
}

/// The `http` types built from a [`RequestInput`].
#[derive(Debug)]
pub struct HttpRequest {
    /// Request method.
    pub method: Method,
    /// URI scheme as text.
    pub scheme: String,
    /// URI authority as text, before normalisation.
    pub authority: String,
    /// The whole request URI.
    pub uri: Uri,
    /// Request headers. Names or values that `http` rejects are left out.
    pub headers: HeaderMap,
}

impl RequestInput {
    /// Builds a request input from text fields, for writing seeds.
    #[must_use]
    pub fn new(
        method: &str,
        scheme: &str,
        authority: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RequestInput {
        RequestInput {
            method: method.as_bytes().to_vec(),
            scheme: scheme.as_bytes().to_vec(),
            authority: authority.as_bytes().to_vec(),
            path_and_query: path_and_query.as_bytes().to_vec(),
            headers: headers
                .iter()
                .map(|(name, value)| (name.as_bytes().to_vec(), value.as_bytes().to_vec()))
                .collect(),
            body: body.to_vec(),
        }
    }

    /// Encodes the request in the layout that [`Arbitrary`] decodes.
    ///
    /// # Panics
    ///
    /// Panics when a field is longer than 65,535 bytes or there are more
    /// than 255 headers, which the layout cannot express.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for field in [
            &self.method,
            &self.scheme,
            &self.authority,
            &self.path_and_query,
        ] {
            push_field(&mut bytes, field);
        }

        let count = u8::try_from(self.headers.len()).expect("at most 255 headers");
        bytes.push(count);
        for (name, value) in &self.headers {
            push_field(&mut bytes, name);
            push_field(&mut bytes, value);
        }

        bytes.extend_from_slice(&self.body);
        bytes
    }

    /// Builds the method, URI and headers, or returns `None` when the method
    /// or URI is not valid HTTP. The shim receives requests as `http` types,
    /// so it is never given a method or URI that `http` rejects.
    #[must_use]
    pub fn to_http(&self) -> Option<HttpRequest> {
        let method = Method::from_bytes(&self.method).ok()?;
        let scheme = std::str::from_utf8(&self.scheme).ok()?.to_owned();
        let authority = std::str::from_utf8(&self.authority).ok()?.to_owned();
        let uri = Uri::builder()
            .scheme(self.scheme.as_slice())
            .authority(self.authority.as_slice())
            .path_and_query(self.path_and_query.as_slice())
            .build()
            .ok()?;

        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name),
                HeaderValue::from_bytes(value),
            ) else {
                continue;
            };
            headers.append(name, value);
        }

        Some(HttpRequest {
            method,
            scheme,
            authority,
            uri,
            headers,
        })
    }
}

impl<'a> Arbitrary<'a> for RequestInput {
    fn arbitrary(input: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let method = read_field(input)?;
        let scheme = read_field(input)?;
        let authority = read_field(input)?;
        let path_and_query = read_field(input)?;

        let count = u8::arbitrary(input)?;
        let mut headers = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            if input.is_empty() {
                break;
            }
            let name = read_field(input)?;
            let value = read_field(input)?;
            headers.push((name, value));
        }

        let body = input.bytes(input.len())?.to_vec();
        Ok(RequestInput {
            method,
            scheme,
            authority,
            path_and_query,
            headers,
            body,
        })
    }
}

fn push_field(bytes: &mut Vec<u8>, field: &[u8]) {
    let length = u16::try_from(field.len()).expect("a field of at most 65,535 bytes");
    bytes.extend_from_slice(&length.to_le_bytes());
    bytes.extend_from_slice(field);
}

/// Reads one length-prefixed field. `u8::arbitrary` takes the next byte, or
/// zero at the end of the input, in every `arbitrary` 1.x release.
fn read_field(input: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let low = u8::arbitrary(input)?;
    let high = u8::arbitrary(input)?;
    let length = usize::from(u16::from_le_bytes([low, high])).min(input.len());
    Ok(input.bytes(length)?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> RequestInput {
        match RequestInput::arbitrary_take_rest(Unstructured::new(bytes)) {
            Ok(request) => request,
            Err(error) => panic!("{bytes:?} should decode: {error}"),
        }
    }

    #[test]
    fn encode_round_trips() {
        let request = RequestInput::new(
            "PUT",
            "https",
            "reports.s3.us-east-1.amazonaws.com",
            "/2024/q1.csv",
            &[("content-type", "text/csv"), ("x-amz-date", "20240101T000000Z")],
            b"a,b\n1,2\n",
        );
        assert_eq!(decode(&request.encode()), request);
    }

    #[test]
    fn empty_input_decodes_to_empty_request() {
        assert_eq!(decode(b""), RequestInput::default());
    }

    #[test]
    fn overlong_length_takes_rest() {
        let request = decode(&[0xff, 0xff, b'G', b'E', b'T']);
        assert_eq!(request.method, b"GET");
        assert!(request.scheme.is_empty());
    }

    #[test]
    fn seed_request_builds_http_types() {
        let request = RequestInput::new(
            "GET",
            "http",
            "localhost:4566",
            "/bucket?list-type=2",
            &[("bad name", "x"), ("host", "localhost:4566")],
            b"",
        );
        let Some(http) = request.to_http() else {
            panic!("the request should build");
        };
        assert_eq!(http.uri.to_string(), "http://localhost:4566/bucket?list-type=2");
        assert_eq!(http.headers.len(), 1);
    }
}
