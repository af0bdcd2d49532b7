//! `probe-mkdir PATH...`: tries to create each directory PATH (not its parents) and
//! prints `ok PATH` or `err PATH KIND: MESSAGE` per PATH. Exit status 0.

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let paths = arguments();
    if paths.is_empty() {
        usage_error("probe-mkdir PATH...");
    }
    for path in &paths {
        report(path, std::fs::create_dir(path).map(|()| ""));
    }
}
