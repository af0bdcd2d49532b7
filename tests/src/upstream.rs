//! A minimal HTTP/1.1 server on loopback that stands in for an emulator: it records every request it receives and
//! answers with a configured status, body and delay, so tests can see exactly what the shim forwarded, or that it
//! forwarded nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the capture server received it.
#[derive(Debug, Clone)]
pub struct CapturedRequest {
    /// The request line and headers, as text.
    pub head: String,
    /// The request body.
    pub body: Vec<u8>,
}

/// How the capture server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response body.
    pub body: Vec<u8>,
    /// How long to wait before sending the response.
    pub delay: Duration,
}

impl Default for Reply {
    fn default() -> Self {
        Reply { status: 200, body: b"captured".to_vec(), delay: Duration::ZERO }
    }
}

/// A running capture server. It stops when the test's runtime ends.
pub struct CaptureServer {
    /// The address, `127.0.0.1:PORT`.
    pub address: String,
    connections: Arc<Mutex<usize>>,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
}

impl CaptureServer {
    /// Starts a capture server on an ephemeral loopback port.
    pub async fn start(reply: Reply) -> CaptureServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding a loopback port");
        let address = listener.local_addr().expect("a bound listener has an address").to_string();
        let connections = Arc::new(Mutex::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let server = CaptureServer { address, connections: Arc::clone(&connections), requests: Arc::clone(&requests) };
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                *connections.lock().unwrap() += 1;
                tokio::spawn(serve(stream, reply.clone(), Arc::clone(&requests)));
            }
        });
        server
    }

    /// Returns the server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns how many connections the server accepted.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }

    /// Returns the requests received so far.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.requests.lock().unwrap().clone()
    }
}

/// Serves requests on one connection until the client closes it.
async fn serve(mut stream: TcpStream, reply: Reply, requests: Arc<Mutex<Vec<CapturedRequest>>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(head_end) = read_until_head_end(&mut stream, &mut buffer).await else {
            return;
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let length = content_length(&head);
        let body_start = head_end + 4;
        while buffer.len() < body_start + length {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        }
        let body = buffer[body_start..body_start + length].to_vec();
        buffer.drain(..body_start + length);
        requests.lock().unwrap().push(CapturedRequest { head, body });

        tokio::time::sleep(reply.delay).await;
        let response = format!(
            "HTTP/1.1 {} Captured\r\ncontent-length: {}\r\ncontent-type: text/plain\r\n\r\n",
            reply.status,
            reply.body.len()
        );
        if stream.write_all(response.as_bytes()).await.is_err() || stream.write_all(&reply.body).await.is_err() {
            return;
        }
    }
}

/// Reads until the buffer holds a whole request head; returns where the head ends.
async fn read_until_head_end(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            return Some(position);
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}
