//! Normalisation of the authority (`host[:port]`) of an outgoing request.
//!
//! Route matching compares normalised authorities only, so every spelling of
//! one host reaches the same decision: upper case, a trailing dot, an explicit
//! default port and a non-canonical IPv6 literal all normalise to one form.
//! Spellings that some resolvers read differently from others are rejected
//! instead: userinfo, percent-encoding, short or hexadecimal IPv4 forms and
//! anything outside DNS names and IP literals.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The maximum length of a DNS name in text form, without the trailing dot
/// (RFC 1035, section 2.3.4).
const MAX_NAME_LENGTH: usize = 253;

/// The maximum length of one DNS label (RFC 1035, section 2.3.4).
const MAX_LABEL_LENGTH: usize = 63;

/// A normalised request authority: lower-case host and explicit port.
///
/// `host` is a DNS name without a trailing dot, a dotted-quad IPv4 address,
/// or an IPv6 address in brackets and in its canonical text form (RFC 5952),
/// such as `[::1]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Authority {
    /// Lower-case host name or IP literal.
    pub host: String,
    /// TCP port, the scheme's default port when the authority names none.
    pub port: u16,
}

impl fmt::Display for Authority {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}", self.host, self.port)
    }
}

/// An authority that cannot be normalised, so the request is not routed.
///
/// Authorities in messages are printed with Rust's debug quoting because they
/// come from the guest and may contain control characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityError {
    /// The URI scheme is neither `http` nor `https`.
    #[error("unsupported URI scheme {scheme:?} (fix: send the request over http or https)")]
    UnsupportedScheme {
        /// The scheme as given.
        scheme: String,
    },
    /// The authority contains userinfo (`user:password@host`).
    #[error("authority {authority:?} contains userinfo before `@` (fix: remove the credentials from the URL)")]
    Userinfo {
        /// The authority as given.
        authority: String,
    },
    /// The authority has no host, as in `""` or `:8080`.
    #[error("authority {authority:?} has an empty host")]
    EmptyHost {
        /// The authority as given.
        authority: String,
    },
    /// The authority ends in `:` with no port after it.
    #[error("authority {authority:?} ends in `:` without a port (fix: remove the colon or add a port)")]
    EmptyPort {
        /// The authority as given.
        authority: String,
    },
    /// The port is not a decimal number from 1 to 65535.
    #[error("invalid port {port:?} in authority {authority:?} (fix: use a decimal number from 1 to 65535)")]
    InvalidPort {
        /// The authority as given.
        authority: String,
        /// The text after the last `:`.
        port: String,
    },
    /// The authority contains `%`, which starts a percent-encoded byte.
    #[error("authority {authority:?} contains percent-encoding (fix: write the host in plain ASCII)")]
    PercentEncoded {
        /// The authority as given.
        authority: String,
    },
    /// The host contains a character that is not valid in a DNS name.
    #[error(
        "invalid character {character:?} in the host of authority {authority:?} \
         (fix: use only ASCII letters, digits, `-`, `_` and `.` in host names)"
    )]
    InvalidCharacter {
        /// The authority as given.
        authority: String,
        /// The first character that is not allowed.
        character: char,
    },
    /// The host contains more than one `:` outside brackets, as a bare IPv6
    /// address does.
    #[error("authority {authority:?} looks like an IPv6 address without brackets (fix: write it as `[address]:port`)")]
    UnbracketedIpv6 {
        /// The authority as given.
        authority: String,
    },
    /// The text in brackets is not an IPv6 address, or the brackets are not
    /// closed or are followed by something other than `:port`.
    #[error("invalid IPv6 literal in authority {authority:?}")]
    InvalidIpv6 {
        /// The authority as given.
        authority: String,
    },
    /// The last label of the host is numeric but the host is not a dotted
    /// quad, as in `127.1` or `0x7f.0.0.1`. Resolvers disagree on such forms.
    #[error(
        "authority {authority:?} has a numeric host that is not a dotted-quad IPv4 address \
         (fix: write four decimal numbers, such as 127.0.0.1)"
    )]
    InvalidIpv4 {
        /// The authority as given.
        authority: String,
    },
    /// The host ends in two or more dots, or consists of dots only.
    #[error("the host of authority {authority:?} ends in more than one dot (fix: keep at most one trailing dot)")]
    TrailingDots {
        /// The authority as given.
        authority: String,
    },
    /// The host has an empty label, as in `a..b` or `.example.com`.
    #[error("the host of authority {authority:?} has an empty label, as between two adjacent dots")]
    EmptyLabel {
        /// The authority as given.
        authority: String,
    },
    /// One label of the host is longer than 63 characters.
    #[error("the host of authority {authority:?} has a label of {length} characters, over the DNS maximum of 63")]
    LabelTooLong {
        /// The authority as given.
        authority: String,
        /// Length of the longest label.
        length: usize,
    },
    /// The host name is longer than 253 characters.
    #[error("the host of authority {authority:?} is {length} characters long, over the DNS maximum of 253")]
    NameTooLong {
        /// The authority as given.
        authority: String,
        /// Length of the host without its trailing dot.
        length: usize,
    },
}

/// Returns the default port of a URI scheme: 80 for `http`, 443 for
/// `https`, compared without regard to case, and `None` for any other scheme.
#[must_use]
pub fn default_port(scheme: &str) -> Option<u16> {
    if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else {
        None
    }
}

/// Normalises the authority of a request URI.
///
/// The host is lower-cased and loses one trailing dot, and a missing port
/// becomes the scheme's default.
///
/// # Errors
///
/// Returns an [`AuthorityError`] for a scheme other than http or https. It
/// also rejects an authority with userinfo, percent-encoding, an empty host
/// or an empty or invalid port. Hosts must be DNS names or IP literals, with
/// at most one trailing dot, no empty label, labels of at most 63
/// characters and names of at most 253.
///
/// ```
/// use cordon_shim::normalize_authority;
///
/// let authority = normalize_authority("https", "S3.Amazonaws.COM.")?;
/// assert_eq!(authority.host, "s3.amazonaws.com");
/// assert_eq!(authority.port, 443);
/// assert!(normalize_authority("http", "user@localhost:4566").is_err());
/// # Ok::<(), cordon_shim::AuthorityError>(())
/// ```
pub fn normalize_authority(scheme: &str, authority: &str) -> Result<Authority, AuthorityError> {
    let Some(scheme_port) = default_port(scheme) else {
        return Err(AuthorityError::UnsupportedScheme { scheme: scheme.to_owned() });
    };

    let (host, port) = parse_host_port(authority)?;

    Ok(Authority { host, port: port.unwrap_or(scheme_port) })
}

/// Reports whether a `Host` header names the same authority as the request
/// URI, after normalising both.
///
/// Spaces and tabs around the header value are ignored, as HTTP field values
/// exclude them. A header that does not normalise never matches.
#[must_use]
pub fn host_header_matches(authority: &Authority, scheme: &str, host_header: &str) -> bool {
    let trimmed = host_header.trim_matches([' ', '\t']);
    match normalize_authority(scheme, trimmed) {
        Ok(header_authority) => header_authority == *authority,
        Err(_) => false,
    }
}

/// Splits and validates `host[:port]`, returning the normalised host and the
/// port when one is given. Host patterns share this parser, so patterns and
/// requests normalise alike.
pub(crate) fn parse_host_port(authority: &str) -> Result<(String, Option<u16>), AuthorityError> {
    if authority.is_empty() {
        return Err(AuthorityError::EmptyHost { authority: authority.to_owned() });
    }
    if authority.contains('@') {
        return Err(AuthorityError::Userinfo { authority: authority.to_owned() });
    }
    if authority.contains('%') {
        return Err(AuthorityError::PercentEncoded { authority: authority.to_owned() });
    }

    if let Some(bracketed) = authority.strip_prefix('[') {
        return parse_ipv6_authority(authority, bracketed);
    }

    let (host, port_text) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if host.contains(':') {
        return Err(AuthorityError::UnbracketedIpv6 { authority: authority.to_owned() });
    }
    let port = match port_text {
        Some(text) => Some(parse_port(authority, text)?),
        None => None,
    };

    let host = normalize_host_name(authority, host)?;
    Ok((host, port))
}

/// Parses `[address]` or `[address]:port`, given as `bracketed`, the text
/// after the opening bracket.
fn parse_ipv6_authority(authority: &str, bracketed: &str) -> Result<(String, Option<u16>), AuthorityError> {
    let invalid = || AuthorityError::InvalidIpv6 { authority: authority.to_owned() };

    let Some((address_text, rest)) = bracketed.split_once(']') else {
        return Err(invalid());
    };
    let address: Ipv6Addr = address_text.parse().map_err(|_| invalid())?;

    let port = if rest.is_empty() {
        None
    } else {
        let Some(port_text) = rest.strip_prefix(':') else {
            return Err(invalid());
        };
        Some(parse_port(authority, port_text)?)
    };

    Ok((format!("[{address}]"), port))
}

fn parse_port(authority: &str, text: &str) -> Result<u16, AuthorityError> {
    if text.is_empty() {
        return Err(AuthorityError::EmptyPort { authority: authority.to_owned() });
    }
    let invalid = || AuthorityError::InvalidPort { authority: authority.to_owned(), port: text.to_owned() };

    // Five digits cover every valid port. The limit also keeps long runs of
    // leading zeros from passing as a small port.
    if text.len() > 5 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }
    let value: u32 = text.parse().map_err(|_| invalid())?;
    match u16::try_from(value) {
        Ok(port) if port != 0 => Ok(port),
        _ => Err(invalid()),
    }
}

/// Validates and lower-cases a host that is not in brackets.
fn normalize_host_name(authority: &str, host: &str) -> Result<String, AuthorityError> {
    if host.is_empty() {
        return Err(AuthorityError::EmptyHost { authority: authority.to_owned() });
    }
    if let Some(character) = host.chars().find(|&character| !is_host_character(character)) {
        return Err(AuthorityError::InvalidCharacter { authority: authority.to_owned(), character });
    }

    let host = host.strip_suffix('.').unwrap_or(host);
    if host.ends_with('.') {
        return Err(AuthorityError::TrailingDots { authority: authority.to_owned() });
    }
    if host.is_empty() {
        return Err(AuthorityError::EmptyHost { authority: authority.to_owned() });
    }
    if host.len() > MAX_NAME_LENGTH {
        return Err(AuthorityError::NameTooLong { authority: authority.to_owned(), length: host.len() });
    }

    let mut last_label = "";
    for label in host.split('.') {
        if label.is_empty() {
            return Err(AuthorityError::EmptyLabel { authority: authority.to_owned() });
        }
        if label.len() > MAX_LABEL_LENGTH {
            return Err(AuthorityError::LabelTooLong { authority: authority.to_owned(), length: label.len() });
        }
        last_label = label;
    }

    // A name whose last label is a number is read as an IPv4 address by URL
    // parsers and by inet_aton, which also accept `127.1`, `0x7f.1` and
    // `0177.0.0.1`. Only the strict dotted quad is accepted, so one address
    // has one spelling.
    if is_numeric_label(last_label) {
        return match host.parse::<Ipv4Addr>() {
            Ok(address) => Ok(address.to_string()),
            Err(_) => Err(AuthorityError::InvalidIpv4 { authority: authority.to_owned() }),
        };
    }

    Ok(host.to_ascii_lowercase())
}

/// Reports whether a character may appear in a host name. The underscore is
/// allowed because DNS names may contain it (RFC 2181, section 11) and older
/// S3 bucket names use it.
fn is_host_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.')
}

/// Reports whether a label is a decimal number or `0x` followed by
/// hexadecimal digits, the forms the WHATWG URL standard reads as IPv4 parts.
fn is_numeric_label(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return hex.bytes().all(|byte| byte.is_ascii_hexdigit());
    }
    lower.bytes().all(|byte| byte.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(scheme: &str, authority: &str) -> Authority {
        match normalize_authority(scheme, authority) {
            Ok(authority) => authority,
            Err(error) => panic!("{authority:?} should normalise: {error}"),
        }
    }

    fn rejection(scheme: &str, authority: &str) -> AuthorityError {
        match normalize_authority(scheme, authority) {
            Ok(normalized) => panic!("{authority:?} should be rejected, got {normalized}"),
            Err(error) => error,
        }
    }

    #[test]
    fn host_is_lowercased() {
        assert_eq!(normalized("https", "S3.AmazonAWS.com").host, "s3.amazonaws.com");
    }

    #[test]
    fn one_trailing_dot_is_stripped() {
        assert_eq!(normalized("https", "amazonaws.com.").host, "amazonaws.com");
        assert_eq!(normalized("https", "amazonaws.com.:8443").host, "amazonaws.com");
    }

    #[test]
    fn default_port_follows_scheme() {
        assert_eq!(normalized("http", "localhost").port, 80);
        assert_eq!(normalized("https", "localhost").port, 443);
        assert_eq!(normalized("HTTPS", "localhost").port, 443);
    }

    #[test]
    fn explicit_port_is_kept() {
        assert_eq!(normalized("http", "localhost:4566").port, 4566);
        assert_eq!(normalized("http", "localhost:80").port, 80);
        assert_eq!(normalized("http", "localhost:65535").port, 65535);
        assert_eq!(normalized("http", "localhost:04566").port, 4566);
    }

    #[test]
    fn display_joins_host_and_port() {
        assert_eq!(normalized("http", "LocalHost").to_string(), "localhost:80");
    }

    #[test]
    fn other_schemes_are_rejected() {
        assert!(matches!(rejection("ftp", "example.com"), AuthorityError::UnsupportedScheme { .. }));
        assert!(matches!(rejection("", "example.com"), AuthorityError::UnsupportedScheme { .. }));
    }

    #[test]
    fn ipv6_literal_keeps_brackets() {
        let authority = normalized("http", "[::1]:4566");
        assert_eq!(authority.host, "[::1]");
        assert_eq!(authority.port, 4566);
        assert_eq!(normalized("https", "[::1]").port, 443);
    }

    #[test]
    fn ipv6_literal_is_canonicalised() {
        assert_eq!(normalized("http", "[0:0:0:0:0:0:0:1]").host, "[::1]");
        assert_eq!(normalized("http", "[FE80::ABCD]").host, "[fe80::abcd]");
    }

    #[test]
    fn invalid_ipv6_is_rejected() {
        for authority in ["[::1", "[::g]", "[::1]x", "[::1]:", "[]", "[fe80::1%25eth0]"] {
            let error = rejection("http", authority);
            let expected = matches!(
                error,
                AuthorityError::InvalidIpv6 { .. }
                    | AuthorityError::EmptyPort { .. }
                    | AuthorityError::PercentEncoded { .. }
            );
            assert!(expected, "{authority:?} gave {error:?}");
        }
    }

    #[test]
    fn unbracketed_ipv6_is_rejected() {
        assert!(matches!(rejection("http", "::1"), AuthorityError::UnbracketedIpv6 { .. }));
        assert!(matches!(rejection("http", "fe80::1:80"), AuthorityError::UnbracketedIpv6 { .. }));
    }

    #[test]
    fn dotted_quad_is_accepted() {
        let authority = normalized("http", "127.0.0.1:4566");
        assert_eq!(authority.host, "127.0.0.1");
        assert_eq!(authority.port, 4566);
    }

    #[test]
    fn ambiguous_ipv4_forms_are_rejected() {
        for authority in ["127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1", "127.0.0.01", "1.2.3.4.5", "256.0.0.1"] {
            let error = rejection("http", authority);
            assert!(matches!(error, AuthorityError::InvalidIpv4 { .. }), "{authority:?} gave {error:?}");
        }
    }

    #[test]
    fn numeric_inner_labels_are_names() {
        assert_eq!(normalized("http", "123.example.com").host, "123.example.com");
        assert_eq!(normalized("http", "0xdead.example").host, "0xdead.example");
    }

    #[test]
    fn userinfo_is_rejected() {
        assert!(matches!(rejection("http", "user@host"), AuthorityError::Userinfo { .. }));
        assert!(matches!(rejection("http", "user:pw@host:80"), AuthorityError::Userinfo { .. }));
        assert!(matches!(rejection("http", "@host"), AuthorityError::Userinfo { .. }));
    }

    #[test]
    fn empty_host_is_rejected() {
        assert!(matches!(rejection("http", ""), AuthorityError::EmptyHost { .. }));
        assert!(matches!(rejection("http", ":80"), AuthorityError::EmptyHost { .. }));
        assert!(matches!(rejection("http", "."), AuthorityError::EmptyHost { .. }));
    }

    #[test]
    fn empty_port_is_rejected() {
        assert!(matches!(rejection("http", "host:"), AuthorityError::EmptyPort { .. }));
    }

    #[test]
    fn invalid_ports_are_rejected() {
        for authority in
            ["host:0", "host:65536", "host:99999", "host:-1", "host:+80", "host:8o", "host:000080", "host: 80"]
        {
            let error = rejection("http", authority);
            assert!(matches!(error, AuthorityError::InvalidPort { .. }), "{authority:?} gave {error:?}");
        }
    }

    #[test]
    fn percent_encoding_is_rejected() {
        assert!(matches!(rejection("http", "s3%2eamazonaws.com"), AuthorityError::PercentEncoded { .. }));
        assert!(matches!(rejection("http", "host:%38%30"), AuthorityError::PercentEncoded { .. }));
    }

    #[test]
    fn invalid_characters_are_rejected() {
        for (authority, character) in [
            ("exa mple.com", ' '),
            ("example.com\r", '\r'),
            ("exämple.com", 'ä'),
            ("example.com/x", '/'),
            ("example.com\\x", '\\'),
            ("*.example.com", '*'),
            ("host]", ']'),
        ] {
            let error = rejection("http", authority);
            let expected = AuthorityError::InvalidCharacter { authority: authority.to_owned(), character };
            assert_eq!(error, expected, "{authority:?}");
        }
    }

    #[test]
    fn repeated_trailing_dots_are_rejected() {
        assert!(matches!(rejection("http", "example.com.."), AuthorityError::TrailingDots { .. }));
        assert!(matches!(rejection("http", ".."), AuthorityError::TrailingDots { .. }));
        assert!(matches!(rejection("http", "...:80"), AuthorityError::TrailingDots { .. }));
    }

    #[test]
    fn empty_labels_are_rejected() {
        assert!(matches!(rejection("http", "a..b"), AuthorityError::EmptyLabel { .. }));
        assert!(matches!(rejection("http", ".example.com"), AuthorityError::EmptyLabel { .. }));
    }

    #[test]
    fn long_names_are_rejected() {
        let label = "a".repeat(63);
        let name = [label.as_str(), label.as_str(), label.as_str(), &"b".repeat(61)].join(".");
        assert_eq!(name.len(), 253);
        assert_eq!(normalized("http", &name).host, name);
        assert_eq!(normalized("http", &format!("{name}.")).host, name);

        let too_long = format!("c{name}");
        assert!(matches!(rejection("http", &too_long), AuthorityError::NameTooLong { length: 254, .. }));
    }

    #[test]
    fn long_labels_are_rejected() {
        let authority = format!("{}.com", "a".repeat(64));
        assert!(matches!(rejection("http", &authority), AuthorityError::LabelTooLong { length: 64, .. }));
    }

    #[test]
    fn error_message_names_authority() {
        let message = rejection("http", "user@evil.example").to_string();
        assert!(message.contains("\"user@evil.example\""), "{message}");
    }

    #[test]
    fn host_header_matches_same_authority() {
        let authority = normalized("http", "localhost:4566");
        assert!(host_header_matches(&authority, "http", "localhost:4566"));
        assert!(host_header_matches(&authority, "http", "LOCALHOST.:4566"));
        assert!(host_header_matches(&authority, "http", " localhost:4566\t"));
    }

    #[test]
    fn host_header_default_port_matches() {
        let authority = normalized("https", "s3.amazonaws.com");
        assert!(host_header_matches(&authority, "https", "s3.amazonaws.com:443"));
        assert!(host_header_matches(&authority, "https", "s3.amazonaws.com"));
        assert!(!host_header_matches(&authority, "http", "s3.amazonaws.com"));
    }

    #[test]
    fn host_header_other_authority_differs() {
        let authority = normalized("http", "localhost:4566");
        assert!(!host_header_matches(&authority, "http", "localhost:4567"));
        assert!(!host_header_matches(&authority, "http", "localhost"));
        assert!(!host_header_matches(&authority, "http", "evil.example:4566"));
        assert!(!host_header_matches(&authority, "http", "user@localhost:4566"));
        assert!(!host_header_matches(&authority, "http", ""));
    }
}
