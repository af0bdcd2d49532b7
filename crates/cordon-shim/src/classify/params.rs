//! Decoded `name=value` parameters of a query string or of a form-encoded
//! body.

use http::Uri;

/// Decoded parameters in their original order. Names may repeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Decodes the query string of a URI. A parameter without `=`, such as
    /// S3's `?uploads`, has an empty value.
    pub(crate) fn from_query(uri: &Uri) -> Params {
        Params::from_bytes(uri.query().unwrap_or("").as_bytes())
    }

    /// Decodes an `application/x-www-form-urlencoded` body. Bytes that are
    /// not UTF-8 after percent-decoding become U+FFFD.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Params {
        let pairs =
            form_urlencoded::parse(bytes).map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
        Params { pairs }
    }

    /// Returns the value of the first parameter with this exact name.
    pub(crate) fn first(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Reports whether a parameter with this exact name is present.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.pairs.iter().any(|(key, _)| key == name)
    }

    /// Returns the values of every parameter with this exact name.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Returns the value of the first parameter whose name equals this one
    /// without regard to ASCII case.
    pub(crate) fn first_ignore_case(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Returns all parameters in their original order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> Params {
        let uri: Uri = match text.parse() {
            Ok(uri) => uri,
            Err(error) => panic!("{text:?} should parse: {error}"),
        };
        Params::from_query(&uri)
    }

    #[test]
    fn flag_parameter_has_empty_value() {
        let params = query("/bucket?uploads");
        assert!(params.contains("uploads"));
        assert_eq!(params.first("uploads"), Some(""));
    }

    #[test]
    fn values_are_percent_decoded() {
        let params = query("/?X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request");
        assert_eq!(params.first("X-Amz-Credential"), Some("AKID/20240101/us-east-1/s3/aws4_request"));
    }

    #[test]
    fn repeated_names_keep_order() {
        let params = query("/?Action=A&Action=B");
        let values: Vec<&str> = params.values("Action").collect();
        assert_eq!(values, ["A", "B"]);
    }

    #[test]
    fn names_are_case_sensitive() {
        let params = query("/?Delete");
        assert!(!params.contains("delete"));
        assert_eq!(params.first_ignore_case("delete"), Some(""));
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let params = Params::from_bytes(b"Action=%FF%FE");
        assert_eq!(params.first("Action"), Some("\u{fffd}\u{fffd}"));
    }

    #[test]
    fn missing_query_is_empty() {
        assert!(query("/").pairs().is_empty());
    }
}
