//! Free loopback ports for the emulators to listen on.
//!
//! The kernel hands out a free port to a bind on port 0. The emulators take a port number on their command line, so
//! the port has to be released before the emulator binds it, and another process can take it in between. The caller
//! detects that race by the emulator exiting with "address already in use" and picks new ports.

use std::io;
use std::net::{Ipv4Addr, TcpListener};

/// Returns `count` distinct ports on 127.0.0.1 that were free a moment ago.
///
/// All the listeners are held until the last port is picked, so the kernel cannot hand out one port twice.
pub(crate) fn pick_free_ports(count: usize) -> io::Result<Vec<u16>> {
    let mut listeners = Vec::with_capacity(count);
    for _ in 0..count {
        listeners.push(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?);
    }

    let ports = listeners.iter().map(|listener| listener.local_addr().map(|address| address.port())).collect();
    tracing::debug!(?ports, "picked free loopback ports");
    ports
}

/// Reports whether an emulator's output shows that it lost the race for its port.
pub(crate) fn is_port_conflict(log_tail: &str) -> bool {
    // moto (werkzeug) prints "Address already in use"; Node.js prints "EADDRINUSE".
    log_tail.contains("Address already in use") || log_tail.contains("EADDRINUSE")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ports_are_distinct_and_nonzero() {
        let ports = pick_free_ports(8).unwrap();
        assert_eq!(ports.len(), 8);
        assert!(!ports.contains(&0), "{ports:?}");
        assert_eq!(ports.iter().collect::<HashSet<_>>().len(), 8, "{ports:?}");
    }

    #[test]
    fn picked_ports_are_bindable() {
        for port in pick_free_ports(3).unwrap() {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port));
            assert!(listener.is_ok(), "port {port}: {listener:?}");
        }
    }

    #[test]
    fn port_conflict_recognised() {
        assert!(is_port_conflict("Address already in use\nPort 5000 is in use by another program."));
        assert!(is_port_conflict("Exit due to unhandled error: listen EADDRINUSE: address already in use"));
        assert!(!is_port_conflict("ModuleNotFoundError: No module named 'moto'"));
    }
}
