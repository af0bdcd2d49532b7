//! Each limit ends a call with its own outcome kind, and the host carries on.

use std::time::Duration;

use cordon_runtime::{Call, Status, Stdin};
use cordon_tests::{Fixture, policy, run, run_call};

fn limits_policy(limits: &str) -> cordon_policy::Policy {
    policy(&format!("[limits]\n{limits}\n"), &Fixture::new().workspace())
}

#[tokio::test]
async fn spin_exhausts_fuel() {
    let outcome = run("spin", &limits_policy("fuel = 5_000_000\ntimeout = \"30s\""), &[]).await;
    assert_eq!(outcome.status, Status::FuelExhausted { limit: 5_000_000 });
    assert!(outcome.fuel_used >= 5_000_000, "fuel used: {}", outcome.fuel_used);
}

#[tokio::test]
async fn spin_hits_wall_clock_timeout() {
    let outcome = run("spin", &limits_policy("fuel = 10_000_000_000_000\ntimeout = \"200ms\""), &[]).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 200 });
    assert!(outcome.duration < Duration::from_secs(5), "took {:?}", outcome.duration);
    assert!(outcome.fuel_used > 1_000_000, "fuel used: {}", outcome.fuel_used);
}

#[tokio::test]
async fn spin_with_host_calls_times_out() {
    let outcome = run("spin-host", &limits_policy("fuel = 10_000_000_000_000\ntimeout = \"200ms\""), &[]).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 200 });
}

#[tokio::test]
async fn sleep_past_timeout_times_out() {
    let outcome = run("sleep", &limits_policy("timeout = \"200ms\""), &["60000"]).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 200 });
    assert!(outcome.duration < Duration::from_secs(5), "took {:?}", outcome.duration);
}

#[tokio::test]
async fn blocked_stdin_read_times_out() {
    // The writer half stays open, so the guest's read never reaches end-of-file.
    let (_writer, reader) = tokio::io::duplex(64);
    let call = Call::new().stdin(Stdin::Reader(Box::new(reader)));
    let outcome = run_call("stdin-block", &limits_policy("timeout = \"200ms\""), call).await;
    assert_eq!(outcome.status, Status::Timeout { limit_ms: 200 });
}

#[tokio::test]
async fn memory_bomb_hits_memory_limit() {
    let outcome = run("alloc-bomb", &limits_policy("memory = \"16 MiB\""), &[]).await;
    let Status::MemoryLimit { limit, requested } = outcome.status else {
        panic!("expected a memory limit, got {:?}; stderr: {}", outcome.status, outcome.stderr_text());
    };
    assert_eq!(limit, 16 << 20);
    assert!(requested > 16 << 20, "requested: {requested}");
    assert!(outcome.peak_memory <= 16 << 20, "peak: {}", outcome.peak_memory);
}

#[tokio::test]
async fn oversized_table_hits_table_limit() {
    let outcome = run("large-table", &limits_policy("table-elements = 1000"), &[]).await;
    assert_eq!(outcome.status, Status::TableLimit { limit: 1000 });
}

#[tokio::test]
async fn table_within_limit_runs() {
    let outcome = run("large-table", &limits_policy("table-elements = 20_000"), &[]).await;
    assert_eq!(outcome.stdout_text(), "called 10000 table entries\n");
}

#[tokio::test]
async fn endless_recursion_traps_on_stack() {
    let outcome = run("recurse", &limits_policy(""), &[]).await;
    let Status::Trap { message, .. } = &outcome.status else {
        panic!("expected a trap, got {:?}", outcome.status);
    };
    assert!(message.contains("call stack exhausted"), "message: {message}");
}

#[tokio::test]
async fn shadow_stack_overflow_traps() {
    // Rust keeps address-taken locals on a stack in linear memory, which has no guard page: running off its end
    // is an out-of-bounds access, still a trap that ends only this call.
    let outcome = run("recurse", &limits_policy(""), &["--shadow"]).await;
    let Status::Trap { message, .. } = &outcome.status else {
        panic!("expected a trap, got {:?}", outcome.status);
    };
    assert!(message.contains("out of bounds memory access"), "message: {message}");
}

#[tokio::test]
async fn instance_limit_refuses_instantiation() {
    let outcome = run("hello", &limits_policy("instances = 1"), &[]).await;
    assert_eq!(outcome.status, Status::InstanceLimit { limit: 1 });
}

#[tokio::test]
async fn output_flood_cut_at_limit() {
    let outcome = run("print-flood", &limits_policy("fuel = 50_000_000\nstdout = \"1 KiB\""), &[]).await;
    assert_eq!(outcome.status, Status::FuelExhausted { limit: 50_000_000 });
    assert_eq!(outcome.stdout.bytes.len(), 1024);
    assert!(outcome.stdout.truncated);
    assert!(outcome.stdout.written > 1024);
}

#[tokio::test]
async fn panic_becomes_trap_with_stderr() {
    let outcome = run("panic", &limits_policy(""), &["tool gave up"]).await;
    assert!(matches!(outcome.status, Status::Trap { .. }), "status: {:?}", outcome.status);
    assert!(outcome.stderr_text().contains("tool gave up"), "stderr: {}", outcome.stderr_text());
}

#[tokio::test]
async fn exit_status_passes_through() {
    let outcome = run("exit-code", &limits_policy(""), &["7"]).await;
    assert_eq!(outcome.status, Status::Exit { code: 7 });
}

#[tokio::test]
async fn trivial_call_reports_its_costs() {
    let outcome = run("hello", &limits_policy(""), &[]).await;
    assert_eq!(outcome.status, Status::Success);
    assert_eq!(outcome.stdout_text(), "hello from a sandboxed tool\n");
    assert!(outcome.fuel_used > 0);
    assert!(outcome.peak_memory > 0);
}
