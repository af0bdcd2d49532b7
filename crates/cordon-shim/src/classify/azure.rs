//! Azure Storage operations of the Blob and Queue services, read from the
//! host, the path, the method and the `restype` and `comp` query
//! parameters.
//!
//! Parameter names and values are compared without regard to ASCII case, so
//! a request cannot pass as another operation by changing the case of
//! `comp=list`.

use http::{HeaderMap, Method, Uri};
use percent_encoding::percent_decode_str;

use super::params::Params;
use super::{CloudRequest, Operation};
use crate::authority::Authority;

/// Domains of Azure Storage endpoints, `ACCOUNT.SERVICE.DOMAIN`. Azurite
/// 3.35 also reads the account from the first label of a host such as
/// `ACCOUNT.blob.localhost`.
const STORAGE_DOMAINS: [&str; 4] = ["core.windows.net", "core.chinacloudapi.cn", "core.usgovcloudapi.net", "localhost"];

/// Azurite's default ports for the Blob, Queue and Table services.
const EMULATOR_PORTS: [(u16, &str); 3] = [(10000, "blob"), (10001, "queue"), (10002, "table")];

/// The service name of an Azure request whose host and port name no storage
/// service.
const UNKNOWN_AZURE_SERVICE: &str = "azure";

/// Destination of an Azure request: the storage service, the account and the
/// decoded path segments after the account.
struct Location {
    service: Option<&'static str>,
    account: Option<String>,
    segments: Vec<String>,
}

pub(crate) fn classify(method: &Method, uri: &Uri, headers: &HeaderMap, authority: &Authority) -> CloudRequest {
    let location = locate(uri.path(), authority);
    let query = Params::from_query(uri);
    let comp = lower_param(&query, "comp");
    let restype = lower_param(&query, "restype");

    let service = match location.service {
        Some(service) => format!("azure-{service}"),
        None => UNKNOWN_AZURE_SERVICE.to_owned(),
    };
    let (name, resource_path) = match location.service {
        Some("blob") => blob_operation(method, comp.as_deref(), restype.as_deref(), headers, &location.segments),
        Some("queue") => queue_operation(method, comp.as_deref(), restype.as_deref(), &query, &location.segments),
        _ => (None, location.segments.clone()),
    };

    let operation = match name {
        Some(name) => Operation::from_candidates(vec![(name.to_owned(), name.to_owned())], false),
        None => Operation::unknown(Vec::new()),
    };
    let (action, iam_actions) = operation.into_actions(&service);

    let resource = location.account.map(|account| {
        let mut parts = vec![account];
        parts.extend(resource_path);
        parts.join("/")
    });

    CloudRequest { service, action, iam_actions, region: None, resource, instance_types: Vec::new() }
}

/// The storage account and service named by an Azure Storage host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureHost {
    /// Storage account name, the first label of the host.
    pub account: String,
    /// Storage service: `blob`, `queue`, `table`, `file` or `dfs`.
    pub service: &'static str,
}

/// Reads the account and service from a host of the form
/// `ACCOUNT.SERVICE.core.windows.net`, its sovereign-cloud variants, or
/// `ACCOUNT.SERVICE.localhost`. Returns `None` for any other host, whose
/// requests name the account as their first path segment instead.
///
/// ```
/// use cordon_shim::parse_azure_host;
///
/// let host = parse_azure_host("acct.blob.core.windows.net");
/// assert_eq!(host.map(|host| (host.account, host.service)), Some(("acct".to_owned(), "blob")));
/// assert_eq!(parse_azure_host("127.0.0.1"), None);
/// ```
#[must_use]
pub fn parse_azure_host(host: &str) -> Option<AzureHost> {
    let prefix = STORAGE_DOMAINS.iter().find_map(|domain| host.strip_suffix(domain)?.strip_suffix('.'))?;
    let (account, service) = prefix.split_once('.')?;
    let service = match service {
        "blob" => "blob",
        "queue" => "queue",
        "table" => "table",
        "file" => "file",
        "dfs" => "dfs",
        _ => return None,
    };
    (!account.is_empty()).then(|| AzureHost { account: account.to_owned(), service })
}

/// Reads the service and account from the host, or for an emulator host,
/// the account from the first path segment and the service from the port.
///
/// The whole path is percent-decoded before it is split, as Azurite 3.35
/// does, so an encoded `/` separates segments too.
fn locate(path: &str, authority: &Authority) -> Location {
    let decoded = decode(path);
    let mut segments: Vec<String> =
        decoded.strip_prefix('/').unwrap_or(&decoded).split('/').map(str::to_owned).collect();
    // A trailing `/` leaves one empty segment, which names nothing.
    if segments.last().is_some_and(String::is_empty) {
        segments.pop();
    }

    if let Some(host) = parse_azure_host(&authority.host) {
        return Location { service: Some(host.service), account: Some(host.account), segments };
    }

    let service = EMULATOR_PORTS.iter().find(|(port, _)| *port == authority.port).map(|(_, service)| *service);
    let account =
        if segments.first().is_some_and(|account| !account.is_empty()) { Some(segments.remove(0)) } else { None };
    Location { service, account, segments }
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn lower_param(query: &Params, name: &str) -> Option<String> {
    query.first_ignore_case(name).map(str::to_ascii_lowercase)
}

/// Returns the Blob operation and the path of its resource below the
/// account. A blob name may contain `/`, so every segment after the
/// container belongs to the blob.
fn blob_operation(
    method: &Method,
    comp: Option<&str>,
    restype: Option<&str>,
    headers: &HeaderMap,
    segments: &[String],
) -> (Option<&'static str>, Vec<String>) {
    match segments {
        [] => (account_blob_operation(method, comp, restype), Vec::new()),
        [_container] if restype == Some("container") => (container_operation(method, comp), segments.to_vec()),
        // A single segment without `restype=container` names a blob in the
        // root container, `$root`.
        [blob] => {
            let path = vec!["$root".to_owned(), blob.clone()];
            (blob_object_operation(method, comp, headers), path)
        }
        _ => (blob_object_operation(method, comp, headers), segments.to_vec()),
    }
}

fn account_blob_operation(method: &Method, comp: Option<&str>, restype: Option<&str>) -> Option<&'static str> {
    match (method.as_str(), restype, comp) {
        ("GET", None, Some("list")) => Some("ListContainers"),
        ("GET", Some("service"), Some("properties")) => Some("GetBlobServiceProperties"),
        ("PUT", Some("service"), Some("properties")) => Some("SetBlobServiceProperties"),
        ("GET", Some("service"), Some("stats")) => Some("GetBlobServiceStats"),
        ("GET" | "HEAD", Some("account"), Some("properties")) => Some("GetAccountInformation"),
        ("POST", Some("service"), Some("userdelegationkey")) => Some("GetUserDelegationKey"),
        ("GET", None, Some("blobs")) => Some("FindBlobsByTags"),
        _ => None,
    }
}

fn container_operation(method: &Method, comp: Option<&str>) -> Option<&'static str> {
    match (method.as_str(), comp) {
        ("PUT", None) => Some("CreateContainer"),
        ("DELETE", None) => Some("DeleteContainer"),
        ("GET" | "HEAD", None) => Some("GetContainerProperties"),
        ("GET", Some("list")) => Some("ListBlobs"),
        ("GET" | "HEAD", Some("metadata")) => Some("GetContainerMetadata"),
        ("PUT", Some("metadata")) => Some("SetContainerMetadata"),
        ("GET" | "HEAD", Some("acl")) => Some("GetContainerAcl"),
        ("PUT", Some("acl")) => Some("SetContainerAcl"),
        ("PUT", Some("lease")) => Some("LeaseContainer"),
        ("PUT", Some("undelete")) => Some("RestoreContainer"),
        ("GET", Some("blobs")) => Some("FindBlobsByTags"),
        _ => None,
    }
}

fn blob_object_operation(method: &Method, comp: Option<&str>, headers: &HeaderMap) -> Option<&'static str> {
    let copies = headers.contains_key("x-ms-copy-source");
    let typed = headers.contains_key("x-ms-blob-type");
    match (method.as_str(), comp) {
        ("PUT", None) if copies && typed => Some("PutBlobFromUrl"),
        ("PUT", None) if copies => Some("CopyBlob"),
        ("PUT", None) => Some("PutBlob"),
        ("PUT", Some("block")) => Some("PutBlock"),
        ("PUT", Some("blocklist")) => Some("PutBlockList"),
        ("PUT", Some("page")) => Some("PutPage"),
        ("PUT", Some("appendblock")) => Some("AppendBlock"),
        ("PUT", Some("metadata")) => Some("SetBlobMetadata"),
        ("PUT", Some("properties")) => Some("SetBlobProperties"),
        ("PUT", Some("lease")) => Some("LeaseBlob"),
        ("PUT", Some("snapshot")) => Some("SnapshotBlob"),
        ("PUT", Some("copy")) => Some("AbortCopyBlob"),
        ("PUT", Some("tier")) => Some("SetBlobTier"),
        ("PUT", Some("tags")) => Some("SetBlobTags"),
        ("PUT", Some("undelete")) => Some("UndeleteBlob"),
        ("PUT", Some("expiry")) => Some("SetBlobExpiry"),
        ("PUT", Some("legalhold")) => Some("SetBlobLegalHold"),
        ("PUT", Some("immutabilitypolicies")) => Some("SetBlobImmutabilityPolicy"),
        ("GET", None) => Some("GetBlob"),
        ("GET", Some("blocklist")) => Some("GetBlockList"),
        ("GET", Some("pagelist")) => Some("GetPageRanges"),
        ("GET" | "HEAD", Some("metadata")) => Some("GetBlobMetadata"),
        ("GET", Some("tags")) => Some("GetBlobTags"),
        ("HEAD", None) => Some("GetBlobProperties"),
        ("DELETE", None) => Some("DeleteBlob"),
        ("DELETE", Some("immutabilitypolicies")) => Some("DeleteBlobImmutabilityPolicy"),
        ("POST", Some("query")) => Some("QueryBlobContents"),
        _ => None,
    }
}

/// Returns the Queue operation and the path of its resource below the
/// account, which is the queue.
fn queue_operation(
    method: &Method,
    comp: Option<&str>,
    restype: Option<&str>,
    query: &Params,
    segments: &[String],
) -> (Option<&'static str>, Vec<String>) {
    let method = method.as_str();
    let segment_texts: Vec<&str> = segments.iter().map(String::as_str).collect();
    let name = match segment_texts.as_slice() {
        [] => match (method, restype, comp) {
            ("GET", None, Some("list")) => Some("ListQueues"),
            ("GET", Some("service"), Some("properties")) => Some("GetQueueServiceProperties"),
            ("PUT", Some("service"), Some("properties")) => Some("SetQueueServiceProperties"),
            ("GET", Some("service"), Some("stats")) => Some("GetQueueServiceStats"),
            _ => None,
        },
        [_queue] => match (method, comp) {
            ("PUT", None) => Some("CreateQueue"),
            ("DELETE", None) => Some("DeleteQueue"),
            ("GET" | "HEAD", Some("metadata")) => Some("GetQueueMetadata"),
            ("PUT", Some("metadata")) => Some("SetQueueMetadata"),
            ("GET" | "HEAD", Some("acl")) => Some("GetQueueAcl"),
            ("PUT", Some("acl")) => Some("SetQueueAcl"),
            _ => None,
        },
        [_queue, messages] if messages.eq_ignore_ascii_case("messages") && comp.is_none() => {
            let peek = lower_param(query, "peekonly").as_deref() == Some("true");
            match method {
                "POST" => Some("PutMessage"),
                "GET" if peek => Some("PeekMessages"),
                "GET" => Some("GetMessages"),
                "DELETE" => Some("ClearMessages"),
                _ => None,
            }
        }
        [_queue, messages, _message_id] if messages.eq_ignore_ascii_case("messages") && comp.is_none() => {
            match method {
                "DELETE" => Some("DeleteMessage"),
                "PUT" => Some("UpdateMessage"),
                _ => None,
            }
        }
        _ => None,
    };
    (name, segments.iter().take(1).cloned().collect())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;
    use crate::authority::normalize_authority;

    fn classify_url(method: Method, url: &str, headers: &[(&'static str, &'static str)]) -> CloudRequest {
        let uri: Uri = match url.parse() {
            Ok(uri) => uri,
            Err(error) => panic!("{url:?} should parse: {error}"),
        };
        let scheme = uri.scheme_str().unwrap_or("http");
        let authority = match uri.authority().map(|authority| normalize_authority(scheme, authority.as_str())) {
            Some(Ok(authority)) => authority,
            other => panic!("{url:?} should have a valid authority: {other:?}"),
        };
        let mut header_map = HeaderMap::new();
        for (name, value) in headers {
            header_map.insert(*name, HeaderValue::from_static(value));
        }
        classify(&method, &uri, &header_map, &authority)
    }

    fn action(method: Method, url: &str) -> String {
        classify_url(method, url, &[]).action
    }

    const BLOB: &str = "https://acct.blob.core.windows.net";
    const QUEUE: &str = "https://acct.queue.core.windows.net";

    #[test]
    fn container_operations() {
        assert_eq!(action(Method::PUT, &format!("{BLOB}/logs?restype=container")), "azure-blob:CreateContainer");
        assert_eq!(action(Method::DELETE, &format!("{BLOB}/logs?restype=container")), "azure-blob:DeleteContainer");
        assert_eq!(action(Method::GET, &format!("{BLOB}/logs?restype=container&comp=list")), "azure-blob:ListBlobs");
        assert_eq!(action(Method::GET, &format!("{BLOB}/logs?restype=container")), "azure-blob:GetContainerProperties");
        assert_eq!(
            action(Method::PUT, &format!("{BLOB}/logs?restype=container&comp=acl")),
            "azure-blob:SetContainerAcl"
        );
    }

    #[test]
    fn account_operations() {
        assert_eq!(action(Method::GET, &format!("{BLOB}/?comp=list")), "azure-blob:ListContainers");
        assert_eq!(action(Method::GET, &format!("{BLOB}?comp=list")), "azure-blob:ListContainers");
        assert_eq!(
            action(Method::GET, &format!("{BLOB}/?restype=service&comp=properties")),
            "azure-blob:GetBlobServiceProperties"
        );
        assert_eq!(action(Method::DELETE, &format!("{BLOB}/")), "azure-blob:Unknown");
    }

    #[test]
    fn blob_operations() {
        let url = format!("{BLOB}/logs/2024/01/app.log");
        assert_eq!(action(Method::PUT, &url), "azure-blob:PutBlob");
        assert_eq!(action(Method::GET, &url), "azure-blob:GetBlob");
        assert_eq!(action(Method::DELETE, &url), "azure-blob:DeleteBlob");
        assert_eq!(action(Method::HEAD, &url), "azure-blob:GetBlobProperties");
        assert_eq!(action(Method::PUT, &format!("{url}?comp=block&blockid=AA")), "azure-blob:PutBlock");
        assert_eq!(action(Method::PUT, &format!("{url}?comp=blocklist")), "azure-blob:PutBlockList");
        assert_eq!(action(Method::GET, &format!("{url}?comp=metadata")), "azure-blob:GetBlobMetadata");
        assert_eq!(action(Method::POST, &url), "azure-blob:Unknown");
    }

    #[test]
    fn copy_source_selects_copy() {
        let url = format!("{BLOB}/logs/copy.log");
        let request = classify_url(Method::PUT, &url, &[("x-ms-copy-source", "https://other/x")]);
        assert_eq!(request.action, "azure-blob:CopyBlob");
    }

    #[test]
    fn parameters_ignore_case() {
        assert_eq!(action(Method::GET, &format!("{BLOB}/logs?RESTYPE=Container&Comp=LIST")), "azure-blob:ListBlobs");
    }

    #[test]
    fn unknown_comp_is_unknown() {
        assert_eq!(action(Method::PUT, &format!("{BLOB}/logs/a?comp=bogus")), "azure-blob:Unknown");
        assert_eq!(action(Method::GET, &format!("{BLOB}/logs?restype=container&comp=bogus")), "azure-blob:Unknown");
    }

    #[test]
    fn root_container_blob() {
        let request = classify_url(Method::GET, &format!("{BLOB}/readme.txt"), &[]);
        assert_eq!(request.action, "azure-blob:GetBlob");
        assert_eq!(request.resource.as_deref(), Some("acct/$root/readme.txt"));
    }

    #[test]
    fn blob_resource_names_path() {
        let request = classify_url(Method::PUT, &format!("{BLOB}/logs/dir%2Fa%20b.txt"), &[]);
        assert_eq!(request.service, "azure-blob");
        assert_eq!(request.region, None);
        assert_eq!(request.resource.as_deref(), Some("acct/logs/dir/a b.txt"));
        assert!(request.instance_types.is_empty());
    }

    #[test]
    fn emulator_path_style_blob() {
        let request = classify_url(Method::PUT, "http://127.0.0.1:10000/devstoreaccount1/logs?restype=container", &[]);
        assert_eq!(request.service, "azure-blob");
        assert_eq!(request.action, "azure-blob:CreateContainer");
        assert_eq!(request.resource.as_deref(), Some("devstoreaccount1/logs"));
    }

    #[test]
    fn emulator_production_style_host() {
        let request = classify_url(Method::GET, "http://devstoreaccount1.blob.localhost:10000/logs/a.txt", &[]);
        assert_eq!(request.action, "azure-blob:GetBlob");
        assert_eq!(request.resource.as_deref(), Some("devstoreaccount1/logs/a.txt"));
    }

    #[test]
    fn emulator_other_port_is_unknown() {
        let request = classify_url(Method::GET, "http://127.0.0.1:4000/devstoreaccount1/logs/a.txt", &[]);
        assert_eq!(request.service, "azure");
        assert_eq!(request.action, "azure:Unknown");
    }

    #[test]
    fn queue_operations() {
        assert_eq!(action(Method::PUT, &format!("{QUEUE}/jobs")), "azure-queue:CreateQueue");
        assert_eq!(action(Method::DELETE, &format!("{QUEUE}/jobs")), "azure-queue:DeleteQueue");
        assert_eq!(action(Method::GET, &format!("{QUEUE}/?comp=list")), "azure-queue:ListQueues");
        assert_eq!(action(Method::POST, &format!("{QUEUE}/jobs/messages")), "azure-queue:PutMessage");
        assert_eq!(action(Method::GET, &format!("{QUEUE}/jobs/messages")), "azure-queue:GetMessages");
        assert_eq!(action(Method::GET, &format!("{QUEUE}/jobs/messages?peekonly=true")), "azure-queue:PeekMessages");
        assert_eq!(
            action(Method::DELETE, &format!("{QUEUE}/jobs/messages/id1?popreceipt=r")),
            "azure-queue:DeleteMessage"
        );
        assert_eq!(action(Method::PUT, &format!("{QUEUE}/jobs?comp=metadata")), "azure-queue:SetQueueMetadata");
    }

    #[test]
    fn queue_resource_is_queue() {
        let request = classify_url(Method::POST, &format!("{QUEUE}/jobs/messages"), &[]);
        assert_eq!(request.resource.as_deref(), Some("acct/jobs"));
    }

    #[test]
    fn emulator_path_style_queue() {
        let request = classify_url(Method::POST, "http://127.0.0.1:10001/devstoreaccount1/jobs/messages", &[]);
        assert_eq!(request.action, "azure-queue:PutMessage");
        assert_eq!(request.resource.as_deref(), Some("devstoreaccount1/jobs"));
    }

    #[test]
    fn parse_azure_host_forms() {
        let blob = parse_azure_host("acct.blob.core.windows.net");
        assert_eq!(blob, Some(AzureHost { account: "acct".to_owned(), service: "blob" }));
        let china = parse_azure_host("acct.queue.core.chinacloudapi.cn");
        assert_eq!(china.map(|host| host.service), Some("queue"));
        let emulator = parse_azure_host("devstoreaccount1.blob.localhost");
        assert_eq!(emulator.map(|host| host.account), Some("devstoreaccount1".to_owned()));
        assert_eq!(parse_azure_host("blob.core.windows.net"), None);
        assert_eq!(parse_azure_host("acct.web.core.windows.net"), None);
        assert_eq!(parse_azure_host("a.b.blob.core.windows.net"), None);
        assert_eq!(parse_azure_host("localhost"), None);
    }

    #[test]
    fn table_service_is_unknown_action() {
        let request = classify_url(Method::GET, "https://acct.table.core.windows.net/Tables", &[]);
        assert_eq!(request.service, "azure-table");
        assert_eq!(request.action, "azure-table:Unknown");
    }
}
