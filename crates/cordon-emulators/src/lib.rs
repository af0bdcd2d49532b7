//! The local cloud emulators that Cordon's HTTP shim forwards a tool's cloud requests to: moto server for AWS (S3,
//! DynamoDB, SQS and more on one port) and Azurite for Azure storage (blob, queue and table on three ports).
//!
//! This crate installs nothing: `scripts/setup-emulators.sh` puts both under `.build/`. It starts them as child
//! processes bound to free ports on 127.0.0.1, waits until each responds to HTTP, and stops each one's whole process
//! group with SIGTERM, then SIGKILL. A started set is either owned by the caller and stopped on drop
//! ([`RunningEmulators`]), or detached and recorded in a state file ([`save_state`], [`load_state`]) for another
//! process to check ([`check_state`]) and stop ([`stop_state`]), as `cordon emulators start|status|stop` does.
//!
//! Users with Docker can run LocalStack instead and use `http://127.0.0.1:4566` as the AWS endpoint. This crate then
//! has nothing to do.
//!
//! ```no_run
//! use cordon_emulators::{EmulatorKind, Emulators, StartOptions};
//!
//! let state_dir = tempfile::tempdir()?;
//! let mut options = StartOptions::new(state_dir.path());
//! options.kinds = vec![EmulatorKind::Moto];
//!
//! let emulators = Emulators::start(&options)?;
//! let endpoint = emulators.moto_endpoint().expect("moto was started");
//! assert!(endpoint.starts_with("http://127.0.0.1:"));
//! emulators.stop()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod control;
mod error;
mod kind;
mod launch;
mod log;
mod options;
mod ports;
mod probe;
mod process;
mod running;
mod state;

pub use control::{EmulatorHealth, EndpointHealth, check_state, stop_state};
pub use error::EmulatorError;
pub use kind::{EmulatorKind, Service};
pub use options::{DEFAULT_READY_TIMEOUT, StartOptions, default_install_root};
pub use running::{Emulators, RunningEmulators};
pub use state::{
    EmulatorRecord, EmulatorState, Endpoint, STATE_FILE, default_state_dir, load_state, remove_state, save_state,
};
