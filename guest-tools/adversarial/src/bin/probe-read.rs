//! `probe-read PATH...`: tries to read each PATH and prints one line per PATH.
//!
//! A file prints `ok PATH BYTES` with the number of bytes read. A directory is listed
//! instead and prints `ok PATH dir N` with its entry count. A failure prints
//! `err PATH KIND: MESSAGE`. The exit status is 0 whatever the outcomes.

use std::fs::{self, File};
use std::io::{self, Read};

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let paths = arguments();
    if paths.is_empty() {
        usage_error("probe-read PATH...");
    }
    for path in &paths {
        report(path, read(path));
    }
}

/// Opens `path` once and decides from the open handle whether to read or list it, so the
/// outcome reflects that single open.
fn read(path: &str) -> io::Result<String> {
    let mut file = File::open(path)?;
    if file.metadata()?.is_dir() {
        let mut entries = 0usize;
        for entry in fs::read_dir(path)? {
            entry?;
            entries += 1;
        }
        return Ok(format!("dir {entries}"));
    }
    let mut data = Vec::new();
    file.read_to_end(&mut data)?;
    Ok(data.len().to_string())
}
