//! Resource limits of one call: fuel, memory, wall-clock time, captured
//! output and table and instance counts. This module owns their defaults, the
//! accepted ranges and the reading of the `[limits]` table. The runtime
//! enforces them.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::{Deserialize, Serialize, Serializer};
use toml::{Spanned, Value};

use crate::error::{PolicyError, SourceText};
use crate::table_only::TableShape;
use crate::units::{GIB, KIB, MIB, SizeError, format_byte_size, parse_size};

/// Resource limits of one call, enforced by the runtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Fuel units the guest may burn. Wasmtime charges about one unit per
    /// WebAssembly operator, so this bounds the instructions a call executes.
    pub fuel: u64,
    /// Bytes of linear memory the whole call may hold, summed over all of its
    /// memories.
    pub memory: u64,
    /// Wall-clock time the call may run, host calls included.
    #[serde(rename = "timeout_ms", serialize_with = "serialize_millis")]
    pub timeout: Duration,
    /// Bytes of stdout kept. The rest is dropped and the outcome flags the
    /// truncation.
    pub stdout: u64,
    /// Bytes of stderr kept. The rest is dropped and the outcome flags the
    /// truncation.
    pub stderr: u64,
    /// Elements any one table may hold.
    pub table_elements: u64,
    /// Core and component instances a call may create. The same number also
    /// caps the memories and the tables of the call.
    pub instances: u32,
    /// WASI resources the guest may hold at once: open files and
    /// directories, streams, pollables and HTTP requests and responses. Each
    /// open file or directory is also a descriptor of the host process, so
    /// this bounds what one call can take from the process's descriptor
    /// limit.
    pub handles: u32,
}

impl Limits {
    /// Two billion units lets a tool parse or search a sizeable workspace,
    /// yet stops a spinning loop within seconds. As an estimate, Cranelift
    /// code runs a few billion simple operators per second on current CPUs.
    pub const DEFAULT_FUEL: u64 = 2_000_000_000;
    /// 64 MiB fits command-line tools built for wasm32-wasip2, whose heaps
    /// grow on demand, and stops a runaway allocation long before it strains
    /// the host.
    pub const DEFAULT_MEMORY: u64 = 64 * MIB;
    /// Five seconds, because an agent waits for the result of every call. A
    /// tool that needs longer gets a longer timeout in its own policy.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// 1 MiB, because stdout usually ends up in a model's context, where more
    /// is rarely useful, and the host buffers it in memory for each call.
    pub const DEFAULT_STDOUT: u64 = MIB;
    /// 256 KiB, because stderr carries diagnostics, which are shorter than
    /// results, and the host buffers it in memory for each call.
    pub const DEFAULT_STDERR: u64 = 256 * KIB;
    /// 20,000 elements, the default of wasmtime 48's pooling allocator. Its
    /// source notes that a C# module built in debug mode can have more than
    /// 10,000 table elements.
    pub const DEFAULT_TABLE_ELEMENTS: u64 = 20_000;
    /// 50 instances, because a Rust component for wasm32-wasip2 typically
    /// has a few core instances: its program, the WASI preview 1 adapter and
    /// small shim modules. The cap stops a component that instantiates
    /// without end, far below wasmtime 48's own default of 10,000.
    pub const DEFAULT_INSTANCES: u32 = 50;
    /// 4,096 resources. A tool that walks a tree keeps a few open at a time,
    /// and even one that opens a whole source tree at once rarely needs more.
    /// A guest that opens files without end still stops far below common
    /// descriptor limits of a host process.
    pub const DEFAULT_HANDLES: u32 = 4096;

    /// Accepted fuel values.
    pub const FUEL_RANGE: RangeInclusive<u64> = 1..=10_000_000_000_000;
    /// Accepted memory sizes in bytes. 64 KiB is one WebAssembly page and
    /// 4 GiB is all that a 32-bit linear memory can address.
    pub const MEMORY_RANGE: RangeInclusive<u64> = 64 * KIB..=4 * GIB;
    /// Accepted timeouts.
    pub const TIMEOUT_RANGE: RangeInclusive<Duration> = Duration::from_millis(1)..=Duration::from_hours(1);
    /// Accepted stdout and stderr sizes in bytes.
    pub const OUTPUT_RANGE: RangeInclusive<u64> = 1..=GIB;
    /// Accepted table element counts.
    pub const TABLE_ELEMENTS_RANGE: RangeInclusive<u64> = 1..=1_000_000;
    /// Accepted instance counts. The runtime sizes its per-component pool slots to the upper bound, so a larger
    /// value could never be granted; components built from one crate use a handful.
    pub const INSTANCES_RANGE: RangeInclusive<u32> = 1..=64;
    /// Accepted resource counts. A call has about ten open before the guest
    /// opens anything (its standard streams, preopens and their pollables),
    /// so fewer than 16 would leave a tool unable to start.
    pub const HANDLES_RANGE: RangeInclusive<u32> = 16..=1_000_000;

    /// Checks every limit against its accepted range, for limits set by a
    /// caller rather than read from a policy file.
    ///
    /// # Errors
    ///
    /// Returns a message naming the first limit outside its range and the
    /// accepted range.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            (Limit::FUEL, u128::from(self.fuel)),
            (Limit::MEMORY, u128::from(self.memory)),
            (Limit::TIMEOUT, self.timeout.as_nanos()),
            (Limit::STDOUT, u128::from(self.stdout)),
            (Limit::STDERR, u128::from(self.stderr)),
            (Limit::TABLE_ELEMENTS, u128::from(self.table_elements)),
            (Limit::INSTANCES, u128::from(self.instances)),
            (Limit::HANDLES, u128::from(self.handles)),
        ];
        for (limit, value) in checks {
            if !limit.contains(value) {
                return Err(format!(
                    "{} {} is out of range: accepted {}",
                    limit.key,
                    limit.show(value),
                    limit.describe_range()
                ));
            }
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: Limits::DEFAULT_FUEL,
            memory: Limits::DEFAULT_MEMORY,
            timeout: Limits::DEFAULT_TIMEOUT,
            stdout: Limits::DEFAULT_STDOUT,
            stderr: Limits::DEFAULT_STDERR,
            table_elements: Limits::DEFAULT_TABLE_ELEMENTS,
            instances: Limits::DEFAULT_INSTANCES,
            handles: Limits::DEFAULT_HANDLES,
        }
    }
}

/// Writes a duration as whole milliseconds.
pub(crate) fn serialize_millis<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    // A validated timeout is at most one hour. A larger one set by a caller
    // saturates rather than failing the whole serialisation.
    let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    serializer.serialize_u64(millis)
}

/// The `[limits]` table as written. Each value keeps its span and its raw
/// TOML type so that a wrong type or range gets a message naming the key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawLimits {
    fuel: Option<Spanned<Value>>,
    memory: Option<Spanned<Value>>,
    timeout: Option<Spanned<Value>>,
    stdout: Option<Spanned<Value>>,
    stderr: Option<Spanned<Value>>,
    table_elements: Option<Spanned<Value>>,
    instances: Option<Spanned<Value>>,
    handles: Option<Spanned<Value>>,
}

impl TableShape for RawLimits {
    const EXPECTING: &'static str = "a [limits] table";
}

impl RawLimits {
    /// Reads each limit that is present and fills the rest with defaults.
    pub(crate) fn validate(&self, source: &SourceText<'_>) -> Result<Limits, PolicyError> {
        let defaults = Limits::default();
        let mut limits = defaults.clone();

        if let Some(value) = &self.fuel {
            limits.fuel = read_count(source, &Limit::FUEL, value)?;
        }
        if let Some(value) = &self.memory {
            limits.memory = read_size(source, &Limit::MEMORY, value)?;
        }
        if let Some(value) = &self.timeout {
            limits.timeout = read_duration(source, &Limit::TIMEOUT, value)?;
        }
        if let Some(value) = &self.stdout {
            limits.stdout = read_size(source, &Limit::STDOUT, value)?;
        }
        if let Some(value) = &self.stderr {
            limits.stderr = read_size(source, &Limit::STDERR, value)?;
        }
        if let Some(value) = &self.table_elements {
            limits.table_elements = read_count(source, &Limit::TABLE_ELEMENTS, value)?;
        }
        if let Some(value) = &self.instances {
            let count = read_count(source, &Limit::INSTANCES, value)?;
            // The range check above already bounds the count to 64.
            limits.instances = u32::try_from(count).unwrap_or(u32::MAX);
        }
        if let Some(value) = &self.handles {
            let count = read_count(source, &Limit::HANDLES, value)?;
            // The range check bounds the count to 1,000,000.
            limits.handles = u32::try_from(count).unwrap_or(u32::MAX);
        }
        Ok(limits)
    }
}

/// Unit of a limit, which decides how its values are written and shown.
#[derive(Clone, Copy)]
enum Measure {
    /// A plain count. The text is the noun shown after the number, if any.
    Count(&'static str),
    /// Bytes, written as an integer or a string with a unit.
    Bytes,
    /// A duration, held here in nanoseconds.
    Duration,
}

/// One limit key with its accepted range and default, with every number held
/// as a u128 so that counts, bytes and nanoseconds share one code path. The
/// `[budgets]` and `[http]` tables read their values through it too.
pub(crate) struct Limit {
    key: &'static str,
    measure: Measure,
    min: u128,
    max: u128,
    default: u128,
}

impl Limit {
    const FUEL: Limit = Limit::count("fuel", "instructions", &Limits::FUEL_RANGE, Limits::DEFAULT_FUEL);
    const MEMORY: Limit = Limit::bytes("memory", &Limits::MEMORY_RANGE, Limits::DEFAULT_MEMORY);
    const TIMEOUT: Limit = Limit::duration("timeout", &Limits::TIMEOUT_RANGE, Limits::DEFAULT_TIMEOUT);
    const STDOUT: Limit = Limit::bytes("stdout", &Limits::OUTPUT_RANGE, Limits::DEFAULT_STDOUT);
    const STDERR: Limit = Limit::bytes("stderr", &Limits::OUTPUT_RANGE, Limits::DEFAULT_STDERR);
    const TABLE_ELEMENTS: Limit =
        Limit::count("table-elements", "", &Limits::TABLE_ELEMENTS_RANGE, Limits::DEFAULT_TABLE_ELEMENTS);
    const INSTANCES: Limit = Limit {
        key: "instances",
        measure: Measure::Count(""),
        min: *Limits::INSTANCES_RANGE.start() as u128,
        max: *Limits::INSTANCES_RANGE.end() as u128,
        default: Limits::DEFAULT_INSTANCES as u128,
    };

    const HANDLES: Limit = Limit {
        key: "handles",
        measure: Measure::Count(""),
        min: *Limits::HANDLES_RANGE.start() as u128,
        max: *Limits::HANDLES_RANGE.end() as u128,
        default: Limits::DEFAULT_HANDLES as u128,
    };

    pub(crate) const fn count(
        key: &'static str,
        noun: &'static str,
        range: &RangeInclusive<u64>,
        default: u64,
    ) -> Limit {
        Limit {
            key,
            measure: Measure::Count(noun),
            min: *range.start() as u128,
            max: *range.end() as u128,
            default: default as u128,
        }
    }

    pub(crate) const fn bytes(key: &'static str, range: &RangeInclusive<u64>, default: u64) -> Limit {
        Limit {
            key,
            measure: Measure::Bytes,
            min: *range.start() as u128,
            max: *range.end() as u128,
            default: default as u128,
        }
    }

    pub(crate) const fn duration(key: &'static str, range: &RangeInclusive<Duration>, default: Duration) -> Limit {
        Limit {
            key,
            measure: Measure::Duration,
            min: range.start().as_nanos(),
            max: range.end().as_nanos(),
            default: default.as_nanos(),
        }
    }

    fn contains(&self, value: u128) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// Formats a value in the limit's own unit, as a policy would write it.
    fn show(&self, value: u128) -> String {
        match self.measure {
            Measure::Count(_) => value.to_string(),
            Measure::Bytes => match u64::try_from(value) {
                Ok(bytes) => format_byte_size(bytes),
                Err(_) => format!("{value} B"),
            },
            Measure::Duration => {
                let nanos = u64::try_from(value).unwrap_or(u64::MAX);
                humantime::format_duration(Duration::from_nanos(nanos)).to_string()
            }
        }
    }

    fn describe_range(&self) -> String {
        let noun = match self.measure {
            Measure::Count(noun) if !noun.is_empty() => format!(" {noun}"),
            _ => String::new(),
        };
        format!("{} to {}{noun}", self.show(self.min), self.show(self.max))
    }

    /// Builds the error for a value outside the accepted range, showing the
    /// value as the policy wrote it.
    fn out_of_range(&self, source: &SourceText<'_>, value: &Spanned<Value>) -> PolicyError {
        source.error(
            value.span(),
            format!("{} {} is out of range: accepted {}", self.key, value.get_ref(), self.describe_range()),
            format!(
                "choose a value in that range, or remove the key to use the default of {}",
                self.show(self.default)
            ),
        )
    }

    fn wrong_type(&self, source: &SourceText<'_>, value: &Spanned<Value>, expected: &str) -> PolicyError {
        let example = match self.measure {
            Measure::Count(_) => self.show(self.default),
            Measure::Bytes | Measure::Duration => format!("\"{}\"", self.show(self.default)),
        };
        source.error(
            value.span(),
            format!("{} must be {expected}, found {} {}", self.key, value.get_ref().type_str(), value.get_ref()),
            format!("write it like {} = {example}", self.key),
        )
    }
}

pub(crate) fn read_count(source: &SourceText<'_>, limit: &Limit, value: &Spanned<Value>) -> Result<u64, PolicyError> {
    let Value::Integer(number) = value.get_ref() else {
        return Err(limit.wrong_type(source, value, "an integer"));
    };
    match u64::try_from(*number) {
        Ok(count) if limit.contains(u128::from(count)) => Ok(count),
        _ => Err(limit.out_of_range(source, value)),
    }
}

pub(crate) fn read_size(source: &SourceText<'_>, limit: &Limit, value: &Spanned<Value>) -> Result<u64, PolicyError> {
    let bytes = match value.get_ref() {
        Value::Integer(number) => u64::try_from(*number).ok(),
        Value::String(text) => match parse_size(text) {
            Ok(bytes) => Some(bytes),
            Err(error) => return Err(size_error(source, limit, value, &error)),
        },
        _ => {
            return Err(limit.wrong_type(source, value, "an integer number of bytes or a string with a unit"));
        }
    };
    match bytes {
        Some(bytes) if limit.contains(u128::from(bytes)) => Ok(bytes),
        _ => Err(limit.out_of_range(source, value)),
    }
}

fn size_error(source: &SourceText<'_>, limit: &Limit, value: &Spanned<Value>, error: &SizeError) -> PolicyError {
    let example_number = match error {
        SizeError::UnknownUnit { number, .. } => number.clone(),
        _ => limit.show(limit.default).split(' ').next().unwrap_or("1").to_owned(),
    };
    let fix = match error {
        SizeError::NotWholeBytes => format!(
            "use a smaller unit so the size is a whole number of bytes, or remove the key to use the default of {}",
            limit.show(limit.default)
        ),
        SizeError::TooLarge => format!("choose a size in the range {}", limit.describe_range()),
        _ => format!("use a unit such as \"{example_number} MiB\" or \"{example_number} MB\""),
    };
    source.error(value.span(), format!("{} {} is not a size: {error}", limit.key, value.get_ref()), fix)
}

pub(crate) fn read_duration(
    source: &SourceText<'_>,
    limit: &Limit,
    value: &Spanned<Value>,
) -> Result<Duration, PolicyError> {
    let Value::String(text) = value.get_ref() else {
        return Err(limit.wrong_type(source, value, "a duration string"));
    };
    let duration = humantime::parse_duration(text.trim()).map_err(|error| {
        source.error(
            value.span(),
            format!("{} {} is not a duration: {error}", limit.key, value.get_ref()),
            "write a duration such as \"250ms\", \"5s\" or \"2m\"",
        )
    })?;
    if limit.contains(duration.as_nanos()) { Ok(duration) } else { Err(limit.out_of_range(source, value)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Document {
        limits: RawLimits,
    }

    /// Reads `[limits]` from `body`, the lines that follow the table header.
    fn limits_from(body: &str) -> Result<Limits, PolicyError> {
        let text = format!("[limits]\n{body}");
        let source = SourceText::new("test.toml", &text);
        let document: Document = toml::from_str(&text).map_err(|error| source.toml_error(&error))?;
        document.limits.validate(&source)
    }

    fn message_of(body: &str) -> String {
        match limits_from(body) {
            Ok(limits) => panic!("expected an error, got {limits:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn defaults_match_documented_values() {
        let limits = Limits::default();
        assert_eq!(limits.fuel, 2_000_000_000);
        assert_eq!(limits.memory, 64 * 1024 * 1024);
        assert_eq!(limits.timeout, Duration::from_secs(5));
        assert_eq!(limits.stdout, 1024 * 1024);
        assert_eq!(limits.stderr, 256 * 1024);
        assert_eq!(limits.table_elements, 20_000);
        assert_eq!(limits.instances, 50);
    }

    #[test]
    fn defaults_pass_validation() {
        assert_eq!(Limits::default().validate(), Ok(()));
    }

    #[test]
    fn empty_table_gives_defaults() {
        assert_eq!(limits_from("").ok(), Some(Limits::default()));
    }

    #[test]
    fn all_keys_are_read() {
        let limits = limits_from(
            "fuel = 7\nmemory = \"1 MiB\"\ntimeout = \"250ms\"\nstdout = 10\nstderr = \"2 KB\"\n\
             table-elements = 30\ninstances = 4\nhandles = 64\n",
        )
        .ok();
        let expected = Limits {
            fuel: 7,
            memory: MIB,
            timeout: Duration::from_millis(250),
            stdout: 10,
            stderr: 2000,
            table_elements: 30,
            instances: 4,
            handles: 64,
        };
        assert_eq!(limits, Some(expected));
    }

    #[test]
    fn memory_accepts_integer_bytes() {
        assert_eq!(limits_from("memory = 131072").map(|l| l.memory).ok(), Some(128 * KIB));
    }

    #[test]
    fn memory_accepts_each_unit() {
        let cases = [
            ("\"65536 B\"", 65_536),
            ("\"100 KB\"", 100_000),
            ("\"64 KiB\"", 64 * KIB),
            ("\"2 MB\"", 2_000_000),
            ("\"2 MiB\"", 2 * MIB),
            ("\"1 GB\"", 1_000_000_000),
            ("\"1 GiB\"", GIB),
        ];
        for (written, bytes) in cases {
            let memory = limits_from(&format!("memory = {written}")).map(|l| l.memory).ok();
            assert_eq!(memory, Some(bytes), "memory = {written}");
        }
    }

    #[test]
    fn timeout_accepts_minutes() {
        let timeout = limits_from("timeout = \"2m\"").map(|l| l.timeout).ok();
        assert_eq!(timeout, Some(Duration::from_mins(2)));
    }

    #[test]
    fn fuel_accepts_underscores() {
        let fuel = limits_from("fuel = 10_000_000_000_000").map(|l| l.fuel).ok();
        assert_eq!(fuel, Some(10_000_000_000_000));
    }

    #[test]
    fn bad_unit_message_matches_format() {
        assert_eq!(
            message_of("fuel = 1\nmemory = \"64 Mb\""),
            "test.toml:3:10: memory \"64 Mb\" is not a size: unknown unit \"Mb\" \
             (fix: use a unit such as \"64 MiB\" or \"64 MB\")"
        );
    }

    #[test]
    fn fractional_bytes_rejected() {
        assert!(message_of("stdout = \"1.3 KiB\"").contains("is not a whole number of bytes"));
    }

    #[test]
    fn bad_duration_rejected() {
        assert!(message_of("timeout = \"5 parsecs\"").contains("timeout \"5 parsecs\" is not a duration"));
    }

    #[test]
    fn zero_rejected_for_every_limit() {
        let cases = [
            "fuel = 0",
            "memory = 0",
            "memory = \"0 MiB\"",
            "timeout = \"0s\"",
            "stdout = 0",
            "stderr = \"0 B\"",
            "table-elements = 0",
            "instances = 0",
        ];
        for body in cases {
            assert!(message_of(body).contains("is out of range"), "{body}");
        }
    }

    #[test]
    fn fuel_range_named_in_error() {
        assert_eq!(
            message_of("fuel = 10_000_000_000_001"),
            "test.toml:2:8: fuel 10000000000001 is out of range: accepted 1 to 10000000000000 \
             instructions (fix: choose a value in that range, or remove the key to use the \
             default of 2000000000)"
        );
    }

    #[test]
    fn negative_fuel_out_of_range() {
        assert!(message_of("fuel = -1").contains("fuel -1 is out of range"));
    }

    #[test]
    fn memory_below_range_rejected() {
        assert!(message_of("memory = \"32 KiB\"").contains("accepted 64 KiB to 4 GiB"));
    }

    #[test]
    fn memory_above_range_rejected() {
        assert!(message_of("memory = \"5 GiB\"").contains("accepted 64 KiB to 4 GiB"));
    }

    #[test]
    fn memory_range_bounds_accepted() {
        let low = limits_from("memory = \"64 KiB\"").map(|l| l.memory).ok();
        let high = limits_from("memory = \"4 GiB\"").map(|l| l.memory).ok();
        assert_eq!((low, high), (Some(64 * KIB), Some(4 * GIB)));
    }

    #[test]
    fn timeout_below_range_rejected() {
        assert!(message_of("timeout = \"500us\"").contains("accepted 1ms to 1h"));
    }

    #[test]
    fn timeout_above_range_rejected() {
        assert!(message_of("timeout = \"61m\"").contains("accepted 1ms to 1h"));
    }

    #[test]
    fn stdout_above_range_rejected() {
        assert!(message_of("stdout = \"2 GiB\"").contains("accepted 1 B to 1 GiB"));
    }

    #[test]
    fn stderr_above_range_rejected() {
        assert!(message_of("stderr = 1073741825").contains("accepted 1 B to 1 GiB"));
    }

    #[test]
    fn table_elements_above_range_rejected() {
        assert!(message_of("table-elements = 1_000_001").contains("accepted 1 to 1000000"));
    }

    #[test]
    fn handles_below_range_rejected() {
        assert!(message_of("handles = 8").contains("accepted 16 to 1000000"));
    }

    #[test]
    fn instances_above_range_rejected() {
        assert!(message_of("instances = 65").contains("accepted 1 to 64"));
    }

    #[test]
    fn huge_size_out_of_range() {
        assert!(message_of("memory = \"17179869184 GiB\"").contains("larger than"));
    }

    #[test]
    fn fuel_string_is_wrong_type() {
        assert_eq!(
            message_of("fuel = \"lots\""),
            "test.toml:2:8: fuel must be an integer, found string \"lots\" \
             (fix: write it like fuel = 2000000000)"
        );
    }

    #[test]
    fn fuel_float_is_wrong_type() {
        assert!(message_of("fuel = 1.5").contains("fuel must be an integer, found float 1.5"));
    }

    #[test]
    fn timeout_integer_is_wrong_type() {
        assert!(message_of("timeout = 5").contains("(fix: write it like timeout = \"5s\")"));
    }

    #[test]
    fn memory_boolean_is_wrong_type() {
        assert!(message_of("memory = true").contains("memory must be an integer number of bytes"));
    }

    #[test]
    fn unknown_limit_key_positioned() {
        assert!(message_of("fuel = 1\nfool = 2").starts_with("test.toml:3:1: unknown field `fool`"));
    }

    #[test]
    fn validate_rejects_zero_fuel() {
        let limits = Limits { fuel: 0, ..Limits::default() };
        assert_eq!(
            limits.validate(),
            Err("fuel 0 is out of range: accepted 1 to 10000000000000 instructions".to_owned())
        );
    }

    #[test]
    fn validate_rejects_long_timeout() {
        let limits = Limits { timeout: Duration::from_hours(2), ..Limits::default() };
        assert_eq!(limits.validate(), Err("timeout 2h is out of range: accepted 1ms to 1h".to_owned()));
    }

    #[test]
    fn timeout_serialises_as_millis() {
        let json = serde_json::to_value(Limits::default()).ok();
        assert_eq!(json.and_then(|v| v.get("timeout_ms").cloned()), Some(5000.into()));
    }
}
