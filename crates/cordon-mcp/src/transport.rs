//! The two ways the server talks to clients: standard input and output, or streamable HTTP on loopback.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::error::ServeError;
use crate::server::CordonServer;

/// The URL path of the streamable HTTP endpoint.
pub const HTTP_PATH: &str = "/mcp";

/// Serves one MCP session over standard input and output until the client closes it.
///
/// Standard output carries nothing but protocol messages: the tools' own output is captured by the runtime, and
/// logs go to standard error.
///
/// # Errors
///
/// The client's first messages are not a valid MCP initialisation, or the session ends with a transport failure.
pub async fn serve_stdio(server: CordonServer) -> Result<(), ServeError> {
    let running =
        server.serve(rmcp::transport::stdio()).await.map_err(|error| ServeError::Session(error.to_string()))?;
    let reason = running.waiting().await.map_err(|error| ServeError::Session(error.to_string()))?;
    tracing::info!(?reason, "MCP session over stdio ended");
    Ok(())
}

/// A bound streamable HTTP listener, ready to serve.
pub struct HttpListener {
    listener: TcpListener,
    address: SocketAddr,
}

impl HttpListener {
    /// Binds `address`, which must be a loopback address; port 0 picks a free port.
    ///
    /// # Errors
    ///
    /// The address is not loopback, or it cannot be bound.
    pub async fn bind(address: SocketAddr) -> Result<HttpListener, ServeError> {
        if !address.ip().is_loopback() {
            return Err(ServeError::NotLoopback(address));
        }
        let listener = TcpListener::bind(address).await.map_err(|source| ServeError::Bind { address, source })?;
        let address = listener.local_addr().map_err(|source| ServeError::Bind { address, source })?;
        Ok(HttpListener { listener, address })
    }

    /// Returns the endpoint's URL, with the port actually bound.
    pub fn url(&self) -> String {
        format!("http://{}{HTTP_PATH}", self.address)
    }

    /// Serves MCP over streamable HTTP until `shutdown` is cancelled. Each client session gets the same catalog and
    /// shares the bound on concurrent calls.
    ///
    /// # Errors
    ///
    /// Accepting connections fails for a reason other than a single broken connection.
    pub async fn serve(self, server: CordonServer, shutdown: CancellationToken) -> Result<(), ServeError> {
        let config = StreamableHttpServerConfig::default().with_cancellation_token(shutdown.child_token());
        let service =
            StreamableHttpService::new(move || Ok(server.clone()), Arc::new(LocalSessionManager::default()), config);
        loop {
            let (stream, peer) = tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!(%error, "cannot accept an HTTP connection");
                        continue;
                    }
                },
            };
            let service = service.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                let handler = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let service = service.clone();
                    async move {
                        if request.uri().path() != HTTP_PATH {
                            return Ok::<_, Infallible>(not_found());
                        }
                        let ends_session = request.method() == hyper::Method::DELETE;
                        let mut response = service.handle(request).await;
                        // rmcp confirms a client's DELETE of its session with 202, and the Python MCP SDK logs every
                        // status but 200 and 204 there as a failed termination, so the confirmation goes out as 200.
                        if ends_session && response.status() == hyper::StatusCode::ACCEPTED {
                            *response.status_mut() = hyper::StatusCode::OK;
                        }
                        Ok(response.map(http_body_util::Either::Left))
                    }
                });
                let connection =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), handler);
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    result = connection => if let Err(error) = result {
                        tracing::debug!(%peer, %error, "HTTP connection ended with an error");
                    },
                }
            });
        }
    }
}

type NotFoundBody = http_body_util::Full<bytes::Bytes>;

fn not_found<L>() -> hyper::Response<http_body_util::Either<L, NotFoundBody>> {
    let mut response = hyper::Response::new(http_body_util::Either::Right(NotFoundBody::from(format!(
        "Cordon's MCP endpoint is {HTTP_PATH}\n"
    ))));
    *response.status_mut() = hyper::StatusCode::NOT_FOUND;
    response
}
