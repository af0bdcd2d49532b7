//! Operations of the AWS JSON protocol, named by the `X-Amz-Target` header
//! (`DynamoDB_20120810.PutItem`), and of the query protocol, named by an
//! `Action` parameter in the query string or the body
//! (`Action=SendMessage`, `Action=RunInstances`). EC2 instance types are
//! read from the same parameters.

use http::HeaderMap;
use http::header::CONTENT_TYPE;

use super::params::Params;

/// The maximum length of an accepted operation name. AWS operation names are
/// far shorter.
const MAX_OPERATION_LENGTH: usize = 128;

/// Target prefixes whose service the prefix fixes, for requests whose host
/// and signature name no service.
const TARGET_SERVICES: [(&str, &str); 3] =
    [("DynamoDBStreams_", "dynamodb"), ("DynamoDB_", "dynamodb"), ("AmazonSQS", "sqs")];

/// An `X-Amz-Target` header value read as `Prefix.Operation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The service the prefix names, when it is one of the known prefixes.
    pub(crate) service: Option<&'static str>,
    /// The operation after the last `.`, or `None` when it is missing or not
    /// a plain ASCII name.
    pub(crate) operation: Option<String>,
}

/// Reads the first `X-Amz-Target` header, or returns `None` without one. A
/// value that is not visible ASCII gives a target without an operation.
pub(crate) fn target(headers: &HeaderMap) -> Option<Target> {
    let value = headers.get("x-amz-target")?;
    let Ok(text) = value.to_str() else {
        return Some(Target { service: None, operation: None });
    };

    let (prefix, operation) = match text.trim().rsplit_once('.') {
        Some((prefix, operation)) => (prefix, Some(operation)),
        None => (text.trim(), None),
    };
    let service = TARGET_SERVICES
        .iter()
        .find(|(target_prefix, _)| prefix.starts_with(target_prefix))
        .map(|(_, service)| *service);
    let operation = operation.filter(|name| is_operation_name(name)).map(str::to_owned);

    Some(Target { service, operation })
}

/// The parameters a query-protocol operation can be read from.
///
/// AWS SDKs send `Action` in the query string or in a body declared
/// `application/x-www-form-urlencoded`. moto 5.2.5 reads more: it parses any
/// body as form parameters whatever its `Content-Type`, and falls back to
/// the request headers when the query and body give no parameters. So an
/// `Action` in an undeclared body or in an `Action` header is read too, and
/// makes the operation unknown rather than going unseen.
pub(crate) struct ParameterSources<'a> {
    pub(crate) query: &'a Params,
    /// The body decoded as form parameters, for any non-empty body.
    pub(crate) body: Option<Params>,
    /// Whether the `Content-Type` declares the body form-encoded.
    body_declared: bool,
    /// Values of `Action` headers.
    header_actions: Vec<String>,
}

impl<'a> ParameterSources<'a> {
    pub(crate) fn read(query: &'a Params, headers: &HeaderMap, body: &[u8]) -> ParameterSources<'a> {
        let body_declared = headers.get(CONTENT_TYPE).is_some_and(|value| {
            value.to_str().is_ok_and(|text| text.to_ascii_lowercase().contains("application/x-www-form-urlencoded"))
        });
        let header_actions = headers
            .get_all("action")
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect();

        ParameterSources {
            query,
            body: (!body.is_empty()).then(|| Params::from_bytes(body)),
            body_declared,
            header_actions,
        }
    }

    fn all_pairs(&self) -> impl Iterator<Item = &(String, String)> {
        let body_pairs = self.body.iter().flat_map(|body| body.pairs().iter());
        self.query.pairs().iter().chain(body_pairs)
    }
}

/// The `Action` values of a query-protocol request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryActions {
    /// Distinct valid action names, in order of appearance.
    pub(crate) names: Vec<String>,
    /// Whether an `Action` value was not a plain ASCII name, or came from a
    /// source that SDKs do not use: an undeclared body or a header.
    pub(crate) unresolved: bool,
}

/// Collects every `Action` value of the query string, the body and the
/// `Action` headers.
pub(crate) fn query_actions(sources: &ParameterSources<'_>) -> QueryActions {
    let mut actions = QueryActions::default();

    let body_values = sources.body.iter().flat_map(|body| body.values("Action"));
    let parameter_values: Vec<&str> = if sources.body_declared {
        sources.query.values("Action").chain(body_values).collect()
    } else {
        let undeclared: Vec<&str> = body_values.collect();
        actions.unresolved |= !undeclared.is_empty();
        sources.query.values("Action").chain(undeclared).collect()
    };
    actions.unresolved |= !sources.header_actions.is_empty();
    let header_values = sources.header_actions.iter().map(String::as_str);

    for value in parameter_values.into_iter().chain(header_values) {
        if !is_operation_name(value) {
            actions.unresolved = true;
        } else if !actions.names.iter().any(|name| name == value) {
            actions.names.push(value.to_owned());
        }
    }
    actions
}

/// EC2 parameters that name an instance type, with each list index written
/// as `N`.
const INSTANCE_TYPE_PARAMETERS: [&str; 7] = [
    // RunInstances
    "InstanceType",
    // ModifyInstanceAttribute
    "InstanceType.Value",
    // RequestSpotInstances
    "LaunchSpecification.InstanceType",
    // CreateLaunchTemplate and CreateLaunchTemplateVersion
    "LaunchTemplateData.InstanceType",
    // CreateFleet
    "LaunchTemplateConfigs.N.Overrides.N.InstanceType",
    // RequestSpotFleet
    "SpotFleetRequestConfig.LaunchSpecifications.N.InstanceType",
    "SpotFleetRequestConfig.LaunchTemplateConfigs.N.Overrides.N.InstanceType",
];

/// Collects the distinct EC2 instance types a request names in the query
/// string or the body.
///
/// NOTE: a RunInstances request without an `InstanceType` parameter yields
/// no value, although EC2 then launches a default type or the launch
/// template's type.
pub(crate) fn instance_types(sources: &ParameterSources<'_>) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for (name, value) in sources.all_pairs() {
        let names_type = INSTANCE_TYPE_PARAMETERS.contains(&index_pattern(name).as_str());
        if names_type && !value.is_empty() && !types.contains(value) {
            types.push(value.clone());
        }
    }
    types
}

/// Replaces each all-digit segment of a dotted parameter name with `N`, so
/// `LaunchTemplateConfigs.1.Overrides.2.InstanceType` becomes
/// `LaunchTemplateConfigs.N.Overrides.N.InstanceType`.
fn index_pattern(name: &str) -> String {
    let segments: Vec<&str> = name
        .split('.')
        .map(|segment| {
            let is_index = !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit());
            if is_index { "N" } else { segment }
        })
        .collect();
    segments.join(".")
}

fn is_operation_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_OPERATION_LENGTH && name.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers_with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        match HeaderValue::from_str(value) {
            Ok(value) => {
                headers.insert(name, value);
            }
            Err(error) => panic!("{value:?} should be a header value: {error}"),
        }
        headers
    }

    #[test]
    fn dynamodb_target_is_read() {
        let target = target(&headers_with("x-amz-target", "DynamoDB_20120810.PutItem"));
        assert_eq!(target, Some(Target { service: Some("dynamodb"), operation: Some("PutItem".to_owned()) }));
    }

    #[test]
    fn sqs_target_is_read() {
        let target = target(&headers_with("X-Amz-Target", "AmazonSQS.SendMessage"));
        assert_eq!(target, Some(Target { service: Some("sqs"), operation: Some("SendMessage".to_owned()) }));
    }

    #[test]
    fn streams_target_is_dynamodb() {
        let target = target(&headers_with("x-amz-target", "DynamoDBStreams_20120810.GetRecords"));
        assert_eq!(target.and_then(|target| target.service), Some("dynamodb"));
    }

    #[test]
    fn other_target_has_no_service() {
        let target = target(&headers_with("x-amz-target", "TrentService.Encrypt"));
        assert_eq!(target, Some(Target { service: None, operation: Some("Encrypt".to_owned()) }));
    }

    #[test]
    fn malformed_target_has_no_operation() {
        for value in ["DynamoDB_20120810", "DynamoDB_20120810.", "DynamoDB_20120810.Put Item", "X.Put-Item"] {
            let target = target(&headers_with("x-amz-target", value));
            assert_eq!(target.and_then(|target| target.operation), None, "{value:?}");
        }
    }

    #[test]
    fn missing_target_is_none() {
        assert_eq!(target(&HeaderMap::new()), None);
    }

    struct Source {
        query: Params,
        headers: HeaderMap,
        body: &'static [u8],
    }

    impl Source {
        fn new(query: &[u8], body: &'static [u8]) -> Source {
            Source { query: Params::from_bytes(query), headers: HeaderMap::new(), body }
        }

        fn header(mut self, name: &'static str, value: &str) -> Source {
            let extra = headers_with(name, value);
            self.headers.extend(extra);
            self
        }

        fn actions(&self) -> QueryActions {
            query_actions(&ParameterSources::read(&self.query, &self.headers, self.body))
        }

        fn instance_types(&self) -> Vec<String> {
            instance_types(&ParameterSources::read(&self.query, &self.headers, self.body))
        }
    }

    const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

    #[test]
    fn declared_form_action_is_known() {
        let actions = Source::new(b"", b"Action=SendMessage&MessageBody=x").header("content-type", FORM).actions();
        assert_eq!(actions.names, ["SendMessage"]);
        assert!(!actions.unresolved);
    }

    #[test]
    fn query_action_is_known() {
        let actions = Source::new(b"Action=DescribeInstances&Version=2016-11-15", b"").actions();
        assert_eq!(actions.names, ["DescribeInstances"]);
        assert!(!actions.unresolved);
    }

    #[test]
    fn undeclared_body_action_is_unresolved() {
        for content_type in [None, Some("text/plain"), Some("application/x-amz-json-1.0")] {
            let mut source = Source::new(b"", b"Action=RunInstances&InstanceType=p4d.24xlarge");
            if let Some(content_type) = content_type {
                source = source.header("content-type", content_type);
            }
            let actions = source.actions();
            assert_eq!(actions.names, ["RunInstances"], "{content_type:?}");
            assert!(actions.unresolved, "{content_type:?}");
        }
    }

    #[test]
    fn action_header_is_unresolved() {
        let actions = Source::new(b"", b"").header("action", "ListQueues").actions();
        assert_eq!(actions.names, ["ListQueues"]);
        assert!(actions.unresolved);
    }

    #[test]
    fn actions_from_query_and_body() {
        let actions = Source::new(b"Action=RunInstances", b"Action=RunInstances&Version=2016-11-15")
            .header("content-type", FORM)
            .actions();
        assert_eq!(actions.names, ["RunInstances"]);
        assert!(!actions.unresolved);
    }

    #[test]
    fn conflicting_actions_are_kept() {
        let actions =
            Source::new(b"Action=DescribeInstances", b"Action=RunInstances").header("content-type", FORM).actions();
        assert_eq!(actions.names, ["DescribeInstances", "RunInstances"]);
    }

    #[test]
    fn invalid_action_is_flagged() {
        let actions = Source::new(b"Action=Run%20Instances", b"").actions();
        assert!(actions.names.is_empty());
        assert!(actions.unresolved);
    }

    #[test]
    fn instance_types_are_collected() {
        let types = Source::new(
            b"InstanceType=t3.large",
            b"LaunchSpecification.InstanceType=m5.xlarge&InstanceType=t3.large\
              &LaunchTemplateConfigs.1.Overrides.12.InstanceType=c5.large&InstanceType.Value=r5.large\
              &SpotFleetRequestConfig.LaunchSpecifications.3.InstanceType=g5.xlarge\
              &LaunchTemplateData.InstanceType=x2.large&Other=x",
        )
        .instance_types();
        assert_eq!(types, ["t3.large", "m5.xlarge", "c5.large", "r5.large", "g5.xlarge", "x2.large"]);
    }

    #[test]
    fn unknown_type_parameters_are_ignored() {
        let types = Source::new(b"Bogus.InstanceType=t3.micro&InstanceType.1=t3.nano", b"").instance_types();
        assert!(types.is_empty(), "{types:?}");
    }

    #[test]
    fn index_pattern_replaces_numbers() {
        assert_eq!(
            index_pattern("LaunchTemplateConfigs.1.Overrides.12.InstanceType"),
            "LaunchTemplateConfigs.N.Overrides.N.InstanceType"
        );
        assert_eq!(index_pattern("InstanceType"), "InstanceType");
        assert_eq!(index_pattern("a..1"), "a..N");
    }

    #[test]
    fn empty_instance_type_is_skipped() {
        assert!(Source::new(b"InstanceType=", b"").instance_types().is_empty());
    }
}
