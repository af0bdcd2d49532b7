//! `stdin-block`: reads stdin to its end and prints `read N bytes`. While stdin stays open
//! and sends nothing, the read blocks inside the host.

use std::io::{self, Read};

use cordon_adversarial_guests::exit;

fn main() {
    let mut data = Vec::new();
    if let Err(err) = io::stdin().lock().read_to_end(&mut data) {
        eprintln!("stdin-block: standard input: {err}");
        exit(1);
    }
    println!("read {} bytes", data.len());
}
