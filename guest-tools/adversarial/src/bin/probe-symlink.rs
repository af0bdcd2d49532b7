//! `probe-symlink TARGET LINK`: tries to create a symbolic link at LINK whose target is the
//! text TARGET, then reads the file through LINK.
//!
//! The first line is `ok TARGET LINK` or `err TARGET LINK KIND: MESSAGE`. When the link was
//! created, a second line gives the outcome of reading through it: `ok read LINK BYTES`
//! with the number of bytes read, or `err read LINK KIND: MESSAGE`. TARGET is stored as
//! given, so a relative TARGET is resolved from LINK's directory. Exit status 0.

use std::fs;

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, exit, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let [target, link] =
        <[String; 2]>::try_from(arguments()).unwrap_or_else(|_| usage_error("probe-symlink TARGET LINK"));

    let subject = format!("{target} {link}");
    let created = create_symlink(&target, &link);
    let was_created = created.is_ok();
    report(&subject, created.map(|()| ""));

    if was_created {
        report(&format!("read {link}"), fs::read(&link).map(|data| data.len()));
    }
    exit(0);
}

/// Creates the symbolic link through `std::fs::soft_link`.
///
/// The WASI-specific `std::os::wasi::fs::symlink_path` is behind the unstable `wasi_ext`
/// feature in Rust 1.95, and `std::os::unix` does not exist on this target. `soft_link` is
/// deprecated in favour of such per-platform calls but works on stable.
#[allow(deprecated)]
fn create_symlink(target: &str, link: &str) -> std::io::Result<()> {
    fs::soft_link(target, link)
}
