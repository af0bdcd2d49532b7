//! `alloc-bomb [CHUNK_BYTES]`: allocates chunks of CHUNK_BYTES (default 1 MiB) and keeps
//! them until an allocation fails, printing `allocated N MiB` to stderr at every 16 MiB.
//!
//! Every chunk comes from the global allocator and has a byte written on each 4 KiB page,
//! so the memory is really in use. When the host refuses to grow linear memory, the
//! failed allocation ends in Rust's allocation-failure abort, a wasm trap.

use std::hint::black_box;

use cordon_adversarial_guests::{arguments, usage_error};

const MIB: usize = 1024 * 1024;
const DEFAULT_CHUNK_BYTES: usize = MIB;
const REPORT_EVERY_BYTES: usize = 16 * MIB;
const PAGE_BYTES: usize = 4096;

fn main() {
    let chunk_bytes = match arguments().as_slice() {
        [] => DEFAULT_CHUNK_BYTES,
        [value] => match value.parse::<usize>() {
            Ok(bytes) if bytes > 0 => bytes,
            _ => usage_error("alloc-bomb [CHUNK_BYTES]  (CHUNK_BYTES is a positive integer)"),
        },
        _ => usage_error("alloc-bomb [CHUNK_BYTES]"),
    };

    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut total_bytes: usize = 0;
    let mut next_report = REPORT_EVERY_BYTES;
    loop {
        let mut chunk = Vec::<u8>::with_capacity(chunk_bytes);
        // Writing through spare_capacity_mut touches each page without relying on the
        // allocator to zero the memory, which it may skip for freshly grown memory.
        for page in chunk.spare_capacity_mut().chunks_mut(PAGE_BYTES) {
            page[0].write(1);
        }
        black_box(chunk.as_mut_ptr());
        chunks.push(chunk);

        total_bytes = total_bytes.saturating_add(chunk_bytes);
        while total_bytes >= next_report {
            eprintln!("allocated {} MiB", next_report / MIB);
            next_report += REPORT_EVERY_BYTES;
        }
    }
}
