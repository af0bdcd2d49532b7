//! The rules a classified cloud request is checked against: denied actions,
//! allowed regions and an optional service control policy. Every rule can
//! only deny, so any rule that denies decides the request, and a request no
//! rule denies is allowed.

use crate::action_pattern::ActionPattern;
use crate::classify::CloudRequest;
use crate::scp::ServiceControlPolicy;

/// The rule set for cloud requests. The default denies nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// Actions to deny, such as `s3:Delete*`. A pattern denies a request when
    /// it matches the request's `action` or any of its `iam_actions`, so
    /// both `s3:HeadObject` and `s3:GetObject` deny a HEAD request for an
    /// object.
    pub deny_actions: Vec<ActionPattern>,
    /// Regions requests may go to, or `None` for any region. A request
    /// without a region passes: requests to global services such as IAM,
    /// and emulator requests whose host and signature name no region, have
    /// none, and this list limits where resources are created.
    pub allowed_regions: Option<Vec<String>>,
    /// A service control policy whose Deny statements also apply.
    pub scp: Option<ServiceControlPolicy>,
}

/// The outcome of checking a request against the [`Rules`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No rule denies the request.
    Allow,
    /// A rule denies the request.
    Deny {
        /// The rule that denied it: `deny-actions: PATTERN`,
        /// `allowed-regions` or `scp: STATEMENT`.
        rule: String,
        /// Explanation naming the action, region or condition that made the
        /// rule apply.
        reason: String,
    },
}

impl Decision {
    /// Reports whether the decision is [`Decision::Allow`].
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow)
    }
}

impl Rules {
    /// Checks a request against the rules in order: `deny-actions`, then
    /// `allowed-regions`, then the service control policy. The first rule
    /// that denies decides.
    ///
    /// ```
    /// use cordon_shim::{ActionPattern, CloudRequest, Decision, Rules};
    ///
    /// let rules = Rules {
    ///     deny_actions: vec![ActionPattern::parse("s3:Delete*")?],
    ///     allowed_regions: Some(vec!["us-east-1".to_owned()]),
    ///     scp: None,
    /// };
    /// let request = CloudRequest {
    ///     service: "s3".to_owned(),
    ///     action: "s3:DeleteObject".to_owned(),
    ///     iam_actions: vec!["s3:DeleteObject".to_owned()],
    ///     region: Some("us-east-1".to_owned()),
    ///     resource: Some("arn:aws:s3:::bucket/key".to_owned()),
    ///     instance_types: Vec::new(),
    /// };
    /// let Decision::Deny { rule, .. } = rules.evaluate(&request) else {
    ///     panic!("expected a denial");
    /// };
    /// assert_eq!(rule, "deny-actions: s3:Delete*");
    /// # Ok::<(), cordon_shim::ActionPatternError>(())
    /// ```
    #[must_use]
    pub fn evaluate(&self, request: &CloudRequest) -> Decision {
        if let Some(decision) = self.denied_action(request) {
            return decision;
        }
        if let Some(decision) = self.denied_region(request) {
            return decision;
        }
        if let Some((statement, reason)) = self.scp.as_ref().and_then(|scp| scp.evaluate(request)) {
            return Decision::Deny { rule: format!("scp: {statement}"), reason };
        }
        Decision::Allow
    }

    fn denied_action(&self, request: &CloudRequest) -> Option<Decision> {
        let actions = std::iter::once(&request.action).chain(request.iam_actions.iter());
        for action in actions {
            if let Some(pattern) = self.deny_actions.iter().find(|pattern| pattern.matches(action)) {
                return Some(Decision::Deny {
                    rule: format!("deny-actions: {pattern}"),
                    reason: format!("{action} matches the denied action pattern {pattern}"),
                });
            }
        }
        None
    }

    fn denied_region(&self, request: &CloudRequest) -> Option<Decision> {
        let allowed = self.allowed_regions.as_ref()?;
        let region = request.region.as_deref()?;
        if allowed.iter().any(|allowed| allowed.eq_ignore_ascii_case(region)) {
            return None;
        }
        Some(Decision::Deny {
            rule: "allowed-regions".to_owned(),
            reason: format!(
                "{} goes to region {region}, which is not in allowed-regions [{}]",
                request.action,
                allowed.join(", ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> ActionPattern {
        match ActionPattern::parse(text) {
            Ok(pattern) => pattern,
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn request(action: &str, iam_action: &str, region: Option<&str>) -> CloudRequest {
        CloudRequest {
            service: action.split(':').next().unwrap_or_default().to_owned(),
            action: action.to_owned(),
            iam_actions: vec![iam_action.to_owned()],
            region: region.map(str::to_owned),
            resource: None,
            instance_types: Vec::new(),
        }
    }

    fn rule_of(decision: &Decision) -> Option<&str> {
        match decision {
            Decision::Allow => None,
            Decision::Deny { rule, .. } => Some(rule),
        }
    }

    #[test]
    fn empty_rules_allow() {
        let decision = Rules::default().evaluate(&request("s3:DeleteBucket", "s3:DeleteBucket", Some("eu-west-1")));
        assert_eq!(decision, Decision::Allow);
        assert!(decision.is_allowed());
    }

    #[test]
    fn deny_actions_match_action() {
        let rules = Rules { deny_actions: vec![pattern("s3:Delete*")], ..Rules::default() };
        let decision = rules.evaluate(&request("s3:DeleteObjects", "s3:DeleteObject", Some("us-east-1")));
        assert_eq!(
            decision,
            Decision::Deny {
                rule: "deny-actions: s3:Delete*".to_owned(),
                reason: "s3:DeleteObjects matches the denied action pattern s3:Delete*".to_owned(),
            }
        );
        assert!(rules.evaluate(&request("s3:GetObject", "s3:GetObject", None)).is_allowed());
    }

    #[test]
    fn deny_actions_match_iam_action() {
        let rules = Rules { deny_actions: vec![pattern("s3:GetObject")], ..Rules::default() };
        let decision = rules.evaluate(&request("s3:HeadObject", "s3:GetObject", None));
        assert_eq!(rule_of(&decision), Some("deny-actions: s3:GetObject"));
    }

    #[test]
    fn deny_actions_ignore_case() {
        let rules = Rules { deny_actions: vec![pattern("S3:deletebucket")], ..Rules::default() };
        let decision = rules.evaluate(&request("s3:DeleteBucket", "s3:DeleteBucket", None));
        assert_eq!(rule_of(&decision), Some("deny-actions: S3:deletebucket"));
    }

    #[test]
    fn ambiguous_request_candidates_are_denied() {
        let rules = Rules { deny_actions: vec![pattern("ec2:RunInstances")], ..Rules::default() };
        let mut ambiguous = request("ec2:Unknown", "ec2:Unknown", Some("us-east-1"));
        ambiguous.iam_actions.push("ec2:DescribeInstances".to_owned());
        ambiguous.iam_actions.push("ec2:RunInstances".to_owned());
        assert_eq!(rule_of(&rules.evaluate(&ambiguous)), Some("deny-actions: ec2:RunInstances"));
    }

    #[test]
    fn region_outside_list_is_denied() {
        let rules =
            Rules { allowed_regions: Some(vec!["us-east-1".to_owned(), "us-west-2".to_owned()]), ..Rules::default() };
        let decision = rules.evaluate(&request("s3:PutObject", "s3:PutObject", Some("eu-west-1")));
        assert_eq!(
            decision,
            Decision::Deny {
                rule: "allowed-regions".to_owned(),
                reason: "s3:PutObject goes to region eu-west-1, which is not in allowed-regions [us-east-1, us-west-2]"
                    .to_owned(),
            }
        );
    }

    #[test]
    fn region_in_list_is_allowed() {
        let rules = Rules { allowed_regions: Some(vec!["us-east-1".to_owned()]), ..Rules::default() };
        assert!(rules.evaluate(&request("s3:PutObject", "s3:PutObject", Some("us-east-1"))).is_allowed());
    }

    #[test]
    fn missing_region_passes_list() {
        let rules = Rules { allowed_regions: Some(vec!["us-east-1".to_owned()]), ..Rules::default() };
        assert!(rules.evaluate(&request("iam:CreateUser", "iam:CreateUser", None)).is_allowed());
    }

    #[test]
    fn empty_region_list_denies_regions() {
        let rules = Rules { allowed_regions: Some(Vec::new()), ..Rules::default() };
        let decision = rules.evaluate(&request("s3:PutObject", "s3:PutObject", Some("us-east-1")));
        assert_eq!(rule_of(&decision), Some("allowed-regions"));
    }

    #[test]
    fn scp_denial_names_statement() {
        let scp = ServiceControlPolicy::parse(
            r#"{"Version": "2012-10-17", "Statement": {"Sid": "NoQueues", "Effect": "Deny", "Action": "sqs:Delete*", "Resource": "*"}}"#,
        );
        let rules = Rules { scp: scp.ok(), ..Rules::default() };
        let decision = rules.evaluate(&request("sqs:DeleteQueue", "sqs:DeleteQueue", Some("us-east-1")));
        assert_eq!(
            decision,
            Decision::Deny {
                rule: "scp: NoQueues".to_owned(),
                reason: "sqs:DeleteQueue matches Action sqs:Delete*".to_owned(),
            }
        );
    }

    #[test]
    fn deny_actions_come_first() {
        let scp = ServiceControlPolicy::parse(
            r#"{"Version": "2012-10-17", "Statement": {"Sid": "All", "Effect": "Deny", "Action": "*", "Resource": "*"}}"#,
        );
        let rules = Rules {
            deny_actions: vec![pattern("s3:*")],
            allowed_regions: Some(vec!["us-east-1".to_owned()]),
            scp: scp.ok(),
        };
        let s3 = request("s3:PutObject", "s3:PutObject", Some("eu-west-1"));
        assert_eq!(rule_of(&rules.evaluate(&s3)), Some("deny-actions: s3:*"));
        let sqs = request("sqs:SendMessage", "sqs:SendMessage", Some("eu-west-1"));
        assert_eq!(rule_of(&rules.evaluate(&sqs)), Some("allowed-regions"));
        let sqs_home = request("sqs:SendMessage", "sqs:SendMessage", Some("us-east-1"));
        assert_eq!(rule_of(&rules.evaluate(&sqs_home)), Some("scp: All"));
    }
}
