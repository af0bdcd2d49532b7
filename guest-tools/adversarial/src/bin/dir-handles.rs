//! `dir-handles DIR N`: opens DIR as a directory N times with `std::fs::read_dir` and keeps
//! every handle, then waits for the end of stdin, so the host can end the call while the
//! handles are still open.
//!
//! Prints `opened N` when all opens succeed, or `err after K: KIND: MESSAGE` at the first
//! failure, K being the number of handles opened before it. Either way the guest then
//! reads stdin to its end with the handles still open and prints `done`. Exit status 0,
//! or 1 with a message on stderr if stdin cannot be read.

use std::fs::{self, ReadDir};
use std::io::{self, Read};

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, exit, usage_error};

const USAGE: &str = "dir-handles DIR N  (N is a non-negative integer)";

fn main() {
    adopt_initial_cwd();
    let [directory, count] = <[String; 2]>::try_from(arguments()).unwrap_or_else(|_| usage_error(USAGE));
    let count: usize = count.parse().unwrap_or_else(|_| usage_error(USAGE));

    // `exit` runs no destructors, so the handles stay open until the guest ends.
    let _handles = open_handles(&directory, count);

    let mut input = Vec::new();
    if let Err(err) = io::stdin().lock().read_to_end(&mut input) {
        eprintln!("dir-handles: standard input: {err}");
        exit(1);
    }
    println!("done");
    exit(0);
}

/// Opens `directory` up to `count` times and prints `opened N`, or the error line at the
/// first failure. Returns the handles opened.
fn open_handles(directory: &str, count: usize) -> Vec<ReadDir> {
    let mut handles = Vec::with_capacity(count);
    for _ in 0..count {
        match fs::read_dir(directory) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                println!("err after {}: {:?}: {err}", handles.len(), err.kind());
                return handles;
            }
        }
    }
    println!("opened {}", handles.len());
    handles
}
