//! Builds a call's WASI context from its policy, and from nothing else.
//!
//! The guest gets the preopens, environment, working directory and arguments the policy and the call name. It
//! inherits nothing from the host process: no environment variables, no stdio, no network. Sockets and name lookup
//! are disabled outright rather than filtered, so a guest has no way to open a connection except the HTTP hook.

use std::path::{Path, PathBuf};

use cordon_policy::{Access, Policy};
use wasmtime_wasi::cli::AsyncStdinStream;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder};

use crate::call::{Call, Stdin};
use crate::error::RuntimeError;
use crate::output::BoundedOutput;

/// The inputs of a call's WASI context besides the policy.
pub(crate) struct SandboxInputs<'a> {
    pub(crate) program: &'a str,
    pub(crate) call: Call,
    pub(crate) scratch: Option<&'a Path>,
    pub(crate) stdout: &'a BoundedOutput,
    pub(crate) stderr: &'a BoundedOutput,
}

pub(crate) fn build_wasi(policy: &Policy, inputs: SandboxInputs<'_>) -> Result<WasiCtx, RuntimeError> {
    let mut builder = WasiCtxBuilder::new();

    let Call { program, args, stdin, .. } = inputs.call;
    builder.arg(program.as_deref().unwrap_or(inputs.program));
    builder.args(&args);
    builder.envs(&policy.env);
    if let Some(cwd) = &policy.cwd {
        builder.initial_cwd(cwd);
    }

    match stdin {
        Stdin::Empty => {
            builder.stdin(MemoryInputPipe::new(Vec::new()));
        }
        Stdin::Bytes(bytes) => {
            builder.stdin(MemoryInputPipe::new(bytes));
        }
        Stdin::Reader(reader) => {
            builder.stdin(AsyncStdinStream::new(reader));
        }
    }
    builder.stdout(inputs.stdout.clone());
    builder.stderr(inputs.stderr.clone());

    for mount in &policy.mounts {
        let perms = match mount.access {
            Access::ReadOnly => FsPerms::ReadOnly,
            Access::ReadWrite => FsPerms::ReadWrite,
        };
        preopen(&mut builder, &mount.host, &mount.guest, perms)?;
    }
    if let (Some(scratch), Some(host)) = (&policy.scratch, inputs.scratch) {
        preopen(&mut builder, host, &scratch.guest, FsPerms::ReadWrite)?;
    }
    if let Some(cwd) = &policy.cwd {
        let (host, perms) = resolve_cwd(policy, cwd, inputs.scratch)?;
        preopen(&mut builder, &host, ".", perms)?;
    }

    builder.allow_tcp(false);
    builder.allow_udp(false);
    builder.allow_ip_name_lookup(false);
    builder.socket_addr_check(|_, _| Box::pin(async { false }));

    Ok(builder.build())
}

/// Finds the host directory behind the policy's working directory, and the permissions of the mount it lies in.
///
/// Guests built with wasi-libc (Rust, C) start in `/` whatever `initial-cwd` returns, and resolve a relative path by
/// looking for a preopen named `.`. Preopening the working directory under that name makes `grep -r pattern .` and
/// other relative paths behave as the policy intends, without granting anything the mount does not already grant.
fn resolve_cwd(policy: &Policy, cwd: &str, scratch: Option<&Path>) -> Result<(PathBuf, FsPerms), RuntimeError> {
    let mut granted: Vec<(&str, &Path, FsPerms)> = policy
        .mounts
        .iter()
        .map(|mount| {
            let perms = match mount.access {
                Access::ReadOnly => FsPerms::ReadOnly,
                Access::ReadWrite => FsPerms::ReadWrite,
            };
            (mount.guest.as_str(), mount.host.as_path(), perms)
        })
        .collect();
    if let (Some(declared), Some(host)) = (&policy.scratch, scratch) {
        granted.push((declared.guest.as_str(), host, FsPerms::ReadWrite));
    }

    let unresolved = |message: String| RuntimeError::Preopen { host: PathBuf::new(), guest: cwd.to_owned(), message };
    let (guest, root, perms) = granted
        .into_iter()
        .filter(|(guest, _, _)| below(cwd, guest).is_some())
        .max_by_key(|(guest, _, _)| guest.len())
        .ok_or_else(|| unresolved("the working directory lies in no mount".to_owned()))?;
    let relative = below(cwd, guest).unwrap_or_default();
    if relative.is_empty() {
        return Ok((root.to_owned(), perms));
    }

    // A directory below the mount may have been replaced by a symlink since the policy was checked, possibly by
    // an earlier call's guest. Resolving it and requiring the result to stay under the mount keeps the preopen
    // inside what the mount grants.
    // NOTE: a symlink swapped in between this check and the open below would still be followed. Only a guest with
    // a read-write mount, running concurrently, could attempt that.
    let joined = root.join(relative);
    let resolved =
        joined.canonicalize().map_err(|error| unresolved(format!("cannot resolve {}: {error}", joined.display())))?;
    if !resolved.starts_with(root) {
        return Err(unresolved(format!("{} resolves to {}, outside its mount", joined.display(), resolved.display())));
    }
    Ok((resolved, perms))
}

/// Returns the part of `path` below the guest directory `root`, or `None` when `path` is not `root` or below it.
fn below<'a>(path: &'a str, root: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(root)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('/')
}

fn preopen(builder: &mut WasiCtxBuilder, host: &Path, guest: &str, perms: FsPerms) -> Result<(), RuntimeError> {
    builder.preopened_dir(host, guest, perms).map_err(|error| RuntimeError::Preopen {
        host: host.to_owned(),
        guest: guest.to_owned(),
        message: error.to_string(),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_matches_whole_components() {
        assert_eq!(below("/workspace/src", "/workspace"), Some("src"));
        assert_eq!(below("/workspace", "/workspace"), Some(""));
        assert_eq!(below("/workspace2", "/workspace"), None);
    }
}
