//! `sqs [--endpoint-url URL] [--region REGION] COMMAND`: Amazon SQS queues and messages.
//!
//! Commands: `create QUEUE` prints the new queue's URL, `send QUEUE BODY|-` prints the
//! message ID, `receive QUEUE [--max N] [--wait S]` prints each message as a JSON line
//! with `MessageId`, `ReceiptHandle` and `Body`, and `delete QUEUE RECEIPT_HANDLE` deletes
//! a received message. QUEUE is a queue URL or a queue name, which is looked up first.
//! Without `--endpoint-url` the requests go to `sqs.REGION.amazonaws.com`. A failed request
//! prints `sqs: COMMAND QUEUE: CODE: message` and exits with 1, and a usage error exits
//! with 2.

use aws_sdk_sqs::Client;
use cordon_cloud_tools::aws::{self, AwsSettings, describe_error};
use cordon_cloud_tools::{CommandLine, EXIT_SUCCESS, Tool, error_message, exit, input_name, read_input};
use serde_json::json;

const TOOL: Tool = Tool {
    name: "sqs",
    usage: "sqs [--endpoint-url URL] [--region REGION] COMMAND [ARGS...]",
    help: "Manage Amazon SQS queues and messages.

Commands:
  create QUEUE                   create the queue QUEUE and print its URL
  send QUEUE BODY|-              send BODY, or standard input for -, and print the message ID
  receive QUEUE [--max N] [--wait S]
                                 receive up to N messages (1 to 10, default 1), waiting up
                                 to S seconds (0 to 20, default 0) for the first, and print
                                 each as a JSON line with MessageId, ReceiptHandle and Body
  delete QUEUE RECEIPT_HANDLE    delete the received message

QUEUE is a queue URL, or a queue name that is first looked up with GetQueueUrl.

Options:
      --endpoint-url URL   send requests to URL, for example http://127.0.0.1:5000 for a
                           local emulator (default: the regional SQS endpoint)
      --region REGION      region to use (default: $AWS_REGION, else us-east-1)
      --help               print this help

Credentials come from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY, else placeholders.
Exit status: 0 on success, 1 when a request fails, 2 for a usage error.
",
};

/// Options that only `receive` takes.
const RECEIVE_OPTIONS: [&str; 2] = ["max", "wait"];

/// Maximum number of messages that one ReceiveMessage call returns.
const MAX_MESSAGES: i32 = 10;

/// Maximum long-polling wait that SQS accepts, in seconds.
const MAX_WAIT_SECONDS: i32 = 20;

enum Command {
    Create { name: String },
    Send { queue: String, body: String },
    Receive { queue: String, max: i32, wait: i32 },
    Delete { queue: String, receipt_handle: String },
}

fn main() {
    let mut options = aws::OPTIONS.to_vec();
    options.extend(RECEIVE_OPTIONS);
    let line = CommandLine::parse(&TOOL, &options);
    let command = parse_command(&line);
    let settings = AwsSettings::new(&TOOL, line.option("endpoint-url"), line.option("region"));
    let client = Client::new(&settings.sdk_config());

    wstd::runtime::block_on(run(&client, command));
    exit(EXIT_SUCCESS);
}

fn parse_command(line: &CommandLine) -> Command {
    let Some((name, arguments)) = line.values.split_first() else {
        TOOL.usage_error("missing COMMAND");
    };
    if name != "receive" {
        line.reject_options(&TOOL, name, &RECEIVE_OPTIONS);
    }
    match (name.as_str(), arguments) {
        ("create", [queue]) => Command::Create { name: queue.clone() },
        ("send", [queue, body]) => Command::Send {
            queue: queue.clone(),
            body: read_body(body),
        },
        ("receive", [queue]) => Command::Receive {
            queue: queue.clone(),
            max: parse_bounded(line.option("max"), "--max", 1, 1, MAX_MESSAGES),
            wait: parse_bounded(line.option("wait"), "--wait", 0, 0, MAX_WAIT_SECONDS),
        },
        ("delete", [queue, receipt_handle]) => Command::Delete {
            queue: queue.clone(),
            receipt_handle: receipt_handle.clone(),
        },
        ("create" | "send" | "receive" | "delete", _) => {
            TOOL.usage_error(format_args!("wrong number of arguments for {name}"))
        }
        _ => TOOL.usage_error(format_args!("unknown command '{name}'")),
    }
}

/// Returns `body`, or the text of stdin when `body` is `-`.
fn read_body(body: &str) -> String {
    if body != "-" {
        return body.to_string();
    }
    let data =
        read_input(body).unwrap_or_else(|err| TOOL.fail(format_args!("{}: {}", input_name(body), error_message(&err))));
    String::from_utf8(data)
        .unwrap_or_else(|_| TOOL.fail("standard input is not valid UTF-8, which a message body must be"))
}

/// Parses the integer value of `option`, which must lie in `min..=max`, or returns
/// `default` when the option is absent.
fn parse_bounded(value: Option<&str>, option: &str, default: i32, min: i32, max: i32) -> i32 {
    let Some(value) = value else {
        return default;
    };
    match value.parse::<i32>() {
        Ok(number) if (min..=max).contains(&number) => number,
        _ => TOOL.usage_error(format_args!(
            "invalid value '{value}' for {option}: expected an integer from {min} to {max}"
        )),
    }
}

async fn run(client: &Client, command: Command) {
    match command {
        Command::Create { name } => {
            let result = client.create_queue().queue_name(&name).send().await;
            let response =
                result.unwrap_or_else(|err| TOOL.fail(format_args!("create {name}: {}", describe_error(&err))));
            println!("{}", response.queue_url().unwrap_or_default());
        }
        Command::Send { queue, body } => {
            let url = queue_url(client, "send", &queue).await;
            let result = client.send_message().queue_url(url).message_body(body).send().await;
            let response =
                result.unwrap_or_else(|err| TOOL.fail(format_args!("send {queue}: {}", describe_error(&err))));
            println!("{}", response.message_id().unwrap_or_default());
        }
        Command::Receive { queue, max, wait } => receive(client, &queue, max, wait).await,
        Command::Delete { queue, receipt_handle } => {
            let url = queue_url(client, "delete", &queue).await;
            let result = client
                .delete_message()
                .queue_url(url)
                .receipt_handle(receipt_handle)
                .send()
                .await;
            result.unwrap_or_else(|err| TOOL.fail(format_args!("delete {queue}: {}", describe_error(&err))));
            println!("deleted message from {queue}");
        }
    }
}

/// Returns `queue` when it is a URL, and otherwise looks the URL of the queue named
/// `queue` up.
async fn queue_url(client: &Client, command: &str, queue: &str) -> String {
    if queue.starts_with("https://") || queue.starts_with("http://") {
        return queue.to_string();
    }
    let result = client.get_queue_url().queue_name(queue).send().await;
    let response = result.unwrap_or_else(|err| TOOL.fail(format_args!("{command} {queue}: {}", describe_error(&err))));
    match response.queue_url() {
        Some(url) => url.to_string(),
        None => TOOL.fail(format_args!("{command} {queue}: the service returned no queue URL")),
    }
}

async fn receive(client: &Client, queue: &str, max: i32, wait: i32) {
    let url = queue_url(client, "receive", queue).await;
    let result = client
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(max)
        .wait_time_seconds(wait)
        .send()
        .await;
    let response = result.unwrap_or_else(|err| TOOL.fail(format_args!("receive {queue}: {}", describe_error(&err))));
    for message in response.messages() {
        let line = json!({
            "MessageId": message.message_id(),
            "ReceiptHandle": message.receipt_handle(),
            "Body": message.body(),
        });
        println!("{line}");
    }
}
