//! `sleep MILLIS`: sleeps for MILLIS milliseconds with `std::thread::sleep`, which waits
//! in the host's monotonic clock, then prints `slept MILLIS`.

use std::thread;
use std::time::Duration;

use cordon_adversarial_guests::{arguments, usage_error};

fn main() {
    let millis = match arguments().as_slice() {
        [value] => value
            .parse::<u64>()
            .unwrap_or_else(|_| usage_error("sleep MILLIS  (MILLIS is a non-negative integer)")),
        _ => usage_error("sleep MILLIS"),
    };
    thread::sleep(Duration::from_millis(millis));
    println!("slept {millis}");
}
