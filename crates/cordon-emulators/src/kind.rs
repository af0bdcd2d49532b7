//! The emulators Cordon can start and the cloud services each one serves.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::EmulatorError;

/// One emulator program. Each runs as its own child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmulatorKind {
    /// moto server (PyPI `moto[server]`): S3, DynamoDB, SQS and many other AWS services on one port. It picks the
    /// service from the SigV4 credential scope of each request.
    Moto,
    /// Azurite (npm `azurite`): Azure blob, queue and table storage, each on its own port.
    Azurite,
}

/// A cloud service that an emulator endpoint serves, and so the target of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Every AWS service, on one endpoint (moto, or LocalStack at `http://127.0.0.1:4566`).
    Aws,
    /// Azure blob storage.
    AzureBlob,
    /// Azure queue storage.
    AzureQueue,
    /// Azure table storage.
    AzureTable,
}

impl EmulatorKind {
    /// Every emulator, in the order they start.
    pub const ALL: [EmulatorKind; 2] = [EmulatorKind::Moto, EmulatorKind::Azurite];

    /// Returns the lowercase name used on the command line, in the state file and for log files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            EmulatorKind::Moto => "moto",
            EmulatorKind::Azurite => "azurite",
        }
    }

    /// Returns the services this emulator serves, one endpoint each.
    #[must_use]
    pub fn services(self) -> &'static [Service] {
        match self {
            EmulatorKind::Moto => &[Service::Aws],
            EmulatorKind::Azurite => &[Service::AzureBlob, Service::AzureQueue, Service::AzureTable],
        }
    }
}

impl fmt::Display for EmulatorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.pad(self.name())
    }
}

impl FromStr for EmulatorKind {
    type Err = EmulatorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        EmulatorKind::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| EmulatorError::UnknownKind { name: text.to_owned() })
    }
}

impl Service {
    /// Returns the name used in the state file: `aws`, `azure-blob`, `azure-queue` or `azure-table`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Service::Aws => "aws",
            Service::AzureBlob => "azure-blob",
            Service::AzureQueue => "azure-queue",
            Service::AzureTable => "azure-table",
        }
    }

    /// Returns the pattern of the cloud hosts whose requests belong at this service's endpoint, such as
    /// `*.amazonaws.com`.
    #[must_use]
    pub fn host_pattern(self) -> &'static str {
        match self {
            Service::Aws => "*.amazonaws.com",
            Service::AzureBlob => "*.blob.core.windows.net",
            Service::AzureQueue => "*.queue.core.windows.net",
            Service::AzureTable => "*.table.core.windows.net",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.pad(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_parses_its_own_name() {
        for kind in EmulatorKind::ALL {
            assert_eq!(kind.name().parse::<EmulatorKind>().unwrap(), kind);
        }
    }

    #[test]
    fn unknown_kind_lists_choices() {
        let error = "localstack".parse::<EmulatorKind>().unwrap_err().to_string();
        assert!(error.contains("`localstack`"), "{error}");
        assert!(error.contains("moto or azurite"), "{error}");
    }

    #[test]
    fn serde_names_match_name() {
        for kind in EmulatorKind::ALL {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.name()));
            for service in kind.services() {
                assert_eq!(serde_json::to_string(service).unwrap(), format!("\"{}\"", service.name()));
            }
        }
    }
}
