//! Turns a policy's network section into the shim's configuration.
//!
//! The policy crate has already validated every pattern and value with the shim's own parsers, so a failure here
//! means the two disagree; it is reported as a runtime error rather than trusted.

use std::sync::Arc;

use cordon_policy::{EmulatorKindSpec, Network};
use cordon_shim::{
    ActionPattern, AwsSigner, AzureSigner, Budgets, Emulator, EmulatorKind, HostPattern, RouteTable, Rules,
    ServiceControlPolicy, ShimConfig, Timeouts,
};

use crate::error::RuntimeError;

/// Builds the shim configuration for `network`.
pub(crate) fn shim_config(network: &Network) -> Result<Arc<ShimConfig>, RuntimeError> {
    let invalid = |what: &str, error: &dyn std::fmt::Display| RuntimeError::Network(format!("{what}: {error}"));

    let emulators = network
        .emulators
        .iter()
        .map(|spec| {
            let endpoint = match &spec.endpoint {
                Some(text) => Some(text.parse().map_err(|error| invalid(&format!("endpoint {text}"), &error))?),
                None => None,
            };
            let kind = match &spec.kind {
                EmulatorKindSpec::Aws { region, access_key_id, secret_access_key } => EmulatorKind::Aws {
                    signer: AwsSigner {
                        access_key_id: access_key_id.clone(),
                        secret_access_key: secret_access_key.clone(),
                    },
                    default_region: region.clone(),
                },
                EmulatorKindSpec::Azure { account, account_key } => {
                    EmulatorKind::Azure { signer: AzureSigner { account: account.clone(), key: account_key.clone() } }
                }
            };
            Ok(Emulator { name: spec.name.clone(), endpoint, kind })
        })
        .collect::<Result<Vec<_>, RuntimeError>>()?;

    let mut routes = Vec::with_capacity(network.routes.len());
    for route in &network.routes {
        let patterns = route
            .hosts
            .iter()
            .map(|host| HostPattern::parse(host).map_err(|error| invalid(&format!("host pattern {host}"), &error)))
            .collect::<Result<Vec<_>, _>>()?;
        routes.push((patterns, route.emulator.clone()));
    }

    let deny_actions = network
        .deny_actions
        .iter()
        .map(|action| ActionPattern::parse(action).map_err(|error| invalid(&format!("action {action}"), &error)))
        .collect::<Result<Vec<_>, _>>()?;
    let scp = match &network.scp {
        Some(spec) => Some(
            ServiceControlPolicy::parse(&spec.text)
                .map_err(|error| invalid(&format!("service control policy {}", spec.path.display()), &error))?,
        ),
        None => None,
    };

    Ok(Arc::new(ShimConfig {
        emulators,
        routes: RouteTable::new(routes),
        rules: Rules { deny_actions, allowed_regions: network.allowed_regions.clone(), scp },
        budgets: Budgets {
            max_requests: network.budgets.requests,
            max_request_bytes: network.budgets.request_bytes,
            max_response_bytes: network.budgets.response_bytes,
        },
        timeouts: Timeouts {
            connect: network.timeouts.connect,
            first_byte: network.timeouts.first_byte,
            total: network.timeouts.total,
        },
    }))
}
