//! ARNs of the DynamoDB table or SQS queue a request names. Requests carry no
//! account id except inside an SQS queue URL, so the other ARNs use the
//! placeholder account `000000000000`.

use http::Uri;
use serde_json::Value;

use super::params::Params;

/// The account id used in ARNs when the request does not name one.
pub(crate) const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// Returns the table ARN for a DynamoDB JSON body that names `TableName`.
/// Batch requests name tables as the keys of `RequestItems`; the first key
/// in sorted order is used then.
///
/// NOTE: only one table of a batch request is named, so a rule on another
/// table of the same batch does not apply.
pub(crate) fn dynamodb_table_arn(json: Option<&Value>, partition: &str, region: &str) -> Option<String> {
    let json = json?;
    let table = match json.get("TableName") {
        Some(name) => name.as_str()?,
        None => json.get("RequestItems")?.as_object()?.keys().min()?.as_str(),
    };

    // DynamoDB also accepts a table ARN in TableName.
    if table.starts_with("arn:") && table.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Some(table.to_owned());
    }
    let valid = (3..=255).contains(&table.len())
        && table.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.'));
    valid.then(|| format!("arn:{partition}:dynamodb:{region}:{PLACEHOLDER_ACCOUNT}:table/{table}"))
}

/// Returns the queue ARN for an SQS request, from the first of: `QueueUrl`
/// in the JSON body or in the parameters, the request path (query-protocol
/// requests are sent to the queue URL), or `QueueName` with the placeholder
/// account.
pub(crate) fn sqs_queue_arn(
    json: Option<&Value>,
    params: &[&Params],
    path: &str,
    partition: &str,
    region: &str,
) -> Option<String> {
    let json_field = |name: &str| json.and_then(|json| json.get(name)).and_then(Value::as_str);
    let param = |name: &str| params.iter().find_map(|params| params.first(name));

    let queue = json_field("QueueUrl")
        .or_else(|| param("QueueUrl"))
        .and_then(queue_from_url)
        .or_else(|| queue_from_path(path))
        .or_else(|| {
            let name = json_field("QueueName").or_else(|| param("QueueName"))?;
            let account = json_field("QueueOwnerAWSAccountId")
                .or_else(|| param("QueueOwnerAWSAccountId"))
                .filter(|account| is_account_id(account))
                .unwrap_or(PLACEHOLDER_ACCOUNT);
            is_queue_name(name).then(|| (account.to_owned(), name.to_owned()))
        })?;

    let (account, name) = queue;
    Some(format!("arn:{partition}:sqs:{region}:{account}:{name}"))
}

/// Reads `(account, queue name)` from a queue URL such as
/// `https://sqs.us-east-1.amazonaws.com/123456789012/jobs`.
fn queue_from_url(url: &str) -> Option<(String, String)> {
    let uri: Uri = url.parse().ok()?;
    queue_from_path(uri.path())
}

/// Reads `(account, queue name)` from a path `/ACCOUNT/QUEUE`.
fn queue_from_path(path: &str) -> Option<(String, String)> {
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    match segments.as_slice() {
        [account, name] if is_account_id(account) && is_queue_name(name) => {
            Some(((*account).to_owned(), (*name).to_owned()))
        }
        _ => None,
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Reports whether a name is a valid SQS queue name: 1 to 80 ASCII letters,
/// digits, `-` and `_`, where a FIFO queue's name ends in `.fifo`.
fn is_queue_name(name: &str) -> bool {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    (1..=80).contains(&name.len())
        && !base.is_empty()
        && base.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => panic!("{text:?} should be JSON: {error}"),
        }
    }

    #[test]
    fn table_name_gives_arn() {
        let body = json(r#"{"TableName": "orders", "Item": {}}"#);
        assert_eq!(
            dynamodb_table_arn(Some(&body), "aws", "us-east-1").as_deref(),
            Some("arn:aws:dynamodb:us-east-1:000000000000:table/orders")
        );
    }

    #[test]
    fn batch_request_names_first_table() {
        let body = json(r#"{"RequestItems": {"zeta": [], "alpha": []}}"#);
        assert_eq!(
            dynamodb_table_arn(Some(&body), "aws", "eu-west-1").as_deref(),
            Some("arn:aws:dynamodb:eu-west-1:000000000000:table/alpha")
        );
    }

    #[test]
    fn table_arn_is_kept() {
        let arn = "arn:aws:dynamodb:us-west-2:123456789012:table/orders";
        let body = json(&format!(r#"{{"TableName": "{arn}"}}"#));
        assert_eq!(dynamodb_table_arn(Some(&body), "aws", "us-east-1").as_deref(), Some(arn));
    }

    #[test]
    fn invalid_table_names_give_none() {
        for body in [r#"{"TableName": "a"}"#, r#"{"TableName": "bad name"}"#, r#"{"TableName": 5}"#, r#"{}"#, "[]"] {
            assert_eq!(dynamodb_table_arn(Some(&json(body)), "aws", "us-east-1"), None, "{body}");
        }
        assert_eq!(dynamodb_table_arn(None, "aws", "us-east-1"), None);
    }

    #[test]
    fn queue_url_gives_arn() {
        let body = json(r#"{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo"}"#);
        assert_eq!(
            sqs_queue_arn(Some(&body), &[], "/", "aws", "us-east-1").as_deref(),
            Some("arn:aws:sqs:us-east-1:123456789012:jobs.fifo")
        );
    }

    #[test]
    fn queue_url_parameter_gives_arn() {
        let params =
            Params::from_bytes(b"Action=SendMessage&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fjobs");
        assert_eq!(
            sqs_queue_arn(None, &[&params], "/", "aws", "eu-west-1").as_deref(),
            Some("arn:aws:sqs:eu-west-1:000000000000:jobs")
        );
    }

    #[test]
    fn queue_path_gives_arn() {
        assert_eq!(
            sqs_queue_arn(None, &[], "/123456789012/jobs", "aws", "us-east-1").as_deref(),
            Some("arn:aws:sqs:us-east-1:123456789012:jobs")
        );
    }

    #[test]
    fn queue_name_uses_placeholder_account() {
        let body = json(r#"{"QueueName": "jobs"}"#);
        assert_eq!(
            sqs_queue_arn(Some(&body), &[], "/", "aws", "us-east-1").as_deref(),
            Some("arn:aws:sqs:us-east-1:000000000000:jobs")
        );
    }

    #[test]
    fn invalid_queues_give_none() {
        let body = json(r#"{"QueueName": "bad name"}"#);
        assert_eq!(sqs_queue_arn(Some(&body), &[], "/", "aws", "us-east-1"), None);
        assert_eq!(sqs_queue_arn(None, &[], "/12345/jobs", "aws", "us-east-1"), None);
        assert_eq!(sqs_queue_arn(None, &[], "/", "aws", "us-east-1"), None);
        assert!(!is_queue_name(".fifo"));
        assert!(!is_queue_name(&"q".repeat(81)));
    }
}
