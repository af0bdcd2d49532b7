//! `s3 [--endpoint-url URL] [--region REGION] COMMAND`: Amazon S3 buckets and objects.
//!
//! Commands: `mb BUCKET`, `rb BUCKET`, `put BUCKET KEY [FILE|-]`, `get BUCKET KEY [FILE|-]`,
//! `ls [BUCKET [PREFIX]]` and `rm BUCKET KEY`. `put` reads stdin and `get` writes stdout
//! when FILE is `-` or missing. Without `--endpoint-url` the requests go to the real S3
//! host names with virtual-hosted addressing (`BUCKET.s3.REGION.amazonaws.com`), which
//! the host routes and signs. With it they use path-style addressing
//! (`URL/BUCKET/KEY`), as local emulators expect. A failed request prints
//! `s3: COMMAND TARGET: CODE: message` and exits with 1, and a usage error exits with 2.

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use cordon_cloud_tools::aws::{self, AwsSettings, describe_error};
use cordon_cloud_tools::{
    CommandLine, EXIT_SUCCESS, Output, Tool, error_chain, error_message, exit, input_name, read_input,
};

const TOOL: Tool = Tool {
    name: "s3",
    usage: "s3 [--endpoint-url URL] [--region REGION] COMMAND [ARGS...]",
    help: "Manage Amazon S3 buckets and objects.

Commands:
  mb BUCKET                  create BUCKET in the region
  rb BUCKET                  delete the empty BUCKET
  put BUCKET KEY [FILE|-]    upload FILE, or standard input when FILE is - or missing
  get BUCKET KEY [FILE|-]    download to FILE, or to standard output when FILE is - or missing
  ls [BUCKET [PREFIX]]       list the buckets, or the keys in BUCKET that start with PREFIX
  rm BUCKET KEY              delete the object

Options:
      --endpoint-url URL   send requests to URL with path-style addressing, for example
                           http://127.0.0.1:5000 for a local emulator
                           (default: the regional S3 endpoint)
      --region REGION      region to use (default: $AWS_REGION, else us-east-1)
      --help               print this help

Credentials come from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY, else placeholders.
Exit status: 0 on success, 1 when a request or a file fails, 2 for a usage error.
",
};

enum Command {
    MakeBucket { bucket: String },
    RemoveBucket { bucket: String },
    Put { bucket: String, key: String, file: String },
    Get { bucket: String, key: String, file: String },
    ListBuckets,
    ListObjects { bucket: String, prefix: Option<String> },
    Remove { bucket: String, key: String },
}

fn main() {
    TOOL.adopt_initial_cwd();
    let line = CommandLine::parse(&TOOL, &aws::OPTIONS);
    let command = parse_command(&line.values);
    let settings = AwsSettings::new(&TOOL, line.option("endpoint-url"), line.option("region"));

    let mut config = aws_sdk_s3::config::Builder::from(&settings.sdk_config());
    // Emulators serve one host name, so the bucket has to go in the path. The real
    // service prefers the bucket in the host name, and the host routes both forms.
    if settings.endpoint_url.is_some() {
        config = config.force_path_style(true);
    }
    let client = Client::from_conf(config.build());

    wstd::runtime::block_on(run(&client, &settings.region, command));
    exit(EXIT_SUCCESS);
}

fn parse_command(values: &[String]) -> Command {
    let Some((name, arguments)) = values.split_first() else {
        TOOL.usage_error("missing COMMAND");
    };
    match (name.as_str(), arguments) {
        ("mb", [bucket]) => Command::MakeBucket { bucket: bucket.clone() },
        ("rb", [bucket]) => Command::RemoveBucket { bucket: bucket.clone() },
        ("put", [bucket, key]) => Command::Put {
            bucket: bucket.clone(),
            key: key.clone(),
            file: "-".into(),
        },
        ("put", [bucket, key, file]) => Command::Put {
            bucket: bucket.clone(),
            key: key.clone(),
            file: file.clone(),
        },
        ("get", [bucket, key]) => Command::Get {
            bucket: bucket.clone(),
            key: key.clone(),
            file: "-".into(),
        },
        ("get", [bucket, key, file]) => Command::Get {
            bucket: bucket.clone(),
            key: key.clone(),
            file: file.clone(),
        },
        ("ls", []) => Command::ListBuckets,
        ("ls", [bucket]) => Command::ListObjects {
            bucket: bucket.clone(),
            prefix: None,
        },
        ("ls", [bucket, prefix]) => Command::ListObjects {
            bucket: bucket.clone(),
            prefix: Some(prefix.clone()),
        },
        ("rm", [bucket, key]) => Command::Remove {
            bucket: bucket.clone(),
            key: key.clone(),
        },
        ("mb" | "rb" | "put" | "get" | "ls" | "rm", _) => {
            TOOL.usage_error(format_args!("wrong number of arguments for {name}"))
        }
        _ => TOOL.usage_error(format_args!("unknown command '{name}'")),
    }
}

async fn run(client: &Client, region: &str, command: Command) {
    match command {
        Command::MakeBucket { bucket } => make_bucket(client, region, &bucket).await,
        Command::RemoveBucket { bucket } => {
            let result = client.delete_bucket().bucket(&bucket).send().await;
            result.unwrap_or_else(|err| TOOL.fail(format_args!("rb {bucket}: {}", describe_error(&err))));
            println!("deleted bucket {bucket}");
        }
        Command::Put { bucket, key, file } => put(client, &bucket, &key, &file).await,
        Command::Get { bucket, key, file } => get(client, &bucket, &key, &file).await,
        Command::ListBuckets => list_buckets(client).await,
        Command::ListObjects { bucket, prefix } => list_objects(client, &bucket, prefix).await,
        Command::Remove { bucket, key } => {
            let result = client.delete_object().bucket(&bucket).key(&key).send().await;
            result.unwrap_or_else(|err| TOOL.fail(format_args!("rm s3://{bucket}/{key}: {}", describe_error(&err))));
            println!("deleted s3://{bucket}/{key}");
        }
    }
}

async fn make_bucket(client: &Client, region: &str, bucket: &str) {
    let mut request = client.create_bucket().bucket(bucket);
    // us-east-1 is the one region that rejects an explicit location constraint.
    if region != "us-east-1" {
        let location = CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(region))
            .build();
        request = request.create_bucket_configuration(location);
    }
    request
        .send()
        .await
        .unwrap_or_else(|err| TOOL.fail(format_args!("mb {bucket}: {}", describe_error(&err))));
    println!("created bucket {bucket}");
}

async fn put(client: &Client, bucket: &str, key: &str, file: &str) {
    // NOTE: the whole object is read into memory, so it must fit in the guest's memory.
    // An in-memory body is signed with its SHA-256 and carries its CRC32 in a header. A
    // streamed body would go out aws-chunked with the checksum in a trailer, which the
    // host would have to sign again chunk by chunk, and reading a file as a stream needs
    // the SDK's rt-tokio feature, which does not build for wasm32-wasip2.
    let data =
        read_input(file).unwrap_or_else(|err| TOOL.fail(format_args!("{}: {}", input_name(file), error_message(&err))));
    let size = data.len();

    let result = client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(data))
        .send()
        .await;
    result.unwrap_or_else(|err| TOOL.fail(format_args!("put s3://{bucket}/{key}: {}", describe_error(&err))));
    println!("uploaded {size} bytes to s3://{bucket}/{key}");
}

async fn get(client: &Client, bucket: &str, key: &str, file: &str) {
    let result = client.get_object().bucket(bucket).key(key).send().await;
    let response =
        result.unwrap_or_else(|err| TOOL.fail(format_args!("get s3://{bucket}/{key}: {}", describe_error(&err))));

    // The file is created only once the object exists, so a failed request leaves no
    // empty file behind.
    let mut output =
        Output::create(file).unwrap_or_else(|err| TOOL.fail(format_args!("{file}: {}", error_message(&err))));
    let mut body = response.body;
    let mut size = 0usize;
    loop {
        let chunk = match body.try_next().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) => {
                output.discard();
                TOOL.fail(format_args!(
                    "get s3://{bucket}/{key}: download failed: {}",
                    error_chain(&err)
                ));
            }
        };
        if let Err(err) = output.write_all(&chunk) {
            let name = output.name().to_string();
            output.discard();
            TOOL.fail(format_args!("{name}: {}", error_message(&err)));
        }
        size += chunk.len();
    }

    let name = output.name().to_string();
    let to_file = file != "-";
    output
        .finish()
        .unwrap_or_else(|err| TOOL.fail(format_args!("{name}: {}", error_message(&err))));
    if to_file {
        println!("downloaded {size} bytes from s3://{bucket}/{key} to {name}");
    }
}

async fn list_buckets(client: &Client) {
    let mut pages = client.list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.unwrap_or_else(|err| TOOL.fail(format_args!("ls: {}", describe_error(&err))));
        for bucket in page.buckets() {
            if let Some(name) = bucket.name() {
                println!("{name}");
            }
        }
    }
}

async fn list_objects(client: &Client, bucket: &str, prefix: Option<String>) {
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .set_prefix(prefix)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.unwrap_or_else(|err| TOOL.fail(format_args!("ls {bucket}: {}", describe_error(&err))));
        for object in page.contents() {
            if let Some(key) = object.key() {
                println!("{key}");
            }
        }
    }
}
