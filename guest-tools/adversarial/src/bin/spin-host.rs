//! `spin-host`: loops forever, reading the monotonic clock through the host on every
//! iteration, so the guest spends most of its time in cheap host calls.

use std::hint::black_box;
use std::time::Instant;

fn main() {
    loop {
        black_box(Instant::now());
    }
}
