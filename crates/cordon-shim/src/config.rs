//! The shim's configuration for a call: the emulators, the route table, the rules, the budgets and the timeouts.

use http::Uri;

use crate::forward::Timeouts;
use crate::route::RouteTable;
use crate::rules::Rules;
use crate::sign::{AwsSigner, AzureSigner};

/// The shim's whole configuration, built once per policy and shared by that policy's calls.
#[derive(Debug, Clone)]
pub struct ShimConfig {
    /// The emulators requests may be forwarded to.
    pub emulators: Vec<Emulator>,
    /// The table from authorities to emulators. Anything unmatched is denied.
    pub routes: RouteTable,
    /// Action, region and service control policy rules, with explicit denials winning.
    pub rules: Rules,
    /// Per-call limits on requests and bytes.
    pub budgets: Budgets,
    /// Timeouts of each forwarded request.
    pub timeouts: Timeouts,
}

impl ShimConfig {
    /// Returns the emulator with this name.
    pub fn emulator(&self, name: &str) -> Option<&Emulator> {
        self.emulators.iter().find(|emulator| emulator.name == name)
    }
}

/// An emulator: where it listens and how requests to it are signed.
#[derive(Debug, Clone)]
pub struct Emulator {
    /// The name routes refer to.
    pub name: String,
    /// The base URL, `http://127.0.0.1:PORT`; it must be a loopback address. Requests routed to an emulator
    /// without an endpoint are refused, with a message saying how to start one.
    pub endpoint: Option<Uri>,
    /// The cloud it emulates and the credentials the shim signs with.
    pub kind: EmulatorKind,
}

/// The cloud an emulator speaks for, with the credentials the shim signs forwarded requests with.
#[derive(Debug, Clone)]
pub enum EmulatorKind {
    /// AWS services (moto server or LocalStack), signed with SigV4.
    Aws {
        /// The emulator's credentials.
        signer: AwsSigner,
        /// The region signed for when the request names none.
        default_region: String,
    },
    /// Azure storage (Azurite), signed with Shared Key. Requests are sent path-style with the account as the first
    /// path segment, as Azurite expects.
    Azure {
        /// The emulator's account and key.
        signer: AzureSigner,
    },
}

/// Per-call limits on outgoing requests. A call that reaches one gets its further requests refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// The maximum number of requests one call may send.
    pub max_requests: u64,
    /// The maximum request body bytes one call may send, over all its requests.
    pub max_request_bytes: u64,
    /// The maximum response body bytes one call may receive. A response that would pass it is cut and flagged.
    pub max_response_bytes: u64,
}

impl Default for Budgets {
    /// Returns budgets that fit an agent tool's typical work (a few uploads and listings) while bounding what a
    /// runaway loop can send or pull: 1,000 requests and 64 MiB each way.
    fn default() -> Self {
        Budgets { max_requests: 1000, max_request_bytes: 64 << 20, max_response_bytes: 64 << 20 }
    }
}

impl Default for ShimConfig {
    /// Returns a configuration with no emulators and no routes, under which every request is refused.
    fn default() -> Self {
        ShimConfig {
            emulators: Vec::new(),
            routes: RouteTable::new(Vec::new()),
            rules: Rules::default(),
            budgets: Budgets::default(),
            timeouts: Timeouts::default(),
        }
    }
}
