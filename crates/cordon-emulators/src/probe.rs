//! A minimal HTTP/1.1 GET that checks whether an emulator responds, and the loopback-only endpoint parser it relies on.
//!
//! Only the status line is read. The probe rejects any address that is not on the loopback interface, so a state file
//! edited by hand cannot make Cordon connect to another host.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Formats the endpoint URL of a port on 127.0.0.1, the only address the emulators bind.
pub(crate) fn loopback_url(port: u16) -> String {
    format!("http://{}", SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// Parses an `http://HOST:PORT` endpoint whose host is a loopback address, ignoring any path.
///
/// Returns `None` for another scheme, a host name (even `localhost`, which name lookup could send elsewhere), or an
/// address outside 127.0.0.0/8 and `::1`.
pub(crate) fn parse_loopback_endpoint(url: &str) -> Option<SocketAddr> {
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    let address: SocketAddr = authority.parse().ok()?;
    let is_loopback = match address.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => ip.is_loopback(),
    };
    is_loopback.then_some(address)
}

/// Sends `GET path` to `address` and returns the response's HTTP status code.
///
/// `timeout` bounds the connect, the write and the read separately.
///
/// # Errors
///
/// Fails if `address` is not a loopback address, if the connection is refused or times out, or if the reply does
/// not start with an HTTP status line.
pub(crate) fn http_status(address: SocketAddr, path: &str, timeout: Duration) -> io::Result<u16> {
    if !address.ip().is_loopback() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{address} is not a loopback address")));
    }

    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;

    // The status code ends at byte 12 of "HTTP/1.1 200 OK\r\n", so reading stops once 12 bytes have arrived.
    let mut head = [0_u8; 64];
    let mut length = 0;
    while length < 12 {
        let read = stream.read(&mut head[length..])?;
        if read == 0 {
            break;
        }
        length += read;
    }
    parse_status_line(&head[..length])
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("{address} did not reply with HTTP")))
}

/// Reads the status code from the start of an HTTP/1.x response.
fn parse_status_line(head: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(head.get(..12)?).ok()?;
    let rest = text.strip_prefix("HTTP/1.")?;
    let code = rest.get(2..5)?;
    if rest.as_bytes().get(1) != Some(&b' ') {
        return None;
    }
    code.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    #[test]
    fn loopback_endpoints_parse() {
        assert_eq!(parse_loopback_endpoint("http://127.0.0.1:4566"), Some(SocketAddr::from(([127, 0, 0, 1], 4566))));
        assert_eq!(parse_loopback_endpoint("http://127.0.0.1:10000/devstoreaccount1").map(|a| a.port()), Some(10000));
        assert_eq!(parse_loopback_endpoint("http://[::1]:9000").map(|a| a.port()), Some(9000));
    }

    #[test]
    fn other_endpoints_rejected() {
        for url in [
            "http://10.0.0.1:4566",
            "http://169.254.169.254:80",
            "http://localhost:4566",
            "https://127.0.0.1:4566",
            "http://127.0.0.1",
            "127.0.0.1:4566",
        ] {
            assert_eq!(parse_loopback_endpoint(url), None, "{url}");
        }
    }

    #[test]
    fn status_line_parsed() {
        assert_eq!(parse_status_line(b"HTTP/1.1 403 Forbidden\r\n"), Some(403));
        assert_eq!(parse_status_line(b"HTTP/1.0 200 OK\r\n"), Some(200));
        assert_eq!(parse_status_line(b"SSH-2.0-OpenSSH"), None);
        assert_eq!(parse_status_line(b"HTTP/1.1"), None);
    }

    #[test]
    fn probe_reads_status_from_server() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let address = listener.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0_u8; 256];
            let _ = stream.read(&mut request).unwrap();
            stream.write_all(b"HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\n\r\n").unwrap();
        });

        assert_eq!(http_status(address, "/", Duration::from_secs(2)).unwrap(), 418);
        server.join().unwrap();
    }

    #[test]
    fn probe_of_closed_port_fails() {
        let address = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap();
        assert!(http_status(address, "/", Duration::from_millis(500)).is_err());
    }

    #[test]
    fn probe_rejects_other_hosts() {
        let error = http_status(SocketAddr::from(([192, 0, 2, 1], 80)), "/", Duration::from_millis(10)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
