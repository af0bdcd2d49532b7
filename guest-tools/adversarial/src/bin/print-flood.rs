//! `print-flood [--stderr]`: prints a 100-byte line (99 characters and a newline) to stdout,
//! or to stderr with `--stderr`, in an endless loop. It ignores write errors, so it runs
//! until the host ends the call, for example at its timeout.

use std::io::{self, Write};

use cordon_adversarial_guests::{arguments, usage_error};

const LINE: &[u8; 100] =
    b"flood flood flood flood flood flood flood flood flood flood flood flood flood flood flood flood xxx\n";

fn main() {
    match arguments().as_slice() {
        [] => flood(io::stdout().lock()),
        [flag] if flag == "--stderr" => flood(io::stderr().lock()),
        _ => usage_error("print-flood [--stderr]"),
    }
}

fn flood(mut out: impl Write) -> ! {
    loop {
        let _ = out.write_all(LINE);
    }
}
