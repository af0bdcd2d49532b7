//! Normalises a guest's scheme and authority and routes it, as the shim does
//! for every outgoing request, and parses host patterns.
//!
//! The input is text of up to three lines: the scheme, the authority and the
//! Host header, which defaults to the authority. Bytes that are not UTF-8
//! become U+FFFD. Beyond not panicking, the target checks these properties:
//!
//! - a normalised authority normalises to itself and matches a Host header
//!   spelled as the authority was;
//! - a host pattern's text form parses back to the same pattern, and a
//!   pattern without a wildcard matches the authority spelled like it;
//! - the route table sends a request to an emulator exactly when the host
//!   and port are among the table's patterns, so no other host gets through.

#![no_main]

use std::sync::OnceLock;

use cordon_shim::{
    Authority, HostPattern, RouteTable, default_port, host_header_matches, normalize_authority,
};
use libfuzzer_sys::fuzz_target;

static ROUTES: OnceLock<RouteTable> = OnceLock::new();

/// Returns the routes of `policies/cloud-emulated.toml`, with LocalStack's
/// port and Azurite's loopback addresses added.
fn routes() -> &'static RouteTable {
    ROUTES.get_or_init(|| {
        let parse = |patterns: &[&str]| -> Vec<HostPattern> {
            patterns
                .iter()
                .map(|pattern| HostPattern::parse(pattern).expect("a valid route pattern"))
                .collect()
        };
        RouteTable::new(vec![
            (
                parse(&["*.amazonaws.com", "amazonaws.com", "localhost:4566"]),
                "aws".to_owned(),
            ),
            (
                parse(&["*.blob.core.windows.net", "127.0.0.1:10000", "[::1]:10000"]),
                "azure".to_owned(),
            ),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(3, '\n');
    let scheme = lines.next().unwrap_or_default();
    let authority_text = lines.next().unwrap_or_default();
    let host_header = lines.next().unwrap_or(authority_text);

    for pattern_text in [scheme, authority_text, host_header, text.as_ref()] {
        check_pattern(pattern_text);
    }

    let Ok(authority) = normalize_authority(scheme, authority_text) else {
        return;
    };
    check_authority(scheme, authority_text, &authority);
    let _ = host_header_matches(&authority, scheme, host_header);

    let route = routes().route(scheme, &authority);
    assert_eq!(
        route,
        expected_route(scheme, &authority),
        "route of {authority} over {scheme:?}"
    );
});

fn check_pattern(text: &str) {
    let Ok(pattern) = HostPattern::parse(text) else {
        return;
    };
    let display = pattern.to_string();
    assert_eq!(
        HostPattern::parse(&display).as_ref(),
        Ok(&pattern),
        "pattern {text:?} displays as {display:?}"
    );
}

fn check_authority(scheme: &str, text: &str, authority: &Authority) {
    assert_ne!(authority.port, 0, "authority {text:?}");
    assert_eq!(
        authority.host,
        authority.host.to_ascii_lowercase(),
        "authority {text:?}"
    );
    assert_eq!(
        normalize_authority(scheme, &authority.to_string()).as_ref(),
        Ok(authority),
        "authority {text:?} normalised to {authority}"
    );
    assert!(
        host_header_matches(authority, scheme, text),
        "Host header {text:?} does not match its own authority {authority}"
    );

    // The pattern parser shares the authority rules, so the same text
    // parses as a pattern, and a pattern without a port matches the
    // scheme's default port, which the authority then has.
    match HostPattern::parse(text) {
        Ok(pattern) => assert!(
            pattern.matches(scheme, authority),
            "pattern {pattern} does not match authority {authority} from the same text {text:?}"
        ),
        Err(error) => panic!("authority {text:?} normalises but does not parse as a pattern: {error}"),
    }
}

/// Returns the emulator that [`routes`] should pick, from a plain reading of
/// its patterns.
fn expected_route(scheme: &str, authority: &Authority) -> Option<&'static str> {
    let host = authority.host.as_str();
    let port = authority.port;
    let default = default_port(scheme) == Some(port);

    let aws_host = host == "amazonaws.com" || host.ends_with(".amazonaws.com");
    if (default && aws_host) || (host == "localhost" && port == 4566) {
        return Some("aws");
    }
    let azure_host = host.ends_with(".blob.core.windows.net");
    let azurite = (host == "127.0.0.1" || host == "[::1]") && port == 10000;
    if (default && azure_host) || azurite {
        return Some("azure");
    }
    None
}
