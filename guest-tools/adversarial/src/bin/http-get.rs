//! `http-get COUNT URL`: sends COUNT sequential GET requests to URL through
//! `wasi:http/outgoing-handler` and reads each response body to its end. It prints one line
//! per request, `STATUS NANOS`. NANOS is the time from building the request to the end of
//! the response body, on the guest's monotonic clock. Benchmarks use it to measure the cost
//! of one request through the host's HTTP hook without the cost of a call.
//!
//! URL is split like `http-probe` splits it, as `SCHEME://AUTHORITY/PATH`, and only `http`
//! and `https` are accepted. A request that fails prints `err N CODE` for the request
//! numbered N (from 0) and ends the program with status 1. Invalid arguments print a usage
//! line and exit with status 2.

// Natively only the argument parsing runs, so the helpers for sending look unused there.
#![cfg_attr(not(all(target_os = "wasi", target_env = "p2")), allow(dead_code))]

use cordon_adversarial_guests::{arguments, exit, usage_error};

const USAGE: &str = "http-get COUNT URL";

/// The size of each read from a response body.
const CHUNK_BYTES: u64 = 64 * 1024;

/// A URL split into the parts a `wasi:http` request sets one by one.
#[derive(Debug, PartialEq)]
struct Target {
    https: bool,
    authority: String,
    path_with_query: String,
}

fn main() {
    let arguments = arguments();
    let (count, target) = parse_arguments(&arguments).unwrap_or_else(|message| {
        eprintln!("http-get: {message}");
        usage_error(USAGE)
    });
    let mut lines = String::new();
    for index in 0..count {
        match get(&target) {
            Ok((status, nanos)) => lines.push_str(&format!("{status} {nanos}\n")),
            Err(code) => {
                print!("{lines}");
                println!("err {index} {code}");
                exit(1);
            }
        }
    }
    // One write at the end keeps the output's own cost out of the timed requests.
    print!("{lines}");
    exit(0);
}

/// Parses `COUNT URL`, or returns what is wrong with them.
fn parse_arguments(arguments: &[String]) -> Result<(u64, Target), String> {
    let [count, url] = arguments else {
        return Err(format!("expected 2 arguments, got {}", arguments.len()));
    };
    let count = count
        .parse()
        .map_err(|_| format!("invalid COUNT {count:?}: expected a non-negative integer"))?;
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("invalid URL {url:?}: expected SCHEME://AUTHORITY/PATH"))?;
    let https = match scheme {
        "http" => false,
        "https" => true,
        other => return Err(format!("unsupported scheme {other:?}: expected http or https")),
    };
    let slash = rest
        .find('/')
        .ok_or_else(|| format!("invalid URL {url:?}: expected a path after the authority"))?;
    let target = Target {
        https,
        authority: rest[..slash].to_owned(),
        path_with_query: rest[slash..].to_owned(),
    };
    Ok((count, target))
}

#[cfg(not(all(target_os = "wasi", target_env = "p2")))]
fn get(_target: &Target) -> Result<(u16, u64), String> {
    eprintln!("http-get: wasi:http is available only when built for wasm32-wasip2");
    exit(1);
}

/// Sends one GET and reads the whole response body. Returns the status and the elapsed
/// nanoseconds, or the `wasi:http` error code in `Debug` form.
#[cfg(all(target_os = "wasi", target_env = "p2"))]
fn get(target: &Target) -> Result<(u16, u64), String> {
    use wasip2::clocks::monotonic_clock;
    use wasip2::http::outgoing_handler;
    use wasip2::http::types::{Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme};
    use wasip2::io::streams::StreamError;

    let started = monotonic_clock::now();

    let request = OutgoingRequest::new(Fields::new());
    let scheme = if target.https { Scheme::Https } else { Scheme::Http };
    let rejected = |field: &str| format!("{field} rejected");
    request.set_method(&Method::Get).map_err(|()| rejected("method"))?;
    request.set_scheme(Some(&scheme)).map_err(|()| rejected("scheme"))?;
    request
        .set_authority(Some(&target.authority))
        .map_err(|()| rejected("authority"))?;
    request
        .set_path_with_query(Some(&target.path_with_query))
        .map_err(|()| rejected("path-with-query"))?;
    // A GET has no body, but the body must still be finished for the request to be complete.
    let body = request.body().map_err(|()| rejected("body"))?;

    let future = outgoing_handler::handle(request, None).map_err(|code| format!("{code:?}"))?;
    OutgoingBody::finish(body, None).map_err(|code| format!("{code:?}"))?;
    future.subscribe().block();
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Err(format!("{code:?}")),
        Some(Err(())) | None => return Err("the response future was read twice".to_owned()),
    };
    let status = response.status();

    let body = response.consume().map_err(|()| rejected("response body"))?;
    let stream = body.stream().map_err(|()| rejected("response body stream"))?;
    loop {
        match stream.blocking_read(CHUNK_BYTES) {
            Ok(_) => {}
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(error)) => return Err(error.to_debug_string()),
        }
    }
    // The stream is a child of the body and must be dropped before the body is finished.
    drop(stream);
    drop(IncomingBody::finish(body));

    Ok((status, monotonic_clock::now() - started))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(arguments: &[&str]) -> Vec<String> {
        arguments.iter().map(|argument| argument.to_string()).collect()
    }

    #[test]
    fn parse_count_and_url() {
        let (count, target) = parse_arguments(&strings(&["3", "http://bench.amazonaws.com/object"])).unwrap();
        assert_eq!(count, 3);
        assert_eq!(
            target,
            Target {
                https: false,
                authority: "bench.amazonaws.com".to_owned(),
                path_with_query: "/object".to_owned()
            }
        );
    }

    #[test]
    fn parse_rejects_invalid_arguments() {
        let cases: &[&[&str]] = &[
            &[],
            &["3"],
            &["x", "http://a.invalid/"],
            &["3", "ftp://a.invalid/"],
            &["3", "http://a.invalid"],
            &["3", "http://a.invalid/", "extra"],
        ];
        for case in cases {
            assert!(parse_arguments(&strings(case)).is_err(), "accepted {case:?}");
        }
    }
}
