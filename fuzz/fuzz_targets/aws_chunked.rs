//! Decodes arbitrary bytes as an `aws-chunked` request body, which a guest
//! sends and the shim decodes before it signs the payload again.
//!
//! The target also encodes the input as the payload of a signed
//! `aws-chunked` body, cut into chunks whose size comes from the first
//! byte, and checks that decoding returns the payload unchanged.

#![no_main]

use cordon_shim::decode_aws_chunked;
use libfuzzer_sys::fuzz_target;

/// A chunk signature is the hex SHA-256 of the chunk's string to sign, so 64
/// hex digits. The decoder does not check it.
const SIGNATURE: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = decode_aws_chunked(data) {
        assert!(payload.len() <= data.len());
    }

    let chunk_size = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let body = encode(data, chunk_size);
    assert_eq!(decode_aws_chunked(&body).as_deref(), Ok(data));
});

/// Encodes `payload` as SDKs do for a signed streaming upload with a
/// checksum trailer.
fn encode(payload: &[u8], chunk_size: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for chunk in payload.chunks(chunk_size) {
        body.extend_from_slice(format!("{:x};chunk-signature={SIGNATURE}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("0;chunk-signature={SIGNATURE}\r\n").as_bytes());
    body.extend_from_slice(b"x-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    body
}
