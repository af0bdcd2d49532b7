//! Bounded capture of a guest's stdout and stderr.
//!
//! A guest may print without end. Each stream keeps at most its policy's byte limit in memory, drops the rest and
//! records that it did, so an output flood costs the host nothing beyond the limit and the guest never sees an error
//! it might handle differently from a real terminal.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// How many bytes a guest may hand over in one write. Any value works, because excess is dropped, but a modest one
/// keeps each copy out of guest memory small.
const WRITE_BUDGET: usize = 64 * 1024;

/// One captured output stream: the bytes kept and whether any were dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapturedOutput {
    /// The bytes kept, at most the policy's limit.
    pub bytes: Vec<u8>,
    /// Whether the guest wrote more than the limit, so that the tail was dropped.
    pub truncated: bool,
    /// How many bytes the guest wrote in all, kept or dropped.
    pub written: u64,
}

/// A cloneable handle on one bounded stream; every clone appends to the same buffer.
#[derive(Clone)]
pub(crate) struct BoundedOutput {
    shared: Arc<Mutex<CapturedOutput>>,
    limit: usize,
}

impl BoundedOutput {
    pub(crate) fn new(limit: u64) -> Self {
        BoundedOutput {
            shared: Arc::new(Mutex::new(CapturedOutput::default())),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        }
    }

    /// Appends what fits under the limit and counts the rest as dropped.
    fn push(&self, data: &[u8]) {
        let mut captured = self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let room = self.limit.saturating_sub(captured.bytes.len());
        let kept = data.len().min(room);
        captured.bytes.extend_from_slice(&data[..kept]);
        captured.truncated |= kept < data.len();
        captured.written = captured.written.saturating_add(data.len() as u64);
    }

    /// Takes the captured bytes out, leaving the buffer empty.
    pub(crate) fn take(&self) -> CapturedOutput {
        let mut captured = self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *captured)
    }
}

impl IsTerminal for BoundedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for BoundedOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_BUDGET)
    }
}

#[async_trait::async_trait]
impl Pollable for BoundedOutput {
    async fn ready(&mut self) {}
}

impl AsyncWrite for BoundedOutput {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_under_limit_kept_whole() {
        let output = BoundedOutput::new(16);
        output.push(b"hello");
        let captured = output.take();
        assert_eq!(captured.bytes, b"hello");
        assert!(!captured.truncated);
    }

    #[test]
    fn output_over_limit_cut_and_flagged() {
        let output = BoundedOutput::new(4);
        output.push(b"hello");
        output.push(b" world");
        let captured = output.take();
        assert_eq!(captured.bytes, b"hell");
        assert!(captured.truncated);
        assert_eq!(captured.written, 11);
    }

    #[test]
    fn clones_share_one_buffer() {
        let output = BoundedOutput::new(64);
        let mut stream = output.p2_stream();
        stream.write(Bytes::from_static(b"one ")).unwrap();
        output.clone().push(b"two");
        assert_eq!(output.take().bytes, b"one two");
    }
}
