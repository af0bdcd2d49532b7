//! `blob [--endpoint-url URL] [--account NAME] COMMAND`: Azure Blob Storage containers and
//! block blobs.
//!
//! Commands: `create-container CONTAINER`, `upload CONTAINER NAME [FILE|-]`,
//! `download CONTAINER NAME [FILE|-]` and `list CONTAINER`. `upload` reads stdin and
//! `download` writes stdout when FILE is `-` or missing. Requests go to
//! `https://ACCOUNT.blob.core.windows.net/CONTAINER/NAME`, or with `--endpoint-url` to the
//! emulator's path-style `URL/ACCOUNT/CONTAINER/NAME`. The account defaults to
//! `devstoreaccount1`, the storage emulator's account. Each request carries `x-ms-date`,
//! `x-ms-version` and a Shared Key `Authorization` header, signed with the key in
//! `AZURE_STORAGE_KEY` when it is set and holding a placeholder signature otherwise: the
//! host signs every request again with the real key. A failed request prints
//! `blob: COMMAND TARGET: STATUS CODE: message` and exits with 1, and a usage error exits
//! with 2.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cordon_cloud_tools::shared_key::{self, RequestParts};
use cordon_cloud_tools::{CommandLine, EXIT_SUCCESS, Output, Tool, error_message, exit, input_name, read_input};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use wstd::http::body::Bytes;
use wstd::http::body::util::Empty;
use wstd::http::{Body, BodyExt as _, Client, Method, Request, Response, Uri};

const TOOL: Tool = Tool {
    name: "blob",
    usage: "blob [--endpoint-url URL] [--account NAME] COMMAND [ARGS...]",
    help: "Manage Azure Blob Storage containers and block blobs.

Commands:
  create-container CONTAINER        create CONTAINER
  upload CONTAINER NAME [FILE|-]    upload FILE, or standard input when FILE is - or missing,
                                    as the block blob NAME
  download CONTAINER NAME [FILE|-]  download to FILE, or to standard output when FILE is -
                                    or missing
  list CONTAINER                    list the blob names in CONTAINER

Options:
      --endpoint-url URL   send requests to URL/ACCOUNT/CONTAINER/NAME, the path-style form
                           of the storage emulator, for example http://127.0.0.1:10000
                           (default: https://ACCOUNT.blob.core.windows.net)
      --account NAME       storage account (default: devstoreaccount1)
      --help               print this help

Requests are signed with the base64 key in $AZURE_STORAGE_KEY when it is set, and carry a
placeholder signature otherwise.
Exit status: 0 on success, 1 when a request or a file fails, 2 for a usage error.
",
};

/// Account used without `--account`: the storage emulator's well-known account.
const DEFAULT_ACCOUNT: &str = "devstoreaccount1";

/// Storage service version sent as `x-ms-version`. 2021-08-06 is accepted by Azure
/// Storage and by the Azurite emulator, and it signs a zero `Content-Length` as empty.
const SERVICE_VERSION: &str = "2021-08-06";

/// Characters kept as they are in a URL path: the unreserved ones and `/`, so a blob
/// name such as `logs/day 1.txt` keeps its virtual directories.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Characters kept as they are in a query value: the unreserved ones.
const QUERY_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

enum Command {
    CreateContainer {
        container: String,
    },
    Upload {
        container: String,
        name: String,
        file: String,
    },
    Download {
        container: String,
        name: String,
        file: String,
    },
    List {
        container: String,
    },
}

/// Storage account with its endpoint and signing key.
struct Account {
    name: String,
    /// Account key for signing, decoded from `AZURE_STORAGE_KEY`.
    key: Option<Vec<u8>>,
    /// Scheme and authority, such as `https://acct.blob.core.windows.net`.
    origin: String,
    /// Path before the container: empty for the real service, `/ACCOUNT` (after any path
    /// of the endpoint URL) for the emulator.
    base_path: String,
}

/// A request, before it is signed.
struct BlobRequest<'a> {
    method: Method,
    /// Percent-encoded path from the container on, such as `/logs/day%201.txt`.
    path: String,
    /// Query parameters, not encoded.
    query: &'a [(&'a str, &'a str)],
    /// Headers beyond the date, version, length and authorization.
    headers: &'a [(&'a str, &'a str)],
    body: Vec<u8>,
}

fn main() {
    TOOL.adopt_initial_cwd();
    let line = CommandLine::parse(&TOOL, &["endpoint-url", "account"]);
    let command = parse_command(&line.values);
    let account = account(line.option("endpoint-url"), line.option("account"));

    wstd::runtime::block_on(run(&account, command));
    exit(EXIT_SUCCESS);
}

fn parse_command(values: &[String]) -> Command {
    let Some((name, arguments)) = values.split_first() else {
        TOOL.usage_error("missing COMMAND");
    };
    match (name.as_str(), arguments) {
        ("create-container", [container]) => Command::CreateContainer {
            container: container.clone(),
        },
        ("upload", [container, blob]) => Command::Upload {
            container: container.clone(),
            name: blob.clone(),
            file: "-".into(),
        },
        ("upload", [container, blob, file]) => Command::Upload {
            container: container.clone(),
            name: blob.clone(),
            file: file.clone(),
        },
        ("download", [container, blob]) => Command::Download {
            container: container.clone(),
            name: blob.clone(),
            file: "-".into(),
        },
        ("download", [container, blob, file]) => Command::Download {
            container: container.clone(),
            name: blob.clone(),
            file: file.clone(),
        },
        ("list", [container]) => Command::List {
            container: container.clone(),
        },
        ("create-container" | "upload" | "download" | "list", _) => {
            TOOL.usage_error(format_args!("wrong number of arguments for {name}"))
        }
        _ => TOOL.usage_error(format_args!("unknown command '{name}'")),
    }
}

/// Builds the account from the options and `AZURE_STORAGE_KEY`.
///
/// Exits with a usage error on an endpoint URL that is not `http` or `https`, or on an
/// account name that is not 3 to 24 lowercase letters and digits. Azure requires that
/// form, and it keeps the name safe inside a host name. Exits with status 1 when
/// `AZURE_STORAGE_KEY` is set but is not base64.
fn account(endpoint_url: Option<&str>, name: Option<&str>) -> Account {
    let name = name.unwrap_or(DEFAULT_ACCOUNT);
    let valid_name = (3..=24).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit());
    if !valid_name {
        TOOL.usage_error(format_args!(
            "invalid value '{name}' for --account: expected 3 to 24 lowercase letters and digits"
        ));
    }

    let key =
        match std::env::var("AZURE_STORAGE_KEY") {
            Ok(key) if !key.is_empty() => Some(BASE64.decode(key.trim()).unwrap_or_else(|_| {
                TOOL.fail("AZURE_STORAGE_KEY is not valid base64; unset it or set the account key")
            })),
            _ => None,
        };

    let Some(url) = endpoint_url else {
        return Account {
            name: name.to_string(),
            key,
            origin: format!("https://{name}.blob.core.windows.net"),
            base_path: String::new(),
        };
    };
    let uri: Uri = url
        .parse()
        .unwrap_or_else(|err| TOOL.usage_error(format_args!("invalid value '{url}' for --endpoint-url: {err}")));
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        TOOL.usage_error(format_args!(
            "invalid value '{url}' for --endpoint-url: expected an http:// or https:// URL"
        ));
    };
    if scheme != "http" && scheme != "https" {
        TOOL.usage_error(format_args!(
            "invalid value '{url}' for --endpoint-url: expected an http:// or https:// URL"
        ));
    }
    Account {
        name: name.to_string(),
        key,
        origin: format!("{scheme}://{authority}"),
        base_path: format!("{}/{name}", uri.path().trim_end_matches('/')),
    }
}

async fn run(account: &Account, command: Command) {
    match command {
        Command::CreateContainer { container } => {
            let request = BlobRequest {
                method: Method::PUT,
                path: container_path(&container),
                query: &[("restype", "container")],
                headers: &[],
                body: Vec::new(),
            };
            send(account, request)
                .await
                .unwrap_or_else(|err| TOOL.fail(format_args!("create-container {container}: {err}")));
            println!("created container {container}");
        }
        Command::Upload { container, name, file } => upload(account, &container, &name, &file).await,
        Command::Download { container, name, file } => download(account, &container, &name, &file).await,
        Command::List { container } => list(account, &container).await,
    }
}

async fn upload(account: &Account, container: &str, name: &str, file: &str) {
    // NOTE: the whole file is read into memory and sent with one Put Blob call, so it
    // must fit in the guest's memory and within the service's size limit for one Put
    // Blob call. Larger blobs would need Put Block and Put Block List.
    let data =
        read_input(file).unwrap_or_else(|err| TOOL.fail(format_args!("{}: {}", input_name(file), error_message(&err))));
    let size = data.len();

    let request = BlobRequest {
        method: Method::PUT,
        path: blob_path(container, name),
        query: &[],
        headers: &[("x-ms-blob-type", "BlockBlob")],
        body: data,
    };
    send(account, request)
        .await
        .unwrap_or_else(|err| TOOL.fail(format_args!("upload {container}/{name}: {err}")));
    println!("uploaded {size} bytes to {container}/{name}");
}

async fn download(account: &Account, container: &str, name: &str, file: &str) {
    let request = BlobRequest {
        method: Method::GET,
        path: blob_path(container, name),
        query: &[],
        headers: &[],
        body: Vec::new(),
    };
    let response = send(account, request)
        .await
        .unwrap_or_else(|err| TOOL.fail(format_args!("download {container}/{name}: {err}")));

    // The file is created only once the blob exists, so a failed request leaves no empty
    // file behind.
    let mut output =
        Output::create(file).unwrap_or_else(|err| TOOL.fail(format_args!("{file}: {}", error_message(&err))));
    let mut body = response.into_body().into_boxed_body();
    let mut size = 0usize;
    while let Some(frame) = body.frame().await {
        let data = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => data,
                // Trailers carry no content.
                Err(_) => continue,
            },
            Err(err) => {
                output.discard();
                TOOL.fail(format_args!("download {container}/{name}: download failed: {err:#}"));
            }
        };
        if let Err(err) = output.write_all(&data) {
            let target = output.name().to_string();
            output.discard();
            TOOL.fail(format_args!("{target}: {}", error_message(&err)));
        }
        size += data.len();
    }

    let target = output.name().to_string();
    output
        .finish()
        .unwrap_or_else(|err| TOOL.fail(format_args!("{target}: {}", error_message(&err))));
    if file != "-" {
        println!("downloaded {size} bytes from {container}/{name} to {target}");
    }
}

async fn list(account: &Account, container: &str) {
    let mut marker = String::new();
    loop {
        let mut query = vec![("restype", "container"), ("comp", "list")];
        if !marker.is_empty() {
            query.push(("marker", marker.as_str()));
        }
        let request = BlobRequest {
            method: Method::GET,
            path: container_path(container),
            query: &query,
            headers: &[],
            body: Vec::new(),
        };
        let response = send(account, request)
            .await
            .unwrap_or_else(|err| TOOL.fail(format_args!("list {container}: {err}")));
        let text = body_text(response)
            .await
            .unwrap_or_else(|err| TOOL.fail(format_args!("list {container}: {err}")));

        let page = parse_listing(&text).unwrap_or_else(|err| TOOL.fail(format_args!("list {container}: {err}")));
        for name in page.names {
            println!("{name}");
        }
        match page.next_marker {
            Some(next) => marker = next,
            None => return,
        }
    }
}

fn container_path(container: &str) -> String {
    format!("/{}", utf8_percent_encode(container, PATH_KEEP))
}

fn blob_path(container: &str, name: &str) -> String {
    format!("{}/{}", container_path(container), utf8_percent_encode(name, PATH_KEEP))
}

/// Signs and sends `request`, and returns the response when its status is a success.
///
/// # Errors
///
/// Returns a message with the failure: the status with the service's error code and
/// message, or why no response arrived.
async fn send(account: &Account, request: BlobRequest<'_>) -> Result<Response<Body>, String> {
    let path = format!("{}{}", account.base_path, request.path);
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let length = request.body.len().to_string();

    let mut headers: Vec<(&str, &str)> = vec![("x-ms-date", date.as_str()), ("x-ms-version", SERVICE_VERSION)];
    // Every PUT states its length, also 0, so the body goes out with a fixed, signed
    // length rather than with chunked transfer encoding.
    if request.method == Method::PUT {
        headers.push(("content-length", length.as_str()));
    }
    headers.extend_from_slice(request.headers);
    let parts = RequestParts {
        method: request.method.as_str(),
        path: &path,
        query: request.query,
        headers: &headers,
    };
    let authorization = shared_key::authorization(&account.name, account.key.as_deref(), &parts);

    let mut url = format!("{}{path}", account.origin);
    for (index, (name, value)) in request.query.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(&format!("{name}={}", utf8_percent_encode(value, QUERY_KEEP)));
    }

    let mut builder = Request::builder().method(request.method).uri(&url);
    for (name, value) in &headers {
        builder = builder.header(*name, *value);
    }
    let http_request = builder
        .header("authorization", authorization)
        .body(request_body(request.body))
        .map_err(|err| format!("invalid request to {url}: {err}"))?;

    let response = Client::new()
        .send(http_request)
        .await
        .map_err(|err| format!("request failed: {err:#}"))?;
    if response.status().is_success() {
        return Ok(response);
    }
    Err(describe_failure(response).await)
}

/// Wraps `data` as a request body.
///
/// An empty body goes out as a stream with no frames, so nothing is written to the
/// outgoing stream. wstd writes even an empty in-memory body, and when the server has
/// already responded and the host has closed that stream, the failed write hides the
/// response behind a "connection reset" error.
fn request_body(data: Vec<u8>) -> Body {
    if data.is_empty() {
        return Body::from_http_body(Empty::<Bytes>::new());
    }
    Body::from(data)
}

/// Formats a failed response as `STATUS CODE: message`, from the `<Error>` document in
/// the body, else from the `x-ms-error-code` header, else from the status alone.
async fn describe_failure(response: Response<Body>) -> String {
    let status = response.status();
    let header_code = response
        .headers()
        .get("x-ms-error-code")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let text = body_text(response).await.unwrap_or_default();
    match (parse_error(&text), header_code) {
        (Some((code, message)), _) => format!("{} {code}: {message}", status.as_u16()),
        (None, Some(code)) => format!("{} {code}", status.as_u16()),
        (None, None) => status.to_string(),
    }
}

async fn body_text(response: Response<Body>) -> Result<String, String> {
    let mut body = response.into_body();
    let data = body
        .contents()
        .await
        .map_err(|err| format!("failed to read the response: {err:#}"))?;
    String::from_utf8(data.to_vec()).map_err(|_| "the response is not valid UTF-8".to_string())
}

/// Returns the code and the first line of the message of an Azure Storage `<Error>`
/// document. The rest of the message contains the request ID and time.
fn parse_error(text: &str) -> Option<(String, String)> {
    let document = roxmltree::Document::parse(text.trim_start_matches('\u{feff}')).ok()?;
    let root = document.root_element();
    if !root.has_tag_name("Error") {
        return None;
    }
    let code = child_text(root, "Code")?;
    let message = child_text(root, "Message").unwrap_or_default();
    Some((code, message.lines().next().unwrap_or_default().to_string()))
}

/// One page of a List Blobs response.
#[derive(Debug, PartialEq)]
struct ListingPage {
    names: Vec<String>,
    /// Marker for the next page, or `None` on the last page.
    next_marker: Option<String>,
}

fn parse_listing(text: &str) -> Result<ListingPage, String> {
    let document = roxmltree::Document::parse(text.trim_start_matches('\u{feff}'))
        .map_err(|err| format!("invalid List Blobs response: {err}"))?;
    let root = document.root_element();
    if !root.has_tag_name("EnumerationResults") {
        return Err(format!(
            "invalid List Blobs response: unexpected root element <{}>",
            root.tag_name().name()
        ));
    }
    let names = root
        .children()
        .filter(|node| node.has_tag_name("Blobs"))
        .flat_map(|blobs| blobs.children().filter(|node| node.has_tag_name("Blob")))
        .filter_map(|blob| child_text(blob, "Name"))
        .collect();
    let next_marker = child_text(root, "NextMarker").filter(|marker| !marker.is_empty());
    Ok(ListingPage { names, next_marker })
}

fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    node.children()
        .find(|child| child.has_tag_name(name))
        .map(|child| child.text().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_path_encodes_name_but_keeps_slashes() {
        assert_eq!(blob_path("logs", "day 1/a+b.txt"), "/logs/day%201/a%2Bb.txt");
    }

    #[test]
    fn parse_error_takes_first_message_line() {
        let text = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound</Code>\
            <Message>The specified container does not exist.\nRequestId:1\nTime:2025</Message></Error>";
        assert_eq!(
            parse_error(text),
            Some((
                "ContainerNotFound".to_string(),
                "The specified container does not exist.".to_string()
            ))
        );
    }

    #[test]
    fn parse_listing_reads_names_and_marker() {
        let text = "<?xml version=\"1.0\"?><EnumerationResults ContainerName=\"c\"><Blobs>\
            <Blob><Name>a.txt</Name><Properties/></Blob><Blob><Name>b/c.txt</Name></Blob>\
            </Blobs><NextMarker>m2</NextMarker></EnumerationResults>";
        let page = parse_listing(text).unwrap();
        assert_eq!(page.names, ["a.txt", "b/c.txt"]);
        assert_eq!(page.next_marker.as_deref(), Some("m2"));
    }

    #[test]
    fn parse_listing_treats_empty_marker_as_last_page() {
        let text = "<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>";
        let page = parse_listing(text).unwrap();
        assert!(page.names.is_empty());
        assert_eq!(page.next_marker, None);
    }
}
