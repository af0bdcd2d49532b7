//! Symbolic links a guest creates. wasmtime-wasi stores a link's target as the guest wrote it, so a guest with a
//! read-write mount could leave a link there that points out of the mount. The guest itself cannot follow such a
//! link, but a host program that reads the workspace after the call would. Cordon therefore replaces
//! `descriptor.symlink-at` with a version that creates only links whose target stays below the link's directory.

use std::path::{Component, Path};

use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::filesystem::WasiFilesystemView;
use wasmtime_wasi::p2::bindings::filesystem::types::{Descriptor, ErrorCode, HostDescriptor};

use crate::state::CallState;

/// The WASI filesystem interface as wasmtime-wasi 48 registers it. Guests built against any 0.2 release link to it.
const FILESYSTEM_TYPES: &str = "wasi:filesystem/types@0.2.12";

/// Replaces the linker's `symlink-at` with one that refuses targets that could lead out of the link's directory.
pub(crate) fn restrict_symlink_targets(linker: &mut Linker<CallState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let result = linker.instance(FILESYSTEM_TYPES)?.func_wrap_async(
        "[method]descriptor.symlink-at",
        |mut store, (descriptor, target, link): (Resource<Descriptor>, String, String)| {
            Box::new(async move {
                if !stays_below_link(&target) {
                    tracing::debug!(%target, %link, "rejected a symbolic link whose target could leave its directory");
                    return Ok((Err(ErrorCode::NotPermitted),));
                }
                let mut filesystem = store.data_mut().filesystem();
                match HostDescriptor::symlink_at(&mut filesystem, descriptor, target, link).await {
                    Ok(()) => Ok((Ok(()),)),
                    Err(error) => error.downcast().map(|code| (Err(code),)),
                }
            })
        },
    );
    linker.allow_shadowing(false);
    result
}

/// Returns whether a link target, resolved from the link's own directory, can only name something below it: it is
/// relative and has no `..` component. A `..` is refused even where it would stay inside the mount, because the
/// link's directory may itself be reached through links, so its depth below the mount cannot be derived from the path.
fn stays_below_link(target: &str) -> bool {
    !target.is_empty()
        && Path::new(target).components().all(|component| matches!(component, Component::Normal(_) | Component::CurDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_target_allowed() {
        assert!(stays_below_link("notes.txt"));
    }

    #[test]
    fn nested_target_allowed() {
        assert!(stays_below_link("./data/2026/report.md"));
    }

    #[test]
    fn parent_target_refused() {
        assert!(!stays_below_link("../outside/secret.txt"));
    }

    #[test]
    fn inner_parent_refused() {
        assert!(!stays_below_link("data/../../secret.txt"));
    }

    #[test]
    fn absolute_target_refused() {
        assert!(!stays_below_link("/etc/passwd"));
    }

    #[test]
    fn empty_target_refused() {
        assert!(!stays_below_link(""));
    }
}
