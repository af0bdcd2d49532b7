//! Warnings about a service control policy: places where the document, as
//! written and as IAM would evaluate it, does less than it seems to, or where
//! Cordon's enforcement differs from AWS.

use super::condition::{Condition, ConditionKey, Qualifier};
use super::statement::{ActionMatch, Effect, ResourceMatch, Statement};
use crate::action_pattern::ActionPattern;
use crate::wildcard::wildcard_matches;

/// EC2 actions whose requests can name an instance type in their
/// parameters, and so can carry an `ec2:InstanceType` value.
const INSTANCE_TYPE_ACTIONS: [&str; 7] = [
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "ec2:RequestSpotFleet",
    "ec2:CreateFleet",
    "ec2:ModifyInstanceAttribute",
    "ec2:CreateLaunchTemplate",
    "ec2:CreateLaunchTemplateVersion",
];

/// Coverage of an action pattern, by whether the requests of its actions can
/// carry an `ec2:InstanceType` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only actions whose requests never carry an instance type.
    WithoutInstanceType,
    /// Only actions whose requests may carry one.
    WithInstanceType,
    /// Both kinds.
    Mixed,
}

pub(super) fn collect(version: Option<&str>, statements: &[Statement]) -> Vec<String> {
    let mut warnings = Vec::new();

    if version.is_none() {
        warnings.push(
            "the policy has no Version element, so IAM reads it as version 2008-10-17. \
             Add \"Version\": \"2012-10-17\""
                .to_owned(),
        );
    }

    for (index, statement) in statements.iter().enumerate() {
        // Warn once per label, at its second use.
        let earlier_uses = statements[..index].iter().filter(|earlier| earlier.label == statement.label).count();
        if earlier_uses == 1 {
            warnings.push(format!(
                "{} labels more than one statement, so a decision that names it is ambiguous. Give each statement its own Sid",
                statement.label
            ));
        }

        if statement.effect == Effect::Allow {
            warnings.push(format!(
                "{} has Effect Allow, which Cordon ignores because it enforces only the Deny statements of a service control policy",
                statement.label
            ));
            continue;
        }

        variable_warnings(statement, &mut warnings);
        for condition in &statement.conditions {
            match condition.key {
                ConditionKey::RequestedRegion if condition.qualifier != Qualifier::Single => warnings.push(format!(
                    "{}: {condition} applies a set qualifier to aws:RequestedRegion, which has one value per request. \
                     Use the operator without ForAnyValue: or ForAllValues:",
                    statement.label
                )),
                ConditionKey::RequestedRegion => {}
                ConditionKey::InstanceType => instance_type_warnings(statement, condition, &mut warnings),
            }
        }
    }

    warnings
}

/// Warns about `${...}` in resources and condition values. Policy variables
/// are not substituted, so such text is compared literally.
fn variable_warnings(statement: &Statement, warnings: &mut Vec<String>) {
    let resources = match &statement.resources {
        ResourceMatch::Resource(patterns) | ResourceMatch::NotResource(patterns) => patterns,
    };
    let condition_values = statement.conditions.iter().flat_map(|condition| condition.values.iter());
    for value in resources.iter().chain(condition_values) {
        if value.contains("${") {
            warnings.push(format!(
                "{}: {value:?} contains a policy variable, which Cordon does not substitute, so it is compared as literal text",
                statement.label
            ));
        }
    }
}

/// Warns when an `ec2:InstanceType` condition is decided for some of the
/// statement's actions only by whether the request names an instance type.
fn instance_type_warnings(statement: &Statement, condition: &Condition, warnings: &mut Vec<String>) {
    let mut without: Vec<String> = Vec::new();
    let mut mixed: Vec<String> = Vec::new();
    let mut with: Vec<String> = Vec::new();
    match &statement.actions {
        ActionMatch::Action(patterns) => {
            for pattern in patterns {
                let list = match reach(pattern) {
                    Reach::WithoutInstanceType => &mut without,
                    Reach::Mixed => &mut mixed,
                    Reach::WithInstanceType => &mut with,
                };
                list.push(pattern.to_string());
            }
        }
        ActionMatch::NotAction(_) => mixed.push("every action outside NotAction".to_owned()),
    }
    let label = &statement.label;

    if condition.holds_without_value() {
        let unrestricted: Vec<String> = without.into_iter().chain(mixed).collect();
        if !unrestricted.is_empty() {
            warnings.push(format!(
                "{label}: {condition} is true for a request that names no instance type, so it does not restrict {}. \
                 The statement denies those requests whenever its other conditions hold",
                join_with_or(&unrestricted)
            ));
        }
        return;
    }

    if !without.is_empty() {
        warnings.push(format!(
            "{label}: {condition} is false for a request that names no instance type, so the statement never denies {}, \
             whose requests carry no ec2:InstanceType value",
            join_with_or(&without)
        ));
    }
    if !mixed.is_empty() {
        warnings.push(format!(
            "{label}: {condition} is false for a request that names no instance type, so the statement denies {} \
             only in requests that name one",
            join_with_or(&mixed)
        ));
    }
    if !with.is_empty() {
        warnings.push(format!(
            "{label}: the statement does not deny {} requests that omit the InstanceType parameter, although \
             EC2 then launches its default type or the launch template's type, which Cordon cannot see",
            join_with_or(&with)
        ));
    }
}

/// Joins items as `a`, `a or b`, or `a, b or c`.
fn join_with_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn reach(pattern: &ActionPattern) -> Reach {
    let service = pattern.service_part();
    if !wildcard_matches(service, "ec2", true) {
        return Reach::WithoutInstanceType;
    }
    let covers_carrier = INSTANCE_TYPE_ACTIONS.iter().any(|action| pattern.matches(action));
    if !covers_carrier {
        return Reach::WithoutInstanceType;
    }
    if pattern.has_wildcard() {
        // A wildcard that covers a carrier, such as `ec2:*` or `*`, also
        // covers EC2 or other actions that never carry an instance type.
        return Reach::Mixed;
    }
    Reach::WithInstanceType
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

    #[test]
    fn join_with_or_lists() {
        let items = |texts: &[&str]| texts.iter().map(|&text| text.to_owned()).collect::<Vec<_>>();
        assert_eq!(join_with_or(&items(&[])), "");
        assert_eq!(join_with_or(&items(&["a"])), "a");
        assert_eq!(join_with_or(&items(&["a", "b"])), "a or b");
        assert_eq!(join_with_or(&items(&["a", "b", "c"])), "a, b or c");
    }

    #[test]
    fn reach_of_other_services() {
        assert_eq!(reach(&pattern("redshift:*")), Reach::WithoutInstanceType);
        assert_eq!(reach(&pattern("sagemaker:CreateNotebookInstance")), Reach::WithoutInstanceType);
        assert_eq!(reach(&pattern("ec2:DescribeInstances")), Reach::WithoutInstanceType);
        assert_eq!(reach(&pattern("ec2:Describe*")), Reach::WithoutInstanceType);
    }

    #[test]
    fn reach_of_carriers() {
        assert_eq!(reach(&pattern("ec2:RunInstances")), Reach::WithInstanceType);
        assert_eq!(reach(&pattern("EC2:runinstances")), Reach::WithInstanceType);
    }

    #[test]
    fn reach_of_wide_patterns() {
        assert_eq!(reach(&pattern("*")), Reach::Mixed);
        assert_eq!(reach(&pattern("ec2:*")), Reach::Mixed);
        assert_eq!(reach(&pattern("ec2:Run*")), Reach::Mixed);
        assert_eq!(reach(&pattern("e*:RunInstances")), Reach::Mixed);
    }
}
