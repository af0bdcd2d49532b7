//! `exit-code [--std] N`: exits with status N.
//!
//! By default the status goes to the host through `wasi:cli/exit.exit-with-code`, so the
//! host receives N itself (its low 8 bits). With `--std` it calls `std::process::exit(N)`
//! instead, which on wasm32-wasip2 reports only success or failure: the host receives 0
//! for N = 0 and 1 for any other N.

use std::process;

use cordon_adversarial_guests::{arguments, exit, usage_error};

const USAGE: &str = "exit-code [--std] N  (N is an integer)";

fn main() {
    let arguments = arguments();
    let (through_std, value) = match arguments.as_slice() {
        [value] => (false, value),
        [flag, value] if flag == "--std" => (true, value),
        _ => usage_error(USAGE),
    };
    let code: i32 = value.parse().unwrap_or_else(|_| usage_error(USAGE));
    if through_std {
        process::exit(code);
    }
    exit(code);
}
