//! Classification of an outgoing cloud request into the service, action,
//! region and resource that the rules are evaluated against.
//!
//! Classification has no error case. A request whose operation cannot be
//! read gets the action `SERVICE:Unknown`, and a request whose service cannot
//! be read gets the service `unknown`. The rules then decide what such a
//! request may do.

mod aws_host;
mod azure;
mod params;
mod protocols;
mod resource;
mod s3;
mod sigv4;

use http::{HeaderMap, Method, Uri};
use serde_json::Value;

use crate::authority::Authority;

pub use aws_host::{AwsHost, parse_aws_host};
pub use azure::{AzureHost, parse_azure_host};

use aws_host::partition;
use params::Params;

/// The service name of a request whose host, signature and target header
/// name no service.
pub const UNKNOWN_SERVICE: &str = "unknown";

/// The operation part of the action of a request whose operation cannot be
/// read, as in `s3:Unknown`.
pub const UNKNOWN_OPERATION: &str = "Unknown";

/// The service, action, region and resource of a cloud request, as far as
/// the request itself shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudRequest {
    /// IAM service prefix for AWS (`s3`, `dynamodb`, `sqs`, `ec2`, ...), or
    /// `azure-blob`, `azure-queue` and so on for Azure Storage.
    pub service: String,
    /// The operation as `service:Operation`, such as `s3:PutObject` or
    /// `dynamodb:PutItem`. S3 operations carry their API names, such as
    /// `s3:ListObjectsV2` and `s3:HeadObject`.
    pub action: String,
    /// The IAM actions that authorise the request, such as `s3:ListBucket`
    /// for `s3:ListObjectsV2`. Usually one action, equal to `action` outside
    /// S3. A request that names conflicting operations, or names one where
    /// SDKs never put it, has the action `SERVICE:Unknown`. It then lists
    /// `SERVICE:Unknown` and each named operation and its IAM action here, so
    /// a deny on any of them still applies. Service control policies match
    /// these, and the `deny-actions` rule matches these and `action`.
    pub iam_actions: Vec<String>,
    /// AWS region the request is sent to. `None` for Azure and for AWS
    /// requests whose host and signature name no region.
    pub region: Option<String>,
    /// ARN of the bucket, object, table or queue the request addresses, when
    /// the request shows it. Azure requests carry `ACCOUNT/CONTAINER/BLOB`
    /// or `ACCOUNT/QUEUE` here.
    pub resource: Option<String>,
    /// EC2 instance types the request names, such as `t3.large` in a
    /// RunInstances request. Empty for other services.
    pub instance_types: Vec<String>,
}

/// An operation read from a request, with the IAM action that authorises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Operation {
    /// Exactly one operation.
    Known {
        /// The operation name, such as `HeadObject`.
        name: String,
        /// The IAM action name without the service, such as `GetObject`.
        iam_action: String,
    },
    /// No operation, or several conflicting ones, each given as
    /// `(operation name, IAM action name)`.
    Unknown { candidates: Vec<(String, String)> },
}

impl Operation {
    pub(crate) fn unknown(candidates: Vec<(String, String)>) -> Operation {
        Operation::Unknown { candidates }
    }

    /// Returns the single candidate as a known operation, or an unknown
    /// operation when there is no candidate, several, or some part of the
    /// request named an operation that could not be read.
    pub(crate) fn from_candidates(mut candidates: Vec<(String, String)>, unresolved: bool) -> Operation {
        if candidates.len() == 1
            && !unresolved
            && let Some((name, iam_action)) = candidates.pop()
        {
            return Operation::Known { name, iam_action };
        }
        Operation::Unknown { candidates }
    }

    /// Returns the `action` and `iam_actions` of a [`CloudRequest`].
    pub(crate) fn into_actions(self, service: &str) -> (String, Vec<String>) {
        match self {
            Operation::Known { name, iam_action } => {
                (format!("{service}:{name}"), vec![format!("{service}:{iam_action}")])
            }
            Operation::Unknown { candidates } => {
                let action = format!("{service}:{UNKNOWN_OPERATION}");
                let mut iam_actions = vec![action.clone()];
                for (name, iam_action) in candidates {
                    for candidate in [format!("{service}:{name}"), format!("{service}:{iam_action}")] {
                        if !iam_actions.contains(&candidate) {
                            iam_actions.push(candidate);
                        }
                    }
                }
                (action, iam_actions)
            }
        }
    }
}

/// Classifies an AWS request.
///
/// The service and region come from the host name when it is an AWS
/// endpoint. Otherwise, as for an emulator host such as `localhost:4566`,
/// they come from the SigV4 credential scope of the `Authorization` header or
/// of the `X-Amz-Credential` query parameter, and the service may come from
/// the `X-Amz-Target` prefix. The host wins over the scope when both name a
/// region, so a re-signer should sign with the classified region for the
/// decision and the forwarded request to agree.
///
/// The operation comes from the method, path and query for S3. For other
/// services it comes from `X-Amz-Target` or from an `Action` parameter in
/// the query string, the body or an `Action` header.
///
/// NOTE: a virtual-hosted S3 request is recognised only under AWS and
/// LocalStack endpoint domains. A request to any other host, such as
/// `bucket.localhost`, is read in path style.
///
/// ```
/// use cordon_shim::{classify_aws, normalize_authority};
/// use http::{HeaderMap, Method, Uri};
///
/// let authority = normalize_authority("https", "photos.s3.eu-west-1.amazonaws.com")?;
/// let uri: Uri = "https://photos.s3.eu-west-1.amazonaws.com/cat.jpg".parse()?;
/// let request = classify_aws(&Method::PUT, &uri, &HeaderMap::new(), b"", &authority);
///
/// assert_eq!(request.action, "s3:PutObject");
/// assert_eq!(request.region.as_deref(), Some("eu-west-1"));
/// assert_eq!(request.resource.as_deref(), Some("arn:aws:s3:::photos/cat.jpg"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn classify_aws(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    authority: &Authority,
) -> CloudRequest {
    let query = Params::from_query(uri);
    let host = parse_aws_host(&authority.host);
    let scope = sigv4::credential_scope(headers, &query);
    let target = protocols::target(headers);

    let service = host
        .service
        .clone()
        .or_else(|| scope.as_ref().map(|scope| aws_host::service_for_endpoint(&scope.service).to_owned()))
        .or_else(|| target.as_ref().and_then(|target| target.service).map(str::to_owned))
        .unwrap_or_else(|| UNKNOWN_SERVICE.to_owned());
    let region = host.region.clone().or_else(|| scope.and_then(|scope| scope.region));
    let partition = partition(region.as_deref());

    if service == "s3" {
        let host_bucket = host.bucket.as_deref();
        let classified = if host.other_s3_api {
            s3::S3Classification { operation: Operation::unknown(Vec::new()), resource: None }
        } else {
            s3::classify_s3(method, uri.path(), &query, headers, host_bucket, partition)
        };
        let (action, iam_actions) = classified.operation.into_actions(&service);
        return CloudRequest {
            service,
            action,
            iam_actions,
            region,
            resource: classified.resource,
            instance_types: Vec::new(),
        };
    }

    let sources = protocols::ParameterSources::read(&query, headers, body);
    let operation = rpc_operation(target.as_ref(), &sources);
    let (action, iam_actions) = operation.into_actions(&service);

    let json = if matches!(service.as_str(), "dynamodb" | "sqs") && target.is_some() {
        serde_json::from_slice::<Value>(body).ok()
    } else {
        None
    };
    let resource = region.as_deref().and_then(|region| match service.as_str() {
        "dynamodb" => resource::dynamodb_table_arn(json.as_ref(), partition, region),
        "sqs" => {
            let params: Vec<&Params> = std::iter::once(&query).chain(sources.body.as_ref()).collect();
            resource::sqs_queue_arn(json.as_ref(), &params, uri.path(), partition, region)
        }
        _ => None,
    });
    let instance_types = if service == "ec2" { protocols::instance_types(&sources) } else { Vec::new() };

    CloudRequest { service, action, iam_actions, region, resource, instance_types }
}

/// Reads the operation of a JSON-protocol or query-protocol request. The
/// target header and every `Action` must agree, and an `Action` from a
/// source that SDKs do not use must not appear. Otherwise the operation is
/// unknown and each named operation is kept as a candidate.
fn rpc_operation(target: Option<&protocols::Target>, sources: &protocols::ParameterSources<'_>) -> Operation {
    let mut names: Vec<String> = Vec::new();
    let mut unresolved = false;

    if let Some(target) = target {
        match &target.operation {
            Some(operation) => names.push(operation.clone()),
            None => unresolved = true,
        }
    }
    let actions = protocols::query_actions(sources);
    unresolved |= actions.unresolved;
    for name in actions.names {
        if !names.contains(&name) {
            names.push(name);
        }
    }

    let candidates = names.into_iter().map(|name| (name.clone(), name)).collect();
    Operation::from_candidates(candidates, unresolved)
}

/// Classifies an Azure Storage request for the Blob or Queue service.
///
/// The service and account come from a host such as
/// `ACCOUNT.blob.core.windows.net`. For an emulator host, as with Azurite's
/// `127.0.0.1:10000/ACCOUNT/...`, the account is the first path segment and
/// the service follows Azurite's default ports: 10000 for Blob, 10001 for
/// Queue and 10002 for Table. Any other port gives the service `azure` and
/// an unknown action. The region is always `None`.
///
/// ```
/// use cordon_shim::{classify_azure, normalize_authority};
/// use http::{HeaderMap, Method, Uri};
///
/// let authority = normalize_authority("https", "acct.blob.core.windows.net")?;
/// let uri: Uri = "https://acct.blob.core.windows.net/logs?restype=container".parse()?;
/// let request = classify_azure(&Method::PUT, &uri, &HeaderMap::new(), &authority);
///
/// assert_eq!(request.action, "azure-blob:CreateContainer");
/// assert_eq!(request.resource.as_deref(), Some("acct/logs"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn classify_azure(method: &Method, uri: &Uri, headers: &HeaderMap, authority: &Authority) -> CloudRequest {
    azure::classify(method, uri, headers, authority)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;
    use crate::authority::normalize_authority;

    struct Request<'a> {
        method: Method,
        url: &'a str,
        headers: Vec<(&'static str, &'a str)>,
        body: &'a [u8],
    }

    impl<'a> Request<'a> {
        fn new(method: Method, url: &'a str) -> Request<'a> {
            Request { method, url, headers: Vec::new(), body: b"" }
        }

        fn header(mut self, name: &'static str, value: &'a str) -> Request<'a> {
            self.headers.push((name, value));
            self
        }

        fn body(mut self, body: &'a [u8]) -> Request<'a> {
            self.body = body;
            self
        }

        fn classify(&self) -> CloudRequest {
            let uri: Uri = match self.url.parse() {
                Ok(uri) => uri,
                Err(error) => panic!("{:?} should parse: {error}", self.url),
            };
            let scheme = uri.scheme_str().unwrap_or("http");
            let authority = match uri.authority().map(|authority| normalize_authority(scheme, authority.as_str())) {
                Some(Ok(authority)) => authority,
                other => panic!("{:?} should have a valid authority: {other:?}", self.url),
            };
            let mut headers = HeaderMap::new();
            for (name, value) in &self.headers {
                match HeaderValue::from_str(value) {
                    Ok(value) => {
                        headers.append(*name, value);
                    }
                    Err(error) => panic!("{value:?} should be a header value: {error}"),
                }
            }
            classify_aws(&self.method, &uri, &headers, self.body, &authority)
        }
    }

    const SIGNED_S3_US_WEST_2: &str =
        "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/s3/aws4_request, SignedHeaders=host, Signature=00";

    #[test]
    fn regional_path_style_put() {
        let request = Request::new(Method::PUT, "https://s3.us-west-2.amazonaws.com/bucket/key.txt").classify();
        assert_eq!(request.service, "s3");
        assert_eq!(request.action, "s3:PutObject");
        assert_eq!(request.iam_actions, ["s3:PutObject"]);
        assert_eq!(request.region.as_deref(), Some("us-west-2"));
        assert_eq!(request.resource.as_deref(), Some("arn:aws:s3:::bucket/key.txt"));
        assert!(request.instance_types.is_empty());
    }

    #[test]
    fn virtual_hosted_get() {
        let request = Request::new(Method::GET, "https://bucket.s3.eu-west-1.amazonaws.com/a/b").classify();
        assert_eq!(request.action, "s3:GetObject");
        assert_eq!(request.region.as_deref(), Some("eu-west-1"));
        assert_eq!(request.resource.as_deref(), Some("arn:aws:s3:::bucket/a/b"));
    }

    #[test]
    fn global_s3_endpoint_lists_buckets() {
        let request = Request::new(Method::GET, "https://s3.amazonaws.com/").classify();
        assert_eq!(request.action, "s3:ListBuckets");
        assert_eq!(request.iam_actions, ["s3:ListAllMyBuckets"]);
        assert_eq!(request.region.as_deref(), Some("us-east-1"));
        assert_eq!(request.resource, None);
    }

    #[test]
    fn emulator_host_uses_signature_scope() {
        let request = Request::new(Method::DELETE, "http://localhost:4566/bucket/key")
            .header("authorization", SIGNED_S3_US_WEST_2)
            .classify();
        assert_eq!(request.service, "s3");
        assert_eq!(request.action, "s3:DeleteObject");
        assert_eq!(request.region.as_deref(), Some("us-west-2"));
        assert_eq!(request.resource.as_deref(), Some("arn:aws:s3:::bucket/key"));
    }

    #[test]
    fn presigned_url_uses_query_scope() {
        let url = "http://127.0.0.1:4566/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                   &X-Amz-Credential=AKID%2F20240101%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Signature=00";
        let request = Request::new(Method::GET, url).classify();
        assert_eq!(request.action, "s3:GetObject");
        assert_eq!(request.region.as_deref(), Some("eu-central-1"));
    }

    #[test]
    fn host_region_wins_over_scope() {
        let request = Request::new(Method::GET, "https://s3.eu-west-1.amazonaws.com/bucket")
            .header("authorization", SIGNED_S3_US_WEST_2)
            .classify();
        assert_eq!(request.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn accelerate_endpoint_falls_back_to_scope() {
        let request = Request::new(Method::GET, "https://bucket.s3-accelerate.amazonaws.com/key")
            .header("authorization", SIGNED_S3_US_WEST_2)
            .classify();
        assert_eq!(request.region.as_deref(), Some("us-west-2"));
        assert_eq!(request.resource.as_deref(), Some("arn:aws:s3:::bucket/key"));
    }

    #[test]
    fn s3_control_is_unknown() {
        let request =
            Request::new(Method::GET, "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/jobs")
                .classify();
        assert_eq!(request.action, "s3:Unknown");
        assert_eq!(request.resource, None);
    }

    #[test]
    fn dynamodb_target_and_table() {
        let request = Request::new(Method::POST, "https://dynamodb.us-east-1.amazonaws.com/")
            .header("x-amz-target", "DynamoDB_20120810.PutItem")
            .header("content-type", "application/x-amz-json-1.0")
            .body(br#"{"TableName":"orders","Item":{"id":{"S":"1"}}}"#)
            .classify();
        assert_eq!(request.service, "dynamodb");
        assert_eq!(request.action, "dynamodb:PutItem");
        assert_eq!(request.region.as_deref(), Some("us-east-1"));
        assert_eq!(request.resource.as_deref(), Some("arn:aws:dynamodb:us-east-1:000000000000:table/orders"));
    }

    #[test]
    fn dynamodb_on_emulator_host() {
        let request = Request::new(Method::POST, "http://localhost:4566/")
            .header("x-amz-target", "DynamoDB_20120810.DeleteTable")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/dynamodb/aws4_request, Signature=00",
            )
            .body(br#"{"TableName":"orders"}"#)
            .classify();
        assert_eq!(request.action, "dynamodb:DeleteTable");
        assert_eq!(request.resource.as_deref(), Some("arn:aws:dynamodb:eu-west-1:000000000000:table/orders"));
    }

    #[test]
    fn target_prefix_names_service() {
        let request = Request::new(Method::POST, "http://localhost:4566/")
            .header("x-amz-target", "AmazonSQS.SendMessage")
            .body(br#"{"QueueUrl":"http://localhost:4566/000000000000/jobs","MessageBody":"x"}"#)
            .classify();
        assert_eq!(request.service, "sqs");
        assert_eq!(request.action, "sqs:SendMessage");
        assert_eq!(request.region, None);
        assert_eq!(request.resource, None);
    }

    #[test]
    fn sqs_json_protocol_queue_arn() {
        let request = Request::new(Method::POST, "https://sqs.eu-west-1.amazonaws.com/")
            .header("x-amz-target", "AmazonSQS.SendMessage")
            .header("content-type", "application/x-amz-json-1.0")
            .body(br#"{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/jobs","MessageBody":"x"}"#)
            .classify();
        assert_eq!(request.action, "sqs:SendMessage");
        assert_eq!(request.resource.as_deref(), Some("arn:aws:sqs:eu-west-1:123456789012:jobs"));
    }

    #[test]
    fn sqs_query_protocol_form_body() {
        let request = Request::new(Method::POST, "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"Action=SendMessage&MessageBody=hello&Version=2012-11-05")
            .classify();
        assert_eq!(request.action, "sqs:SendMessage");
        assert_eq!(request.resource.as_deref(), Some("arn:aws:sqs:eu-west-1:123456789012:jobs"));
    }

    #[test]
    fn sqs_create_queue_query_string() {
        let request =
            Request::new(Method::GET, "https://sqs.us-east-1.amazonaws.com/?Action=CreateQueue&QueueName=jobs")
                .classify();
        assert_eq!(request.action, "sqs:CreateQueue");
        assert_eq!(request.resource.as_deref(), Some("arn:aws:sqs:us-east-1:000000000000:jobs"));
    }

    #[test]
    fn ec2_run_instances_collects_types() {
        let request = Request::new(Method::POST, "https://ec2.us-east-1.amazonaws.com/")
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(b"Action=RunInstances&ImageId=ami-1&InstanceType=t3.large&MinCount=1&MaxCount=1&Version=2016-11-15")
            .classify();
        assert_eq!(request.service, "ec2");
        assert_eq!(request.action, "ec2:RunInstances");
        assert_eq!(request.region.as_deref(), Some("us-east-1"));
        assert_eq!(request.instance_types, ["t3.large"]);
        assert_eq!(request.resource, None);
    }

    #[test]
    fn conflicting_actions_are_unknown() {
        let request = Request::new(Method::POST, "https://ec2.us-east-1.amazonaws.com/?Action=DescribeInstances")
            .body(b"Action=RunInstances&InstanceType=p4d.24xlarge")
            .classify();
        assert_eq!(request.action, "ec2:Unknown");
        assert_eq!(request.iam_actions, ["ec2:Unknown", "ec2:DescribeInstances", "ec2:RunInstances"]);
        assert_eq!(request.instance_types, ["p4d.24xlarge"]);
    }

    #[test]
    fn target_and_action_must_agree() {
        let request = Request::new(Method::POST, "https://sqs.us-east-1.amazonaws.com/?Action=DeleteQueue")
            .header("x-amz-target", "AmazonSQS.SendMessage")
            .classify();
        assert_eq!(request.action, "sqs:Unknown");
        assert!(request.iam_actions.contains(&"sqs:DeleteQueue".to_owned()));
    }

    #[test]
    fn json_body_action_is_unresolved() {
        let request = Request::new(Method::POST, "https://dynamodb.us-east-1.amazonaws.com/")
            .header("x-amz-target", "DynamoDB_20120810.GetItem")
            .header("content-type", "application/x-amz-json-1.0")
            .body(br#"{"TableName":"t&Action=DeleteTable&x=1"}"#)
            .classify();
        assert_eq!(request.action, "dynamodb:Unknown");
        assert_eq!(request.iam_actions, ["dynamodb:Unknown", "dynamodb:GetItem", "dynamodb:DeleteTable"]);
    }

    #[test]
    fn undeclared_form_body_is_unresolved() {
        let request = Request::new(Method::POST, "https://ec2.us-east-1.amazonaws.com/")
            .body(b"Action=RunInstances&InstanceType=p4d.24xlarge")
            .classify();
        assert_eq!(request.action, "ec2:Unknown");
        assert_eq!(request.iam_actions, ["ec2:Unknown", "ec2:RunInstances"]);
        assert_eq!(request.instance_types, ["p4d.24xlarge"]);
    }

    #[test]
    fn unknown_shapes_do_not_panic() {
        let request = Request::new(Method::POST, "https://dynamodb.us-east-1.amazonaws.com/").classify();
        assert_eq!(request.action, "dynamodb:Unknown");
        assert_eq!(request.iam_actions, ["dynamodb:Unknown"]);

        let request = Request::new(Method::GET, "http://localhost:4566/whatever").classify();
        assert_eq!(request.service, "unknown");
        assert_eq!(request.action, "unknown:Unknown");
        assert_eq!(request.region, None);

        let request = Request::new(Method::POST, "https://dynamodb.us-east-1.amazonaws.com/")
            .header("x-amz-target", "DynamoDB_20120810.PutItem")
            .body(b"\xff\xfe{not json")
            .classify();
        assert_eq!(request.action, "dynamodb:PutItem");
        assert_eq!(request.resource, None);
    }

    #[test]
    fn global_service_takes_scope_region() {
        let request = Request::new(Method::POST, "https://iam.amazonaws.com/")
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/iam/aws4_request")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"Action=CreateUser&UserName=x")
            .classify();
        assert_eq!(request.action, "iam:CreateUser");
        assert_eq!(request.region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn operation_candidates_resolve() {
        let one = Operation::from_candidates(vec![("A".to_owned(), "B".to_owned())], false);
        assert_eq!(one.into_actions("s3"), ("s3:A".to_owned(), vec!["s3:B".to_owned()]));

        let unresolved = Operation::from_candidates(vec![("A".to_owned(), "A".to_owned())], true);
        assert_eq!(
            unresolved.into_actions("s3"),
            ("s3:Unknown".to_owned(), vec!["s3:Unknown".to_owned(), "s3:A".to_owned()])
        );
    }
}
