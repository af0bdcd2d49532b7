use std::path::Path;

use super::*;

/// A copy of the deny-expensive policy kept in the crate, so its behaviour
/// is tested even where the shared case file is absent.
const DENY_EXPENSIVE: &str = include_str!("../../testdata/scp-deny-expensive.json");

/// The shared case file, relative to this crate, outside the repository.
const SHARED_DENY_EXPENSIVE: &str = "../../../shared/cases/scp-deny-expensive.json";

fn policy(json: &str) -> ServiceControlPolicy {
    match ServiceControlPolicy::parse(json) {
        Ok(policy) => policy,
        Err(error) => panic!("policy should parse: {error}\n{json}"),
    }
}

fn request(action: &str, region: Option<&str>, instance_types: &[&str]) -> CloudRequest {
    let service = action.split(':').next().unwrap_or_default().to_owned();
    CloudRequest {
        service,
        action: action.to_owned(),
        iam_actions: vec![action.to_owned()],
        region: region.map(str::to_owned),
        resource: None,
        instance_types: instance_types.iter().map(|&text| text.to_owned()).collect(),
    }
}

fn denying_statement(policy: &ServiceControlPolicy, request: &CloudRequest) -> Option<String> {
    policy.evaluate(request).map(|(label, _)| label)
}

/// Loads the shared case file, or returns `None` with a printed note when it
/// is absent.
fn shared_deny_expensive() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SHARED_DENY_EXPENSIVE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) => {
            println!("skipping the shared case file {}: {error}", path.display());
            None
        }
    }
}

/// Checks the behaviour the deny-expensive policy must have.
fn check_deny_expensive(policy: &ServiceControlPolicy) {
    let redshift = request("redshift:CreateCluster", Some("us-east-1"), &[]);
    assert_eq!(denying_statement(policy, &redshift), None, "redshift:CreateCluster carries no instance type");

    let notebook = request("sagemaker:CreateNotebookInstance", Some("us-west-2"), &[]);
    assert_eq!(denying_statement(policy, &notebook), None, "sagemaker carries no ec2:InstanceType");

    let large = request("ec2:RunInstances", Some("us-east-1"), &["t3.large"]);
    assert_eq!(denying_statement(policy, &large).as_deref(), Some("DenyExpensiveServices"));

    let micro = request("ec2:RunInstances", Some("us-east-1"), &["t3.micro"]);
    assert_eq!(denying_statement(policy, &micro), None);

    let small = request("ec2:RunInstances", Some("us-west-2"), &["t3.small"]);
    assert_eq!(denying_statement(policy, &small), None);

    let mixed = request("ec2:RunInstances", Some("us-east-1"), &["t3.micro", "m5.large"]);
    assert_eq!(denying_statement(policy, &mixed).as_deref(), Some("DenyExpensiveServices"));

    let untyped = request("ec2:RunInstances", Some("us-east-1"), &[]);
    assert_eq!(denying_statement(policy, &untyped), None, "ForAnyValue over no values is false");

    for action in ["s3:GetObject", "ec2:RunInstances", "redshift:CreateCluster", "dynamodb:PutItem"] {
        let europe = request(action, Some("eu-west-1"), &["t3.micro"]);
        assert_eq!(
            denying_statement(policy, &europe).as_deref(),
            Some("DenyRegionsOutsideUS"),
            "{action} in eu-west-1"
        );
    }

    let unknown_region = request("s3:GetObject", None, &[]);
    assert_eq!(
        denying_statement(policy, &unknown_region).as_deref(),
        Some("DenyRegionsOutsideUS"),
        "StringNotEquals holds when aws:RequestedRegion is absent"
    );
}

#[test]
fn embedded_deny_expensive_behaviour() {
    check_deny_expensive(&policy(DENY_EXPENSIVE));
}

#[test]
fn shared_deny_expensive_behaviour() {
    let Some(text) = shared_deny_expensive() else {
        return;
    };
    check_deny_expensive(&policy(&text));
}

#[test]
fn embedded_copy_matches_shared() {
    let Some(text) = shared_deny_expensive() else {
        return;
    };
    assert_eq!(policy(&text), policy(DENY_EXPENSIVE));
}

#[test]
fn deny_expensive_reasons() {
    let policy = policy(DENY_EXPENSIVE);

    let large = request("ec2:RunInstances", Some("us-east-1"), &["t3.large"]);
    let (_, reason) = policy.evaluate(&large).unwrap_or_default();
    assert_eq!(
        reason,
        "ec2:RunInstances matches Action ec2:RunInstances, and \
         ForAnyValue:StringNotLike on ec2:InstanceType holds for t3.large"
    );

    let europe = request("s3:GetObject", Some("eu-west-1"), &[]);
    let (_, reason) = policy.evaluate(&europe).unwrap_or_default();
    assert_eq!(reason, "s3:GetObject matches Action *, and StringNotEquals on aws:RequestedRegion holds for eu-west-1");
}

#[test]
fn deny_expensive_warnings() {
    let warnings = policy(DENY_EXPENSIVE).warnings();
    let expected = [
        "DenyExpensiveServices: ForAnyValue:StringNotLike on ec2:InstanceType is false for a request that names \
         no instance type, so the statement never denies redshift:* or sagemaker:CreateNotebookInstance, whose \
         requests carry no ec2:InstanceType value",
        "DenyExpensiveServices: the statement does not deny ec2:RunInstances requests that omit the InstanceType \
         parameter, although EC2 then launches its default type or the launch template's type, which Cordon cannot see",
    ];
    assert_eq!(warnings, expected);
}

#[test]
fn single_statement_object() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}}"#,
    );
    let delete = request("s3:DeleteObject", Some("us-east-1"), &[]);
    assert_eq!(denying_statement(&policy, &delete).as_deref(), Some("statement 1"));
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", Some("us-east-1"), &[])), None);
}

#[test]
fn first_denying_statement_wins() {
    let policy = policy(
        r#"{"Statement": [
            {"Sid": "First", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "Second", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
        ]}"#,
    );
    assert_eq!(denying_statement(&policy, &request("s3:PutObject", None, &[])).as_deref(), Some("First"));
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", None, &[])).as_deref(), Some("Second"));
}

#[test]
fn allow_statements_are_ignored() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "FullAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}
        ]}"#,
    );
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", None, &[])), None);
    assert_eq!(denying_statement(&policy, &request("iam:CreateUser", None, &[])).as_deref(), Some("NoIam"));
    assert_eq!(
        policy.warnings(),
        [
            "FullAccess has Effect Allow, which Cordon ignores because it enforces only the Deny statements of a service control policy"
        ]
    );
}

#[test]
fn allow_conditions_are_not_checked() {
    let json = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}"#;
    assert!(ServiceControlPolicy::parse(json).is_ok());
}

#[test]
fn not_action_region_policy() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "RegionLock", "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-central-1"}}}}"#,
    );
    assert_eq!(denying_statement(&policy, &request("iam:CreateUser", Some("us-east-1"), &[])), None);
    assert_eq!(
        denying_statement(&policy, &request("s3:PutObject", Some("us-east-1"), &[])).as_deref(),
        Some("RegionLock")
    );
    assert_eq!(denying_statement(&policy, &request("s3:PutObject", Some("eu-central-1"), &[])), None);
}

#[test]
fn if_exists_denies_regionless_requests() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "Europe", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}}}"#,
    );
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", None, &[])).as_deref(), Some("Europe"));
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", Some("eu-west-1"), &[])).as_deref(), Some("Europe"));
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", Some("us-east-1"), &[])), None);
}

#[test]
fn plain_positive_spares_regionless_requests() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "Europe", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}}"#,
    );
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", None, &[])), None);
    assert_eq!(denying_statement(&policy, &request("s3:GetObject", Some("eu-west-1"), &[])).as_deref(), Some("Europe"));
}

#[test]
fn several_conditions_must_all_hold() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "BigInEurope", "Effect": "Deny", "Action": "ec2:RunInstances",
            "Resource": "*", "Condition": {
                "StringLike": {"aws:RequestedRegion": "eu-*"},
                "ForAnyValue:StringLike": {"ec2:InstanceType": ["*.metal", "p4d.*"]}
            }}}"#,
    );
    let big_eu = request("ec2:RunInstances", Some("eu-west-1"), &["p4d.24xlarge"]);
    assert_eq!(denying_statement(&policy, &big_eu).as_deref(), Some("BigInEurope"));
    let small_eu = request("ec2:RunInstances", Some("eu-west-1"), &["t3.micro"]);
    assert_eq!(denying_statement(&policy, &small_eu), None);
    let big_us = request("ec2:RunInstances", Some("us-east-1"), &["p4d.24xlarge"]);
    assert_eq!(denying_statement(&policy, &big_us), None);
}

#[test]
fn plain_negated_instance_type_warns() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "Cheap", "Effect": "Deny", "Action": ["ec2:RunInstances", "redshift:*"],
            "Resource": "*", "Condition": {"StringNotLike": {"ec2:InstanceType": "t3.*"}}}}"#,
    );
    let redshift = request("redshift:CreateCluster", Some("us-east-1"), &[]);
    assert_eq!(denying_statement(&policy, &redshift).as_deref(), Some("Cheap"));
    assert_eq!(
        policy.warnings(),
        ["Cheap: StringNotLike on ec2:InstanceType is true for a request that names no instance type, so it does not \
          restrict redshift:*. The statement denies those requests whenever its other conditions hold"]
    );
}

#[test]
fn wide_action_with_for_any_value_warns() {
    let policy = policy(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "Wide", "Effect": "Deny", "Action": "*",
            "Resource": "*", "Condition": {"ForAnyValue:StringLike": {"ec2:InstanceType": "p4d.*"}}}}"#,
    );
    assert_eq!(
        policy.warnings(),
        [
            "Wide: ForAnyValue:StringLike on ec2:InstanceType is false for a request that names no instance type, so the \
          statement denies * only in requests that name one"
        ]
    );
}

#[test]
fn other_warnings_are_listed() {
    let policy = policy(
        r#"{"Statement": [
            {"Sid": "Same", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:username}/*"},
            {"Sid": "Same", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"ForAllValues:StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}}
        ]}"#,
    );
    let warnings = policy.warnings();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(warnings[0].contains("no Version element"), "{}", warnings[0]);
    assert!(warnings[1].contains("policy variable"), "{}", warnings[1]);
    assert!(warnings[2].contains("more than one statement"), "{}", warnings[2]);
    assert!(warnings[3].contains("set qualifier"), "{}", warnings[3]);
}

#[test]
fn invalid_documents_are_rejected() {
    let cases = [
        ("{", "Json"),
        ("[]", "WrongType"),
        (r#"{"Version": "2012-10-17"}"#, "MissingElement"),
        (r#"{"Statement": []}"#, "EmptyElement"),
        (r#"{"Version": "2020-01-01", "Statement": []}"#, "UnsupportedVersion"),
        (r#"{"Version": 2012, "Statement": []}"#, "UnsupportedVersion"),
        (r#"{"Id": 5, "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}"#, "WrongType"),
        (r#"{"statement": []}"#, "UnknownElement"),
        (r#"{"Statement": [5]}"#, "WrongType"),
        (
            r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"aws:RequestedRegion": "1"}}}}"#,
            "UnsupportedOperator",
        ),
        (
            r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIp": "1"}}}}"#,
            "UnsupportedConditionKey",
        ),
    ];
    for (json, expected) in cases {
        let error = match ServiceControlPolicy::parse(json) {
            Ok(policy) => panic!("{json} should be rejected, got {policy:?}"),
            Err(error) => error,
        };
        let variant = format!("{error:?}");
        assert!(variant.starts_with(expected), "{json} gave {variant}, expected {expected}");
    }
}

#[test]
fn json_error_has_position() {
    let error = ServiceControlPolicy::parse("{\n  \"Statement\": [,]\n}");
    let Err(ScpError::Json { line, column, .. }) = error else {
        panic!("expected a JSON error, got {error:?}");
    };
    assert_eq!((line, column), (2, 17));
}

#[test]
fn unsupported_key_message_names_key() {
    let json = r#"{"Statement": {"Sid": "Tags", "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}}}"#;
    let message = ServiceControlPolicy::parse(json).err().map(|error| error.to_string()).unwrap_or_default();
    assert!(message.contains("\"aws:PrincipalTag/team\" in Tags"), "{message}");
}
