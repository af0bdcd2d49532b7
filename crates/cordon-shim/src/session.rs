//! One call's view of the shim: every outgoing request of the call passes through [`CallShim::send`], which decides,
//! rewrites, re-signs and forwards it, counting it against the call's budgets and recording an audit event.
//!
//! A request with no route, or whose authority is malformed, is refused at the transport level
//! ([`ShimError::Denied`], which reaches the guest as `HttpRequestDenied`). A routed request that a rule denies gets the
//! service's own 403 error response instead, as the real cloud answers a policy denial.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, HOST, HeaderValue};
use http::{HeaderMap, Request, Response};

use crate::audit::{AuditEvent, AuditLog, Verdict};
use crate::authority::{host_header_matches, normalize_authority};
use crate::aws_chunked::decode_aws_chunked;
use crate::classify::{CloudRequest, classify_aws, classify_azure};
use crate::config::{EmulatorKind, ShimConfig};
use crate::denial::denial_response;
use crate::forward::{Timeouts, Upstream, collect_request_body};
use crate::rules::Decision;
use crate::sign::{sign_aws, sign_azure, strip_guest_credentials};

/// The time and byte limits on reading a refused request's body. A guest still writing its body
/// when the refusal arrives would otherwise see a reset connection instead of the refusal.
const DRAIN_LIMIT_BYTES: u64 = 1 << 20;
const DRAIN_LIMIT_TIME: Duration = Duration::from_millis(250);

/// A reason the shim returned no response to the guest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShimError {
    /// A rule, the route table or a check refused the request before any connection was made.
    #[error("request denied by {rule}: {reason}")]
    Denied {
        /// The rule or check that refused the request.
        rule: String,
        /// Why, in plain words.
        reason: String,
    },
    /// The request body is larger than the call's remaining request-byte budget.
    #[error("request body larger than the remaining budget of {limit} bytes")]
    RequestTooLarge {
        /// The bytes the budget still allowed.
        limit: u64,
    },
    /// The request's URI has no scheme or authority.
    #[error("request URI {0} has no scheme or host")]
    InvalidUri(String),
    /// The emulator did not accept the connection or respond in time.
    #[error("{0}")]
    Timeout(String),
    /// The emulator could not be reached or the exchange failed.
    #[error("{0}")]
    Upstream(String),
}

/// Request counts and bytes one call has used.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Usage {
    requests: u64,
    request_bytes: u64,
    response_bytes: u64,
}

/// The shim's per-call state. Cloning shares the call's budget and audit trail.
#[derive(Clone)]
pub struct CallShim {
    config: Arc<ShimConfig>,
    upstream: Upstream,
    log: Option<AuditLog>,
    usage: Arc<Mutex<Usage>>,
    events: Arc<Mutex<Vec<AuditEvent>>>,
}

impl CallShim {
    /// Starts a call's session over a shared configuration and client, optionally appending events to `log`.
    pub fn new(config: Arc<ShimConfig>, upstream: Upstream, log: Option<AuditLog>) -> CallShim {
        CallShim { config, upstream, log, usage: Arc::default(), events: Arc::default() }
    }

    /// Returns the audit events recorded so far, oldest first.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Decides on one guest request and, if it is allowed, forwards it to its emulator.
    ///
    /// `guest_connect` and `guest_first_byte` are the guest's own request options; they may only shorten Cordon's
    /// timeouts.
    ///
    /// # Errors
    ///
    /// [`ShimError::Denied`] and [`ShimError::RequestTooLarge`] before any connection is made; the others when the
    /// emulator fails.
    pub async fn send<B>(
        &self,
        request: Request<B>,
        guest_connect: Option<Duration>,
        guest_first_byte: Option<Duration>,
    ) -> Result<Response<Bytes>, ShimError>
    where
        B: http_body::Body<Data = Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let started = Instant::now();
        let (mut parts, body) = request.into_parts();
        let authority_text = parts.uri.authority().map(|authority| authority.as_str().to_owned()).unwrap_or_default();
        let mut event = AuditEvent::new(parts.method.as_str(), &authority_text, parts.uri.path());

        let outcome = self.decide_and_forward(&mut parts, body, &mut event, guest_connect, guest_first_byte).await;
        if let Err(error) = &outcome
            && event.reason.is_none()
        {
            event.reason = Some(error.to_string());
        }
        event.duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let action = event.action.as_deref().unwrap_or("-");
        let rule = event.rule.as_deref().unwrap_or("-");
        let reason = event.reason.as_deref().unwrap_or_default();
        match event.verdict {
            Verdict::Allowed => {
                tracing::debug!(authority = %event.authority, action, "request forwarded")
            }
            Verdict::Denied => {
                tracing::warn!(authority = %event.authority, action, rule, reason, "request denied")
            }
            Verdict::Failed => {
                tracing::warn!(authority = %event.authority, action, reason, "request failed upstream")
            }
        }
        self.record(event);
        outcome
    }

    async fn decide_and_forward<B>(
        &self,
        parts: &mut http::request::Parts,
        body: B,
        event: &mut AuditEvent,
        guest_connect: Option<Duration>,
        guest_first_byte: Option<Duration>,
    ) -> Result<Response<Bytes>, ShimError>
    where
        B: http_body::Body<Data = Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let (scheme, authority_text) = match (parts.uri.scheme_str(), parts.uri.authority()) {
            (Some(scheme), Some(authority)) => (scheme.to_owned(), authority.as_str().to_owned()),
            _ => {
                drain(body).await;
                return Err(deny(event, "uri", format!("request URI {} has no scheme or host", parts.uri)));
            }
        };

        // Routing: only a normalised authority that a route names may go anywhere.
        let authority = match normalize_authority(&scheme, &authority_text) {
            Ok(authority) => authority,
            Err(error) => {
                drain(body).await;
                return Err(deny(event, "authority", format!("{authority_text}: {error}")));
            }
        };
        if let Some(host) = parts.headers.get(HOST) {
            let matches = host.to_str().is_ok_and(|host| host_header_matches(&authority, &scheme, host));
            if !matches {
                drain(body).await;
                return Err(deny(event, "host-header", "the Host header names another host than the URI".to_owned()));
            }
        }
        let Some(emulator_name) = self.config.routes.route(&scheme, &authority).map(str::to_owned) else {
            drain(body).await;
            return Err(deny(
                event,
                "route",
                format!("no route sends {}:{} to an emulator", authority.host, authority.port),
            ));
        };
        let Some(emulator) = self.config.emulator(&emulator_name) else {
            drain(body).await;
            return Err(deny(
                event,
                "route",
                format!("the route names emulator {emulator_name}, which is not configured"),
            ));
        };
        let Some(endpoint) = emulator.endpoint.clone() else {
            drain(body).await;
            return Err(deny(
                event,
                "endpoint",
                format!(
                    "emulator {emulator_name} has no endpoint (fix: run `cordon emulators start` or set its endpoint)"
                ),
            ));
        };
        event.emulator = Some(emulator_name);

        // Budgets: the request count first, then the body, read only up to what the budget still allows.
        let Some(remaining_request_bytes) = self.count_request() else {
            drain(body).await;
            let limit = self.config.budgets.max_requests;
            return Err(deny(event, "max-requests", format!("the call already made its {limit} allowed requests")));
        };
        let mut body = match collect_request_body(body, remaining_request_bytes).await {
            Ok(body) => body,
            Err(None) => {
                event.rule = Some("max-request-bytes".to_owned());
                event.reason =
                    Some(format!("the request body is larger than the {remaining_request_bytes} bytes left"));
                return Err(ShimError::RequestTooLarge { limit: remaining_request_bytes });
            }
            Err(Some(message)) => {
                return Err(ShimError::Upstream(format!("cannot read the request body: {message}")));
            }
        };
        if is_aws_chunked(&parts.headers) {
            body = match decode_aws_chunked(&body) {
                Ok(payload) => Bytes::from(payload),
                Err(error) => return Err(deny(event, "aws-chunked", error.to_string())),
            };
            parts.headers.remove("x-amz-decoded-content-length");
            parts.headers.remove("x-amz-trailer");
            remove_aws_chunked_encoding(&mut parts.headers);
        }

        // Classification and rules.
        let request: CloudRequest = match &emulator.kind {
            EmulatorKind::Aws { .. } => classify_aws(&parts.method, &parts.uri, &parts.headers, &body, &authority),
            EmulatorKind::Azure { .. } => classify_azure(&parts.method, &parts.uri, &parts.headers, &authority),
        };
        event.service = Some(request.service.clone());
        event.action = Some(request.action.clone());
        event.region.clone_from(&request.region);
        if let Decision::Deny { rule, reason } = self.config.rules.evaluate(&request) {
            deny(event, &rule, reason.clone());
            return Ok(denial_response(&emulator.kind, &request, &parts.headers, &rule, &reason));
        }

        // Rewrite for the emulator and sign with its credentials.
        strip_guest_credentials(&mut parts.headers, &mut parts.uri);
        let target = crate::rewrite::target_uri(&endpoint, &emulator.kind, &authority, &parts.uri)
            .map_err(|message| deny(event, "rewrite", message))?;
        let mut outgoing = Request::builder()
            .method(parts.method.clone())
            .uri(target)
            .body(body.to_vec())
            .map_err(|error| ShimError::Upstream(format!("cannot build the forwarded request: {error}")))?;
        copy_forwardable_headers(&parts.headers, outgoing.headers_mut());
        let host = outgoing.uri().authority().map(|authority| authority.as_str().to_owned()).unwrap_or_default();
        outgoing
            .headers_mut()
            .insert(HOST, HeaderValue::from_str(&host).map_err(|error| ShimError::Upstream(error.to_string()))?);
        outgoing.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        let signed = match &emulator.kind {
            EmulatorKind::Aws { signer, default_region } => {
                let region = request.region.as_deref().unwrap_or(default_region);
                sign_aws(&mut outgoing, signer, &request.service, region, SystemTime::now())
            }
            EmulatorKind::Azure { signer } => sign_azure(&mut outgoing, signer, SystemTime::now()),
        };
        signed.map_err(|error| ShimError::Upstream(error.to_string()))?;

        let request_bytes = body.len() as u64;
        let remaining_response_bytes = {
            let mut usage = self.usage.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            usage.request_bytes += request_bytes;
            self.config.budgets.max_response_bytes.saturating_sub(usage.response_bytes)
        };
        event.request_bytes = request_bytes;

        event.verdict = Verdict::Failed;
        let timeouts: Timeouts = self.config.timeouts.shortened_by(guest_connect, guest_first_byte);
        let forwarded =
            self.upstream.send(outgoing.map(Bytes::from), timeouts, remaining_response_bytes).await.map_err(
                |error| match error {
                    crate::forward::ForwardError::ConnectTimeout(_)
                    | crate::forward::ForwardError::FirstByteTimeout(_)
                    | crate::forward::ForwardError::TotalTimeout(_) => ShimError::Timeout(error.to_string()),
                    other => ShimError::Upstream(other.to_string()),
                },
            )?;

        let response_bytes = forwarded.response.body().len() as u64;
        self.usage.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).response_bytes += response_bytes;
        event.verdict = Verdict::Allowed;
        event.status = Some(forwarded.response.status().as_u16());
        event.response_bytes = response_bytes;
        event.response_truncated = forwarded.truncated;

        let mut response = forwarded.response;
        response.headers_mut().remove(http::header::TRANSFER_ENCODING);
        response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(response_bytes));
        Ok(response)
    }

    /// Counts one more request against the budget and returns the request bytes still allowed, or `None` when the
    /// call has used all its requests.
    fn count_request(&self) -> Option<u64> {
        let mut usage = self.usage.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if usage.requests >= self.config.budgets.max_requests {
            return None;
        }
        usage.requests += 1;
        Some(self.config.budgets.max_request_bytes.saturating_sub(usage.request_bytes))
    }

    fn record(&self, event: AuditEvent) {
        if let Some(log) = &self.log {
            log.append(&event);
        }
        self.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(event);
    }
}

impl std::fmt::Debug for CallShim {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("CallShim").field("log", &self.log).finish_non_exhaustive()
    }
}

/// Records a refusal on the event and returns the matching error.
fn deny(event: &mut AuditEvent, rule: &str, reason: String) -> ShimError {
    event.verdict = Verdict::Denied;
    event.rule = Some(rule.to_owned());
    event.reason = Some(reason.clone());
    ShimError::Denied { rule: rule.to_owned(), reason }
}

/// Reads and discards a refused request's body, within [`DRAIN_LIMIT_BYTES`] and [`DRAIN_LIMIT_TIME`].
async fn drain<B>(body: B)
where
    B: http_body::Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let _ = tokio::time::timeout(DRAIN_LIMIT_TIME, collect_request_body(body, DRAIN_LIMIT_BYTES)).await;
}

/// Returns whether the body uses AWS's chunked upload encoding, by its content encoding or its payload hash marker.
fn is_aws_chunked(headers: &HeaderMap) -> bool {
    let encoded = headers
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.split(',').any(|coding| coding.trim().eq_ignore_ascii_case("aws-chunked")));
    let streaming = headers
        .get("x-amz-content-sha256")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("STREAMING-"));
    encoded || streaming
}

/// Removes `aws-chunked` from the content encodings, keeping any others.
fn remove_aws_chunked_encoding(headers: &mut HeaderMap) {
    let remaining: Vec<String> = headers
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("aws-chunked"))
        .map(str::to_owned)
        .collect();
    headers.remove(http::header::CONTENT_ENCODING);
    if !remaining.is_empty()
        && let Ok(value) = HeaderValue::from_str(&remaining.join(", "))
    {
        headers.insert(http::header::CONTENT_ENCODING, value);
    }
}

/// Headers that describe one connection rather than the request, and those the shim sets itself.
const NOT_FORWARDED: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
];

fn copy_forwardable_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for (name, value) in from {
        if NOT_FORWARDED.contains(&name.as_str()) || crate::sign::is_credential_header(name) {
            continue;
        }
        to.append(name.clone(), value.clone());
    }
}
