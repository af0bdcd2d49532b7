//! Concurrent calls on one engine are independent: faults, traps and limits in some leave the others' results
//! intact.

use std::sync::Arc;

use cordon_policy::Policy;
use cordon_runtime::{Call, Status};
use cordon_tests::{Fixture, policy, runtime, tool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faulting_calls_leave_others_intact() {
    let fixture = Fixture::new();
    let strict =
        Arc::new(policy("[limits]\nfuel = 20_000_000\nmemory = \"16 MiB\"\ntimeout = \"3s\"\n", &fixture.workspace()));
    let plain = Arc::new(Policy::deny_all());

    let mut calls = Vec::new();
    for index in 0..50 {
        let (name, args, policy) = match index % 6 {
            0 => ("spin", vec![], Arc::clone(&strict)),
            1 => ("alloc-bomb", vec![], Arc::clone(&strict)),
            _ if index % 12 == 2 => ("panic", vec![format!("call {index} failed")], Arc::clone(&plain)),
            _ => ("env", vec![format!("call-{index}")], Arc::clone(&plain)),
        };
        let tool = tool(name);
        calls.push(tokio::spawn(async move {
            let outcome = runtime().run(&tool, &policy, Call::new().args(args)).await.unwrap();
            (index, name, outcome)
        }));
    }

    let mut faults = 0;
    for call in calls {
        let (index, name, outcome) = call.await.unwrap();
        match name {
            "spin" => assert_eq!(outcome.status, Status::FuelExhausted { limit: 20_000_000 }, "call {index}"),
            "alloc-bomb" => {
                assert!(matches!(outcome.status, Status::MemoryLimit { .. }), "call {index}: {:?}", outcome.status)
            }
            "panic" => assert!(matches!(outcome.status, Status::Trap { .. }), "call {index}: {:?}", outcome.status),
            _ => {
                assert_eq!(outcome.status, Status::Success, "call {index}");
                assert!(
                    outcome.stdout_text().contains(&format!("args: call-{index}\n")),
                    "call {index}: {}",
                    outcome.stdout_text()
                );
            }
        }
        if name != "env" {
            faults += 1;
        }
    }
    assert!(faults >= 50 / 3, "only {faults} of 50 calls faulted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_beyond_pool_fail_cleanly() {
    let runtime = cordon_runtime::Runtime::new(cordon_runtime::RuntimeConfig {
        cache_dir: Some(cordon_tests::target_dir().join("cordon-test-cache")),
        max_concurrent_calls: 1,
        ..cordon_runtime::RuntimeConfig::default()
    })
    .unwrap();
    let blocker = runtime.load_tool(&cordon_tests::guest_path("stdin-block")).unwrap();
    let hello = runtime.load_tool(&cordon_tests::guest_path("hello")).unwrap();
    let fixture = Fixture::new();
    let policy = policy("[limits]\ntimeout = \"1s\"\n", &fixture.workspace());

    // The first call holds the only instance slot while it waits on stdin that never ends.
    let (_writer, reader) = tokio::io::duplex(64);
    let first = runtime.run(&blocker, &policy, Call::new().stdin(cordon_runtime::Stdin::Reader(Box::new(reader))));
    let second = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        runtime.run(&hello, &policy, Call::new()).await
    };
    let (first, second) = tokio::join!(first, second);

    assert_eq!(first.unwrap().status, Status::Timeout { limit_ms: 1000 });
    let error = second.expect_err("a call beyond the pool must fail as a runtime error");
    assert!(matches!(error, cordon_runtime::RuntimeError::PoolExhausted(_)), "error: {error}");
}
