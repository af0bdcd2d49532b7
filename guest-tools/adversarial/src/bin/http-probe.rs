//! `http-probe [OPTIONS] URL`: sends one HTTP request through `wasi:http/outgoing-handler`
//! and prints what came back, so host tests can hand the host's request filter exactly the
//! request they want to check.
//!
//! The request is built field by field with the `wasi:http/types` bindings. URL is split
//! by hand as `SCHEME://AUTHORITY/PATH?QUERY` and nothing in it is normalised: SCHEME is
//! the text before `://`, AUTHORITY runs up to the first `/` after it, and the rest,
//! starting with that `/`, is the path-with-query. Case, trailing dots, userinfo, ports and
//! percent-encoding reach the host as written. A URL without a `/` after the authority
//! leaves the path-with-query unset, which wasmtime-wasi-http 48 rejects in `handle` with
//! `HttpProtocolError`. Methods and schemes are matched case-sensitively, so
//! `get` is sent as `method.other("get")` and `HTTP` as `scheme.other("HTTP")`.
//!
//! Options, which may come in any order before or after URL:
//!
//! - `--method M`: request method, default `GET`.
//! - `--header 'Name: value'`: appends a header, repeatable. The value starts after the
//!   colon and any spaces or tabs that follow it.
//! - `--authority A`: sets A as the request's authority in place of the URL's.
//! - `--body TEXT`, `--body-bytes N` (N bytes of `x`) or `--body-stdin` (standard input to
//!   its end): the request body, at most one of them. Without one the request has no body.
//! - `--connect-timeout-ms N`, `--first-byte-timeout-ms N`: `request-options` timeouts in
//!   milliseconds.
//! - `--show-body N`: the maximum number of response body bytes to print, default 200.
//!
//! Lines on stdout, in order:
//!
//! - `err header NAME: ERROR` for each header that `fields.append` rejects, ERROR being the
//!   `header-error` case such as `Forbidden`. The request goes on without that header.
//! - `err method M: invalid`, `err scheme S: invalid`, `err authority A: invalid` or
//!   `err path-with-query P: invalid` when a setter rejects a value, which then stays unset.
//!   `err connect-timeout-ms N: unsupported` and `err first-byte-timeout-ms N: unsupported`
//!   likewise report a timeout the host does not support.
//! - `err handle CODE` when `outgoing-handler.handle` fails, which ends the probe.
//! - `err request-body CODE` when writing or finishing the request body fails. CODE is
//!   `Closed` when the host closed the stream before the last write, and `ResponseArrived(K of N bytes written)`
//!   when the response came before the body was fully written, which leaves the body
//!   unfinished. The probe then still waits for the response.
//! - `err response CODE` when the response future resolves to an error, which ends the
//!   probe, or else `status STATUS`, one `header NAME: VALUE` line per response header
//!   sorted by name, `body-bytes N` with the length of the whole body, and `body: TEXT`
//!   with its first `--show-body` bytes.
//! - `err body CODE` after those two lines when reading the response body or its trailers
//!   fails. N and TEXT then cover the bytes read before the failure.
//!
//! CODE is the `wasi:http` `error-code` case in Rust `Debug` form without the type name,
//! for example `HttpRequestDenied` or `HttpRequestBodySize(Some(5))`. A stream failure
//! that carries no `error-code` shows the host's debug text of the `wasi:io` error.
//! Header values and body text are decoded as lossy UTF-8, and in the body text and in
//! error text a newline is written as `\n` and a carriage return as `\r`.
//!
//! When reading standard input for `--body-stdin` fails, the probe prints
//! `err stdin KIND: MESSAGE` and sends nothing. The exit status is 0 whatever the outcome,
//! and 2 with a usage line for invalid arguments.
//!
//! Where a refusal shows up depends on the host: wasmtime-wasi-http 48 runs its
//! `WasiHttpHooks::send_request` hook inside the response future, so a request the hook
//! rejects prints `err response HttpRequestDenied`, while `err handle` reports the checks
//! that `handle` makes itself, such as an unsupported scheme (`HttpProtocolError`).

// Natively only the argument parsing runs, so the helpers for sending look unused there.
#![cfg_attr(not(all(target_os = "wasi", target_env = "p2")), allow(dead_code))]

use std::io::{self, Read};

use cordon_adversarial_guests::{arguments, error_line, exit, usage_error};

const USAGE: &str = "http-probe [--method M] [--header 'Name: value']... [--authority A] \
                     [--body TEXT | --body-bytes N | --body-stdin] [--connect-timeout-ms N] \
                     [--first-byte-timeout-ms N] [--show-body N] URL";

/// Response body bytes printed when `--show-body` is not given.
const DEFAULT_SHOW_BODY: usize = 200;

/// Size of each write to the request body stream and of each read from the response body.
const CHUNK_BYTES: usize = 64 * 1024;

/// The request body selected on the command line.
#[derive(Debug, PartialEq)]
enum BodySource {
    None,
    Text(String),
    /// The given number of `x` bytes.
    Filler(u64),
    Stdin,
}

/// The parsed command line.
#[derive(Debug, PartialEq)]
struct Probe {
    method: String,
    /// Header names and values in command-line order.
    headers: Vec<(String, String)>,
    authority: Option<String>,
    body: BodySource,
    connect_timeout_ms: Option<u64>,
    first_byte_timeout_ms: Option<u64>,
    show_body: usize,
    url: String,
}

/// The parts of a URL, as written.
#[derive(Debug, PartialEq)]
struct UrlParts<'a> {
    scheme: &'a str,
    authority: &'a str,
    /// Everything from the first `/` after the authority, or `None` when there is none.
    path_with_query: Option<&'a str>,
}

/// The bytes to send as the request body.
enum Payload {
    Bytes(Vec<u8>),
    Filler(u64),
}

fn main() {
    let probe = parse_arguments(&arguments()).unwrap_or_else(|message| {
        eprintln!("http-probe: {message}");
        usage_error(USAGE)
    });
    let payload = match &probe.body {
        BodySource::None => None,
        BodySource::Text(text) => Some(Payload::Bytes(text.as_bytes().to_vec())),
        BodySource::Filler(count) => Some(Payload::Filler(*count)),
        BodySource::Stdin => {
            let mut data = Vec::new();
            if let Err(err) = io::stdin().lock().read_to_end(&mut data) {
                println!("{}", error_line("stdin", &err));
                exit(0);
            }
            Some(Payload::Bytes(data))
        }
    };
    send(&probe, payload);
    exit(0);
}

/// Parses the command line into a [`Probe`], or returns what is wrong with it.
fn parse_arguments(arguments: &[String]) -> Result<Probe, String> {
    let mut probe = Probe {
        method: "GET".to_owned(),
        headers: Vec::new(),
        authority: None,
        body: BodySource::None,
        connect_timeout_ms: None,
        first_byte_timeout_ms: None,
        show_body: DEFAULT_SHOW_BODY,
        url: String::new(),
    };
    let mut url = None;
    let mut remaining = arguments.iter();
    while let Some(argument) = remaining.next() {
        let mut value = || {
            remaining
                .next()
                .cloned()
                .ok_or_else(|| format!("option {argument} requires a value"))
        };
        match argument.as_str() {
            "--method" => probe.method = value()?,
            "--header" => {
                let header = value()?;
                let (name, field_value) = header
                    .split_once(':')
                    .ok_or_else(|| format!("invalid header {header:?}: expected 'Name: value'"))?;
                let field_value = field_value.trim_start_matches([' ', '\t']);
                probe.headers.push((name.to_owned(), field_value.to_owned()));
            }
            "--authority" => probe.authority = Some(value()?),
            "--body" => set_body(&mut probe.body, BodySource::Text(value()?))?,
            "--body-bytes" => {
                let count = parse_number(argument, &value()?)?;
                set_body(&mut probe.body, BodySource::Filler(count))?;
            }
            "--body-stdin" => set_body(&mut probe.body, BodySource::Stdin)?,
            "--connect-timeout-ms" => probe.connect_timeout_ms = Some(parse_millis(argument, &value()?)?),
            "--first-byte-timeout-ms" => probe.first_byte_timeout_ms = Some(parse_millis(argument, &value()?)?),
            "--show-body" => probe.show_body = parse_number(argument, &value()?)?,
            option if option.starts_with("--") => return Err(format!("unknown option {option}")),
            _ if url.is_some() => return Err(format!("unexpected argument {argument:?}: only one URL is allowed")),
            _ => url = Some(argument.clone()),
        }
    }

    probe.url = url.ok_or("missing URL")?;
    if split_url(&probe.url).is_none() {
        return Err(format!("invalid URL {:?}: expected SCHEME://AUTHORITY/PATH", probe.url));
    }
    Ok(probe)
}

/// Stores the body option, rejecting a second one.
fn set_body(body: &mut BodySource, source: BodySource) -> Result<(), String> {
    if *body != BodySource::None {
        return Err("--body, --body-bytes and --body-stdin are mutually exclusive".to_owned());
    }
    *body = source;
    Ok(())
}

fn parse_number<T: std::str::FromStr>(option: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("invalid value {text:?} for {option}: expected a non-negative integer"))
}

/// Parses a timeout in milliseconds, rejecting values whose nanosecond count, the unit of
/// `wasi:clocks` durations, does not fit in a `u64`.
fn parse_millis(option: &str, text: &str) -> Result<u64, String> {
    let millis: u64 = parse_number(option, text)?;
    if millis.checked_mul(1_000_000).is_none() {
        return Err(format!("invalid value {text:?} for {option}: too large"));
    }
    Ok(millis)
}

/// Splits `SCHEME://AUTHORITY/PATH?QUERY` without decoding or normalising anything.
/// Returns `None` when the URL has no `://`.
fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let parts = match rest.find('/') {
        Some(slash) => UrlParts {
            scheme,
            authority: &rest[..slash],
            path_with_query: Some(&rest[slash..]),
        },
        None => UrlParts {
            scheme,
            authority: rest,
            path_with_query: None,
        },
    };
    Some(parts)
}

/// Escapes newlines and carriage returns so that a text stays on one output line.
fn escape_line_breaks(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

/// Returns a `Debug` form without its leading `Type::` path, so `ErrorCode::ConnectionTimeout`
/// becomes `ConnectionTimeout`. Nested payloads keep their own type names.
fn case_name(debug: &str) -> &str {
    match debug.split_once("::") {
        Some((type_name, case)) if !type_name.contains(['(', ' ', '{']) => case,
        _ => debug,
    }
}

#[cfg(not(all(target_os = "wasi", target_env = "p2")))]
fn send(_probe: &Probe, _payload: Option<Payload>) {
    eprintln!("http-probe: wasi:http is available only when built for wasm32-wasip2");
    exit(1);
}

#[cfg(all(target_os = "wasi", target_env = "p2"))]
fn send(probe: &Probe, payload: Option<Payload>) {
    wasi_http::send(probe, payload);
}

/// The request and response handling, which exists only on wasm32-wasip2.
#[cfg(all(target_os = "wasi", target_env = "p2"))]
mod wasi_http {
    use wasip2::http::outgoing_handler;
    use wasip2::http::types::{
        ErrorCode, Fields, FutureIncomingResponse, IncomingBody, IncomingResponse, Method, OutgoingBody,
        OutgoingRequest, RequestOptions, Scheme,
    };
    use wasip2::io::poll;
    use wasip2::io::streams::{OutputStream, StreamError};

    use super::{CHUNK_BYTES, Payload, Probe, case_name, escape_line_breaks, split_url};

    /// Builds the request, sends it, writes the body and prints the outcome.
    pub(super) fn send(probe: &Probe, payload: Option<Payload>) {
        let Some(url) = split_url(&probe.url) else {
            unreachable!("parse_arguments accepts only URLs that split_url can split")
        };

        let headers = Fields::new();
        for (name, value) in &probe.headers {
            if let Err(err) = headers.append(name, value.as_bytes()) {
                println!("err header {name}: {}", case_name(&format!("{err:?}")));
            }
        }
        let request = OutgoingRequest::new(headers);

        if request.set_method(&method(&probe.method)).is_err() {
            println!("err method {}: invalid", probe.method);
        }
        if request.set_scheme(Some(&scheme(url.scheme))).is_err() {
            println!("err scheme {}: invalid", url.scheme);
        }
        let authority = probe.authority.as_deref().unwrap_or(url.authority);
        if request.set_authority(Some(authority)).is_err() {
            println!("err authority {authority}: invalid");
        }
        if let Some(path) = url.path_with_query
            && request.set_path_with_query(Some(path)).is_err()
        {
            println!("err path-with-query {path}: invalid");
        }

        // The body must be taken before `handle` consumes the request. It is written only
        // after `handle`, because the host drains the stream only once the request is sent.
        let body = payload.map(|payload| {
            let body = request
                .body()
                .expect("the body of a new outgoing-request is available once");
            (body, payload)
        });

        let future = match outgoing_handler::handle(request, request_options(probe)) {
            Ok(future) => future,
            Err(code) => {
                println!("err handle {}", code_text(&code));
                return;
            }
        };

        if let Some((body, payload)) = body
            && let Err(failure) = write_body(body, &payload, &future)
        {
            println!("err request-body {failure}");
        }

        future.subscribe().block();
        match future.get() {
            Some(Ok(Ok(response))) => print_response(&response, probe.show_body),
            Some(Ok(Err(code))) => println!("err response {}", code_text(&code)),
            Some(Err(())) | None => unreachable!("the response future was ready and read only once"),
        }
    }

    /// Maps a method name to its `method` case, matching case-sensitively so that any other
    /// spelling is sent as written.
    fn method(name: &str) -> Method {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "CONNECT" => Method::Connect,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "PATCH" => Method::Patch,
            other => Method::Other(other.to_owned()),
        }
    }

    /// Maps a scheme to its `scheme` case, matching case-sensitively like [`method`].
    fn scheme(name: &str) -> Scheme {
        match name {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            other => Scheme::Other(other.to_owned()),
        }
    }

    /// Returns the request options, or `None` when no timeout option was given.
    fn request_options(probe: &Probe) -> Option<RequestOptions> {
        if probe.connect_timeout_ms.is_none() && probe.first_byte_timeout_ms.is_none() {
            return None;
        }
        let options = RequestOptions::new();
        // parse_millis has checked that these products fit in a u64.
        if let Some(millis) = probe.connect_timeout_ms
            && options.set_connect_timeout(Some(millis * 1_000_000)).is_err()
        {
            println!("err connect-timeout-ms {millis}: unsupported");
        }
        if let Some(millis) = probe.first_byte_timeout_ms
            && options.set_first_byte_timeout(Some(millis * 1_000_000)).is_err()
        {
            println!("err first-byte-timeout-ms {millis}: unsupported");
        }
        Some(options)
    }

    /// Writes the payload and finishes the body. Returns the text of the `err request-body`
    /// line on failure.
    fn write_body(body: OutgoingBody, payload: &Payload, response: &FutureIncomingResponse) -> Result<(), String> {
        let stream = body
            .write()
            .expect("the stream of a new outgoing-body is available once");
        let outcome = write_payload(&stream, payload, response);
        // The stream is a child of the body and must be dropped before the body is finished.
        drop(stream);
        // After a failure the body is dropped unfinished, which signals the host that it is incomplete.
        outcome?;
        OutgoingBody::finish(body, None).map_err(|code| code_text(&code))
    }

    /// Writes the payload in chunks of [`CHUNK_BYTES`] within the stream's write budget and
    /// waits for the final flush.
    ///
    /// While the stream has no budget left, the wait also watches the response, so a host
    /// that responds without reading the whole body cannot leave the probe blocked.
    fn write_payload(
        stream: &OutputStream,
        payload: &Payload,
        response: &FutureIncomingResponse,
    ) -> Result<(), String> {
        let total = match payload {
            Payload::Bytes(data) => data.len() as u64,
            Payload::Filler(count) => *count,
        };
        let filler = vec![b'x'; CHUNK_BYTES];
        let mut written = 0u64;
        while written < total {
            let length = (total - written).min(CHUNK_BYTES as u64) as usize;
            let chunk = match payload {
                Payload::Bytes(data) => &data[written as usize..][..length],
                Payload::Filler(_) => &filler[..length],
            };
            write_chunk(stream, chunk, response, &mut written, total)?;
        }

        // The host may close the stream once it has every byte it expects, for example as
        // many as a Content-Length header announced, so a stream closed after the last write
        // is no failure. `outgoing-body.finish` still reports a length mismatch.
        match stream.flush() {
            Ok(()) => {}
            Err(StreamError::Closed) => return Ok(()),
            Err(err) => return Err(stream_error_text(&err)),
        }
        // A flush is complete once the stream accepts writes again.
        loop {
            match stream.check_write() {
                Ok(0) => wait_for_budget(stream, response, written, total)?,
                Ok(_) | Err(StreamError::Closed) => return Ok(()),
                Err(err) => return Err(stream_error_text(&err)),
            }
        }
    }

    /// Writes one chunk, as many pieces as the write budget requires.
    fn write_chunk(
        stream: &OutputStream,
        chunk: &[u8],
        response: &FutureIncomingResponse,
        written: &mut u64,
        total: u64,
    ) -> Result<(), String> {
        let mut rest = chunk;
        while !rest.is_empty() {
            let budget = stream.check_write().map_err(|err| stream_error_text(&err))?;
            if budget == 0 {
                wait_for_budget(stream, response, *written, total)?;
                continue;
            }
            let length = rest.len().min(usize::try_from(budget).unwrap_or(usize::MAX));
            stream.write(&rest[..length]).map_err(|err| stream_error_text(&err))?;
            *written += length as u64;
            rest = &rest[length..];
        }
        Ok(())
    }

    /// Blocks until the stream is ready for more output, or fails when the response arrives
    /// first.
    fn wait_for_budget(
        stream: &OutputStream,
        response: &FutureIncomingResponse,
        written: u64,
        total: u64,
    ) -> Result<(), String> {
        let stream_ready = stream.subscribe();
        let response_ready = response.subscribe();
        let ready = poll::poll(&[&stream_ready, &response_ready]);
        if ready.contains(&0) {
            Ok(())
        } else {
            Err(format!("ResponseArrived({written} of {total} bytes written)"))
        }
    }

    /// Prints the status, the headers and the body of a response.
    fn print_response(response: &IncomingResponse, show_body: usize) {
        println!("status {}", response.status());

        let mut entries = response.headers().entries();
        // A stable sort keeps repeated headers in the order the host returned them.
        entries.sort_by(|left, right| left.0.cmp(&right.0));
        for (name, value) in &entries {
            println!("header {name}: {}", String::from_utf8_lossy(value));
        }

        let Ok(body) = response.consume() else {
            unreachable!("the body of a new incoming-response is available once")
        };
        let mut preview = Vec::new();
        let (length, failure) = read_body(body, show_body, &mut preview);
        println!("body-bytes {length}");
        println!("body: {}", escape_line_breaks(&String::from_utf8_lossy(&preview)));
        if let Some(failure) = failure {
            println!("err body {failure}");
        }
    }

    /// Reads the body to its end and then waits for its trailers. Copies the first
    /// `show_body` bytes into `preview` and returns the number of bytes read, with the error
    /// text if the stream or the trailers failed.
    fn read_body(body: IncomingBody, show_body: usize, preview: &mut Vec<u8>) -> (u64, Option<String>) {
        let stream = body
            .stream()
            .expect("the stream of a new incoming-body is available once");
        let mut length = 0u64;
        loop {
            match stream.blocking_read(CHUNK_BYTES as u64) {
                Ok(chunk) => {
                    let take = show_body.saturating_sub(preview.len()).min(chunk.len());
                    preview.extend_from_slice(&chunk[..take]);
                    length += chunk.len() as u64;
                }
                Err(StreamError::Closed) => break,
                Err(err) => return (length, Some(stream_error_text(&err))),
            }
        }

        // The stream is a child of the body and must be dropped before the body is finished.
        drop(stream);
        let trailers = IncomingBody::finish(body);
        trailers.subscribe().block();
        match trailers.get() {
            Some(Ok(Ok(_))) => (length, None),
            Some(Ok(Err(code))) => (length, Some(code_text(&code))),
            Some(Err(())) | None => unreachable!("the trailers future was ready and read only once"),
        }
    }

    fn code_text(code: &ErrorCode) -> String {
        escape_line_breaks(case_name(&format!("{code:?}")))
    }

    /// Returns the `error-code` behind a stream failure, or the host's debug text of the
    /// `wasi:io` error when it carries none.
    fn stream_error_text(err: &StreamError) -> String {
        match err {
            StreamError::Closed => "Closed".to_owned(),
            StreamError::LastOperationFailed(io_error) => match wasip2::http::types::http_error_code(io_error) {
                Some(code) => code_text(&code),
                None => escape_line_breaks(&io_error.to_debug_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(arguments: &[&str]) -> Vec<String> {
        arguments.iter().map(|argument| argument.to_string()).collect()
    }

    #[test]
    fn split_url_keeps_spelling() {
        let parts = split_url("HtTp://User@Example.INVALID.:080/a%2Fb/../c?q=1#f").unwrap();
        assert_eq!(parts.scheme, "HtTp");
        assert_eq!(parts.authority, "User@Example.INVALID.:080");
        assert_eq!(parts.path_with_query, Some("/a%2Fb/../c?q=1#f"));
    }

    #[test]
    fn split_url_without_path() {
        let parts = split_url("http://127.0.0.1:8080?q=1").unwrap();
        assert_eq!(parts.authority, "127.0.0.1:8080?q=1");
        assert_eq!(parts.path_with_query, None);
    }

    #[test]
    fn split_url_requires_separator() {
        assert_eq!(split_url("127.0.0.1:8080/path"), None);
    }

    #[test]
    fn parse_defaults() {
        let probe = parse_arguments(&strings(&["http://127.0.0.1/"])).unwrap();
        assert_eq!(probe.method, "GET");
        assert_eq!(probe.body, BodySource::None);
        assert_eq!(probe.show_body, DEFAULT_SHOW_BODY);
        assert_eq!(probe.authority, None);
        assert_eq!(probe.url, "http://127.0.0.1/");
    }

    #[test]
    fn parse_all_options() {
        let arguments = strings(&[
            "--method",
            "get",
            "--header",
            "Host:  other.invalid ",
            "--header",
            "X-Empty:",
            "--authority",
            "a.invalid",
            "--body-bytes",
            "1048576",
            "--connect-timeout-ms",
            "50",
            "--first-byte-timeout-ms",
            "70",
            "--show-body",
            "0",
            "http://127.0.0.1/",
        ]);
        let probe = parse_arguments(&arguments).unwrap();
        assert_eq!(probe.method, "get");
        assert_eq!(
            probe.headers,
            vec![
                ("Host".to_owned(), "other.invalid ".to_owned()),
                ("X-Empty".to_owned(), String::new())
            ]
        );
        assert_eq!(probe.authority.as_deref(), Some("a.invalid"));
        assert_eq!(probe.body, BodySource::Filler(1_048_576));
        assert_eq!(probe.connect_timeout_ms, Some(50));
        assert_eq!(probe.first_byte_timeout_ms, Some(70));
        assert_eq!(probe.show_body, 0);
    }

    #[test]
    fn parse_rejects_invalid_arguments() {
        let cases: &[&[&str]] = &[
            &[],
            &["--method"],
            &["--header", "no-colon", "http://127.0.0.1/"],
            &["--body", "a", "--body-stdin", "http://127.0.0.1/"],
            &["--body-bytes", "-1", "http://127.0.0.1/"],
            &["--connect-timeout-ms", "18446744073710", "http://127.0.0.1/"],
            &["--verbose", "http://127.0.0.1/"],
            &["http://127.0.0.1/", "http://127.0.0.1/"],
            &["127.0.0.1/"],
        ];
        for case in cases {
            assert!(parse_arguments(&strings(case)).is_err(), "accepted {case:?}");
        }
    }

    #[test]
    fn case_name_strips_type() {
        assert_eq!(case_name("ErrorCode::HttpRequestDenied"), "HttpRequestDenied");
        assert_eq!(
            case_name("ErrorCode::DnsError(DnsErrorPayload { rcode: None })"),
            "DnsError(DnsErrorPayload { rcode: None })"
        );
        assert_eq!(case_name("Closed"), "Closed");
        assert_eq!(
            case_name("InternalError(Some(\"a::b\"))"),
            "InternalError(Some(\"a::b\"))"
        );
    }

    #[test]
    fn escape_line_breaks_keeps_one_line() {
        assert_eq!(escape_line_breaks("a\r\nb\n"), "a\\r\\nb\\n");
    }
}
