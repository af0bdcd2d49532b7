//! The pooled HTTP client that carries re-signed requests to emulators.
//!
//! One [`Upstream`] serves every call of a runtime, so connections to an emulator are reused across calls. Cordon
//! sets the connect, first-byte and total timeouts itself; a guest's request options may only shorten them. Response
//! bodies are read up to the call's remaining byte budget and cut there.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The timeouts of one forwarded request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The maximum wait for the TCP connection to the emulator.
    pub connect: Duration,
    /// The maximum wait for the response headers after the request is sent.
    pub first_byte: Duration,
    /// The maximum duration of the whole exchange, response body included.
    pub total: Duration,
}

impl Default for Timeouts {
    /// Returns timeouts sized for emulators on loopback: a connection takes microseconds there, so seconds mean the
    /// emulator is stuck rather than slow.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(2),
            first_byte: Duration::from_secs(10),
            total: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    /// Returns these timeouts, each shortened to the guest's own where the guest asked for less.
    pub fn shortened_by(self, connect: Option<Duration>, first_byte: Option<Duration>) -> Timeouts {
        Timeouts {
            connect: connect.map_or(self.connect, |guest| guest.min(self.connect)),
            first_byte: first_byte.map_or(self.first_byte, |guest| guest.min(self.first_byte)),
            total: self.total,
        }
    }
}

/// A failure to forward a request after the shim allowed it.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// The emulator did not accept a connection in time.
    #[error("connecting to the emulator timed out after {0:?}")]
    ConnectTimeout(Duration),
    /// The emulator refused the connection or the exchange failed.
    #[error("cannot reach the emulator: {0}")]
    Connect(String),
    /// The emulator sent no response headers in time.
    #[error("the emulator sent no response within {0:?}")]
    FirstByteTimeout(Duration),
    /// The whole exchange took longer than the total timeout.
    #[error("the exchange with the emulator took longer than {0:?}")]
    TotalTimeout(Duration),
    /// The response body could not be read.
    #[error("cannot read the emulator's response body: {0}")]
    Body(String),
}

/// A forwarded response, its body read up to a byte limit.
#[derive(Debug)]
pub struct ForwardedResponse {
    /// Status and headers from the emulator, with the body as far as it was kept.
    pub response: Response<Bytes>,
    /// Whether the body was longer than the limit and was cut.
    pub truncated: bool,
}

/// A pooled client for emulator connections, cheap to clone.
#[derive(Clone)]
pub struct Upstream {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Upstream {
    /// Creates the client. Connections stay pooled for 90 seconds of idleness.
    pub fn new() -> Upstream {
        let mut connector = HttpConnector::new();
        connector.enforce_http(true);
        connector.set_connect_timeout(Some(Timeouts::default().connect));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(90)).build(connector);
        Upstream { client }
    }

    /// Sends `request` and reads the response body up to `body_limit` bytes.
    ///
    /// # Errors
    ///
    /// Fails on a refused or broken connection or when a timeout passes; a body over the limit is cut, not an error.
    pub async fn send(
        &self,
        request: Request<Bytes>,
        timeouts: Timeouts,
        body_limit: u64,
    ) -> Result<ForwardedResponse, ForwardError> {
        let started = Instant::now();
        let request = request.map(Full::new);

        // The connector applies the default connect timeout to every connection, and the wait for the response
        // headers includes connecting.
        // NOTE: a guest's connect timeout shorter than the default is not applied on its own, only through this wait.
        let header_wait = timeouts.first_byte.min(timeouts.total);
        let response = match tokio::time::timeout(header_wait, self.client.request(request)).await {
            Err(_) => return Err(ForwardError::FirstByteTimeout(header_wait)),
            Ok(Err(error)) if error.is_connect() => {
                return Err(ForwardError::Connect(error_chain(&error)));
            }
            Ok(Err(error)) => return Err(ForwardError::Connect(error_chain(&error))),
            Ok(Ok(response)) => response,
        };

        let remaining = timeouts.total.saturating_sub(started.elapsed());
        let (parts, body) = response.into_parts();
        let limit = usize::try_from(body_limit).unwrap_or(usize::MAX);
        let collected = tokio::time::timeout(remaining, read_limited(body, limit)).await;
        let (bytes, truncated) = match collected {
            Err(_) => return Err(ForwardError::TotalTimeout(timeouts.total)),
            Ok(result) => result?,
        };
        Ok(ForwardedResponse { response: Response::from_parts(parts, bytes), truncated })
    }
}

impl Default for Upstream {
    fn default() -> Self {
        Upstream::new()
    }
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Upstream").finish_non_exhaustive()
    }
}

/// Reads a body until its end or until `limit` bytes, whichever comes first. Returns the bytes kept and whether more
/// followed.
async fn read_limited(mut body: hyper::body::Incoming, limit: usize) -> Result<(Bytes, bool), ForwardError> {
    let mut kept = bytes::BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| ForwardError::Body(error_chain(&error)))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let room = limit - kept.len();
        if data.len() > room {
            kept.extend_from_slice(&data[..room]);
            return Ok((kept.freeze(), true));
        }
        kept.extend_from_slice(&data);
    }
    Ok((kept.freeze(), false))
}

/// Collects a request body of at most `limit` bytes.
///
/// # Errors
///
/// Returns `Err(None)` when the body is larger than `limit`, and `Err(Some(message))` when reading it failed.
pub async fn collect_request_body<B>(body: B, limit: u64) -> Result<Bytes, Option<String>>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(None),
        Err(error) => Err(Some(error.to_string())),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_may_only_shorten_timeouts() {
        let ours = Timeouts::default();
        let shortened = ours.shortened_by(Some(Duration::from_millis(100)), Some(Duration::from_secs(600)));
        assert_eq!(shortened.connect, Duration::from_millis(100));
        assert_eq!(shortened.first_byte, ours.first_byte);
    }

    #[tokio::test]
    async fn request_body_over_limit_rejected() {
        let body = Full::new(Bytes::from_static(b"0123456789"));
        assert_eq!(collect_request_body(body, 4).await, Err(None));
    }

    #[tokio::test]
    async fn request_body_within_limit_kept() {
        let body = Full::new(Bytes::from_static(b"0123"));
        assert_eq!(collect_request_body(body, 4).await, Ok(Bytes::from_static(b"0123")));
    }
}
