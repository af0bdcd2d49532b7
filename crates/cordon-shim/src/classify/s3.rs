//! S3 operations read from the method, the path and the query's subresource,
//! for path-style (`/bucket/key`) and virtual-hosted (`bucket.s3...`)
//! requests, with the IAM action that authorises each.
//!
//! S3 selects most bucket and object operations with a valueless query
//! parameter (a subresource), such as `?tagging` or `?uploads`. S3 compares
//! parameter names with case, so only the exact names count.

use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;

use super::Operation;
use super::params::Params;

/// Bucket subresources and the operation each selects for GET, PUT, DELETE
/// and POST.
const BUCKET_SUBRESOURCES: &[Subresource] = &[
    Subresource::new("acl", Some("GetBucketAcl"), Some("PutBucketAcl"), None, None),
    Subresource::new("cors", Some("GetBucketCors"), Some("PutBucketCors"), Some("DeleteBucketCors"), None),
    Subresource::new(
        "lifecycle",
        Some("GetBucketLifecycleConfiguration"),
        Some("PutBucketLifecycleConfiguration"),
        Some("DeleteBucketLifecycle"),
        None,
    ),
    Subresource::new("policy", Some("GetBucketPolicy"), Some("PutBucketPolicy"), Some("DeleteBucketPolicy"), None),
    Subresource::new("policyStatus", Some("GetBucketPolicyStatus"), None, None, None),
    Subresource::new("tagging", Some("GetBucketTagging"), Some("PutBucketTagging"), Some("DeleteBucketTagging"), None),
    Subresource::new("versioning", Some("GetBucketVersioning"), Some("PutBucketVersioning"), None, None),
    Subresource::new("website", Some("GetBucketWebsite"), Some("PutBucketWebsite"), Some("DeleteBucketWebsite"), None),
    Subresource::new(
        "encryption",
        Some("GetBucketEncryption"),
        Some("PutBucketEncryption"),
        Some("DeleteBucketEncryption"),
        None,
    ),
    Subresource::new("location", Some("GetBucketLocation"), None, None, None),
    Subresource::new("logging", Some("GetBucketLogging"), Some("PutBucketLogging"), None, None),
    Subresource::new(
        "notification",
        Some("GetBucketNotificationConfiguration"),
        Some("PutBucketNotificationConfiguration"),
        None,
        None,
    ),
    Subresource::new(
        "replication",
        Some("GetBucketReplication"),
        Some("PutBucketReplication"),
        Some("DeleteBucketReplication"),
        None,
    ),
    Subresource::new("object-lock", Some("GetObjectLockConfiguration"), Some("PutObjectLockConfiguration"), None, None),
    Subresource::new(
        "publicAccessBlock",
        Some("GetPublicAccessBlock"),
        Some("PutPublicAccessBlock"),
        Some("DeletePublicAccessBlock"),
        None,
    ),
    Subresource::new(
        "ownershipControls",
        Some("GetBucketOwnershipControls"),
        Some("PutBucketOwnershipControls"),
        Some("DeleteBucketOwnershipControls"),
        None,
    ),
    Subresource::new(
        "accelerate",
        Some("GetBucketAccelerateConfiguration"),
        Some("PutBucketAccelerateConfiguration"),
        None,
        None,
    ),
    Subresource::new("requestPayment", Some("GetBucketRequestPayment"), Some("PutBucketRequestPayment"), None, None),
    Subresource::new("uploads", Some("ListMultipartUploads"), None, None, None),
    Subresource::new("versions", Some("ListObjectVersions"), None, None, None),
    Subresource::new("delete", None, None, None, Some("DeleteObjects")),
];

/// Object subresources other than `uploadId`, which needs `partNumber` and
/// the copy header as well and is handled on its own.
const OBJECT_SUBRESOURCES: &[Subresource] = &[
    Subresource::new("uploads", None, None, None, Some("CreateMultipartUpload")),
    Subresource::new("tagging", Some("GetObjectTagging"), Some("PutObjectTagging"), Some("DeleteObjectTagging"), None),
    Subresource::new("acl", Some("GetObjectAcl"), Some("PutObjectAcl"), None, None),
    Subresource::new("retention", Some("GetObjectRetention"), Some("PutObjectRetention"), None, None),
    Subresource::new("legal-hold", Some("GetObjectLegalHold"), Some("PutObjectLegalHold"), None, None),
    Subresource::new("restore", None, None, None, Some("RestoreObject")),
    Subresource::new("attributes", Some("GetObjectAttributes"), None, None, None),
    Subresource::new("torrent", Some("GetObjectTorrent"), None, None, None),
    Subresource::new("select", None, None, None, Some("SelectObjectContent")),
];

/// Query parameters that refine an operation without selecting another one.
/// Any other valueless parameter is taken as an unknown subresource, so the
/// request is not mistaken for the plain operation.
const PLAIN_PARAMETERS: &[&str] = &[
    "continuation-token",
    "delimiter",
    "encoding-type",
    "fetch-owner",
    "key-marker",
    "list-type",
    "marker",
    "max-keys",
    "max-parts",
    "max-uploads",
    "part-number-marker",
    "partNumber",
    "prefix",
    "select-type",
    "start-after",
    "upload-id-marker",
    "version-id-marker",
    "versionId",
    "x-id",
];

/// The header that turns PutObject into CopyObject and UploadPart into
/// UploadPartCopy.
const COPY_SOURCE: &str = "x-amz-copy-source";

struct Subresource {
    name: &'static str,
    get: Option<&'static str>,
    put: Option<&'static str>,
    delete: Option<&'static str>,
    post: Option<&'static str>,
}

impl Subresource {
    const fn new(
        name: &'static str,
        get: Option<&'static str>,
        put: Option<&'static str>,
        delete: Option<&'static str>,
        post: Option<&'static str>,
    ) -> Subresource {
        Subresource { name, get, put, delete, post }
    }

    fn operation(&self, method: &Method) -> Option<&'static str> {
        match *method {
            Method::GET => self.get,
            Method::PUT => self.put,
            Method::DELETE => self.delete,
            Method::POST => self.post,
            _ => None,
        }
    }
}

/// The bucket and key an S3 request addresses, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    bucket: Option<String>,
    key: Option<String>,
}

/// An S3 request's operation and its resource ARN.
pub(crate) struct S3Classification {
    pub(crate) operation: Operation,
    pub(crate) resource: Option<String>,
}

/// Reads the S3 operation of a request. `host_bucket` is the bucket of a
/// virtual-hosted request, and `None` means path style.
pub(crate) fn classify_s3(
    method: &Method,
    path: &str,
    query: &Params,
    headers: &HeaderMap,
    host_bucket: Option<&str>,
    partition: &str,
) -> S3Classification {
    let Some(target) = locate(path, host_bucket) else {
        return S3Classification { operation: Operation::unknown(Vec::new()), resource: None };
    };

    let names = match (&target.bucket, &target.key) {
        (None, _) => service_operation(method),
        (Some(_), None) => bucket_operations(method, query),
        (Some(_), Some(_)) => object_operations(method, query, headers),
    };
    let versioned = query.contains("versionId");
    let operation = Operation::from_candidates(
        names.known.iter().map(|name| ((*name).to_owned(), iam_action(name, versioned).to_owned())).collect(),
        names.unresolved,
    );

    let resource = resource_arn(partition, &target, names.known.as_slice());
    S3Classification { operation, resource }
}

/// Operation names found for a request, and whether some part of it named
/// an operation that is not known or does not fit the method.
struct Names {
    known: Vec<&'static str>,
    unresolved: bool,
}

impl Names {
    fn one(name: &'static str) -> Names {
        Names { known: vec![name], unresolved: false }
    }

    fn none() -> Names {
        Names { known: Vec::new(), unresolved: true }
    }
}

/// Splits the path into bucket and key. Returns `None` for a path that does
/// not start with `/` or has an empty bucket segment.
fn locate(path: &str, host_bucket: Option<&str>) -> Option<Target> {
    let rest = path.strip_prefix('/')?;

    if let Some(bucket) = host_bucket {
        let key = (!rest.is_empty()).then(|| decode(rest));
        return Some(Target { bucket: Some(bucket.to_owned()), key });
    }

    if rest.is_empty() {
        return Some(Target { bucket: None, key: None });
    }
    let (bucket, key) = match rest.split_once('/') {
        Some((bucket, key)) => (bucket, (!key.is_empty()).then(|| decode(key))),
        None => (rest, None),
    };
    if bucket.is_empty() {
        return None;
    }
    Some(Target { bucket: Some(decode(bucket)), key })
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn service_operation(method: &Method) -> Names {
    if *method == Method::GET { Names::one("ListBuckets") } else { Names::none() }
}

fn bucket_operations(method: &Method, query: &Params) -> Names {
    let selected = select_subresources(method, query, BUCKET_SUBRESOURCES);
    if let Some(names) = selected {
        return names;
    }

    match *method {
        Method::GET if query.first("list-type") == Some("2") => Names::one("ListObjectsV2"),
        Method::GET => Names::one("ListObjects"),
        Method::HEAD => Names::one("HeadBucket"),
        Method::PUT => Names::one("CreateBucket"),
        Method::DELETE => Names::one("DeleteBucket"),
        // A POST to a bucket without a subresource is a browser form upload,
        // which IAM authorises as PutObject.
        Method::POST => Names::one("PutObject"),
        _ => Names::none(),
    }
}

fn object_operations(method: &Method, query: &Params, headers: &HeaderMap) -> Names {
    let copies = headers.contains_key(COPY_SOURCE);

    let mut names = select_subresources(method, query, OBJECT_SUBRESOURCES)
        .unwrap_or(Names { known: Vec::new(), unresolved: false });
    if query.contains("uploadId") {
        let multipart = match *method {
            Method::GET => Some("ListParts"),
            Method::PUT if query.contains("partNumber") && copies => Some("UploadPartCopy"),
            Method::PUT if query.contains("partNumber") => Some("UploadPart"),
            Method::POST => Some("CompleteMultipartUpload"),
            Method::DELETE => Some("AbortMultipartUpload"),
            _ => None,
        };
        match multipart {
            Some(name) => names.known.push(name),
            None => names.unresolved = true,
        }
    }
    if !names.known.is_empty() || names.unresolved {
        return names;
    }

    match *method {
        Method::GET => Names::one("GetObject"),
        Method::HEAD => Names::one("HeadObject"),
        Method::PUT if copies => Names::one("CopyObject"),
        Method::PUT => Names::one("PutObject"),
        Method::DELETE => Names::one("DeleteObject"),
        _ => Names::none(),
    }
}

/// Returns the operations the query's subresources select, or `None` when
/// the query names no subresource. A subresource that has no operation for
/// the method, or a valueless parameter that is neither a known subresource
/// nor a plain parameter, marks the result unresolved.
fn select_subresources(method: &Method, query: &Params, table: &[Subresource]) -> Option<Names> {
    let mut names = Names { known: Vec::new(), unresolved: false };
    let mut selected = false;

    for (name, value) in query.pairs() {
        if let Some(subresource) = table.iter().find(|subresource| subresource.name == name) {
            selected = true;
            match subresource.operation(method) {
                Some(operation) if !names.known.contains(&operation) => names.known.push(operation),
                Some(_) => {}
                None => names.unresolved = true,
            }
        } else if value.is_empty() && is_unknown_flag(name) {
            selected = true;
            names.unresolved = true;
        }
    }

    selected.then_some(names)
}

fn is_unknown_flag(name: &str) -> bool {
    let presigned = name.get(..6).is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-amz-"));
    let response_override = name.starts_with("response-");
    !presigned && !response_override && name != "uploadId" && !PLAIN_PARAMETERS.contains(&name)
}

/// Returns the IAM action that authorises an S3 operation, where its name
/// differs from the operation's. Requests for one version of an object need
/// the `...Version...` actions.
fn iam_action(operation: &'static str, versioned: bool) -> &'static str {
    match (operation, versioned) {
        ("ListBuckets", _) => "ListAllMyBuckets",
        ("ListObjects" | "ListObjectsV2" | "HeadBucket", _) => "ListBucket",
        ("ListObjectVersions", _) => "ListBucketVersions",
        ("ListMultipartUploads", _) => "ListBucketMultipartUploads",
        ("ListParts", _) => "ListMultipartUploadParts",
        ("GetObject" | "HeadObject", true) => "GetObjectVersion",
        ("HeadObject", false) => "GetObject",
        ("DeleteObject", true) => "DeleteObjectVersion",
        ("DeleteObjects", _) => "DeleteObject",
        ("GetObjectAcl", true) => "GetObjectVersionAcl",
        ("PutObjectAcl", true) => "PutObjectVersionAcl",
        ("GetObjectTagging", true) => "GetObjectVersionTagging",
        ("PutObjectTagging", true) => "PutObjectVersionTagging",
        ("DeleteObjectTagging", true) => "DeleteObjectVersionTagging",
        // NOTE: IAM also checks s3:GetObject on the copy source, which is not
        // classified, so a rule on the source object does not apply.
        ("CopyObject" | "CreateMultipartUpload" | "UploadPart" | "UploadPartCopy" | "CompleteMultipartUpload", _) => {
            "PutObject"
        }
        ("GetBucketCors", _) => "GetBucketCORS",
        ("PutBucketCors" | "DeleteBucketCors", _) => "PutBucketCORS",
        ("GetBucketLifecycleConfiguration", _) => "GetLifecycleConfiguration",
        ("PutBucketLifecycleConfiguration" | "DeleteBucketLifecycle", _) => "PutLifecycleConfiguration",
        ("DeleteBucketTagging", _) => "PutBucketTagging",
        ("GetBucketEncryption", _) => "GetEncryptionConfiguration",
        ("PutBucketEncryption" | "DeleteBucketEncryption", _) => "PutEncryptionConfiguration",
        ("GetBucketNotificationConfiguration", _) => "GetBucketNotification",
        ("PutBucketNotificationConfiguration", _) => "PutBucketNotification",
        ("GetBucketReplication", _) => "GetReplicationConfiguration",
        ("PutBucketReplication" | "DeleteBucketReplication", _) => "PutReplicationConfiguration",
        ("GetObjectLockConfiguration", _) => "GetBucketObjectLockConfiguration",
        ("PutObjectLockConfiguration", _) => "PutBucketObjectLockConfiguration",
        ("GetPublicAccessBlock", _) => "GetBucketPublicAccessBlock",
        ("PutPublicAccessBlock" | "DeletePublicAccessBlock", _) => "PutBucketPublicAccessBlock",
        ("DeleteBucketOwnershipControls", _) => "PutBucketOwnershipControls",
        ("GetBucketAccelerateConfiguration", _) => "GetAccelerateConfiguration",
        ("PutBucketAccelerateConfiguration", _) => "PutAccelerateConfiguration",
        ("GetObjectAttributes", true) => "GetObjectVersionAttributes",
        ("SelectObjectContent", _) => "GetObject",
        (operation, _) => operation,
    }
}

/// Returns the ARN of the bucket or object a request addresses. Operations
/// whose keys travel in the body (DeleteObjects, browser form uploads) get
/// `bucket/*`, so a rule on any object of the bucket applies to them.
fn resource_arn(partition: &str, target: &Target, names: &[&str]) -> Option<String> {
    let bucket = target.bucket.as_deref()?;
    let body_keys = names.iter().any(|name| matches!(*name, "DeleteObjects" | "PutObject"));
    match (&target.key, body_keys) {
        (Some(key), _) => Some(format!("arn:{partition}:s3:::{bucket}/{key}")),
        (None, true) => Some(format!("arn:{partition}:s3:::{bucket}/*")),
        (None, false) => Some(format!("arn:{partition}:s3:::{bucket}")),
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    struct Case<'a> {
        method: Method,
        path_and_query: &'a str,
        copy: bool,
        host_bucket: Option<&'a str>,
    }

    fn classify(case: &Case<'_>) -> S3Classification {
        let (path, query) = match case.path_and_query.split_once('?') {
            Some((path, query)) => (path, query),
            None => (case.path_and_query, ""),
        };
        let mut headers = HeaderMap::new();
        if case.copy {
            headers.insert(COPY_SOURCE, HeaderValue::from_static("/src/key"));
        }
        classify_s3(&case.method, path, &Params::from_bytes(query.as_bytes()), &headers, case.host_bucket, "aws")
    }

    fn operation_of(method: Method, path_and_query: &str) -> Operation {
        classify(&Case { method, path_and_query, copy: false, host_bucket: None }).operation
    }

    fn known(name: &str, iam_action: &str) -> Operation {
        Operation::Known { name: name.to_owned(), iam_action: iam_action.to_owned() }
    }

    fn same(name: &str) -> Operation {
        known(name, name)
    }

    #[test]
    fn service_level_lists_buckets() {
        assert_eq!(operation_of(Method::GET, "/"), known("ListBuckets", "ListAllMyBuckets"));
        assert_eq!(operation_of(Method::PUT, "/"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn bucket_level_plain_operations() {
        assert_eq!(operation_of(Method::PUT, "/bucket"), same("CreateBucket"));
        assert_eq!(operation_of(Method::DELETE, "/bucket/"), same("DeleteBucket"));
        assert_eq!(operation_of(Method::HEAD, "/bucket"), known("HeadBucket", "ListBucket"));
        assert_eq!(operation_of(Method::GET, "/bucket?prefix=a&delimiter=%2F"), known("ListObjects", "ListBucket"));
        assert_eq!(operation_of(Method::GET, "/bucket?list-type=2&prefix="), known("ListObjectsV2", "ListBucket"));
    }

    #[test]
    fn bucket_subresources_select_operations() {
        let cases = [
            (Method::GET, "/bucket?location", "GetBucketLocation", "GetBucketLocation"),
            (Method::PUT, "/bucket?policy", "PutBucketPolicy", "PutBucketPolicy"),
            (Method::GET, "/bucket?policy", "GetBucketPolicy", "GetBucketPolicy"),
            (Method::DELETE, "/bucket?policy", "DeleteBucketPolicy", "DeleteBucketPolicy"),
            (Method::PUT, "/bucket?tagging", "PutBucketTagging", "PutBucketTagging"),
            (Method::GET, "/bucket?tagging", "GetBucketTagging", "GetBucketTagging"),
            (Method::DELETE, "/bucket?tagging", "DeleteBucketTagging", "PutBucketTagging"),
            (Method::PUT, "/bucket?versioning", "PutBucketVersioning", "PutBucketVersioning"),
            (Method::GET, "/bucket?cors", "GetBucketCors", "GetBucketCORS"),
            (Method::PUT, "/bucket?lifecycle", "PutBucketLifecycleConfiguration", "PutLifecycleConfiguration"),
            (Method::GET, "/bucket?uploads", "ListMultipartUploads", "ListBucketMultipartUploads"),
            (Method::GET, "/bucket?versions", "ListObjectVersions", "ListBucketVersions"),
        ];
        for (method, path, name, iam_action) in cases {
            let operation = operation_of(method.clone(), path);
            assert_eq!(operation, known(name, iam_action), "{method} {path}");
        }
    }

    #[test]
    fn delete_objects_is_post_delete() {
        let result =
            classify(&Case { method: Method::POST, path_and_query: "/bucket?delete", copy: false, host_bucket: None });
        assert_eq!(result.operation, known("DeleteObjects", "DeleteObject"));
        assert_eq!(result.resource.as_deref(), Some("arn:aws:s3:::bucket/*"));
    }

    #[test]
    fn subresource_with_wrong_method_is_unknown() {
        assert_eq!(operation_of(Method::GET, "/bucket?delete"), Operation::unknown(Vec::new()));
        assert_eq!(operation_of(Method::PATCH, "/bucket"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn subresource_names_are_case_sensitive() {
        assert_eq!(operation_of(Method::POST, "/bucket?Delete"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn unknown_flag_is_not_plain_operation() {
        assert_eq!(operation_of(Method::PUT, "/bucket?metadataTable"), Operation::unknown(Vec::new()));
        assert_eq!(operation_of(Method::GET, "/bucket/key?unknownflag"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn conflicting_subresources_keep_candidates() {
        let operation = operation_of(Method::PUT, "/bucket?policy&acl");
        let expected = Operation::unknown(vec![
            ("PutBucketPolicy".to_owned(), "PutBucketPolicy".to_owned()),
            ("PutBucketAcl".to_owned(), "PutBucketAcl".to_owned()),
        ]);
        assert_eq!(operation, expected);
    }

    #[test]
    fn object_plain_operations() {
        assert_eq!(operation_of(Method::GET, "/bucket/key"), same("GetObject"));
        assert_eq!(operation_of(Method::HEAD, "/bucket/key"), known("HeadObject", "GetObject"));
        assert_eq!(operation_of(Method::PUT, "/bucket/key"), same("PutObject"));
        assert_eq!(operation_of(Method::DELETE, "/bucket/key"), same("DeleteObject"));
        assert_eq!(operation_of(Method::POST, "/bucket/key"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn presign_and_sdk_parameters_are_plain() {
        let path =
            "/bucket/key?x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=&response-content-type=";
        assert_eq!(operation_of(Method::GET, path), same("GetObject"));
    }

    #[test]
    fn multibyte_parameter_is_unknown_flag() {
        assert_eq!(operation_of(Method::GET, "/bucket/key?x-amz%C3%A9"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn versioned_object_needs_version_actions() {
        assert_eq!(operation_of(Method::GET, "/bucket/key?versionId=v1"), known("GetObject", "GetObjectVersion"));
        assert_eq!(operation_of(Method::HEAD, "/bucket/key?versionId=v1"), known("HeadObject", "GetObjectVersion"));
        assert_eq!(
            operation_of(Method::DELETE, "/bucket/key?versionId=v1"),
            known("DeleteObject", "DeleteObjectVersion")
        );
    }

    #[test]
    fn copy_header_selects_copy_object() {
        let result =
            classify(&Case { method: Method::PUT, path_and_query: "/bucket/key", copy: true, host_bucket: None });
        assert_eq!(result.operation, known("CopyObject", "PutObject"));
    }

    #[test]
    fn multipart_operations() {
        assert_eq!(operation_of(Method::POST, "/bucket/key?uploads"), known("CreateMultipartUpload", "PutObject"));
        assert_eq!(operation_of(Method::PUT, "/bucket/key?partNumber=1&uploadId=u"), known("UploadPart", "PutObject"));
        assert_eq!(operation_of(Method::POST, "/bucket/key?uploadId=u"), known("CompleteMultipartUpload", "PutObject"));
        assert_eq!(operation_of(Method::DELETE, "/bucket/key?uploadId=u"), same("AbortMultipartUpload"));
        assert_eq!(operation_of(Method::GET, "/bucket/key?uploadId=u"), known("ListParts", "ListMultipartUploadParts"));
        assert_eq!(operation_of(Method::PUT, "/bucket/key?uploadId=u"), Operation::unknown(Vec::new()));
    }

    #[test]
    fn upload_part_copy_needs_header() {
        let result = classify(&Case {
            method: Method::PUT,
            path_and_query: "/bucket/key?partNumber=2&uploadId=u",
            copy: true,
            host_bucket: None,
        });
        assert_eq!(result.operation, known("UploadPartCopy", "PutObject"));
    }

    #[test]
    fn object_subresources_select_operations() {
        assert_eq!(operation_of(Method::PUT, "/bucket/key?tagging"), same("PutObjectTagging"));
        assert_eq!(
            operation_of(Method::GET, "/bucket/key?tagging&versionId=v"),
            known("GetObjectTagging", "GetObjectVersionTagging")
        );
        assert_eq!(operation_of(Method::GET, "/bucket/key?acl"), same("GetObjectAcl"));
        assert_eq!(operation_of(Method::POST, "/bucket/key?restore"), same("RestoreObject"));
        assert_eq!(
            operation_of(Method::POST, "/bucket/key?select&select-type=2"),
            known("SelectObjectContent", "GetObject")
        );
    }

    #[test]
    fn path_style_resource_arns() {
        let object = classify(&Case {
            method: Method::GET,
            path_and_query: "/bucket/dir/file%20name.txt",
            copy: false,
            host_bucket: None,
        });
        assert_eq!(object.resource.as_deref(), Some("arn:aws:s3:::bucket/dir/file name.txt"));

        let bucket = classify(&Case { method: Method::PUT, path_and_query: "/bucket", copy: false, host_bucket: None });
        assert_eq!(bucket.resource.as_deref(), Some("arn:aws:s3:::bucket"));

        let service = classify(&Case { method: Method::GET, path_and_query: "/", copy: false, host_bucket: None });
        assert_eq!(service.resource, None);
    }

    #[test]
    fn encoded_bucket_is_decoded() {
        let result =
            classify(&Case { method: Method::GET, path_and_query: "/secr%65t/key", copy: false, host_bucket: None });
        assert_eq!(result.resource.as_deref(), Some("arn:aws:s3:::secret/key"));
    }

    #[test]
    fn virtual_hosted_path_is_key() {
        let object = classify(&Case {
            method: Method::PUT,
            path_and_query: "/photos/cat.jpg",
            copy: false,
            host_bucket: Some("bucket"),
        });
        assert_eq!(object.operation, same("PutObject"));
        assert_eq!(object.resource.as_deref(), Some("arn:aws:s3:::bucket/photos/cat.jpg"));

        let bucket = classify(&Case {
            method: Method::GET,
            path_and_query: "/?list-type=2",
            copy: false,
            host_bucket: Some("bucket"),
        });
        assert_eq!(bucket.operation, known("ListObjectsV2", "ListBucket"));
        assert_eq!(bucket.resource.as_deref(), Some("arn:aws:s3:::bucket"));
    }

    #[test]
    fn malformed_paths_are_unknown() {
        assert_eq!(operation_of(Method::GET, "//key"), Operation::unknown(Vec::new()));
        assert_eq!(operation_of(Method::GET, "*"), Operation::unknown(Vec::new()));
        assert_eq!(operation_of(Method::GET, ""), Operation::unknown(Vec::new()));
    }
}
