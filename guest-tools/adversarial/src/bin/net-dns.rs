//! `net-dns NAME...`: tries to resolve `NAME:80` through `ToSocketAddrs` and prints
//! `ok NAME ADDRS`, with the IP addresses in the resolver's order joined by commas, or
//! `err NAME KIND: MESSAGE`. Exit status 0.

use std::net::ToSocketAddrs;

use cordon_adversarial_guests::{arguments, report, usage_error};

fn main() {
    let names = arguments();
    if names.is_empty() {
        usage_error("net-dns NAME...");
    }
    for name in &names {
        let outcome = (name.as_str(), 80u16).to_socket_addrs().map(|addresses| {
            addresses
                .map(|address| address.ip().to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        report(name, outcome);
    }
}
