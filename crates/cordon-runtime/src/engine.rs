//! The process-wide wasmtime engine and the thread that advances its epoch.
//!
//! One engine serves every call. It uses the pooling allocator, so that instantiating a call takes slots from
//! pre-reserved pools instead of fresh `mmap`s, with copy-on-write memory images so that a guest's data segments are
//! mapped rather than copied. Fuel bounds how much a guest computes and epochs bound how long it runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use cordon_policy::Limits;
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::error::RuntimeError;

/// How often the epoch advances. Every tick, each running guest checks its deadline and yields to the async
/// executor, so this is both the timeout's resolution and the longest a spinning guest holds a thread.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The largest linear memory any policy may grant, in bytes: all of a 32-bit address space.
const MAX_MEMORY_BYTES: u64 = *Limits::MEMORY_RANGE.end();

/// The most table elements any policy may grant per table.
const MAX_TABLE_ELEMENTS: u64 = *Limits::TABLE_ELEMENTS_RANGE.end();

/// Core instances, memories and tables a single component may create, as many as any policy may grant.
const MAX_INSTANCES_PER_CALL: u32 = *Limits::INSTANCES_RANGE.end();

/// How much of a linear memory, and of a table, is reset in place when a call ends, instead of being handed back to
/// the kernel with `madvise`. The default `madvise` reset makes every call pay for a TLB flush across all threads of
/// the process, and for page faults when the next call touches the same pages again. On a two-core VM that was about
/// a fifth of a trivial call, and it stopped throughput from scaling past one core. With the kernel's `PAGEMAP_SCAN`
/// (Linux 6.7 and later) only the pages a call wrote are reset, so a small tool's memory (a Rust guest starts with
/// 1.06 MiB) is reset with no system call at all. A slot keeps at most this much resident while unused.
const KEEP_RESIDENT_WITH_PAGEMAP: usize = 2 << 20;

/// How much is reset in place without `PAGEMAP_SCAN`. wasmtime then `memset`s the whole region whether the call wrote
/// it or not, so a larger value would cost more than the `madvise` it replaces.
const KEEP_RESIDENT_WITHOUT_PAGEMAP: usize = 64 << 10;

pub(crate) fn build_engine(max_concurrent_calls: u32) -> Result<Engine, RuntimeError> {
    let calls = max_concurrent_calls.max(1);

    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(calls);
    pool.total_core_instances(calls.saturating_mul(8));
    pool.total_memories(calls.saturating_mul(2));
    pool.total_tables(calls.saturating_mul(4));
    pool.total_stacks(calls);
    pool.max_memory_size(MAX_MEMORY_BYTES as usize);
    pool.table_elements(MAX_TABLE_ELEMENTS as usize);
    pool.max_core_instances_per_component(MAX_INSTANCES_PER_CALL);
    pool.max_memories_per_component(MAX_INSTANCES_PER_CALL);
    pool.max_tables_per_component(MAX_INSTANCES_PER_CALL);
    let keep_resident = if PoolingAllocationConfig::is_pagemap_scan_available() {
        pool.pagemap_scan(Enabled::Yes);
        KEEP_RESIDENT_WITH_PAGEMAP
    } else {
        KEEP_RESIDENT_WITHOUT_PAGEMAP
    };
    pool.linear_memory_keep_resident(keep_resident);
    pool.table_keep_resident(keep_resident);

    let mut config = Config::new();
    config.wasm_component_model(true);
    config.consume_fuel(true);
    config.epoch_interruption(true);
    config.memory_init_cow(true);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

    Engine::new(&config).map_err(|error| RuntimeError::Engine(format!("{error:#}")))
}

/// A background thread that advances the engine's epoch every [`EPOCH_TICK`] until dropped.
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    pub(crate) fn start(engine: &Engine) -> Result<Self, RuntimeError> {
        let stop = Arc::new(AtomicBool::new(false));
        let engine = engine.weak();
        let thread = std::thread::Builder::new()
            .name("cordon-epoch".to_owned())
            .spawn({
                let stop = Arc::clone(&stop);
                move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(EPOCH_TICK);
                        match engine.upgrade() {
                            Some(engine) => engine.increment_epoch(),
                            None => break,
                        }
                    }
                }
            })
            .map_err(|error| RuntimeError::Engine(format!("cannot start the epoch thread: {error}")))?;
        Ok(EpochTicker { stop, thread: Some(thread) })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
