//! `open-handles N [PATH]`: opens PATH (default `.`, the current directory) N times and
//! keeps every handle open, to exhaust the host's table of guest resources.
//!
//! Prints `opened N` when all opens succeed, or `err after K: KIND: MESSAGE` at the first
//! failure, K being the number of handles opened before it. Exit status 0 either way. A
//! directory can be opened without write access, so the default needs only a read-only
//! preopen of the current directory.

use std::fs::File;

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, usage_error};

const USAGE: &str = "open-handles N [PATH]";

fn main() {
    adopt_initial_cwd();
    let arguments = arguments();
    let (count, path) = match arguments.as_slice() {
        [count] => (count, "."),
        [count, path] => (count, path.as_str()),
        _ => usage_error(USAGE),
    };
    let count: usize = count.parse().unwrap_or_else(|_| usage_error(USAGE));

    let mut handles = Vec::with_capacity(count);
    for _ in 0..count {
        match File::open(path) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                println!("err after {}: {:?}: {err}", handles.len(), err.kind());
                return;
            }
        }
    }
    println!("opened {}", handles.len());
}
