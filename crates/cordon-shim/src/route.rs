//! Host patterns and the route table that maps a normalised authority to the
//! emulator that serves it. A request whose authority matches no route is
//! denied before any connection. This module only picks the emulator's name,
//! and where that emulator listens is configured elsewhere.

use std::fmt;
use std::str::FromStr;

use crate::authority::{Authority, AuthorityError, default_port, parse_host_port};

/// A host pattern such as `*.amazonaws.com`, `amazonaws.com`,
/// `localhost:4566` or `[::1]:10000`.
///
/// A `*.` prefix matches one or more labels below the suffix, but not the
/// suffix itself. A pattern without a port matches only the default port of
/// the request's scheme, and a pattern with a port matches exactly that port.
/// Hosts are normalised as request authorities are, so `AmazonAWS.com.`
/// and `amazonaws.com` are the same pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    /// Whether the pattern starts with `*.`.
    wildcard: bool,
    /// The normalised host, or the suffix after `*.`.
    host: String,
    /// The port the pattern names, if any.
    port: Option<u16>,
}

/// A host pattern that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// `*` appears somewhere other than a leading `*.`.
    #[error(
        "invalid host pattern {pattern:?}: `*` is allowed only as a leading `*.` label \
         (fix: write a pattern such as `*.amazonaws.com`)"
    )]
    MisplacedWildcard {
        /// The pattern as given.
        pattern: String,
    },
    /// A wildcard precedes an IP literal, as in `*.127.0.0.1`.
    #[error("invalid host pattern {pattern:?}: a wildcard cannot precede an IP address (fix: remove the `*.`)")]
    WildcardIpLiteral {
        /// The pattern as given.
        pattern: String,
    },
    /// The host or port after the wildcard is invalid: an empty label, a bad
    /// port, an invalid character and so on.
    #[error("invalid host pattern {pattern:?}: {source}")]
    InvalidHost {
        /// The pattern as given.
        pattern: String,
        /// The error for the host or port part.
        #[source]
        source: AuthorityError,
    },
}

impl HostPattern {
    /// Parses a host pattern.
    ///
    /// # Errors
    ///
    /// Returns [`PatternError::MisplacedWildcard`] for a `*` anywhere but a
    /// leading `*.`, [`PatternError::WildcardIpLiteral`] for a wildcard
    /// before an IP address, and [`PatternError::InvalidHost`] for an empty
    /// label, an invalid port or any other host the authority rules reject.
    pub fn parse(pattern: &str) -> Result<HostPattern, PatternError> {
        let (wildcard, rest) = match pattern.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        if rest.contains('*') {
            return Err(PatternError::MisplacedWildcard { pattern: pattern.to_owned() });
        }

        let (host, port) = parse_host_port(rest)
            .map_err(|source| PatternError::InvalidHost { pattern: pattern.to_owned(), source })?;
        if wildcard && is_ip_literal(&host) {
            return Err(PatternError::WildcardIpLiteral { pattern: pattern.to_owned() });
        }

        Ok(HostPattern { wildcard, host, port })
    }

    /// Reports whether a request with this scheme and normalised authority
    /// matches the pattern.
    #[must_use]
    pub fn matches(&self, scheme: &str, authority: &Authority) -> bool {
        let port_matches = match self.port {
            Some(port) => authority.port == port,
            None => default_port(scheme) == Some(authority.port),
        };
        port_matches && self.host_matches(&authority.host)
    }

    fn host_matches(&self, host: &str) -> bool {
        if !self.wildcard {
            return host == self.host;
        }
        // At least one label must precede the suffix, so the host must be
        // longer than `.suffix` and end with it.
        match host.strip_suffix(self.host.as_str()) {
            Some(prefix) => prefix.len() > 1 && prefix.ends_with('.'),
            None => false,
        }
    }
}

impl FromStr for HostPattern {
    type Err = PatternError;

    fn from_str(pattern: &str) -> Result<Self, Self::Err> {
        HostPattern::parse(pattern)
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            formatter.write_str("*.")?;
        }
        formatter.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(formatter, ":{port}")?;
        }
        Ok(())
    }
}

/// An ordered list of routes, each a set of host patterns and the name of the
/// emulator that serves them. The first route with a matching pattern wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteTable {
    routes: Vec<(Vec<HostPattern>, String)>,
}

impl RouteTable {
    /// Builds a route table from `(patterns, emulator name)` pairs, kept in
    /// the given order.
    #[must_use]
    pub fn new(routes: Vec<(Vec<HostPattern>, String)>) -> RouteTable {
        RouteTable { routes }
    }

    /// Returns the emulator name of the first route with a pattern that
    /// matches the request's scheme and normalised authority, or `None` when
    /// no route matches and the request must be denied.
    ///
    /// The scheme is needed because a pattern without a port matches only
    /// the scheme's default port.
    #[must_use]
    pub fn route(&self, scheme: &str, authority: &Authority) -> Option<&str> {
        self.routes
            .iter()
            .find(|(patterns, _)| patterns.iter().any(|pattern| pattern.matches(scheme, authority)))
            .map(|(_, emulator)| emulator.as_str())
    }

    /// Returns the routes in match order.
    #[must_use]
    pub fn routes(&self) -> &[(Vec<HostPattern>, String)] {
        &self.routes
    }
}

fn is_ip_literal(host: &str) -> bool {
    host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority::normalize_authority;

    fn pattern(text: &str) -> HostPattern {
        match HostPattern::parse(text) {
            Ok(pattern) => pattern,
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn authority(scheme: &str, text: &str) -> Authority {
        match normalize_authority(scheme, text) {
            Ok(authority) => authority,
            Err(error) => panic!("{text:?} should normalise: {error}"),
        }
    }

    fn pattern_matches(pattern_text: &str, scheme: &str, authority_text: &str) -> bool {
        pattern(pattern_text).matches(scheme, &authority(scheme, authority_text))
    }

    #[test]
    fn wildcard_matches_one_label() {
        assert!(pattern_matches("*.amazonaws.com", "https", "s3.amazonaws.com"));
    }

    #[test]
    fn wildcard_matches_several_labels() {
        assert!(pattern_matches("*.amazonaws.com", "https", "bucket.s3.us-west-2.amazonaws.com"));
    }

    #[test]
    fn wildcard_skips_bare_suffix() {
        assert!(!pattern_matches("*.amazonaws.com", "https", "amazonaws.com"));
    }

    #[test]
    fn wildcard_needs_label_boundary() {
        assert!(!pattern_matches("*.amazonaws.com", "https", "evilamazonaws.com"));
        assert!(!pattern_matches("*.amazonaws.com", "https", "amazonaws.com.evil.example"));
    }

    #[test]
    fn exact_pattern_matches_only_host() {
        assert!(pattern_matches("amazonaws.com", "https", "amazonaws.com"));
        assert!(!pattern_matches("amazonaws.com", "https", "s3.amazonaws.com"));
    }

    #[test]
    fn portless_pattern_needs_default_port() {
        assert!(pattern_matches("*.blob.core.windows.net", "https", "acct.blob.core.windows.net"));
        assert!(pattern_matches("*.blob.core.windows.net", "http", "acct.blob.core.windows.net"));
        assert!(!pattern_matches("*.blob.core.windows.net", "https", "acct.blob.core.windows.net:8443"));
        assert!(!pattern_matches("*.blob.core.windows.net", "http", "acct.blob.core.windows.net:443"));
    }

    #[test]
    fn port_pattern_needs_exact_port() {
        assert!(pattern_matches("localhost:4566", "http", "localhost:4566"));
        assert!(!pattern_matches("localhost:4566", "http", "localhost"));
        assert!(!pattern_matches("localhost:4566", "http", "localhost:4567"));
        assert!(pattern_matches("localhost:80", "http", "localhost"));
    }

    #[test]
    fn ip_patterns_match_addresses() {
        assert!(pattern_matches("127.0.0.1:4566", "http", "127.0.0.1:4566"));
        assert!(!pattern_matches("127.0.0.1:4566", "http", "127.0.0.2:4566"));
        assert!(pattern_matches("[::1]:10000", "http", "[0::1]:10000"));
    }

    #[test]
    fn pattern_is_normalised() {
        assert_eq!(pattern("*.AmazonAWS.com.").to_string(), "*.amazonaws.com");
        assert!(pattern_matches("LOCALHOST:4566", "http", "localhost:4566"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["*.amazonaws.com", "localhost:4566", "127.0.0.1:4566", "[::1]:10000"] {
            assert_eq!(pattern(text).to_string(), text);
        }
    }

    #[test]
    fn misplaced_wildcards_are_rejected() {
        for text in ["*", "*amazonaws.com", "s3.*.amazonaws.com", "*.*.amazonaws.com", "amazonaws.*", "**.com"] {
            let error = HostPattern::parse(text);
            assert!(matches!(error, Err(PatternError::MisplacedWildcard { .. })), "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn wildcard_ip_is_rejected() {
        let error = HostPattern::parse("*.127.0.0.1");
        assert!(matches!(error, Err(PatternError::WildcardIpLiteral { .. })), "{error:?}");
    }

    #[test]
    fn empty_labels_are_rejected() {
        for text in ["a..com", ".amazonaws.com", "*.", "*..com", ""] {
            let error = HostPattern::parse(text);
            let expected = matches!(
                error,
                Err(PatternError::InvalidHost {
                    source: AuthorityError::EmptyLabel { .. } | AuthorityError::EmptyHost { .. },
                    ..
                })
            );
            assert!(expected, "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn bad_ports_are_rejected() {
        for text in ["localhost:", "localhost:0", "localhost:70000", "localhost:port"] {
            let error = HostPattern::parse(text);
            let expected = matches!(
                error,
                Err(PatternError::InvalidHost {
                    source: AuthorityError::EmptyPort { .. } | AuthorityError::InvalidPort { .. },
                    ..
                })
            );
            assert!(expected, "{text:?} gave {error:?}");
        }
    }

    #[test]
    fn route_returns_first_match() {
        let table = RouteTable::new(vec![
            (vec![pattern("localhost:4566"), pattern("*.amazonaws.com")], "moto".to_owned()),
            (vec![pattern("*.blob.core.windows.net")], "azurite".to_owned()),
            (vec![pattern("*.s3.amazonaws.com")], "shadowed".to_owned()),
        ]);
        assert_eq!(table.route("https", &authority("https", "bucket.s3.amazonaws.com")), Some("moto"));
        assert_eq!(table.route("http", &authority("http", "localhost:4566")), Some("moto"));
        assert_eq!(table.route("https", &authority("https", "acct.blob.core.windows.net")), Some("azurite"));
    }

    #[test]
    fn route_without_match_is_none() {
        let table = RouteTable::new(vec![(vec![pattern("*.amazonaws.com")], "moto".to_owned())]);
        assert_eq!(table.route("https", &authority("https", "example.com")), None);
        assert_eq!(table.route("https", &authority("https", "s3.amazonaws.com:444")), None);
        assert_eq!(table.route("ftp", &authority("https", "s3.amazonaws.com")), None);
        assert_eq!(RouteTable::default().route("https", &authority("https", "s3.amazonaws.com")), None);
    }
}
