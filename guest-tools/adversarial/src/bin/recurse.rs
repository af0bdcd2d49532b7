//! `recurse [--shadow]`: recurses without end until a stack runs out and the host traps.
//!
//! By default each frame keeps only scalars, which live on wasmtime's native stack, so the recursion ends in
//! wasmtime's own stack-overflow trap. With `--shadow`, each frame also holds a 256-byte array whose address escapes;
//! LLVM places such arrays on the shadow stack in linear memory, which has no guard page, so the recursion runs the
//! stack pointer below zero and ends in an out-of-bounds memory access instead.
//!
//! In both variants the result of the inner call is used after it returns, so the optimiser can turn the recursion
//! neither into a loop nor into frames without stack space.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use cordon_adversarial_guests::{arguments, usage_error};

/// Counts frames; reading it on the way down gives every frame a value the optimiser cannot predict.
static DEPTH: AtomicU64 = AtomicU64::new(0);

fn main() {
    let depth = match arguments().as_slice() {
        [] => descend_native(0),
        [flag] if flag == "--shadow" => descend_shadow(0),
        _ => usage_error("recurse [--shadow]"),
    };
    // Never reached: printing the result keeps the recursion from being treated as dead code.
    println!("returned from depth {depth}");
}

#[inline(never)]
#[allow(unconditional_recursion)]
fn descend_native(depth: u64) -> u64 {
    let seen = DEPTH.fetch_add(1, Ordering::Relaxed);
    let deeper = descend_native(depth.wrapping_add(seen));
    deeper.wrapping_mul(31).wrapping_add(seen)
}

#[inline(never)]
#[allow(unconditional_recursion)]
fn descend_shadow(depth: u64) -> u64 {
    let mut frame = [0u8; 256];
    frame[0] = depth as u8;
    black_box(&mut frame);
    let deeper = descend_shadow(depth + 1);
    deeper.wrapping_add(u64::from(frame[255]))
}
