//! `probe-remove PATH...`: tries to remove each PATH, with `remove_dir` for a directory
//! and `remove_file` for anything else (a symlink is removed, not its target). Prints
//! `ok PATH` or `err PATH KIND: MESSAGE` per PATH. Exit status 0.

use std::fs;
use std::io;

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let paths = arguments();
    if paths.is_empty() {
        usage_error("probe-remove PATH...");
    }
    for path in &paths {
        report(path, remove(path).map(|()| ""));
    }
}

fn remove(path: &str) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir(path)
    } else {
        fs::remove_file(path)
    }
}
