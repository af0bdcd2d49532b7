//! Classifies a guest's HTTP request as both an AWS and an Azure request and
//! checks it against rules that include a service control policy, as the
//! shim does for every routed request. It then builds the refusal response
//! and strips the guest's credentials.
//!
//! The request is decoded with `cordon_fuzz::RequestInput`. Requests whose
//! method or URI `http` rejects are skipped, because a `wasi:http` guest
//! cannot send them. Beyond not panicking, the target checks that every
//! classification names its service in its action and lists at least one
//! IAM action, because `deny-actions` and the policy match on those. It also
//! checks that no signature or token is left in the headers or the query
//! after stripping.

#![no_main]

use std::sync::OnceLock;

use cordon_fuzz::RequestInput;
use cordon_shim::{
    ActionPattern, AwsSigner, AzureSigner, CloudRequest, Decision, EmulatorKind, Rules,
    ServiceControlPolicy, classify_aws, classify_azure, denial_response, normalize_authority,
    strip_guest_credentials,
};
use libfuzzer_sys::fuzz_target;

/// Query parameters that carry a presigned URL's signature or an Azure SAS
/// signature, compared without regard to case.
const SIGNATURE_PARAMETERS: [&str; 4] = [
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "sig",
];

const SCP: &str = include_str!("../../crates/cordon-shim/testdata/scp-deny-expensive.json");

struct Fixture {
    /// The rules of `policies/cloud-emulated.toml`, with Azure blob deletes
    /// also denied and the service control policy added.
    rules: Rules,
    /// The service control policy alone, so that it is reached for requests
    /// that `deny-actions` or `allowed-regions` decide first.
    scp_only: Rules,
    aws: EmulatorKind,
    azure: EmulatorKind,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let scp = ServiceControlPolicy::parse(SCP).expect("the test data policy parses");
        let deny_actions = [
            "s3:Delete*",
            "s3:PutBucketPolicy",
            "dynamodb:DeleteTable",
            "sqs:DeleteQueue",
            "azure-blob:Delete*",
        ]
        .iter()
        .map(|pattern| ActionPattern::parse(pattern).expect("a valid action pattern"))
        .collect();
        let regions = ["us-east-1", "us-west-2", "eu-west-1"];

        Fixture {
            rules: Rules {
                deny_actions,
                allowed_regions: Some(regions.iter().map(|region| (*region).to_owned()).collect()),
                scp: Some(scp.clone()),
            },
            scp_only: Rules {
                deny_actions: Vec::new(),
                allowed_regions: None,
                scp: Some(scp),
            },
            aws: EmulatorKind::Aws {
                signer: AwsSigner {
                    access_key_id: "cordon".to_owned(),
                    secret_access_key: "cordon-emulator-secret".to_owned(),
                },
                default_region: "us-east-1".to_owned(),
            },
            azure: EmulatorKind::Azure {
                signer: AzureSigner {
                    account: "devstoreaccount1".to_owned(),
                    key: "a2V5".to_owned(),
                },
            },
        }
    })
}

fuzz_target!(|input: RequestInput| {
    let Some(request) = input.to_http() else {
        return;
    };
    let Ok(authority) = normalize_authority(&request.scheme, &request.authority) else {
        return;
    };
    let fixture = fixture();

    let aws = classify_aws(
        &request.method,
        &request.uri,
        &request.headers,
        &input.body,
        &authority,
    );
    check_classification(&aws);
    decide(fixture, &fixture.aws, &aws, &request.headers);

    let azure = classify_azure(&request.method, &request.uri, &request.headers, &authority);
    check_classification(&azure);
    decide(fixture, &fixture.azure, &azure, &request.headers);

    let mut headers = request.headers.clone();
    let mut uri = request.uri.clone();
    strip_guest_credentials(&mut headers, &mut uri);
    check_stripped(&headers, &uri);
});

fn check_classification(request: &CloudRequest) {
    let prefix = format!("{}:", request.service);
    assert!(
        request.action.starts_with(&prefix),
        "action {:?} does not start with its service {:?}",
        request.action,
        request.service
    );
    assert!(
        !request.iam_actions.is_empty(),
        "no IAM action for {:?}",
        request.action
    );
}

fn decide(
    fixture: &Fixture,
    kind: &EmulatorKind,
    request: &CloudRequest,
    headers: &http::HeaderMap,
) {
    for rules in [&fixture.rules, &fixture.scp_only] {
        if let Decision::Deny { rule, reason } = rules.evaluate(request) {
            let response = denial_response(kind, request, headers, &rule, &reason);
            assert_eq!(response.status(), http::StatusCode::FORBIDDEN);
        }
    }
}

fn check_stripped(headers: &http::HeaderMap, uri: &http::Uri) {
    assert!(
        !headers.contains_key(http::header::AUTHORIZATION),
        "Authorization survived stripping"
    );
    assert!(
        !headers.contains_key("x-amz-security-token"),
        "X-Amz-Security-Token survived stripping"
    );

    let query = uri.query().unwrap_or_default();
    for (name, _) in form_urlencoded::parse(query.as_bytes()) {
        let name = name.to_ascii_lowercase();
        assert!(
            !SIGNATURE_PARAMETERS.contains(&name.as_str()),
            "query parameter {name:?} survived stripping in {uri}"
        );
    }
}
