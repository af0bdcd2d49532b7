//! `spin`: loops forever without calling the host, so only fuel or epoch interruption can
//! stop it. `black_box` on the counter keeps the optimiser from removing the loop.

use std::hint::black_box;

fn main() {
    let mut counter: u64 = 0;
    loop {
        counter = black_box(counter.wrapping_add(1));
    }
}
