//! Decoding of `aws-chunked` request bodies.
//!
//! AWS SDKs stream uploads as `aws-chunked`: each chunk is prefixed with its size in hexadecimal and, in the signed
//! variant, a signature chained from the guest's own credentials; trailers may follow the last chunk. Those chunk
//! signatures cannot be re-signed piecemeal, so the shim decodes the body back to its plain payload, drops the
//! guest's signatures and trailers, and signs the whole payload afresh.

/// A failure to decode an `aws-chunked` body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// A chunk header is not `HEX-SIZE[;extensions]` followed by CRLF.
    #[error("malformed aws-chunked chunk header at byte {offset}")]
    Header {
        /// The chunk's offset in the body.
        offset: usize,
    },
    /// A chunk claims more bytes than the body holds.
    #[error("aws-chunked chunk at byte {offset} is truncated")]
    Truncated {
        /// The chunk's offset in the body.
        offset: usize,
    },
}

/// Returns the payload carried by an `aws-chunked` body, without chunk signatures or trailers.
pub fn decode_aws_chunked(body: &[u8]) -> Result<Vec<u8>, ChunkError> {
    let mut payload = Vec::with_capacity(body.len());
    let mut offset = 0;
    loop {
        let line_end = find_crlf(body, offset).ok_or(ChunkError::Header { offset })?;
        let header = std::str::from_utf8(&body[offset..line_end]).map_err(|_| ChunkError::Header { offset })?;
        let size_text = header.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| ChunkError::Header { offset })?;
        let data_start = line_end + 2;
        if size == 0 {
            // Whatever follows the last chunk is trailers (checksums over the guest's payload) and the final CRLF.
            return Ok(payload);
        }
        let data_end =
            data_start.checked_add(size).filter(|end| *end <= body.len()).ok_or(ChunkError::Truncated { offset })?;
        payload.extend_from_slice(&body[data_start..data_end]);
        if body.get(data_end..data_end + 2) != Some(b"\r\n") {
            return Err(ChunkError::Truncated { offset });
        }
        offset = data_end + 2;
    }
}

fn find_crlf(body: &[u8], from: usize) -> Option<usize> {
    body.get(from..)?.windows(2).position(|pair| pair == b"\r\n").map(|position| from + position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_chunks_decode_to_payload() {
        let body =
            b"5;chunk-signature=aaaa\r\nhello\r\n6;chunk-signature=bbbb\r\n world\r\n0;chunk-signature=cccc\r\n\r\n";
        assert_eq!(decode_aws_chunked(body).unwrap(), b"hello world");
    }

    #[test]
    fn unsigned_trailer_chunks_decode() {
        let body = b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
        assert_eq!(decode_aws_chunked(body).unwrap(), b"abc");
    }

    #[test]
    fn truncated_chunk_is_rejected() {
        assert_eq!(decode_aws_chunked(b"a\r\nshort"), Err(ChunkError::Truncated { offset: 0 }));
    }

    #[test]
    fn bad_size_is_rejected() {
        assert_eq!(decode_aws_chunked(b"zz\r\n"), Err(ChunkError::Header { offset: 0 }));
    }

    #[test]
    fn missing_terminator_is_rejected() {
        assert!(decode_aws_chunked(b"3\r\nabc\r\n").is_err());
    }
}
