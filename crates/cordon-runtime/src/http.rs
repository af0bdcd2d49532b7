//! The guest's only way out: `wasi:http` requests, each handed to the shim.
//!
//! wasmtime-wasi-http is built without its default sender, so no code in this process can open a connection for a
//! guest except through [`ShimHooks::send_request`], which passes every request to the call's
//! [`CallShim`](cordon_shim::CallShim). The shim decides, rewrites, re-signs and forwards; its refusals reach the
//! guest as the matching `wasi:http` error codes.

use bytes::Bytes;
use cordon_shim::{CallShim, ShimError};
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// Hooks that route every outgoing request of one call through its shim session.
pub(crate) struct ShimHooks {
    pub(crate) shim: CallShim,
}

/// What a forwarded request resolves to in wasmtime-wasi-http: the response, and a future reporting errors that
/// arise while the guest reads the response body. The shim buffers bodies, so that future has nothing to report.
type SendResult = wasmtime_wasi_http::Result<(
    http::Response<WasiBody>,
    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
)>;

impl WasiHttpHooks for ShimHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _response_errors: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let shim = self.shim.clone();
        Box::new(async move {
            let connect = options.and_then(|options| options.connect_timeout);
            let first_byte = options.and_then(|options| options.first_byte_timeout);
            match shim.send(request, connect, first_byte).await {
                Ok(response) => {
                    let response =
                        response.map(|body: Bytes| Full::new(body).map_err(|never| match never {}).boxed_unsync());
                    let done: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send> =
                        Box::new(async { Ok(()) });
                    Ok((response, done))
                }
                Err(error) => Err(error_code(&error)),
            }
        })
    }
}

/// Maps a shim refusal or failure to the `wasi:http` error code a guest's HTTP library understands.
fn error_code(error: &ShimError) -> Error {
    match error {
        ShimError::Denied { .. } => Error::HttpRequestDenied,
        ShimError::RequestTooLarge { limit } => Error::HttpRequestBodySize(Some(*limit)),
        ShimError::InvalidUri(_) => Error::HttpRequestUriInvalid,
        ShimError::Timeout(_) => Error::HttpResponseTimeout,
        ShimError::Upstream(message) => Error::InternalError(Some(message.clone())),
    }
}
