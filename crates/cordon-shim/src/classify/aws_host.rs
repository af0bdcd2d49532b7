//! Service, region and S3 bucket read from an AWS endpoint host name, such as
//! `dynamodb.us-east-1.amazonaws.com` or `bucket.s3.eu-west-1.amazonaws.com`.

/// The service, region and bucket named by an AWS endpoint host name. Every
/// field is `None` for a host that is not an AWS endpoint, such as
/// `localhost`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsHost {
    /// IAM service prefix, such as `s3`, `dynamodb` or `sqs`.
    pub service: Option<String>,
    /// Region, such as `us-west-2`. The global S3 endpoints `s3.amazonaws.com`
    /// and `s3-external-1.amazonaws.com` give `us-east-1`.
    pub region: Option<String>,
    /// Bucket of a virtual-hosted S3 request, such as `photos` in
    /// `photos.s3.us-west-2.amazonaws.com`. A request forwarded to an
    /// emulator in path style needs it as the first path segment.
    pub bucket: Option<String>,
    /// Whether the host is an S3 endpoint whose API is not the bucket and
    /// object API: S3 Control, access points and Object Lambda.
    pub(crate) other_s3_api: bool,
}

/// Domains under which AWS-style endpoint names are recognised. LocalStack
/// serves `s3.localhost.localstack.cloud` and virtual-hosted buckets below
/// it, so it is read the same way.
const ENDPOINT_DOMAINS: [&str; 3] = ["amazonaws.com", "amazonaws.com.cn", "localhost.localstack.cloud"];

/// Endpoint prefixes that differ from the IAM service prefix.
const SERVICE_ALIASES: [(&str, &str); 3] = [("email", "ses"), ("monitoring", "cloudwatch"), ("queue", "sqs")];

/// Reads the service, region and virtual-hosted bucket from a normalised
/// host name.
///
/// ```
/// use cordon_shim::parse_aws_host;
///
/// let host = parse_aws_host("photos.s3.eu-west-1.amazonaws.com");
/// assert_eq!(host.service.as_deref(), Some("s3"));
/// assert_eq!(host.region.as_deref(), Some("eu-west-1"));
/// assert_eq!(host.bucket.as_deref(), Some("photos"));
/// assert_eq!(parse_aws_host("localhost"), Default::default());
/// ```
#[must_use]
pub fn parse_aws_host(host: &str) -> AwsHost {
    let Some((prefix, domain)) = split_endpoint_domain(host) else {
        return AwsHost::default();
    };
    let labels: Vec<&str> = prefix.split('.').collect();

    if let Some(parsed) = parse_s3_host(&labels, domain) {
        return parsed;
    }
    parse_service_host(&labels)
}

/// Reports whether a string has the shape of an AWS region name, such as
/// `us-east-1`, `eu-central-2` or `us-gov-west-1`.
pub(crate) fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    let first_ok = first.len() == 2 && first.bytes().all(|byte| byte.is_ascii_lowercase());
    let middle_ok = !middle.is_empty()
        && middle.iter().all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_lowercase()));
    let last_ok = !last.is_empty() && last.len() <= 2 && last.bytes().all(|byte| byte.is_ascii_digit());
    first_ok && middle_ok && last_ok
}

/// Returns the ARN partition of a region: `aws-cn` for China, `aws-us-gov`
/// for GovCloud, and `aws` otherwise or when the region is unknown.
pub(crate) fn partition(region: Option<&str>) -> &'static str {
    match region {
        Some(region) if region.starts_with("cn-") => "aws-cn",
        Some(region) if region.starts_with("us-gov-") => "aws-us-gov",
        _ => "aws",
    }
}

/// Returns the IAM service prefix for an endpoint prefix or a SigV4 signing
/// name, which differ for a few services such as `monitoring` (CloudWatch).
pub(crate) fn service_for_endpoint(name: &str) -> &str {
    SERVICE_ALIASES.iter().find(|(alias, _)| *alias == name).map_or(name, |(_, service)| service)
}

/// Splits `prefix.domain` for a known endpoint domain, returning the prefix
/// and the domain.
fn split_endpoint_domain(host: &str) -> Option<(&str, &'static str)> {
    ENDPOINT_DOMAINS.iter().find_map(|&domain| {
        let prefix = host.strip_suffix(domain)?.strip_suffix('.')?;
        if prefix.is_empty() { None } else { Some((prefix, domain)) }
    })
}

/// Recognises S3 endpoints, scanning from the right because bucket names may
/// contain dots and even labels such as `s3`.
fn parse_s3_host(labels: &[&str], domain: &str) -> Option<AwsHost> {
    let (index, endpoint) = (0..labels.len())
        .rev()
        .find_map(|index| s3_endpoint(labels[index], &labels[index + 1..]).map(|endpoint| (index, endpoint)))?;

    let mut region = endpoint.region;
    if region.is_none() && endpoint.global && domain == "amazonaws.com" {
        // The legacy global endpoint s3.amazonaws.com is served from us-east-1.
        region = Some("us-east-1".to_owned());
    }
    let bucket = if index > 0 && !endpoint.other_api { Some(labels[..index].join(".")) } else { None };

    Some(AwsHost { service: Some("s3".to_owned()), region, bucket, other_s3_api: endpoint.other_api })
}

struct S3Endpoint {
    region: Option<String>,
    /// Whether a missing region means the legacy global endpoint.
    global: bool,
    other_api: bool,
}

/// Recognises one S3 endpoint label and the labels after it, such as `s3`
/// followed by `dualstack` and `us-west-2`, or `s3-external-1` alone.
fn s3_endpoint(label: &str, rest: &[&str]) -> Option<S3Endpoint> {
    let standard = |region: Option<String>, global: bool| S3Endpoint { region, global, other_api: false };

    match label {
        "s3" | "s3-fips" => {
            let region = region_after(rest)?;
            let global = region.is_none();
            Some(standard(region, global))
        }
        "s3-external-1" if rest.is_empty() => Some(standard(Some("us-east-1".to_owned()), false)),
        "s3-accelerate" if rest.is_empty() || rest == ["dualstack"] => Some(standard(None, false)),
        "s3-website" => match rest {
            [region] if is_region(region) => Some(standard(Some((*region).to_owned()), false)),
            _ => None,
        },
        "s3-control" | "s3-accesspoint" | "s3-object-lambda" => {
            Some(S3Endpoint { region: region_after(rest)?, global: false, other_api: true })
        }
        _ => {
            // Legacy dash forms: s3-us-west-2 and s3-website-us-west-2.
            let suffix = label.strip_prefix("s3-website-").or_else(|| label.strip_prefix("s3-"))?;
            if rest.is_empty() && is_region(suffix) { Some(standard(Some(suffix.to_owned()), false)) } else { None }
        }
    }
}

/// Reads the labels after an S3 or S3 Control label: nothing, a region,
/// `dualstack`, or `dualstack` and a region. Returns `None` for any other
/// shape, and `Some(None)` when the labels name no region.
fn region_after(rest: &[&str]) -> Option<Option<String>> {
    match rest {
        [] | ["dualstack"] => Some(None),
        [region] | ["dualstack", region] if is_region(region) => Some(Some((*region).to_owned())),
        _ => None,
    }
}

/// Recognises `service.region`, `prefix.service.region`, `service` (a
/// global endpoint) and the legacy SQS forms `queue` and `region.queue`.
fn parse_service_host(labels: &[&str]) -> AwsHost {
    let (service_label, region) = match labels {
        [service] => (*service, None),
        [region, "queue"] if is_region(region) => ("queue", Some(*region)),
        [.., service, region] if is_region(region) => (*service, Some(*region)),
        _ => return AwsHost::default(),
    };
    let service_label = service_label.strip_suffix("-fips").unwrap_or(service_label);
    if service_label.is_empty() || !service_label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-') {
        return AwsHost::default();
    }

    let service = service_for_endpoint(service_label);
    let region = match (service, region) {
        // The legacy endpoint queue.amazonaws.com is served from us-east-1.
        ("sqs", None) => Some("us-east-1"),
        (_, region) => region,
    };

    AwsHost { service: Some(service.to_owned()), region: region.map(str::to_owned), bucket: None, other_s3_api: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(service: &str, region: Option<&str>, bucket: Option<&str>) -> AwsHost {
        AwsHost {
            service: Some(service.to_owned()),
            region: region.map(str::to_owned),
            bucket: bucket.map(str::to_owned),
            other_s3_api: false,
        }
    }

    #[test]
    fn regional_s3_endpoint() {
        assert_eq!(parse_aws_host("s3.us-west-2.amazonaws.com"), host("s3", Some("us-west-2"), None));
    }

    #[test]
    fn virtual_hosted_bucket() {
        assert_eq!(parse_aws_host("bucket.s3.eu-west-1.amazonaws.com"), host("s3", Some("eu-west-1"), Some("bucket")));
    }

    #[test]
    fn dotted_bucket_names_survive() {
        assert_eq!(
            parse_aws_host("my.s3.bucket.s3.us-east-2.amazonaws.com"),
            host("s3", Some("us-east-2"), Some("my.s3.bucket"))
        );
        assert_eq!(parse_aws_host("s3.s3.amazonaws.com"), host("s3", Some("us-east-1"), Some("s3")));
    }

    #[test]
    fn global_s3_endpoint_is_us_east_1() {
        assert_eq!(parse_aws_host("s3.amazonaws.com"), host("s3", Some("us-east-1"), None));
        assert_eq!(parse_aws_host("bucket.s3.amazonaws.com"), host("s3", Some("us-east-1"), Some("bucket")));
        assert_eq!(parse_aws_host("s3-external-1.amazonaws.com"), host("s3", Some("us-east-1"), None));
        assert_eq!(parse_aws_host("bucket.s3-external-1.amazonaws.com"), host("s3", Some("us-east-1"), Some("bucket")));
    }

    #[test]
    fn dualstack_and_fips_s3_endpoints() {
        assert_eq!(parse_aws_host("s3.dualstack.ap-south-1.amazonaws.com"), host("s3", Some("ap-south-1"), None));
        assert_eq!(
            parse_aws_host("bucket.s3.dualstack.us-west-2.amazonaws.com"),
            host("s3", Some("us-west-2"), Some("bucket"))
        );
        assert_eq!(parse_aws_host("s3-fips.us-gov-west-1.amazonaws.com"), host("s3", Some("us-gov-west-1"), None));
    }

    #[test]
    fn legacy_dash_s3_endpoints() {
        assert_eq!(parse_aws_host("s3-us-west-2.amazonaws.com"), host("s3", Some("us-west-2"), None));
        assert_eq!(parse_aws_host("bucket.s3-eu-west-1.amazonaws.com"), host("s3", Some("eu-west-1"), Some("bucket")));
        assert_eq!(
            parse_aws_host("site.s3-website-us-east-1.amazonaws.com"),
            host("s3", Some("us-east-1"), Some("site"))
        );
        assert_eq!(
            parse_aws_host("site.s3-website.eu-west-1.amazonaws.com"),
            host("s3", Some("eu-west-1"), Some("site"))
        );
    }

    #[test]
    fn accelerate_endpoint_has_no_region() {
        assert_eq!(parse_aws_host("bucket.s3-accelerate.amazonaws.com"), host("s3", None, Some("bucket")));
        assert_eq!(parse_aws_host("bucket.s3-accelerate.dualstack.amazonaws.com"), host("s3", None, Some("bucket")));
    }

    #[test]
    fn s3_control_is_other_api() {
        let parsed = parse_aws_host("123456789012.s3-control.us-east-1.amazonaws.com");
        assert_eq!(parsed.service.as_deref(), Some("s3"));
        assert_eq!(parsed.region.as_deref(), Some("us-east-1"));
        assert_eq!(parsed.bucket, None);
        assert!(parsed.other_s3_api);
    }

    #[test]
    fn china_endpoint_is_recognised() {
        assert_eq!(parse_aws_host("s3.cn-north-1.amazonaws.com.cn"), host("s3", Some("cn-north-1"), None));
        assert_eq!(parse_aws_host("s3.amazonaws.com.cn"), host("s3", None, None));
    }

    #[test]
    fn localstack_virtual_host() {
        assert_eq!(parse_aws_host("bucket.s3.localhost.localstack.cloud"), host("s3", None, Some("bucket")));
    }

    #[test]
    fn regional_service_endpoints() {
        assert_eq!(parse_aws_host("dynamodb.us-east-1.amazonaws.com"), host("dynamodb", Some("us-east-1"), None));
        assert_eq!(parse_aws_host("sqs.eu-west-1.amazonaws.com"), host("sqs", Some("eu-west-1"), None));
        assert_eq!(parse_aws_host("ec2.us-east-1.amazonaws.com"), host("ec2", Some("us-east-1"), None));
        assert_eq!(parse_aws_host("ec2-fips.us-east-1.amazonaws.com"), host("ec2", Some("us-east-1"), None));
    }

    #[test]
    fn prefixed_service_endpoints() {
        assert_eq!(parse_aws_host("api.sagemaker.us-west-2.amazonaws.com"), host("sagemaker", Some("us-west-2"), None));
        assert_eq!(
            parse_aws_host("streams.dynamodb.us-east-1.amazonaws.com"),
            host("dynamodb", Some("us-east-1"), None)
        );
    }

    #[test]
    fn service_aliases_are_mapped() {
        assert_eq!(parse_aws_host("email.us-east-1.amazonaws.com"), host("ses", Some("us-east-1"), None));
        assert_eq!(parse_aws_host("monitoring.eu-west-1.amazonaws.com"), host("cloudwatch", Some("eu-west-1"), None));
    }

    #[test]
    fn legacy_sqs_endpoints() {
        assert_eq!(parse_aws_host("queue.amazonaws.com"), host("sqs", Some("us-east-1"), None));
        assert_eq!(parse_aws_host("us-west-2.queue.amazonaws.com"), host("sqs", Some("us-west-2"), None));
    }

    #[test]
    fn global_service_has_no_region() {
        assert_eq!(parse_aws_host("iam.amazonaws.com"), host("iam", None, None));
    }

    #[test]
    fn other_hosts_say_nothing() {
        for other in [
            "localhost",
            "127.0.0.1",
            "[::1]",
            "amazonaws.com",
            "evilamazonaws.com",
            "amazonaws.com.evil.example",
            "foo.bar.amazonaws.com",
            "acct.blob.core.windows.net",
        ] {
            assert_eq!(parse_aws_host(other), AwsHost::default(), "{other}");
        }
    }

    #[test]
    fn region_shapes() {
        for region in ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-5", "us-isob-east-1"] {
            assert!(is_region(region), "{region}");
        }
        for other in ["us-east", "east-1", "us-east-x", "us--1", "dualstack", "u-east-1", "us-east-123"] {
            assert!(!is_region(other), "{other}");
        }
    }

    #[test]
    fn partition_follows_region() {
        assert_eq!(partition(Some("cn-north-1")), "aws-cn");
        assert_eq!(partition(Some("us-gov-west-1")), "aws-us-gov");
        assert_eq!(partition(Some("us-east-1")), "aws");
        assert_eq!(partition(None), "aws");
    }
}
