//! The runtime: loads tools and runs calls, each in a fresh store under its policy.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cordon_policy::Policy;
use cordon_shim::{CallShim, ShimConfig, Upstream};
use wasmtime::component::{Linker, ResourceTable, ResourceTableError, Val};
use wasmtime::{Engine, Store, Trap, UpdateDeadline};
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p2::bindings::CommandPre;
use wasmtime_wasi_http::WasiHttpCtx;

use crate::cache::{CacheStatus, ComponentCache, content_digest};
use crate::call::Call;
use crate::engine::{EPOCH_TICK, EpochTicker, build_engine};
use crate::error::{LoadError, RuntimeError};
use crate::http::ShimHooks;
use crate::limiter::CallLimiter;
use crate::network::shim_config;
use crate::outcome::{Outcome, Status};
use crate::output::BoundedOutput;
use crate::sandbox::{SandboxInputs, build_wasi};
use crate::state::CallState;
use crate::tool::{Entry, Tool, check_header, exported_functions, exports_cli_run, read_component, tool_name};

/// The interface of types that typed tools share with the host. It has no functions, so an empty instance
/// satisfies a component that imports it.
const TOOL_TYPES_INTERFACE: &str = "cordon:tool/types@0.1.0";

/// How long after its deadline a call blocked in a host call is abandoned. Two epoch ticks let a computing guest
/// reach its own epoch check first.
const BLOCKED_CALL_GRACE: Duration = Duration::from_millis(2 * EPOCH_TICK.as_millis() as u64);

/// Fuel between two points where a running guest hands its fuel count back to the store and yields to the
/// executor. Compiled code keeps the count in a register inside loops, so without these points a guest ended by
/// its epoch deadline would report almost no fuel used. About a millisecond of guest work, so the yields cost
/// little.
const FUEL_YIELD_INTERVAL: u64 = 1_000_000;

/// Settings for a [`Runtime`].
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// The directory of compiled components. With `None`, every load compiles the tool in memory.
    pub cache_dir: Option<PathBuf>,
    /// The directory under which per-call scratch directories are created, or the system temporary directory.
    pub scratch_root: Option<PathBuf>,
    /// The number of calls that may hold an instance at once. The pooling allocator reserves address space for this many up
    /// front (virtual memory only, about 4 GiB a call), and a call beyond it fails to instantiate.
    pub max_concurrent_calls: u32,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig { cache_dir: crate::cache::default_cache_dir(), scratch_root: None, max_concurrent_calls: 1000 }
    }
}

/// One engine and everything shared between calls. Create one per process and share it by reference or `Arc`.
pub struct Runtime {
    engine: Engine,
    linker: Linker<CallState>,
    cache: Option<ComponentCache>,
    scratch_root: PathBuf,
    /// The pooled client every call's shim forwards through, so connections to an emulator outlive one call.
    upstream: Upstream,
    /// The shim configuration of policies without a network section: no routes, so every request is refused.
    no_network: Arc<ShimConfig>,
    _ticker: EpochTicker,
}

impl Runtime {
    /// Creates the engine, links the WASI interfaces and starts the epoch thread.
    ///
    /// # Errors
    ///
    /// Fails if wasmtime rejects the configuration or the process cannot reserve the allocator's pools.
    pub fn new(config: RuntimeConfig) -> Result<Runtime, RuntimeError> {
        let engine = build_engine(config.max_concurrent_calls)?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|error| RuntimeError::Engine(format!("{error:#}")))?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .map_err(|error| RuntimeError::Engine(format!("{error:#}")))?;
        linker.instance(TOOL_TYPES_INTERFACE).map_err(|error| RuntimeError::Engine(format!("{error:#}")))?;
        crate::symlinks::restrict_symlink_targets(&mut linker)
            .map_err(|error| RuntimeError::Engine(format!("{error:#}")))?;

        let cache = config.cache_dir.map(|dir| ComponentCache::new(dir, &engine));
        let scratch_root = config.scratch_root.unwrap_or_else(std::env::temp_dir);
        let ticker = EpochTicker::start(&engine)?;
        Ok(Runtime {
            engine,
            linker,
            cache,
            scratch_root,
            upstream: Upstream::new(),
            no_network: Arc::default(),
            _ticker: ticker,
        })
    }

    /// Returns the engine, for callers that compile or inspect components themselves.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Loads a tool from a component file: compiled or read from the cache, linked and pre-instantiated.
    ///
    /// A component that exports `wasi:cli/run` becomes a command tool; one that exports functions instead becomes
    /// a typed tool.
    ///
    /// # Errors
    ///
    /// Each way a file can be unusable has its own [`LoadError`]: missing, unreadable, not WebAssembly, a core
    /// module, malformed, importing an interface Cordon does not provide, or exporting neither `wasi:cli/run`
    /// nor any function.
    pub fn load_tool(&self, path: &Path) -> Result<Tool, LoadError> {
        let bytes = read_component(path)?;
        self.load_tool_bytes(path, &bytes)
    }

    /// Loads a tool from component bytes; `path` names it in errors and gives the tool its name.
    pub fn load_tool_bytes(&self, path: &Path, bytes: &[u8]) -> Result<Tool, LoadError> {
        check_header(path, bytes)?;
        let started = Instant::now();
        let digest = content_digest(bytes);

        let compiled = match &self.cache {
            Some(cache) => cache.load(&self.engine, &digest, bytes),
            None => wasmtime::component::Component::new(&self.engine, bytes)
                .map(|component| (component, CacheStatus::Disabled)),
        };
        let (component, cache_status) =
            compiled.map_err(|error| LoadError::Invalid { path: path.to_owned(), message: format!("{error:#}") })?;

        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|error| LoadError::MissingImport { path: path.to_owned(), message: format!("{error:#}") })?;
        let (entry, functions) = if exports_cli_run(&component, &self.engine) {
            let pre = CommandPre::new(instance_pre)
                .map_err(|error| LoadError::NotCommand { path: path.to_owned(), message: format!("{error:#}") })?;
            (Entry::Command(pre), Vec::new())
        } else {
            let functions = exported_functions(&component, &self.engine);
            if functions.is_empty() {
                return Err(LoadError::NoEntry { path: path.to_owned() });
            }
            (Entry::Typed(instance_pre), functions)
        };

        tracing::debug!(tool = %path.display(), ?cache_status, elapsed = ?started.elapsed(), "loaded tool");
        Ok(Tool { name: tool_name(path), digest, cache_status, entry, functions })
    }

    /// Runs one call of `tool` under `policy` in a fresh store, and returns how it ended.
    ///
    /// The guest's failures (traps, exit codes, exhausted fuel, memory or time) are all [`Outcome`]s. The future is
    /// `Send`, so calls can be spawned onto a multi-threaded runtime and run concurrently.
    ///
    /// # Errors
    ///
    /// Failures of Cordon itself: the scratch directory or a preopen cannot be created, or more calls are in
    /// flight than [`RuntimeConfig::max_concurrent_calls`] allows. Also a call that does not fit the tool: a
    /// command tool given a function to invoke, a typed tool given none, or an unknown function or wrong number of
    /// parameters.
    pub async fn run(&self, tool: &Tool, policy: &Policy, mut call: Call) -> Result<Outcome, RuntimeError> {
        let started = Instant::now();
        let entry = resolve_entry(tool, call.invoke.take())?;
        let cancel = call.cancel.take();
        let limits = &policy.limits;
        let deadline = started + limits.timeout;

        let scratch = match &policy.scratch {
            Some(_) => Some(self.create_scratch()?),
            None => None,
        };
        let shim_config = if policy.network.routes.is_empty() {
            Arc::clone(&self.no_network)
        } else {
            // NOTE: the configuration is rebuilt for every call; a caller with many calls under one policy pays for
            // parsing its patterns each time.
            shim_config(&policy.network)?
        };
        let shim = CallShim::new(shim_config, self.upstream.clone(), call.audit_log.clone());
        let keep_scratch = call.keep_scratch.clone();
        let stdout = BoundedOutput::new(limits.stdout);
        let stderr = BoundedOutput::new(limits.stderr);
        let wasi = build_wasi(
            policy,
            SandboxInputs {
                program: &tool.name,
                call,
                scratch: scratch.as_ref().map(|dir| dir.path()),
                stdout: &stdout,
                stderr: &stderr,
            },
        )?;

        let state = CallState {
            wasi,
            http: WasiHttpCtx::new(),
            hooks: ShimHooks { shim: shim.clone() },
            table: resource_table(limits.handles),
            limiter: CallLimiter::new(limits),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_fuel(limits.fuel).map_err(|error| RuntimeError::Instantiate(format!("{error:#}")))?;
        store
            .fuel_async_yield_interval(Some(FUEL_YIELD_INTERVAL))
            .map_err(|error| RuntimeError::Instantiate(format!("{error:#}")))?;
        // Each epoch tick records the fuel left, in case the call is abandoned while its fiber is suspended.
        let fuel_at_tick = Arc::new(AtomicU64::new(limits.fuel));
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback({
            let fuel_at_tick = Arc::clone(&fuel_at_tick);
            move |context| {
                if let Ok(fuel) = context.get_fuel() {
                    fuel_at_tick.store(fuel, Ordering::Relaxed);
                }
                if Instant::now() >= deadline { Ok(UpdateDeadline::Interrupt) } else { Ok(UpdateDeadline::Yield(1)) }
            }
        });

        // The epoch callback stops a guest that computes past the deadline. A guest blocked in a host call (reading
        // stdin, sleeping) never reaches an epoch check, so this timeout stops it instead. It fires a little after
        // the deadline, so that a computing guest ends at its epoch check with its fuel accounted for.
        let mut results = Vec::new();
        let run = async {
            match entry {
                ResolvedEntry::Command(pre) => {
                    let command = pre.instantiate_async(&mut store).await?;
                    command.wasi_cli_run().call_run(&mut store).await
                }
                ResolvedEntry::Function { pre, index, params, result_count } => {
                    let instance = pre.instantiate_async(&mut store).await?;
                    let func = instance
                        .get_func(&mut store, index)
                        .ok_or_else(|| wasmtime::Error::msg("the exported function is missing from the instance"))?;
                    results = vec![Val::Bool(false); result_count];
                    func.call_async(&mut store, &params, &mut results).await?;
                    Ok(Ok(()))
                }
            }
        };
        let cancellable = async {
            match &cancel {
                Some(token) => tokio::select! {
                    biased;
                    () = token.cancelled() => None,
                    result = run => Some(result),
                },
                None => Some(run.await),
            }
        };
        let result = tokio::time::timeout_at((deadline + BLOCKED_CALL_GRACE).into(), cancellable).await;

        let fuel_left = fuel_at_tick.load(Ordering::Relaxed).min(store.get_fuel().unwrap_or(u64::MAX));
        let fuel_used = limits.fuel.saturating_sub(fuel_left);
        let status = match result {
            Err(_elapsed) => Status::Timeout { limit_ms: millis(limits.timeout) },
            Ok(None) => Status::Cancelled,
            Ok(Some(Ok(Ok(())))) => Status::Success,
            Ok(Some(Ok(Err(())))) => Status::Exit { code: 1 },
            Ok(Some(Err(error))) => classify_error(error, policy, &store.data().limiter)?,
        };
        if status != Status::Success {
            results.clear();
        }
        let peak_memory = store.data().limiter.peak_memory();

        // The store keeps the scratch directory open through its preopen, so drop it before removing the directory.
        drop(store);
        let kept = match (&scratch, &keep_scratch) {
            (Some(scratch), Some(destination)) => crate::scratch::copy_tree(scratch.path(), destination)
                .map_err(|source| RuntimeError::KeepScratch { destination: destination.clone(), source }),
            _ => Ok(()),
        };
        if let Some(scratch) = scratch {
            let path = scratch.path().to_owned();
            if let Err(error) = scratch.close() {
                tracing::error!(scratch = %path.display(), %error, "cannot remove a call's scratch directory");
            }
        }

        let outcome = Outcome {
            status,
            stdout: stdout.take(),
            stderr: stderr.take(),
            fuel_used,
            peak_memory,
            duration: started.elapsed(),
            audit: shim.events(),
            results,
        };
        kept?;
        tracing::info!(
            tool = %tool.name,
            outcome = outcome.status.kind(),
            fuel_used,
            peak_memory,
            duration_us = outcome.duration.as_micros() as u64,
            "call finished"
        );
        Ok(outcome)
    }

    fn create_scratch(&self) -> Result<tempfile::TempDir, RuntimeError> {
        tempfile::Builder::new()
            .prefix("cordon-scratch-")
            .tempdir_in(&self.scratch_root)
            .map_err(|source| RuntimeError::Scratch { root: self.scratch_root.clone(), source })
    }
}

/// The entry point of one call, with everything looked up before the store exists.
enum ResolvedEntry<'a> {
    Command(&'a CommandPre<CallState>),
    Function {
        pre: &'a wasmtime::component::InstancePre<CallState>,
        index: wasmtime::component::ComponentExportIndex,
        params: Vec<Val>,
        result_count: usize,
    },
}

/// Checks that a call fits its tool: a command without a function, or a typed tool with one of its functions and
/// the right number of parameters.
fn resolve_entry(tool: &Tool, invoke: Option<crate::call::Invoke>) -> Result<ResolvedEntry<'_>, RuntimeError> {
    match (&tool.entry, invoke) {
        (Entry::Command(pre), None) => Ok(ResolvedEntry::Command(pre)),
        (Entry::Command(_), Some(invoke)) => {
            Err(RuntimeError::NotTyped { tool: tool.name.clone(), function: invoke.function })
        }
        (Entry::Typed(_), None) => {
            Err(RuntimeError::NoFunction { tool: tool.name.clone(), available: function_names(tool) })
        }
        (Entry::Typed(pre), Some(invoke)) => {
            let function = tool.function(&invoke.function).ok_or_else(|| RuntimeError::UnknownFunction {
                tool: tool.name.clone(),
                function: invoke.function.clone(),
                available: function_names(tool),
            })?;
            let expected = function.params().len();
            if invoke.params.len() != expected {
                return Err(RuntimeError::ParamCount {
                    function: invoke.function,
                    expected,
                    given: invoke.params.len(),
                });
            }
            Ok(ResolvedEntry::Function {
                pre,
                index: function.index,
                params: invoke.params,
                result_count: function.results().len(),
            })
        }
    }
}

fn function_names(tool: &Tool) -> String {
    let names: Vec<&str> = tool.functions().iter().map(|function| function.name()).collect();
    names.join(", ")
}

/// Maps an error out of instantiation or the guest's `run` to the way the call ended.
fn classify_error(error: wasmtime::Error, policy: &Policy, limiter: &CallLimiter) -> Result<Status, RuntimeError> {
    let limits = &policy.limits;

    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return Ok(match exit.0 {
            0 => Status::Success,
            code => Status::Exit { code },
        });
    }

    let trap = error.downcast_ref::<Trap>();
    match trap {
        Some(Trap::OutOfFuel) => return Ok(Status::FuelExhausted { limit: limits.fuel }),
        Some(Trap::Interrupt) => {
            return Ok(Status::Timeout { limit_ms: millis(limits.timeout) });
        }
        _ => {}
    }

    // A refused growth usually surfaces as the guest's own allocation-failure abort, or as a failed instantiation.
    // Either way the cause is the limit, and saying so spares the caller from decoding a panic message.
    if let Some(refusal) = limiter.memory_refusal() {
        return Ok(Status::MemoryLimit { limit: limits.memory, requested: refusal.requested });
    }
    if limiter.table_refusal().is_some() {
        return Ok(Status::TableLimit { limit: limits.table_elements });
    }
    if is_count_limit(&error) {
        return Ok(Status::InstanceLimit { limit: limits.instances });
    }
    if is_table_full(&error) {
        return Ok(Status::HandleLimit { limit: limits.handles });
    }

    match trap {
        Some(trap) => Ok(Status::Trap {
            message: trap.to_string(),
            backtrace: error.downcast_ref::<wasmtime::WasmBacktrace>().map(|trace| trace.to_string()),
        }),
        None if is_pool_exhausted(&error) => Err(RuntimeError::PoolExhausted(format!("{error:#}"))),
        None => Ok(Status::Trap { message: format!("{error:#}"), backtrace: None }),
    }
}

/// Returns whether instantiation failed on the limiter's instance, memory or table count. wasmtime reports that
/// only as a message, so this matches the prefix wasmtime 48 uses for it.
fn is_count_limit(error: &wasmtime::Error) -> bool {
    error.chain().any(|cause| cause.to_string().starts_with("resource limit exceeded:"))
}

/// Returns whether a host call failed because the call's resource table was full. wasmtime-wasi turns that into a
/// trap of the guest.
fn is_table_full(error: &wasmtime::Error) -> bool {
    error.chain().any(|cause| matches!(cause.downcast_ref::<ResourceTableError>(), Some(ResourceTableError::Full)))
}

/// Creates a call's resource table, which contains every WASI resource the guest has open, capped at `handles`.
fn resource_table(handles: u32) -> ResourceTable {
    let mut table = ResourceTable::new();
    table.set_max_capacity(usize::try_from(handles).unwrap_or(usize::MAX));
    table
}

/// Returns whether instantiation failed because the pooling allocator has no free slot, which is the host's
/// capacity running out rather than anything the guest did.
fn is_pool_exhausted(error: &wasmtime::Error) -> bool {
    error.is::<wasmtime::PoolConcurrencyLimitError>()
        || error.chain().any(|cause| cause.is::<wasmtime::PoolConcurrencyLimitError>())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
