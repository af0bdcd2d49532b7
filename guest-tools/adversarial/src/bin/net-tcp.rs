//! `net-tcp ADDR...`: tries to connect to each `HOST:PORT` with `std::net::TcpStream`, and
//! prints `ok ADDR` or `err ADDR KIND: MESSAGE` per argument. Exit status 0.
//!
//! An argument of the form `udp:HOST:PORT` instead binds a UDP socket to the unspecified
//! address of the target's family and sends the 5 bytes `probe` to it. The line repeats
//! the argument as given, `udp:` prefix included. HOST may be a name, which is resolved
//! through the host first. A connection to an address nothing listens on blocks until
//! the host's connect timeout, so tests should point at loopback ports they control.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};

use cordon_adversarial_guests::{arguments, report, usage_error};

fn main() {
    let targets = arguments();
    if targets.is_empty() {
        usage_error("net-tcp [udp:]HOST:PORT...");
    }
    for target in &targets {
        let outcome = match target.strip_prefix("udp:") {
            Some(address) => send_udp(address),
            None => TcpStream::connect(target.as_str()).map(drop),
        };
        report(target, outcome.map(|()| ""));
    }
}

fn send_udp(address: &str) -> io::Result<()> {
    let destination = address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{address} resolved to no address")))?;
    let local: SocketAddr = match destination {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local)?;
    socket.send_to(b"probe", destination)?;
    Ok(())
}
