//! `print-flood`: prints a 100-byte line (99 characters and a newline) to stdout in an
//! endless loop and ignores write errors, so only the host's output limit or a timeout
//! stops it.

use std::io::{self, Write};

const LINE: &[u8; 100] =
    b"flood flood flood flood flood flood flood flood flood flood flood flood flood flood flood flood xxx\n";

fn main() {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    loop {
        let _ = out.write_all(LINE);
    }
}
