//! Rules for an emulator's `endpoint`: a plain `http://` URL on a loopback
//! address with an explicit port.
//!
//! The shim forwards requests only to these endpoints. Keeping them on
//! loopback means that a policy can reach emulators on this machine but
//! never a real cloud or another host on the network.

use std::net::{Ipv4Addr, Ipv6Addr};

use http::Uri;

/// An endpoint that breaks one of the rules, with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidEndpoint {
    pub(crate) message: String,
    pub(crate) fix: String,
}

/// The endpoint of moto server's default port, used in fixes.
const EXAMPLE: &str = "\"http://127.0.0.1:5000\"";

/// Checks that `text` is an `http://` URL whose host is 127.0.0.0/8,
/// `[::1]` or `localhost`, with a port from 1 to 65535, and no user
/// information, query or fragment. A path is allowed.
pub(crate) fn check_endpoint(text: &str) -> Result<(), InvalidEndpoint> {
    let invalid = |message: String, fix: String| Err(InvalidEndpoint { message, fix });

    if text.is_empty() {
        return invalid(
            "endpoint is empty".to_owned(),
            format!(
                "write the emulator's URL, such as {EXAMPLE}, or remove endpoint to take it \
                 from `cordon emulators start`"
            ),
        );
    }
    // `http::Uri` drops a fragment without an error, so it is checked on the
    // text itself.
    if text.contains('#') {
        return invalid(
            format!("endpoint {text:?} has a fragment (\"#...\")"),
            "remove the \"#\" and what follows it".to_owned(),
        );
    }
    let uri: Uri = match text.parse() {
        Ok(uri) => uri,
        Err(error) => {
            return invalid(
                format!("endpoint {text:?} is not a valid URL: {error}"),
                format!("write it like endpoint = {EXAMPLE}"),
            );
        }
    };

    check_scheme(text, &uri)?;
    let Some(authority) = uri.authority().map(http::uri::Authority::as_str) else {
        return invalid(format!("endpoint {text:?} has no host"), format!("write it like endpoint = {EXAMPLE}"));
    };
    if authority.contains('@') {
        return invalid(
            format!("endpoint {text:?} contains user information before \"@\""),
            "remove the user name and password, because the shim signs every request with the \
             emulator's own credentials"
                .to_owned(),
        );
    }

    let (host, port) = split_host_port(authority);
    check_port(text, port)?;
    check_loopback(text, host)?;

    if uri.query().is_some() {
        return invalid(
            format!("endpoint {text:?} has a query (\"?...\")"),
            "remove the \"?\" and what follows it".to_owned(),
        );
    }
    Ok(())
}

fn check_scheme(text: &str, uri: &Uri) -> Result<(), InvalidEndpoint> {
    let message = match uri.scheme_str() {
        Some(scheme) if scheme.eq_ignore_ascii_case("http") => return Ok(()),
        Some(scheme) if scheme.eq_ignore_ascii_case("https") => {
            format!("endpoint {text:?} uses https, but emulators on loopback are reached over plain http")
        }
        Some(scheme) => format!("endpoint {text:?} uses the scheme {scheme:?}, not http"),
        None => format!("endpoint {text:?} has no scheme"),
    };
    Err(InvalidEndpoint { message, fix: format!("start it with \"http://\", like endpoint = {EXAMPLE}") })
}

/// Splits an authority into its host, without brackets for IPv6, and the
/// text after the port's `:`, if any.
fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(bracketed) = authority.strip_prefix('[') {
        return match bracketed.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':')),
            None => (bracketed, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

/// Checks the port text. `http::Uri` accepts a port above 65535 or with a
/// sign, and then reports no port at all, so the text is checked here.
fn check_port(text: &str, port: Option<&str>) -> Result<(), InvalidEndpoint> {
    let port = match port {
        Some(port) if !port.is_empty() => port,
        _ => {
            return Err(InvalidEndpoint {
                message: format!("endpoint {text:?} has no port"),
                fix: format!("add the port the emulator listens on, such as {EXAMPLE}"),
            });
        }
    };
    let valid = port.bytes().all(|byte| byte.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|number| number != 0);
    if valid {
        Ok(())
    } else {
        Err(InvalidEndpoint {
            message: format!("endpoint {text:?} has an invalid port {port:?}"),
            fix: "use a port from 1 to 65535".to_owned(),
        })
    }
}

/// Checks that `host` names this machine. Only 127.0.0.0/8, `::1` and
/// `localhost` count, so an address such as `0.0.0.0` or a LAN address is
/// rejected.
fn check_loopback(text: &str, host: &str) -> Result<(), InvalidEndpoint> {
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|address| address.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|address| address.is_loopback());
    if loopback {
        return Ok(());
    }
    Err(InvalidEndpoint {
        message: format!("endpoint {text:?} is not on loopback: host {host:?}"),
        fix: "run the emulator on this machine and use 127.0.0.1, [::1] or localhost as the host".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of(text: &str) -> String {
        match check_endpoint(text) {
            Ok(()) => panic!("expected {text:?} to be rejected"),
            Err(invalid) => invalid.message,
        }
    }

    fn fix_of(text: &str) -> String {
        match check_endpoint(text) {
            Ok(()) => panic!("expected {text:?} to be rejected"),
            Err(invalid) => invalid.fix,
        }
    }

    #[test]
    fn loopback_endpoints_accepted() {
        let cases = [
            "http://127.0.0.1:5000",
            "http://127.0.0.1:5000/",
            "http://127.9.8.7:1",
            "http://[::1]:10000",
            "http://localhost:4566",
            "http://LOCALHOST:4566",
            "HTTP://127.0.0.1:65535",
            "http://127.0.0.1:10000/devstoreaccount1",
        ];
        for text in cases {
            assert_eq!(check_endpoint(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn empty_endpoint_rejected() {
        assert_eq!(message_of(""), "endpoint is empty");
    }

    #[test]
    fn https_rejected() {
        assert_eq!(
            message_of("https://127.0.0.1:5000"),
            "endpoint \"https://127.0.0.1:5000\" uses https, but emulators on loopback are \
             reached over plain http"
        );
    }

    #[test]
    fn other_scheme_rejected() {
        assert!(message_of("ftp://127.0.0.1:21").contains("uses the scheme \"ftp\""));
    }

    #[test]
    fn missing_scheme_rejected() {
        assert_eq!(message_of("127.0.0.1:5000"), "endpoint \"127.0.0.1:5000\" has no scheme");
    }

    #[test]
    fn missing_scheme_fix_shows_http() {
        assert_eq!(fix_of("127.0.0.1:5000"), "start it with \"http://\", like endpoint = \"http://127.0.0.1:5000\"");
    }

    #[test]
    fn remote_host_rejected() {
        assert_eq!(
            message_of("http://s3.amazonaws.com:80"),
            "endpoint \"http://s3.amazonaws.com:80\" is not on loopback: host \"s3.amazonaws.com\""
        );
    }

    #[test]
    fn unspecified_address_rejected() {
        assert!(message_of("http://0.0.0.0:5000").contains("is not on loopback"));
    }

    #[test]
    fn private_address_rejected() {
        assert!(message_of("http://10.0.0.5:5000").contains("is not on loopback"));
    }

    #[test]
    fn mapped_ipv6_rejected() {
        assert!(message_of("http://[::ffff:127.0.0.1]:5000").contains("is not on loopback"));
    }

    #[test]
    fn shortened_ipv4_rejected() {
        assert!(message_of("http://127.1:5000").contains("is not on loopback"));
    }

    #[test]
    fn localhost_suffix_rejected() {
        assert!(message_of("http://localhost.example.com:5000").contains("is not on loopback"));
    }

    #[test]
    fn missing_port_rejected() {
        assert_eq!(message_of("http://127.0.0.1"), "endpoint \"http://127.0.0.1\" has no port");
    }

    #[test]
    fn empty_port_rejected() {
        assert!(message_of("http://127.0.0.1:/").contains("has no port"));
    }

    #[test]
    fn ipv6_without_port_rejected() {
        assert!(message_of("http://[::1]").contains("has no port"));
    }

    #[test]
    fn port_zero_rejected() {
        assert!(message_of("http://127.0.0.1:0").contains("has an invalid port \"0\""));
    }

    #[test]
    fn port_above_range_rejected() {
        assert!(message_of("http://127.0.0.1:65536").contains("has an invalid port"));
    }

    #[test]
    fn signed_port_rejected() {
        assert!(message_of("http://127.0.0.1:+5000").contains("has an invalid port"));
    }

    #[test]
    fn query_rejected() {
        assert_eq!(
            message_of("http://127.0.0.1:5000/?a=1"),
            "endpoint \"http://127.0.0.1:5000/?a=1\" has a query (\"?...\")"
        );
    }

    #[test]
    fn empty_query_rejected() {
        assert!(message_of("http://127.0.0.1:5000?").contains("has a query"));
    }

    #[test]
    fn fragment_rejected() {
        assert!(message_of("http://127.0.0.1:5000/#top").contains("has a fragment"));
    }

    #[test]
    fn user_information_rejected() {
        assert!(message_of("http://user:pass@127.0.0.1:5000").contains("contains user information"));
    }

    #[test]
    fn space_in_path_rejected() {
        assert!(message_of("http://127.0.0.1:5000/a b").contains("is not a valid URL"));
    }

    #[test]
    fn split_keeps_ipv6_host() {
        assert_eq!(split_host_port("[::1]:80"), ("::1", Some("80")));
    }
}
