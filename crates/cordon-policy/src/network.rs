//! The network section of a policy: the cloud emulators, the routes that
//! lead to them, the rules on cloud actions, and the budgets and timeouts of
//! the HTTP shim. A tool has no sockets and no name lookup, so outgoing
//! `wasi:http` requests are its only way out, and the shim forwards only
//! those that a route sends to an emulator.
//!
//! The tables are read by their own modules. This one puts them together.

use std::path::Path;

use serde::Serialize;

use crate::budgets::{BudgetSpec, RawBudgets, RawHttp, TimeoutSpec};
use crate::emulators::{EmulatorSpec, RawEmulators, validate_emulators};
use crate::error::{PolicyError, SourceText};
use crate::routes::{RawRoutes, RouteSpec, validate_routes};
use crate::rules::{RawRules, Rules, ScpSpec};

/// HTTP access of a call. The default has no emulators and no routes, so
/// the shim rejects every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Network {
    /// Emulators that routes may forward to, in the order of the policy
    /// file.
    pub emulators: Vec<EmulatorSpec>,
    /// Host patterns and the emulator each leads to, in the order of the
    /// policy file. A request whose host matches none is rejected.
    pub routes: Vec<RouteSpec>,
    /// IAM-style action patterns, such as `s3:Delete*`, that the shim
    /// rejects whatever else allows them.
    pub deny_actions: Vec<String>,
    /// Regions a request may name. `None` allows any region.
    pub allowed_regions: Option<Vec<String>>,
    /// AWS service control policy whose denials the shim applies as well.
    pub scp: Option<ScpSpec>,
    /// Per-call limits on requests and bytes.
    pub budgets: BudgetSpec,
    /// Timeouts of each forwarded request.
    pub timeouts: TimeoutSpec,
}

impl Network {
    /// Returns whether any request can reach an emulator, which takes at
    /// least one route.
    #[must_use]
    pub fn allows_requests(&self) -> bool {
        !self.routes.is_empty()
    }

    /// Returns the emulator with this name.
    #[must_use]
    pub fn emulator(&self, name: &str) -> Option<&EmulatorSpec> {
        self.emulators.iter().find(|emulator| emulator.name == name)
    }
}

/// The network tables of a policy file as written.
pub(crate) struct RawNetwork<'a> {
    pub(crate) emulators: Option<&'a RawEmulators>,
    pub(crate) routes: &'a RawRoutes,
    pub(crate) rules: Option<&'a RawRules>,
    pub(crate) budgets: Option<&'a RawBudgets>,
    pub(crate) http: Option<&'a RawHttp>,
}

/// Validates the network tables. Returns the network with the warnings of
/// its service control policy, if any.
pub(crate) fn validate_network(
    source: &SourceText<'_>,
    raw: &RawNetwork<'_>,
    workspace: &Path,
) -> Result<(Network, Vec<String>), PolicyError> {
    let emulators = match raw.emulators {
        Some(raw_emulators) => validate_emulators(source, raw_emulators)?,
        None => Vec::new(),
    };
    let routes = validate_routes(source, raw.routes, &emulators)?;
    let rules = match raw.rules {
        Some(raw_rules) => raw_rules.validate(source, workspace)?,
        None => Rules::default(),
    };
    let budgets = match raw.budgets {
        Some(raw_budgets) => raw_budgets.validate(source)?,
        None => BudgetSpec::default(),
    };
    let timeouts = match raw.http {
        Some(raw_http) => raw_http.validate(source)?,
        None => TimeoutSpec::default(),
    };

    let network = Network {
        emulators,
        routes,
        deny_actions: rules.deny_actions,
        allowed_regions: rules.allowed_regions,
        scp: rules.scp,
        budgets,
        timeouts,
    };
    Ok((network, rules.warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EmulatorKindSpec, Policy};

    fn policy_of(text: &str) -> Policy {
        match Policy::parse(text, "p.toml", Path::new(".")) {
            Ok(policy) => policy,
            Err(error) => panic!("expected a policy, got {error}"),
        }
    }

    const CLOUD: &str = "\
[emulators.aws]
kind = \"aws\"
endpoint = \"http://127.0.0.1:5000\"

[emulators.azure]
kind = \"azure\"

[[routes]]
hosts = [\"*.amazonaws.com\", \"amazonaws.com\"]
emulator = \"aws\"

[[routes]]
hosts = [\"*.blob.core.windows.net\"]
emulator = \"azure\"

[rules]
deny-actions = [\"s3:Delete*\"]
allowed-regions = [\"us-east-1\"]

[budgets]
requests = 10

[http]
total-timeout = \"1m\"
";

    #[test]
    fn absent_tables_give_no_network() {
        assert_eq!(policy_of("").network, Network::default());
    }

    #[test]
    fn default_network_allows_nothing() {
        assert!(!Network::default().allows_requests());
    }

    #[test]
    fn budgets_alone_allow_nothing() {
        assert!(!policy_of("[budgets]\nrequests = 5\n").network.allows_requests());
    }

    #[test]
    fn emulators_without_routes_allow_nothing() {
        let network = policy_of("[emulators.aws]\nkind = \"aws\"\n").network;
        assert!(!network.allows_requests());
    }

    #[test]
    fn every_table_is_read() {
        let network = policy_of(CLOUD).network;
        let expected = Network {
            emulators: vec![
                EmulatorSpec {
                    name: "aws".to_owned(),
                    kind: EmulatorKindSpec::default_aws(),
                    endpoint: Some("http://127.0.0.1:5000".to_owned()),
                },
                EmulatorSpec { name: "azure".to_owned(), kind: EmulatorKindSpec::default_azure(), endpoint: None },
            ],
            routes: vec![
                RouteSpec {
                    hosts: vec!["*.amazonaws.com".to_owned(), "amazonaws.com".to_owned()],
                    emulator: "aws".to_owned(),
                },
                RouteSpec { hosts: vec!["*.blob.core.windows.net".to_owned()], emulator: "azure".to_owned() },
            ],
            deny_actions: vec!["s3:Delete*".to_owned()],
            allowed_regions: Some(vec!["us-east-1".to_owned()]),
            scp: None,
            budgets: BudgetSpec { requests: 10, ..BudgetSpec::default() },
            timeouts: TimeoutSpec { total: std::time::Duration::from_mins(1), ..TimeoutSpec::default() },
        };
        assert_eq!(network, expected);
    }

    #[test]
    fn routes_allow_requests() {
        assert!(policy_of(CLOUD).network.allows_requests());
    }

    #[test]
    fn emulator_found_by_name() {
        let network = policy_of(CLOUD).network;
        let kind = network.emulator("azure").map(|emulator| emulator.kind.as_str());
        assert_eq!(kind, Some("azure"));
    }

    #[test]
    fn unknown_emulator_not_found() {
        assert!(policy_of(CLOUD).network.emulator("gcp").is_none());
    }

    #[test]
    fn network_serialises_without_secrets() {
        let text =
            CLOUD.replace("kind = \"azure\"\n", "kind = \"azure\"\naccount-key = \"c2VjcmV0LWtleS1ieXRlcw==\"\n");
        let json = serde_json::to_string(&policy_of(&text)).unwrap_or_default();
        assert!(!json.contains("c2VjcmV0LWtleS1ieXRlcw=="));
    }

    #[test]
    fn network_serialises_routes() {
        let json = serde_json::to_value(policy_of(CLOUD)).ok();
        let emulator = json.as_ref().and_then(|json| json.pointer("/network/routes/1/emulator"));
        assert_eq!(emulator, Some(&serde_json::json!("azure")));
    }

    #[test]
    fn debug_hides_default_secret() {
        let debug = format!("{:?}", policy_of(CLOUD));
        assert!(!debug.contains(EmulatorKindSpec::DEFAULT_SECRET_ACCESS_KEY));
    }
}
