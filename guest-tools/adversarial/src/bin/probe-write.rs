//! `probe-write PATH...`: tries to create or truncate each PATH and write the 5 bytes
//! `probe`, printing `ok PATH` or `err PATH KIND: MESSAGE` per PATH. Exit status 0.

use std::fs::File;
use std::io::Write;

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let paths = arguments();
    if paths.is_empty() {
        usage_error("probe-write PATH...");
    }
    for path in &paths {
        let outcome = File::create(path).and_then(|mut file| {
            file.write_all(b"probe")?;
            file.flush()
        });
        report(path, outcome.map(|()| ""));
    }
}
