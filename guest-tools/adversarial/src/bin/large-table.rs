//! `large-table`: a guest whose funcref table contains over 10,000 entries from the moment it
//! is instantiated, to test the host's limit on table elements. When it runs, it calls
//! every entry through its function pointer and prints `called 10000 table entries`.
//!
//! It substitutes for a guest that grows its table at run time, which stable Rust cannot
//! express: `core::arch::wasm32` has no `table.grow` intrinsic, and inline assembly for
//! wasm is unstable. Taking the address of a function places it in the module's table, so
//! 10,000 distinct functions whose addresses are taken give a table of at least that size.
//! A host limit below that makes instantiation fail, where a runtime `table.grow` would
//! instead return -1 inside the guest.

use std::hint::black_box;

/// Number of distinct functions placed in the table.
const ENTRIES: usize = 10_000;

/// Returns its own index. The constant makes every instantiation a distinct function, so
/// the linker cannot fold them into one table entry.
fn entry<const INDEX: usize>() -> usize {
    black_box(INDEX)
}

macro_rules! entries_10 {
    ($base:expr) => {
        [
            entry::<{ $base * 10 }>,
            entry::<{ $base * 10 + 1 }>,
            entry::<{ $base * 10 + 2 }>,
            entry::<{ $base * 10 + 3 }>,
            entry::<{ $base * 10 + 4 }>,
            entry::<{ $base * 10 + 5 }>,
            entry::<{ $base * 10 + 6 }>,
            entry::<{ $base * 10 + 7 }>,
            entry::<{ $base * 10 + 8 }>,
            entry::<{ $base * 10 + 9 }>,
        ]
    };
}

/// Expands `$inner!` for the ten bases `$base * 10 + 0` to `$base * 10 + 9`.
macro_rules! times_10 {
    ($inner:ident, $base:expr) => {
        [
            $inner!($base * 10),
            $inner!($base * 10 + 1),
            $inner!($base * 10 + 2),
            $inner!($base * 10 + 3),
            $inner!($base * 10 + 4),
            $inner!($base * 10 + 5),
            $inner!($base * 10 + 6),
            $inner!($base * 10 + 7),
            $inner!($base * 10 + 8),
            $inner!($base * 10 + 9),
        ]
    };
}

macro_rules! entries_100 {
    ($base:expr) => {
        times_10!(entries_10, $base)
    };
}

macro_rules! entries_1000 {
    ($base:expr) => {
        times_10!(entries_100, $base)
    };
}

type Entry = fn() -> usize;

static TABLE: [[[[Entry; 10]; 10]; 10]; 10] = times_10!(entries_1000, 0);

fn main() {
    let entries = TABLE.as_flattened().as_flattened().as_flattened();
    assert_eq!(entries.len(), ENTRIES);

    for (index, &function) in entries.iter().enumerate() {
        // black_box on the pointer forces an indirect call through the table.
        let returned = black_box(function)();
        assert_eq!(returned, index, "table entry {index} returned {returned}");
    }
    println!("called {} table entries", entries.len());
}
