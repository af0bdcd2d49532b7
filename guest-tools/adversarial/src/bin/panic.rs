//! `panic [MESSAGE]`: panics with MESSAGE, or `deliberate panic` without one. The release
//! profile aborts on panic, so the guest ends in a wasm trap after the panic message is
//! printed to stderr.

use cordon_adversarial_guests::arguments;

fn main() {
    let arguments = arguments();
    let message = if arguments.is_empty() {
        "deliberate panic".to_string()
    } else {
        arguments.join(" ")
    };
    panic!("{message}");
}
