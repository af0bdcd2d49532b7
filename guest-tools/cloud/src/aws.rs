//! AWS SDK configuration for the `s3`, `dynamodb` and `sqs` guests, and the text of SDK
//! errors.
//!
//! Every client sends its requests through `wasi:http` with the `aws-smithy-wasm` client
//! and sleeps through the WASI clock. Credentials are static: the `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY` variables of the guest's environment when both are set, and
//! placeholders otherwise. No credential chain runs, so nothing reads `~/.aws`, a web
//! identity token or the instance metadata service. The host strips the signature these
//! credentials produce and signs each request again with real ones.

use std::error::Error;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_wasm::wasi::{WasiHttpClientBuilder, WasiSleep};
use aws_types::SdkConfig;
use aws_types::region::Region;

use crate::{Tool, error_chain};

/// Region used when neither `--region` nor `AWS_REGION` gives one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Access key ID sent when the environment sets none. The host replaces the signature
/// made with it, so it never needs to be valid.
pub const PLACEHOLDER_ACCESS_KEY_ID: &str = "cordon-guest";

/// Secret access key paired with [`PLACEHOLDER_ACCESS_KEY_ID`].
pub const PLACEHOLDER_SECRET_ACCESS_KEY: &str = "not-a-secret";

/// Options that every AWS tool accepts, without the leading `--`.
pub const OPTIONS: [&str; 2] = ["endpoint-url", "region"];

/// Settings taken from `--endpoint-url`, `--region` and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// Base URL that replaces the service's own endpoint, such as `http://127.0.0.1:5000`
    /// for a local emulator. `None` addresses the real AWS host names.
    pub endpoint_url: Option<String>,
    /// Region that requests are signed for and, without an endpoint URL, sent to.
    pub region: String,
}

impl AwsSettings {
    /// Takes the region from `region_option`, else from `AWS_REGION`, else
    /// [`DEFAULT_REGION`], and checks that `endpoint_url` is an `http` or `https` URL.
    ///
    /// Exits with a usage error on an empty region or an endpoint URL of another form.
    pub fn new(tool: &Tool, endpoint_url: Option<&str>, region_option: Option<&str>) -> Self {
        let region = match region_option {
            Some(region) => region.to_string(),
            None => std::env::var("AWS_REGION")
                .ok()
                .filter(|region| !region.is_empty())
                .unwrap_or_else(|| DEFAULT_REGION.to_string()),
        };
        if region.is_empty() {
            tool.usage_error("invalid value '' for --region: expected a region such as us-east-1");
        }
        if let Some(url) = endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            tool.usage_error(format_args!(
                "invalid value '{url}' for --endpoint-url: expected an http:// or https:// URL"
            ));
        }
        Self {
            endpoint_url: endpoint_url.map(str::to_string),
            region,
        }
    }

    /// Builds the configuration shared by the service clients.
    pub fn sdk_config(&self) -> SdkConfig {
        let mut builder = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .credentials_provider(SharedCredentialsProvider::new(static_credentials()))
            // NOTE: a request that the host rejects with a wasi:http error code is retried
            // (3 attempts in all), because aws-smithy-wasm marks every transport error as a
            // retryable client error. A rejection sent as an HTTP 4xx response is not.
            .http_client(WasiHttpClientBuilder::new().build())
            .sleep_impl(WasiSleep);
        if let Some(url) = &self.endpoint_url {
            builder = builder.endpoint_url(url.clone());
        }
        builder.build()
    }
}

/// Returns the credentials from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` when both
/// are set, and the placeholders otherwise.
fn static_credentials() -> Credentials {
    let from_environment = std::env::var("AWS_ACCESS_KEY_ID")
        .ok()
        .zip(std::env::var("AWS_SECRET_ACCESS_KEY").ok())
        .filter(|(key_id, secret)| !key_id.is_empty() && !secret.is_empty());
    let (key_id, secret) = from_environment.unwrap_or_else(|| {
        (
            PLACEHOLDER_ACCESS_KEY_ID.to_string(),
            PLACEHOLDER_SECRET_ACCESS_KEY.to_string(),
        )
    });
    Credentials::new(key_id, secret, None, None, "cordon-static")
}

/// Formats a failed SDK call for the `TOOL: message` line.
///
/// A service error shows the service's error code and message, such as
/// `NoSuchBucket: The specified bucket does not exist`, or the HTTP status when the
/// response has no code (a `HEAD` response has no body to carry one). Any other failure,
/// such as a request the host rejected or a timeout, shows its chain of causes.
pub fn describe_error<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
{
    let SdkError::ServiceError(context) = err else {
        return error_chain(err);
    };
    let status = context.raw().status().as_u16();
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => format!("{code} (HTTP status {status})"),
        (None, _) => format!("HTTP status {status}: {}", error_chain(context.err())),
    }
}
