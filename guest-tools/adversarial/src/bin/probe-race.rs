//! `probe-race PATH ITERATIONS`: reads PATH ITERATIONS times and counts the outcomes,
//! while a host test swaps PATH between a regular file and a symbolic link to a file
//! outside the preopens.
//!
//! Prints `reads ok=N err=M`, then `secret-seen=yes` if the content of any successful read
//! contained the bytes `top secret`, else `secret-seen=no`. Failed reads are only counted.
//! Exit status 0.

use std::fs;

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, exit, usage_error};

const USAGE: &str = "probe-race PATH ITERATIONS  (ITERATIONS is a non-negative integer)";

/// The marker that the host test writes into the file outside the preopens.
const SECRET: &[u8] = b"top secret";

fn main() {
    adopt_initial_cwd();
    let [path, iterations] = <[String; 2]>::try_from(arguments()).unwrap_or_else(|_| usage_error(USAGE));
    let iterations: u64 = iterations.parse().unwrap_or_else(|_| usage_error(USAGE));

    let mut successes = 0u64;
    let mut failures = 0u64;
    let mut secret_seen = false;
    for _ in 0..iterations {
        match fs::read(&path) {
            Ok(data) => {
                successes += 1;
                secret_seen |= contains(&data, SECRET);
            }
            Err(_) => failures += 1,
        }
    }

    println!("reads ok={successes} err={failures}");
    println!("secret-seen={}", if secret_seen { "yes" } else { "no" });
    exit(0);
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|window| window == needle)
}
