//! The network budget of one call (`[budgets]`) and the timeouts of each
//! forwarded request (`[http]`). This module owns their defaults and
//! accepted ranges. The shim enforces them.

use std::ops::{Range, RangeInclusive};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::{Spanned, Value};

use crate::error::{PolicyError, SourceText};
use crate::limits::{Limit, read_count, read_duration, read_size, serialize_millis};
use crate::table_only::TableShape;
use crate::units::{GIB, MIB};

/// Per-call limits on outgoing HTTP requests. Once a call reaches one, the
/// shim rejects its further requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetSpec {
    /// Requests one call may send.
    pub requests: u64,
    /// Request body bytes one call may send, summed over its requests.
    pub request_bytes: u64,
    /// Response body bytes one call may receive, summed over its requests.
    pub response_bytes: u64,
}

impl BudgetSpec {
    /// 1,000 requests cover a tool's typical work, such as listing a bucket
    /// and uploading a few hundred objects, yet stop a runaway retry loop.
    pub const DEFAULT_REQUESTS: u64 = 1000;
    /// 64 MiB each way, the default linear memory of a call and so about as
    /// much data as a tool keeps in memory at once. It bounds what a runaway
    /// loop can move through the shim.
    pub const DEFAULT_BYTES: u64 = 64 * MIB;

    /// Accepted request counts.
    pub const REQUESTS_RANGE: RangeInclusive<u64> = 1..=1_000_000;
    /// Accepted byte budgets. 4 GiB is as much as a 32-bit guest can hold in
    /// its linear memory.
    pub const BYTES_RANGE: RangeInclusive<u64> = 1..=4 * GIB;
}

impl Default for BudgetSpec {
    fn default() -> BudgetSpec {
        BudgetSpec {
            requests: BudgetSpec::DEFAULT_REQUESTS,
            request_bytes: BudgetSpec::DEFAULT_BYTES,
            response_bytes: BudgetSpec::DEFAULT_BYTES,
        }
    }
}

/// Timeouts of each forwarded request. The call's own `[limits] timeout`
/// still bounds the whole call, whichever ends first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeoutSpec {
    /// Time to open the connection to the emulator.
    #[serde(rename = "connect_ms", serialize_with = "serialize_millis")]
    pub connect: Duration,
    /// Time from sending the request until the response headers arrive.
    #[serde(rename = "first_byte_ms", serialize_with = "serialize_millis")]
    pub first_byte: Duration,
    /// Time for the whole exchange, response body included. It is never
    /// shorter than `first_byte`.
    #[serde(rename = "total_ms", serialize_with = "serialize_millis")]
    pub total: Duration,
}

impl TimeoutSpec {
    /// Two seconds, because an emulator on loopback accepts a connection in
    /// well under a millisecond. A longer wait only hides an emulator that is
    /// not running.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(2);
    /// Ten seconds, to leave room for slow emulator operations such as
    /// creating a table or a large listing.
    pub const DEFAULT_FIRST_BYTE: Duration = Duration::from_secs(10);
    /// Thirty seconds, which ends a stalled response body but leaves room
    /// for large uploads and downloads.
    pub const DEFAULT_TOTAL: Duration = Duration::from_secs(30);

    /// Accepted values of each timeout.
    pub const RANGE: RangeInclusive<Duration> = Duration::from_millis(1)..=Duration::from_mins(10);
}

impl Default for TimeoutSpec {
    fn default() -> TimeoutSpec {
        TimeoutSpec {
            connect: TimeoutSpec::DEFAULT_CONNECT,
            first_byte: TimeoutSpec::DEFAULT_FIRST_BYTE,
            total: TimeoutSpec::DEFAULT_TOTAL,
        }
    }
}

const REQUESTS: Limit = Limit::count("requests", "requests", &BudgetSpec::REQUESTS_RANGE, BudgetSpec::DEFAULT_REQUESTS);
const REQUEST_BYTES: Limit = Limit::bytes("request-bytes", &BudgetSpec::BYTES_RANGE, BudgetSpec::DEFAULT_BYTES);
const RESPONSE_BYTES: Limit = Limit::bytes("response-bytes", &BudgetSpec::BYTES_RANGE, BudgetSpec::DEFAULT_BYTES);
const CONNECT_TIMEOUT: Limit = Limit::duration("connect-timeout", &TimeoutSpec::RANGE, TimeoutSpec::DEFAULT_CONNECT);
const FIRST_BYTE_TIMEOUT: Limit =
    Limit::duration("first-byte-timeout", &TimeoutSpec::RANGE, TimeoutSpec::DEFAULT_FIRST_BYTE);
const TOTAL_TIMEOUT: Limit = Limit::duration("total-timeout", &TimeoutSpec::RANGE, TimeoutSpec::DEFAULT_TOTAL);

/// The `[budgets]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawBudgets {
    requests: Option<Spanned<Value>>,
    request_bytes: Option<Spanned<Value>>,
    response_bytes: Option<Spanned<Value>>,
}

impl TableShape for RawBudgets {
    const EXPECTING: &'static str = "a [budgets] table";
}

impl RawBudgets {
    /// Reads each budget that is present and fills the rest with defaults.
    pub(crate) fn validate(&self, source: &SourceText<'_>) -> Result<BudgetSpec, PolicyError> {
        let mut budgets = BudgetSpec::default();
        if let Some(value) = &self.requests {
            budgets.requests = read_count(source, &REQUESTS, value)?;
        }
        if let Some(value) = &self.request_bytes {
            budgets.request_bytes = read_size(source, &REQUEST_BYTES, value)?;
        }
        if let Some(value) = &self.response_bytes {
            budgets.response_bytes = read_size(source, &RESPONSE_BYTES, value)?;
        }
        Ok(budgets)
    }
}

/// The `[http]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawHttp {
    connect_timeout: Option<Spanned<Value>>,
    first_byte_timeout: Option<Spanned<Value>>,
    total_timeout: Option<Spanned<Value>>,
}

impl TableShape for RawHttp {
    const EXPECTING: &'static str = "an [http] table";
}

impl RawHttp {
    /// Reads each timeout that is present, fills the rest with defaults and
    /// checks that the total is not shorter than the wait for the first byte.
    pub(crate) fn validate(&self, source: &SourceText<'_>) -> Result<TimeoutSpec, PolicyError> {
        let mut timeouts = TimeoutSpec::default();
        if let Some(value) = &self.connect_timeout {
            timeouts.connect = read_duration(source, &CONNECT_TIMEOUT, value)?;
        }
        if let Some(value) = &self.first_byte_timeout {
            timeouts.first_byte = read_duration(source, &FIRST_BYTE_TIMEOUT, value)?;
        }
        if let Some(value) = &self.total_timeout {
            timeouts.total = read_duration(source, &TOTAL_TIMEOUT, value)?;
        }

        if timeouts.total >= timeouts.first_byte {
            return Ok(timeouts);
        }
        // Point at the key the user wrote. When both are written, the total
        // is the one that is too short.
        let span: Range<usize> = match (&self.total_timeout, &self.first_byte_timeout) {
            (Some(total), _) => total.span(),
            (None, Some(first_byte)) => first_byte.span(),
            // Both defaults satisfy the rule, so one of the two is written.
            (None, None) => 0..0,
        };
        Err(source.error(
            span,
            format!(
                "total-timeout {} is shorter than first-byte-timeout {}",
                humantime::format_duration(timeouts.total),
                humantime::format_duration(timeouts.first_byte)
            ),
            format!(
                "set total-timeout to at least {}, or shorten first-byte-timeout",
                humantime::format_duration(timeouts.first_byte)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::{KIB, Policy};

    fn budgets_of(text: &str) -> Result<BudgetSpec, PolicyError> {
        Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.network.budgets)
    }

    fn timeouts_of(text: &str) -> Result<TimeoutSpec, PolicyError> {
        Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.network.timeouts)
    }

    fn message_of(text: &str) -> String {
        match Policy::parse(text, "p.toml", Path::new(".")) {
            Ok(policy) => panic!("expected an error, got {policy:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn budget_defaults_match_documented() {
        let budgets = BudgetSpec::default();
        assert_eq!(budgets.requests, 1000);
        assert_eq!(budgets.request_bytes, 64 * 1024 * 1024);
        assert_eq!(budgets.response_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn timeout_defaults_match_documented() {
        let timeouts = TimeoutSpec::default();
        assert_eq!(timeouts.connect, Duration::from_secs(2));
        assert_eq!(timeouts.first_byte, Duration::from_secs(10));
        assert_eq!(timeouts.total, Duration::from_secs(30));
    }

    #[test]
    fn budgets_are_read() {
        let budgets = budgets_of("[budgets]\nrequests = 5\nrequest-bytes = \"1 KiB\"\nresponse-bytes = 2048\n").ok();
        let expected = BudgetSpec { requests: 5, request_bytes: KIB, response_bytes: 2 * KIB };
        assert_eq!(budgets, Some(expected));
    }

    #[test]
    fn empty_budgets_give_defaults() {
        assert_eq!(budgets_of("[budgets]\n").ok(), Some(BudgetSpec::default()));
    }

    #[test]
    fn budget_bounds_accepted() {
        let text = "[budgets]\nrequests = 1_000_000\nrequest-bytes = 1\nresponse-bytes = \"4 GiB\"\n";
        let expected = BudgetSpec { requests: 1_000_000, request_bytes: 1, response_bytes: 4 * GIB };
        assert_eq!(budgets_of(text).ok(), Some(expected));
    }

    #[test]
    fn zero_rejected_for_every_budget() {
        let cases = [
            "[budgets]\nrequests = 0",
            "[budgets]\nrequest-bytes = 0",
            "[budgets]\nresponse-bytes = \"0 MiB\"",
            "[http]\nconnect-timeout = \"0s\"",
            "[http]\nfirst-byte-timeout = \"0ms\"",
            "[http]\ntotal-timeout = \"0s\"",
        ];
        for text in cases {
            assert!(message_of(text).contains("is out of range"), "{text}");
        }
    }

    #[test]
    fn requests_range_named_in_error() {
        assert_eq!(
            message_of("[budgets]\nrequests = 1_000_001\n"),
            "p.toml:2:12: requests 1000001 is out of range: accepted 1 to 1000000 requests \
             (fix: choose a value in that range, or remove the key to use the default of 1000)"
        );
    }

    #[test]
    fn request_bytes_above_range_rejected() {
        assert!(
            message_of("[budgets]\nrequest-bytes = \"5 GiB\"\n")
                .contains("request-bytes \"5 GiB\" is out of range: accepted 1 B to 4 GiB")
        );
    }

    #[test]
    fn bad_byte_unit_rejected() {
        assert!(
            message_of("[budgets]\nresponse-bytes = \"64 Mb\"\n")
                .contains("response-bytes \"64 Mb\" is not a size: unknown unit \"Mb\"")
        );
    }

    #[test]
    fn requests_string_is_wrong_type() {
        assert!(
            message_of("[budgets]\nrequests = \"many\"\n")
                .contains("requests must be an integer, found string \"many\"")
        );
    }

    #[test]
    fn unknown_budget_key_positioned() {
        assert!(message_of("[budgets]\nbytes = 1\n").starts_with("p.toml:2:1: unknown field `bytes`"));
    }

    #[test]
    fn timeouts_are_read() {
        let text = "[http]\nconnect-timeout = \"250ms\"\nfirst-byte-timeout = \"1s\"\ntotal-timeout = \"2m\"\n";
        let expected = TimeoutSpec {
            connect: Duration::from_millis(250),
            first_byte: Duration::from_secs(1),
            total: Duration::from_mins(2),
        };
        assert_eq!(timeouts_of(text).ok(), Some(expected));
    }

    #[test]
    fn timeout_above_range_rejected() {
        assert!(
            message_of("[http]\nconnect-timeout = \"11m\"\n")
                .contains("connect-timeout \"11m\" is out of range: accepted 1ms to 10m")
        );
    }

    #[test]
    fn timeout_integer_is_wrong_type() {
        assert!(message_of("[http]\ntotal-timeout = 30\n").contains("(fix: write it like total-timeout = \"30s\")"));
    }

    #[test]
    fn bad_timeout_text_rejected() {
        assert!(
            message_of("[http]\nfirst-byte-timeout = \"soon\"\n")
                .contains("first-byte-timeout \"soon\" is not a duration")
        );
    }

    #[test]
    fn equal_total_and_first_byte_accepted() {
        let text = "[http]\nfirst-byte-timeout = \"5s\"\ntotal-timeout = \"5s\"\n";
        assert!(timeouts_of(text).is_ok());
    }

    #[test]
    fn total_below_first_byte_rejected() {
        let text = "[http]\nfirst-byte-timeout = \"5s\"\ntotal-timeout = \"4s\"\n";
        assert_eq!(
            message_of(text),
            "p.toml:3:17: total-timeout 4s is shorter than first-byte-timeout 5s \
             (fix: set total-timeout to at least 5s, or shorten first-byte-timeout)"
        );
    }

    #[test]
    fn total_below_default_first_byte() {
        let error = message_of("[http]\ntotal-timeout = \"3s\"\n");
        assert!(error.starts_with("p.toml:2:17: total-timeout 3s is shorter than first-byte-timeout 10s"));
    }

    #[test]
    fn first_byte_above_default_total() {
        let error = message_of("[http]\nfirst-byte-timeout = \"1m\"\n");
        assert!(error.starts_with("p.toml:2:22: total-timeout 30s is shorter than first-byte-timeout 1m"));
    }

    #[test]
    fn timeouts_serialise_as_millis() {
        let json = serde_json::to_value(TimeoutSpec::default()).ok();
        let expected = serde_json::json!({
            "connect_ms": 2000,
            "first_byte_ms": 10000,
            "total_ms": 30000,
        });
        assert_eq!(json, Some(expected));
    }
}
