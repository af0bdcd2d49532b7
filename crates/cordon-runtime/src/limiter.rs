//! Per-call resource limits that wasmtime consults when a guest grows memory or tables or creates instances.
//!
//! Memory is counted across every linear memory of the call, because a component may have several and the policy
//! limits what the whole call costs. A growth past the limit is rejected rather than trapped: the guest's
//! `memory.grow` returns -1, so a guest that handles allocation failure keeps running. The rejection is recorded,
//! and a call that then fails is reported as having hit the memory limit instead of as the guest's own abort.

use cordon_policy::Limits;
use wasmtime::ResourceLimiter;

/// A memory growth that the limit rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemoryRefusal {
    /// Total linear memory in bytes the call would have had after the growth.
    pub(crate) requested: u64,
}

pub(crate) struct CallLimiter {
    memory_limit: usize,
    table_elements: usize,
    instances: usize,
    memory_in_use: usize,
    peak_memory: usize,
    /// The last growth this limiter permitted, undone if wasmtime then fails to perform it.
    pending_growth: usize,
    memory_refusal: Option<MemoryRefusal>,
    table_refusal: Option<u64>,
}

impl CallLimiter {
    pub(crate) fn new(limits: &Limits) -> Self {
        CallLimiter {
            memory_limit: usize::try_from(limits.memory).unwrap_or(usize::MAX),
            table_elements: usize::try_from(limits.table_elements).unwrap_or(usize::MAX),
            instances: limits.instances as usize,
            memory_in_use: 0,
            peak_memory: 0,
            pending_growth: 0,
            memory_refusal: None,
            table_refusal: None,
        }
    }

    pub(crate) fn peak_memory(&self) -> u64 {
        self.peak_memory as u64
    }

    pub(crate) fn memory_refusal(&self) -> Option<MemoryRefusal> {
        self.memory_refusal
    }

    /// Returns the table size in elements that the limit refused, if it refused one.
    pub(crate) fn table_refusal(&self) -> Option<u64> {
        self.table_refusal
    }
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        let growth = desired.saturating_sub(current);
        let total = self.memory_in_use.saturating_add(growth);
        if total > self.memory_limit {
            self.memory_refusal = Some(MemoryRefusal { requested: total as u64 });
            return Ok(false);
        }
        self.memory_in_use = total;
        self.peak_memory = self.peak_memory.max(total);
        self.pending_growth = growth;
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.memory_in_use = self.memory_in_use.saturating_sub(self.pending_growth);
        self.pending_growth = 0;
        Ok(())
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.table_elements {
            self.table_refusal = Some(desired as u64);
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.instances
    }

    fn tables(&self) -> usize {
        self.instances
    }

    fn memories(&self) -> usize {
        self.instances
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = 64 * 1024;

    fn limiter_with_memory(bytes: u64) -> CallLimiter {
        CallLimiter::new(&Limits { memory: bytes, ..Limits::default() })
    }

    #[test]
    fn growth_within_limit_allowed() {
        let mut limiter = limiter_with_memory(4 * PAGE as u64);
        assert!(limiter.memory_growing(0, 2 * PAGE, None).unwrap());
        assert_eq!(limiter.peak_memory(), 2 * PAGE as u64);
    }

    #[test]
    fn growth_past_limit_refused_and_recorded() {
        let mut limiter = limiter_with_memory(4 * PAGE as u64);
        assert!(limiter.memory_growing(0, 3 * PAGE, None).unwrap());
        assert!(!limiter.memory_growing(3 * PAGE, 5 * PAGE, None).unwrap());
        assert_eq!(limiter.memory_refusal(), Some(MemoryRefusal { requested: 5 * PAGE as u64 }));
    }

    #[test]
    fn limit_counts_all_memories_together() {
        let mut limiter = limiter_with_memory(4 * PAGE as u64);
        assert!(limiter.memory_growing(0, 3 * PAGE, None).unwrap());
        assert!(!limiter.memory_growing(0, 2 * PAGE, None).unwrap());
    }

    #[test]
    fn failed_growth_is_uncounted() {
        let mut limiter = limiter_with_memory(4 * PAGE as u64);
        assert!(limiter.memory_growing(0, 3 * PAGE, None).unwrap());
        limiter.memory_grow_failed(wasmtime::format_err!("no room")).unwrap();
        assert!(limiter.memory_growing(0, 4 * PAGE, None).unwrap());
    }

    #[test]
    fn table_past_limit_refused() {
        let mut limiter = CallLimiter::new(&Limits { table_elements: 10, ..Limits::default() });
        assert!(!limiter.table_growing(0, 11, None).unwrap());
        assert_eq!(limiter.table_refusal(), Some(11));
    }
}
