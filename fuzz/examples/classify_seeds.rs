//! Writes the seed corpus of the `classify` target, one file per request,
//! into `corpus/classify/`. The requests are what AWS SDKs and the Azure
//! Blob REST API send for everyday operations, with dummy credentials.
//!
//! Run with `cargo run --manifest-path fuzz/Cargo.toml --example classify_seeds`.

use std::path::Path;

use cordon_fuzz::RequestInput;

/// A dummy SigV4 signature: 64 hex digits.
const SIGNATURE: &str = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

fn authorization(region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/{region}/{service}/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature={SIGNATURE}"
    )
}

fn seeds() -> Vec<(&'static str, RequestInput)> {
    let s3_east = authorization("us-east-1", "s3");
    let dynamodb_east = authorization("us-east-1", "dynamodb");
    let sqs_east = authorization("us-east-1", "sqs");
    let ec2_central = authorization("eu-central-1", "ec2");
    let presigned = format!(
        "/photos/cat.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20240101%2Fus-west-2%2Fs3%2Faws4_request\
         &X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
         &X-Amz-Signature={SIGNATURE}"
    );
    let chunked_body = format!(
        "8;chunk-signature={SIGNATURE}\r\nhello s3\r\n0;chunk-signature={SIGNATURE}\r\n\
         x-amz-checksum-crc32:NSRBwg==\r\n\r\n"
    );

    vec![
        (
            "s3-put-object-virtual-hosted",
            RequestInput::new(
                "PUT",
                "https",
                "reports.s3.us-east-1.amazonaws.com",
                "/2024/q1.csv",
                &[
                    ("host", "reports.s3.us-east-1.amazonaws.com"),
                    ("authorization", &s3_east),
                    ("x-amz-date", "20240101T000000Z"),
                    ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                    ("content-type", "text/csv"),
                ],
                b"quarter,revenue\nq1,100\n",
            ),
        ),
        (
            "s3-list-objects-localstack",
            RequestInput::new(
                "GET",
                "http",
                "localhost:4566",
                "/reports?list-type=2&prefix=2024%2F&max-keys=100",
                &[("host", "localhost:4566"), ("authorization", &s3_east)],
                b"",
            ),
        ),
        (
            "s3-delete-object",
            RequestInput::new(
                "DELETE",
                "https",
                "reports.s3.amazonaws.com",
                "/2024/q1.csv?versionId=3HL4kqtJlcpXroDTDmjVBH40Nrjfkd",
                &[("authorization", &s3_east)],
                b"",
            ),
        ),
        (
            "s3-delete-objects-batch",
            RequestInput::new(
                "POST",
                "https",
                "s3.us-east-1.amazonaws.com",
                "/reports?delete",
                &[("content-type", "application/xml"), ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")],
                b"<Delete><Object><Key>2024/q1.csv</Key></Object><Quiet>true</Quiet></Delete>",
            ),
        ),
        (
            "s3-presigned-get",
            RequestInput::new("GET", "https", "s3.us-west-2.amazonaws.com", &presigned, &[], b""),
        ),
        (
            "s3-create-multipart-upload",
            RequestInput::new(
                "POST",
                "https",
                "reports.s3.eu-west-1.amazonaws.com",
                "/big.bin?uploads",
                &[("x-amz-security-token", "FwoGZXIvYXdzEXAMPLE")],
                b"",
            ),
        ),
        (
            "s3-copy-object",
            RequestInput::new(
                "PUT",
                "https",
                "archive.s3.amazonaws.com",
                "/2024/q1.csv",
                &[("x-amz-copy-source", "/reports/2024/q1.csv")],
                b"",
            ),
        ),
        (
            "s3-aws-chunked-upload",
            RequestInput::new(
                "PUT",
                "https",
                "reports.s3.us-east-1.amazonaws.com",
                "/hello.txt?x-id=PutObject",
                &[
                    ("content-encoding", "aws-chunked"),
                    ("x-amz-decoded-content-length", "8"),
                    ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
                    ("x-amz-trailer", "x-amz-checksum-crc32"),
                ],
                chunked_body.as_bytes(),
            ),
        ),
        (
            "dynamodb-put-item",
            RequestInput::new(
                "POST",
                "https",
                "dynamodb.us-east-1.amazonaws.com",
                "/",
                &[
                    ("x-amz-target", "DynamoDB_20120810.PutItem"),
                    ("content-type", "application/x-amz-json-1.0"),
                    ("authorization", &dynamodb_east),
                ],
                br#"{"TableName":"reports","Item":{"id":{"S":"q1"},"size":{"N":"24"}}}"#,
            ),
        ),
        (
            "dynamodb-delete-table-localstack",
            RequestInput::new(
                "POST",
                "http",
                "localhost:4566",
                "/",
                &[
                    ("x-amz-target", "DynamoDB_20120810.DeleteTable"),
                    ("content-type", "application/x-amz-json-1.0"),
                    ("authorization", &dynamodb_east),
                ],
                br#"{"TableName":"reports"}"#,
            ),
        ),
        (
            "sqs-send-message-json",
            RequestInput::new(
                "POST",
                "https",
                "sqs.us-east-1.amazonaws.com",
                "/",
                &[
                    ("x-amz-target", "AmazonSQS.SendMessage"),
                    ("content-type", "application/x-amz-json-1.0"),
                    ("authorization", &sqs_east),
                ],
                br#"{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/000000000000/reports","MessageBody":"q1 ready"}"#,
            ),
        ),
        (
            "sqs-send-message-query",
            RequestInput::new(
                "POST",
                "https",
                "sqs.eu-west-1.amazonaws.com",
                "/000000000000/reports",
                &[("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
                b"Action=SendMessage&Version=2012-11-05&MessageBody=q1+ready",
            ),
        ),
        (
            "ec2-run-instances",
            RequestInput::new(
                "POST",
                "https",
                "ec2.eu-central-1.amazonaws.com",
                "/",
                &[
                    ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
                    ("authorization", &ec2_central),
                ],
                b"Action=RunInstances&Version=2016-11-15&ImageId=ami-0abcdef1234567890\
                  &InstanceType=m5.large&MinCount=1&MaxCount=1",
            ),
        ),
        (
            "iam-list-users-query-string",
            RequestInput::new(
                "GET",
                "https",
                "iam.amazonaws.com",
                "/?Action=ListUsers&Version=2010-05-08",
                &[],
                b"",
            ),
        ),
        (
            "azure-put-block-blob",
            RequestInput::new(
                "PUT",
                "https",
                "reportsacct.blob.core.windows.net",
                "/reports/2024/q1.csv",
                &[
                    ("x-ms-blob-type", "BlockBlob"),
                    ("x-ms-version", "2023-11-03"),
                    ("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT"),
                    ("authorization", "SharedKey reportsacct:c2lnbmF0dXJl"),
                ],
                b"quarter,revenue\nq1,100\n",
            ),
        ),
        (
            "azure-list-blobs-sas",
            RequestInput::new(
                "GET",
                "https",
                "reportsacct.blob.core.windows.net",
                "/reports?restype=container&comp=list&sv=2023-11-03&sp=rl&se=2030-01-01&sig=c2lnbmF0dXJl",
                &[("x-ms-version", "2023-11-03")],
                b"",
            ),
        ),
        (
            "azure-delete-blob",
            RequestInput::new(
                "DELETE",
                "https",
                "reportsacct.blob.core.windows.net",
                "/reports/2024/q1.csv",
                &[("x-ms-delete-snapshots", "include")],
                b"",
            ),
        ),
        (
            "azure-copy-blob-azurite",
            RequestInput::new(
                "PUT",
                "http",
                "127.0.0.1:10000",
                "/devstoreaccount1/archive/q1.csv",
                &[(
                    "x-ms-copy-source",
                    "http://127.0.0.1:10000/devstoreaccount1/reports/q1.csv",
                )],
                b"",
            ),
        ),
    ]
}

fn main() -> std::io::Result<()> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/classify");
    std::fs::create_dir_all(&folder)?;
    for (name, request) in seeds() {
        assert!(
            request.to_http().is_some(),
            "seed {name} has a method or URI that http rejects"
        );
        std::fs::write(folder.join(name), request.encode())?;
    }
    println!("wrote {} seeds to {}", seeds().len(), folder.display());
    Ok(())
}
