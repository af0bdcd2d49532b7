//! `hello`: prints `hello from a sandboxed tool` and exits 0. It is the smallest useful
//! tool, which benchmarks use to measure the cost of starting a guest.

fn main() {
    println!("hello from a sandboxed tool");
}
