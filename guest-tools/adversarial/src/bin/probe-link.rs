//! `probe-link TARGET LINK`: tries to create a hard link at LINK to the file TARGET and
//! prints `ok TARGET LINK` or `err TARGET LINK KIND: MESSAGE`. Exit status 0.

use std::fs;

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, exit, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let [target, link] = <[String; 2]>::try_from(arguments()).unwrap_or_else(|_| usage_error("probe-link TARGET LINK"));
    let subject = format!("{target} {link}");
    report(&subject, fs::hard_link(&target, &link).map(|()| ""));
    exit(0);
}
