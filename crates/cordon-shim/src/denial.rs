//! Refusal responses for requests that a rule denies.
//!
//! A request that reaches a route but breaks a rule gets the response the real cloud returns for a request that an
//! IAM or service control policy denies: HTTP 403 with the service's own error document. SDKs then report a clear
//! access-denied error after one attempt. A transport-level refusal would instead be retried, and for requests with
//! a body it often surfaces as a reset connection. Requests with no route still get the `wasi:http` refusal, since
//! no service stands behind them.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Response, StatusCode};

use crate::classify::CloudRequest;
use crate::config::EmulatorKind;

/// The header that marks a response as Cordon's refusal, naming the rule that decided.
pub const DENIED_BY_HEADER: &str = "x-cordon-denied-by";

/// Builds the 403 response for a request `rule` denied, in the error format of the request's service.
pub fn denial_response(
    kind: &EmulatorKind,
    request: &CloudRequest,
    request_headers: &HeaderMap,
    rule: &str,
    reason: &str,
) -> Response<Bytes> {
    let message = format!("Cordon denied {} by {rule}: {reason}", request.action);
    let (content_type, body, extra) = match kind {
        EmulatorKind::Azure { .. } => (
            "application/xml".to_owned(),
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code>\
                 <Message>{}</Message></Error>",
                escape_xml(&message)
            ),
            Some(("x-ms-error-code", "AuthorizationPermissionMismatch")),
        ),
        EmulatorKind::Aws { .. } => match json_content_type(request_headers) {
            Some(content_type) => (
                content_type,
                serde_json::json!({ "__type": "AccessDeniedException", "message": message }).to_string(),
                Some(("x-amzn-query-error", "AccessDenied;Sender")),
            ),
            None if request.service == "s3" => (
                "application/xml".to_owned(),
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>{}</Message></Error>",
                    escape_xml(&message)
                ),
                None,
            ),
            None if request.service == "ec2" => (
                "text/xml".to_owned(),
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>\
                     <Message>{}</Message></Error></Errors><RequestID>cordon</RequestID></Response>",
                    escape_xml(&message)
                ),
                None,
            ),
            None => (
                "text/xml".to_owned(),
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                     <Message>{}</Message></Error><RequestId>cordon</RequestId></ErrorResponse>",
                    escape_xml(&message)
                ),
                None,
            ),
        },
    };

    let length = body.len();
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = StatusCode::FORBIDDEN;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, header_value(&content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(DENIED_BY_HEADER, header_value(rule));
    if let Some((name, value)) = extra {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Returns the request's AWS JSON content type, which the error must echo for the SDK to parse it.
fn json_content_type(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    content_type.starts_with("application/x-amz-json").then(|| content_type.to_owned())
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{AwsSigner, AzureSigner};

    fn aws() -> EmulatorKind {
        EmulatorKind::Aws {
            signer: AwsSigner { access_key_id: "a".into(), secret_access_key: "s".into() },
            default_region: "us-east-1".into(),
        }
    }

    fn request(service: &str, action: &str) -> CloudRequest {
        CloudRequest {
            service: service.into(),
            action: action.into(),
            iam_actions: vec![action.into()],
            region: Some("us-east-1".into()),
            resource: None,
            instance_types: Vec::new(),
        }
    }

    #[test]
    fn s3_denial_is_access_denied_xml() {
        let response = denial_response(
            &aws(),
            &request("s3", "s3:DeleteObject"),
            &HeaderMap::new(),
            "deny-actions: s3:Delete*",
            "x",
        );
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(String::from_utf8_lossy(response.body()).contains("<Code>AccessDenied</Code>"));
        assert_eq!(response.headers()[DENIED_BY_HEADER], "deny-actions: s3:Delete*");
    }

    #[test]
    fn json_denial_echoes_content_type() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.0"));
        let response = denial_response(&aws(), &request("dynamodb", "dynamodb:DeleteTable"), &headers, "r", "x");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/x-amz-json-1.0");
        let json: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(json["__type"], "AccessDeniedException");
    }

    #[test]
    fn azure_denial_sets_error_code_header() {
        let kind = EmulatorKind::Azure { signer: AzureSigner { account: "a".into(), key: String::new() } };
        let response =
            denial_response(&kind, &request("azure-blob", "azure-blob:DeleteBlob"), &HeaderMap::new(), "r", "x");
        assert_eq!(response.headers()["x-ms-error-code"], "AuthorizationPermissionMismatch");
    }

    #[test]
    fn message_is_xml_escaped() {
        let response = denial_response(&aws(), &request("s3", "s3:PutObject"), &HeaderMap::new(), "r", "<&>");
        assert!(String::from_utf8_lossy(response.body()).contains("&lt;&amp;&gt;"));
    }
}
