//! `dynamodb [--endpoint-url URL] [--region REGION] COMMAND`: Amazon DynamoDB tables and
//! items, with items written and printed as plain JSON.
//!
//! Commands: `create-table TABLE --key NAME[:S|N] [--sort NAME[:S|N]]`,
//! `put TABLE JSON_ITEM`, `get TABLE KEY_JSON` and `query TABLE KEY_CONDITION_JSON`. An
//! item such as `{"id":"r1","size":12}` is stored with strings as `S` and numbers as `N`,
//! and `get` and `query` print items in the same plain form, one JSON object per line.
//! Without `--endpoint-url` the requests go to `dynamodb.REGION.amazonaws.com`. A failed
//! request prints `dynamodb: COMMAND TABLE: CODE: message` and exits with 1, `get`
//! exits with 1 when no item has the key, and a usage error exits with 2.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, TableStatus,
};
use cordon_cloud_tools::aws::{self, AwsSettings, describe_error};
use cordon_cloud_tools::item::{Item, KeyCondition, item_to_json, parse_item, parse_key_condition};
use cordon_cloud_tools::{CommandLine, EXIT_FAILURE, EXIT_SUCCESS, Tool, exit};

const TOOL: Tool = Tool {
    name: "dynamodb",
    usage: "dynamodb [--endpoint-url URL] [--region REGION] COMMAND [ARGS...]",
    help: "Manage Amazon DynamoDB tables and items, written and printed as plain JSON.

Commands:
  create-table TABLE --key NAME[:S|N] [--sort NAME[:S|N]]
                             create an on-demand table with partition key NAME and an
                             optional sort key (type S, string, by default; N is number),
                             then wait until it is active
  put TABLE JSON_ITEM        write an item such as {\"id\":\"r1\",\"size\":12}
  get TABLE KEY_JSON         print the item with the key, such as {\"id\":\"r1\"}
  query TABLE KEY_CONDITION_JSON
                             print the items whose key attributes equal the given values,
                             such as {\"id\":\"r1\"}, one JSON object per line

JSON strings are stored as S, numbers as N, booleans as BOOL, null as NULL, arrays as L
and objects as M.

Options:
      --endpoint-url URL   send requests to URL, for example http://127.0.0.1:5000 for a
                           local emulator (default: the regional DynamoDB endpoint)
      --region REGION      region to use (default: $AWS_REGION, else us-east-1)
      --help               print this help

Credentials come from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY, else placeholders.
Exit status: 0 on success, 1 when a request fails or get finds no item, 2 for a usage error.
",
};

/// Time between two checks of a new table's status.
const TABLE_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Number of status checks before `create-table` stops waiting. New on-demand tables
/// usually become active within seconds, and two minutes leaves room for a slow region.
const TABLE_POLL_LIMIT: u32 = 120;

/// Options that only `create-table` takes.
const TABLE_OPTIONS: [&str; 2] = ["key", "sort"];

enum Command {
    CreateTable {
        table: String,
        partition_key: KeyAttribute,
        sort_key: Option<KeyAttribute>,
    },
    Put {
        table: String,
        item: Item,
    },
    Get {
        table: String,
        key: Item,
        key_text: String,
    },
    Query {
        table: String,
        condition: KeyCondition,
    },
}

/// A key attribute from `--key` or `--sort`.
struct KeyAttribute {
    name: String,
    kind: ScalarAttributeType,
}

fn main() {
    let mut options = aws::OPTIONS.to_vec();
    options.extend(TABLE_OPTIONS);
    let line = CommandLine::parse(&TOOL, &options);
    let command = parse_command(&line);
    let settings = AwsSettings::new(&TOOL, line.option("endpoint-url"), line.option("region"));
    let client = Client::new(&settings.sdk_config());

    let status = wstd::runtime::block_on(run(&client, command));
    exit(status);
}

fn parse_command(line: &CommandLine) -> Command {
    let Some((name, arguments)) = line.values.split_first() else {
        TOOL.usage_error("missing COMMAND");
    };
    if name != "create-table" {
        line.reject_options(&TOOL, name, &TABLE_OPTIONS);
    }
    match (name.as_str(), arguments) {
        ("create-table", [table]) => {
            let Some(key) = line.option("key") else {
                TOOL.usage_error("create-table needs --key NAME[:S|N]");
            };
            Command::CreateTable {
                table: table.clone(),
                partition_key: parse_key_attribute("--key", key),
                sort_key: line.option("sort").map(|sort| parse_key_attribute("--sort", sort)),
            }
        }
        ("put", [table, json]) => {
            let item =
                parse_item(json).unwrap_or_else(|err| TOOL.usage_error(format_args!("invalid JSON_ITEM: {err}")));
            Command::Put {
                table: table.clone(),
                item,
            }
        }
        ("get", [table, json]) => {
            let key = parse_item(json).unwrap_or_else(|err| TOOL.usage_error(format_args!("invalid KEY_JSON: {err}")));
            Command::Get {
                table: table.clone(),
                key,
                key_text: json.clone(),
            }
        }
        ("query", [table, json]) => {
            let condition = parse_key_condition(json)
                .unwrap_or_else(|err| TOOL.usage_error(format_args!("invalid KEY_CONDITION_JSON: {err}")));
            Command::Query {
                table: table.clone(),
                condition,
            }
        }
        ("create-table" | "put" | "get" | "query", _) => {
            TOOL.usage_error(format_args!("wrong number of arguments for {name}"))
        }
        _ => TOOL.usage_error(format_args!("unknown command '{name}'")),
    }
}

/// Parses `NAME`, `NAME:S` or `NAME:N`, given as the value of `option`.
fn parse_key_attribute(option: &str, value: &str) -> KeyAttribute {
    let (name, kind) = match value.rsplit_once(':') {
        Some((name, "S")) => (name, ScalarAttributeType::S),
        Some((name, "N")) => (name, ScalarAttributeType::N),
        Some(_) => TOOL.usage_error(format_args!(
            "invalid value '{value}' for {option}: the type must be S or N"
        )),
        None => (value, ScalarAttributeType::S),
    };
    if name.is_empty() {
        TOOL.usage_error(format_args!(
            "invalid value '{value}' for {option}: missing attribute name"
        ));
    }
    KeyAttribute {
        name: name.to_string(),
        kind,
    }
}

async fn run(client: &Client, command: Command) -> i32 {
    match command {
        Command::CreateTable {
            table,
            partition_key,
            sort_key,
        } => {
            create_table(client, &table, partition_key, sort_key).await;
        }
        Command::Put { table, item } => {
            let result = client.put_item().table_name(&table).set_item(Some(item)).send().await;
            result.unwrap_or_else(|err| TOOL.fail(format_args!("put {table}: {}", describe_error(&err))));
            println!("put 1 item into {table}");
        }
        Command::Get { table, key, key_text } => return get(client, &table, key, &key_text).await,
        Command::Query { table, condition } => query(client, &table, condition).await,
    }
    EXIT_SUCCESS
}

async fn create_table(client: &Client, table: &str, partition_key: KeyAttribute, sort_key: Option<KeyAttribute>) {
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest);
    let keys = std::iter::once((partition_key, KeyType::Hash)).chain(sort_key.map(|key| (key, KeyType::Range)));
    for (key, role) in keys {
        let definition = AttributeDefinition::builder()
            .attribute_name(&key.name)
            .attribute_type(key.kind)
            .build()
            .expect("the attribute name and type are set");
        let schema = KeySchemaElement::builder()
            .attribute_name(key.name)
            .key_type(role)
            .build()
            .expect("the attribute name and key type are set");
        request = request.attribute_definitions(definition).key_schema(schema);
    }
    request
        .send()
        .await
        .unwrap_or_else(|err| TOOL.fail(format_args!("create-table {table}: {}", describe_error(&err))));

    // Writes to a table fail until it is active, so the command returns only then.
    for _ in 0..TABLE_POLL_LIMIT {
        let result = client.describe_table().table_name(table).send().await;
        let description =
            result.unwrap_or_else(|err| TOOL.fail(format_args!("create-table {table}: {}", describe_error(&err))));
        let status = description.table().and_then(|table| table.table_status());
        if status == Some(&TableStatus::Active) {
            println!("created table {table}");
            return;
        }
        wstd::task::sleep(TABLE_POLL_INTERVAL.into()).await;
    }
    let waited = TABLE_POLL_INTERVAL * TABLE_POLL_LIMIT;
    TOOL.fail(format_args!(
        "create-table {table}: the table was created but is still not active after {} s; check it again later",
        waited.as_secs()
    ));
}

async fn get(client: &Client, table: &str, key: Item, key_text: &str) -> i32 {
    let result = client.get_item().table_name(table).set_key(Some(key)).send().await;
    let response = result.unwrap_or_else(|err| TOOL.fail(format_args!("get {table}: {}", describe_error(&err))));
    match response.item() {
        Some(item) => {
            print_item(table, item);
            EXIT_SUCCESS
        }
        None => {
            TOOL.warn(format_args!("get {table}: no item with key {key_text}"));
            EXIT_FAILURE
        }
    }
}

async fn query(client: &Client, table: &str, condition: KeyCondition) {
    let mut pages = client
        .query()
        .table_name(table)
        .key_condition_expression(condition.expression)
        .set_expression_attribute_names(Some(condition.names))
        .set_expression_attribute_values(Some(condition.values))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.unwrap_or_else(|err| TOOL.fail(format_args!("query {table}: {}", describe_error(&err))));
        for item in page.items() {
            print_item(table, item);
        }
    }
}

fn print_item(table: &str, item: &Item) {
    match item_to_json(item) {
        Ok(json) => println!("{json}"),
        Err(err) => TOOL.fail(format_args!("{table}: {err}")),
    }
}
