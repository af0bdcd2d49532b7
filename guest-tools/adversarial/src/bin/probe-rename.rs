//! `probe-rename FROM TO`: tries to rename FROM to TO and prints `ok FROM TO` or
//! `err FROM TO KIND: MESSAGE`. Exit status 0.

use cordon_adversarial_guests::{adopt_initial_cwd, arguments, report, usage_error};

fn main() {
    adopt_initial_cwd();
    let [from, to] = <[String; 2]>::try_from(arguments()).unwrap_or_else(|_| usage_error("probe-rename FROM TO"));
    let subject = format!("{from} {to}");
    report(&subject, std::fs::rename(&from, &to).map(|()| ""));
}
