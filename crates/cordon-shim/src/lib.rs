//! Cordon's HTTP shim, which receives every request a tool sends through
//! `wasi:http`. It normalises the request's authority and matches it against
//! a route table, which maps cloud host patterns to local emulators. It then
//! classifies the request (service, action, region, resource) and checks it
//! against the rules: denied actions, allowed regions and an AWS service
//! control policy. A request that matches no route, or that a rule denies,
//! is rejected before any connection is made.
//!
//! These decisions work on `http` request parts and byte slices only, make
//! no connections and need no wasmtime types, so they can be tested and
//! fuzzed on their own.
//!
//! ```
//! use cordon_shim::{
//!     ActionPattern, Decision, HostPattern, RouteTable, Rules, classify_aws, normalize_authority,
//! };
//! use http::{HeaderMap, Method, Uri};
//!
//! let routes = RouteTable::new(vec![(
//!     vec![HostPattern::parse("*.amazonaws.com")?, HostPattern::parse("localhost:4566")?],
//!     "moto".to_owned(),
//! )]);
//! let rules = Rules {
//!     deny_actions: vec![ActionPattern::parse("s3:Delete*")?],
//!     allowed_regions: Some(vec!["us-east-1".to_owned()]),
//!     scp: None,
//! };
//!
//! let uri: Uri = "https://reports.s3.us-east-1.amazonaws.com/2024/q1.csv".parse()?;
//! let authority = normalize_authority("https", "Reports.S3.us-east-1.amazonaws.com.")?;
//! assert_eq!(routes.route("https", &authority), Some("moto"));
//!
//! let request = classify_aws(&Method::DELETE, &uri, &HeaderMap::new(), b"", &authority);
//! assert_eq!(request.action, "s3:DeleteObject");
//! assert!(matches!(rules.evaluate(&request), Decision::Deny { .. }));
//!
//! let elsewhere = normalize_authority("https", "example.com")?;
//! assert_eq!(routes.route("https", &elsewhere), None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod action_pattern;
mod audit;
mod authority;
mod aws_chunked;
mod classify;
mod config;
mod denial;
mod forward;
mod rewrite;
mod route;
mod rules;
mod scp;
mod session;
mod sign;
mod wildcard;

pub use action_pattern::{ActionPattern, ActionPatternError};
pub use audit::{AuditEvent, AuditLog, Verdict};
pub use authority::{Authority, AuthorityError, default_port, host_header_matches, normalize_authority};
pub use aws_chunked::{ChunkError, decode_aws_chunked};
pub use classify::{
    AwsHost, AzureHost, CloudRequest, UNKNOWN_OPERATION, UNKNOWN_SERVICE, classify_aws, classify_azure, parse_aws_host,
    parse_azure_host,
};
pub use config::{Budgets, Emulator, EmulatorKind, ShimConfig};
pub use denial::{DENIED_BY_HEADER, denial_response};
pub use forward::{ForwardError, Timeouts, Upstream};
pub use route::{HostPattern, PatternError, RouteTable};
pub use rules::{Decision, Rules};
pub use scp::{ScpError, ServiceControlPolicy};
pub use session::{CallShim, ShimError};
pub use sign::{AwsSigner, AzureSigner, SignError, strip_guest_credentials};
