//! The route table (`[[routes]]`): which host names the shim forwards to
//! which emulator. A request whose host matches no route is denied before
//! any connection is made.

use std::fmt;
use std::ops::Range;

use cordon_shim::HostPattern;
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use toml::{Spanned, Value};

use crate::arrays::{SpannedArray, read_strings};
use crate::emulators::EmulatorSpec;
use crate::error::{PolicyError, SourceText};
use crate::table_only::{TableOnly, TableShape};

/// Host patterns whose requests the shim forwards to one emulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteSpec {
    /// Host patterns as written, such as `*.amazonaws.com` or
    /// `localhost:4566`. There is at least one.
    pub hosts: Vec<String>,
    /// Name of a declared emulator.
    pub emulator: String,
}

/// One `[[routes]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRoute {
    hosts: Option<Spanned<SpannedArray>>,
    emulator: Option<Spanned<Value>>,
}

impl TableShape for RawRoute {
    const EXPECTING: &'static str = "a [[routes]] table with hosts and emulator";
}

/// The `[[routes]]` entries as written, in file order, each with the span of
/// its table.
#[derive(Debug, Default)]
pub(crate) struct RawRoutes(pub(crate) Vec<Spanned<TableOnly<RawRoute>>>);

impl<'de> Deserialize<'de> for RawRoutes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(RawRoutesVisitor)
    }
}

/// Reads an array of tables. A plain `[routes]` table is rejected with a
/// type error that names the `[[routes]]` form.
struct RawRoutesVisitor;

impl<'de> Visitor<'de> for RawRoutesVisitor {
    type Value = RawRoutes;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array of [[routes]] tables")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut entries: A) -> Result<RawRoutes, A::Error> {
        let mut routes = Vec::new();
        while let Some(entry) = entries.next_element()? {
            routes.push(entry);
        }
        Ok(RawRoutes(routes))
    }
}

/// A host pattern of a route, parsed, with the span of its value.
struct HostClaim {
    pattern: HostPattern,
    span: Range<usize>,
    emulator: String,
}

/// Validates every route against the declared `emulators`, in file order.
pub(crate) fn validate_routes(
    source: &SourceText<'_>,
    raw: &RawRoutes,
    emulators: &[EmulatorSpec],
) -> Result<Vec<RouteSpec>, PolicyError> {
    let mut routes = Vec::with_capacity(raw.0.len());
    let mut claims: Vec<HostClaim> = Vec::new();
    for entry in &raw.0 {
        let TableOnly(raw_route) = entry.get_ref();
        let (route, route_claims) = raw_route.validate(entry.span(), source, emulators)?;
        for claim in route_claims {
            check_unclaimed(source, &claims, &claim)?;
            claims.push(claim);
        }
        routes.push(route);
    }
    Ok(routes)
}

/// Rejects a host pattern that an earlier route already sends to another
/// emulator. The shim takes the first route that matches, so the later
/// route would never receive that host's requests. A pattern repeated for
/// the same emulator changes nothing and is accepted.
fn check_unclaimed(source: &SourceText<'_>, earlier: &[HostClaim], claim: &HostClaim) -> Result<(), PolicyError> {
    let conflict = earlier.iter().find(|other| other.pattern == claim.pattern && other.emulator != claim.emulator);
    match conflict {
        Some(other) => Err(source.error(
            claim.span.clone(),
            format!(
                "host pattern \"{}\" already routes to emulator {:?} on line {}, so this route \
                 to {:?} would never receive its requests",
                claim.pattern,
                other.emulator,
                source.line_of(&other.span),
                claim.emulator
            ),
            "remove the pattern from one of the two routes",
        )),
        None => Ok(()),
    }
}

impl RawRoute {
    /// Validates the entry whose table starts at `span`. Returns the route
    /// with its parsed host patterns.
    fn validate(
        &self,
        span: Range<usize>,
        source: &SourceText<'_>,
        emulators: &[EmulatorSpec],
    ) -> Result<(RouteSpec, Vec<HostClaim>), PolicyError> {
        let Some(hosts) = &self.hosts else {
            return Err(source.error(
                span,
                "[[routes]] entry has no hosts",
                "add hosts = [\"*.amazonaws.com\"] or the host patterns this route serves",
            ));
        };
        let Some(emulator) = &self.emulator else {
            return Err(source.error(
                span,
                "[[routes]] entry has no emulator",
                format!("add emulator = \"NAME\", where NAME is {}", describe_declared(emulators)),
            ));
        };

        let patterns = read_hosts(source, hosts)?;
        let emulator = read_emulator(source, emulator, emulators)?;

        let hosts = patterns.iter().map(|(text, _, _)| text.clone()).collect();
        let claims = patterns
            .into_iter()
            .map(|(_, pattern, span)| HostClaim { pattern, span, emulator: emulator.clone() })
            .collect();
        Ok((RouteSpec { hosts, emulator }, claims))
    }
}

/// Reads and parses the host patterns, each with its text as written and
/// the span of its value.
fn read_hosts(
    source: &SourceText<'_>,
    array: &Spanned<SpannedArray>,
) -> Result<Vec<(String, HostPattern, Range<usize>)>, PolicyError> {
    let example = "hosts = [\"*.amazonaws.com\"]";
    let patterns = read_strings(source, "hosts", array.get_ref(), example)?;
    if patterns.is_empty() {
        return Err(source.error(
            array.span(),
            "hosts is empty, so the route matches no request",
            "list at least one host pattern, such as [\"*.amazonaws.com\"], or remove the route",
        ));
    }

    let mut hosts = Vec::with_capacity(patterns.len());
    for written in patterns {
        // The shim's message already names the pattern and the cause.
        let pattern = HostPattern::parse(written.text).map_err(|error| {
            source.error(
                written.span.clone(),
                without_fix(&error.to_string()).to_owned(),
                "write a host name with an optional leading \"*.\" and an optional \":PORT\", \
                 such as \"*.amazonaws.com\" or \"localhost:4566\"",
            )
        })?;
        hosts.push((written.text.to_owned(), pattern, written.span));
    }
    Ok(hosts)
}

fn read_emulator(
    source: &SourceText<'_>,
    value: &Spanned<Value>,
    emulators: &[EmulatorSpec],
) -> Result<String, PolicyError> {
    let name = source.require_string(value, "emulator", "emulator = \"aws\"")?;
    if emulators.iter().any(|emulator| emulator.name == name) {
        return Ok(name.to_owned());
    }

    let fix = if emulators.is_empty() {
        format!("declare it in an [emulators.{name}] table with kind = \"aws\" or kind = \"azure\"")
    } else {
        format!("use {}, or declare it in an [emulators.{name}] table", describe_declared(emulators))
    };
    Err(source.error(value.span(), format!("emulator {name:?} is not declared"), fix))
}

/// Lists the declared emulators for a fix, such as `one of the declared
/// emulators: "aws", "azure"`.
fn describe_declared(emulators: &[EmulatorSpec]) -> String {
    match emulators {
        [] => "the name of an [emulators.NAME] table".to_owned(),
        [only] => format!("the declared emulator {:?}", only.name),
        _ => {
            let names: Vec<String> = emulators.iter().map(|emulator| format!("{:?}", emulator.name)).collect();
            format!("one of the declared emulators: {}", names.join(", "))
        }
    }
}

/// Returns a shim error's message without its own `(fix: ...)` part, because the policy error adds a fix of its own.
pub(crate) fn without_fix(message: &str) -> &str {
    match message.find(" (fix: ") {
        Some(start) => &message[..start],
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Policy;

    fn routes_of(text: &str) -> Result<Vec<RouteSpec>, PolicyError> {
        Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.network.routes)
    }

    fn error_of(text: &str) -> PolicyError {
        match routes_of(text) {
            Ok(routes) => panic!("expected an error, got {routes:?}"),
            Err(error) => error,
        }
    }

    const EMULATORS: &str = "[emulators.aws]\nkind = \"aws\"\n[emulators.azure]\nkind = \"azure\"\n";

    fn route(hosts: &[&str], emulator: &str) -> RouteSpec {
        RouteSpec { hosts: hosts.iter().map(|host| (*host).to_owned()).collect(), emulator: emulator.to_owned() }
    }

    #[test]
    fn routes_are_read_in_order() {
        let text = format!(
            "{EMULATORS}[[routes]]\nhosts = [\"*.amazonaws.com\", \"localhost:4566\"]\nemulator = \"aws\"\n\
             [[routes]]\nhosts = [\"*.blob.core.windows.net\"]\nemulator = \"azure\"\n"
        );
        let expected =
            vec![route(&["*.amazonaws.com", "localhost:4566"], "aws"), route(&["*.blob.core.windows.net"], "azure")];
        assert_eq!(routes_of(&text).ok(), Some(expected));
    }

    #[test]
    fn two_routes_to_one_emulator() {
        let text = format!(
            "{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"aws\"\n\
             [[routes]]\nhosts = [\"*.amazonaws.com\"]\nemulator = \"aws\"\n"
        );
        assert_eq!(routes_of(&text).map(|routes| routes.len()).ok(), Some(2));
    }

    #[test]
    fn inline_routes_accepted() {
        // A top-level key must come before the first table header.
        let text = format!("routes = [{{ hosts = [\"amazonaws.com\"], emulator = \"aws\" }}]\n{EMULATORS}");
        assert_eq!(routes_of(&text).ok(), Some(vec![route(&["amazonaws.com"], "aws")]));
    }

    #[test]
    fn missing_hosts_points_at_table() {
        let text = format!("{EMULATORS}\n[[routes]]\nemulator = \"aws\"\n");
        let error = error_of(&text);
        assert_eq!(
            error.to_string(),
            "p.toml:6:1: [[routes]] entry has no hosts (fix: add hosts = [\"*.amazonaws.com\"] \
             or the host patterns this route serves)"
        );
    }

    #[test]
    fn empty_hosts_rejected() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = []\nemulator = \"aws\"\n");
        let error = error_of(&text);
        assert_eq!((error.line, error.message.as_str()), (Some(6), "hosts is empty, so the route matches no request"));
    }

    #[test]
    fn invalid_host_pattern_positioned() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\", \"a b\"]\nemulator = \"aws\"\n");
        let error = error_of(&text);
        assert_eq!((error.line, error.column), (Some(6), Some(27)));
    }

    #[test]
    fn invalid_host_pattern_uses_shim_message() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"a.*.com\"]\nemulator = \"aws\"\n");
        let expected = HostPattern::parse("a.*.com").err().map(|error| without_fix(&error.to_string()).to_owned());
        assert_eq!(Some(error_of(&text).message), expected);
    }

    #[test]
    fn shim_fix_not_repeated() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"a.*.com\"]\nemulator = \"aws\"\n");
        assert_eq!(error_of(&text).to_string().matches("(fix: ").count(), 1);
    }

    #[test]
    fn pattern_to_two_emulators_rejected() {
        let text = format!(
            "{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"aws\"\n\
             [[routes]]\nhosts = [\"x.com\", \"AmazonAWS.com\"]\nemulator = \"azure\"\n"
        );
        assert_eq!(
            error_of(&text).to_string(),
            "p.toml:9:19: host pattern \"amazonaws.com\" already routes to emulator \"aws\" on \
             line 6, so this route to \"azure\" would never receive its requests (fix: remove \
             the pattern from one of the two routes)"
        );
    }

    #[test]
    fn pattern_repeated_for_one_emulator() {
        let text = format!(
            "{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\", \"amazonaws.com\"]\nemulator = \"aws\"\n\
             [[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"aws\"\n"
        );
        assert_eq!(routes_of(&text).map(|routes| routes.len()).ok(), Some(2));
    }

    #[test]
    fn host_integer_rejected() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [443]\nemulator = \"aws\"\n");
        assert_eq!(error_of(&text).message, "hosts entry 1 must be a string, found integer 443");
    }

    #[test]
    fn missing_emulator_lists_declared() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\"]\n");
        assert_eq!(
            error_of(&text).fix,
            "add emulator = \"NAME\", where NAME is one of the declared emulators: \"aws\", \"azure\""
        );
    }

    #[test]
    fn undeclared_emulator_lists_declared() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"moto\"\n");
        let error = error_of(&text);
        assert_eq!(
            error.to_string(),
            "p.toml:7:12: emulator \"moto\" is not declared (fix: use one of the declared \
             emulators: \"aws\", \"azure\", or declare it in an [emulators.moto] table)"
        );
    }

    #[test]
    fn undeclared_emulator_names_single() {
        let text = "[emulators.aws]\nkind = \"aws\"\n[[routes]]\nhosts = [\"x.com\"]\nemulator = \"s3\"\n";
        assert_eq!(error_of(text).fix, "use the declared emulator \"aws\", or declare it in an [emulators.s3] table");
    }

    #[test]
    fn route_without_emulators_rejected() {
        let error = error_of("[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"aws\"\n");
        assert_eq!(error.fix, "declare it in an [emulators.aws] table with kind = \"aws\" or kind = \"azure\"");
    }

    #[test]
    fn emulator_integer_is_wrong_type() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = 1\n");
        assert_eq!(error_of(&text).message, "emulator must be a string, found integer 1");
    }

    #[test]
    fn routes_table_needs_double_brackets() {
        let error = error_of("[routes]\nhosts = [\"a.com\"]\n");
        assert_eq!(error.message, "invalid type: map, expected an array of [[routes]] tables");
    }

    #[test]
    fn unknown_route_key_positioned() {
        let text = format!("{EMULATORS}[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"aws\"\nport = 1\n");
        let error = error_of(&text);
        assert_eq!((error.line, error.column), (Some(8), Some(1)));
    }
}
