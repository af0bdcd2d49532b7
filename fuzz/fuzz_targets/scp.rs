//! Parses arbitrary text as an AWS service control policy, lists its
//! warnings and evaluates it against a few fixed requests. The policy comes
//! from a file that a `cordon` policy names, so the parser must reject bad
//! input with an error, not a panic.

#![no_main]

use std::sync::OnceLock;

use cordon_shim::{CloudRequest, ServiceControlPolicy};
use libfuzzer_sys::fuzz_target;

static REQUESTS: OnceLock<Vec<CloudRequest>> = OnceLock::new();

fn request(
    service: &str,
    iam_actions: &[&str],
    region: Option<&str>,
    resource: Option<&str>,
    instance_types: &[&str],
) -> CloudRequest {
    CloudRequest {
        service: service.to_owned(),
        action: iam_actions[0].to_owned(),
        iam_actions: iam_actions.iter().map(|action| (*action).to_owned()).collect(),
        region: region.map(str::to_owned),
        resource: resource.map(str::to_owned),
        instance_types: instance_types.iter().map(|kind| (*kind).to_owned()).collect(),
    }
}

/// Requests as the classifier produces them: with and without a region,
/// resource or instance type, and one whose operation is unknown and so
/// lists several IAM actions.
fn requests() -> &'static [CloudRequest] {
    REQUESTS.get_or_init(|| {
        vec![
            request(
                "s3",
                &["s3:PutObject"],
                Some("us-east-1"),
                Some("arn:aws:s3:::reports/2024/q1.csv"),
                &[],
            ),
            request(
                "s3",
                &["s3:Unknown", "s3:DeleteObject", "s3:GetObject"],
                None,
                None,
                &[],
            ),
            request(
                "ec2",
                &["ec2:RunInstances"],
                Some("eu-central-1"),
                None,
                &["m5.large", "t3.micro"],
            ),
            request(
                "dynamodb",
                &["dynamodb:DeleteTable"],
                Some("us-west-2"),
                Some("arn:aws:dynamodb:us-west-2:000000000000:table/reports"),
                &[],
            ),
            request("iam", &["iam:CreateUser"], None, None, &[]),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let policy = match ServiceControlPolicy::parse(text) {
        Ok(policy) => policy,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };

    for warning in policy.warnings() {
        assert!(!warning.is_empty());
    }
    for request in requests() {
        let _ = policy.evaluate(request);
    }
});
