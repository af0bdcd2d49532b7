//! A plain-English summary of a policy, for `cordon check` and for logs.

use crate::units::format_byte_size;
use crate::{EmulatorKindSpec, EmulatorSpec, Network, Policy};

impl Policy {
    /// Describes what the policy grants and its limits, one fact per line,
    /// each line ending in a newline, ready for `print!`.
    ///
    /// Environment variables are listed by name only, because values may be
    /// secrets, and emulator secrets are left out. Each mount gets its own
    /// `files:` line. The network is shown only when a route lets requests
    /// out. Warnings follow the limits, one `warning:` line each.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut lines = vec![format!("policy {} grants:", self.origin)];

        if self.mounts.is_empty() {
            lines.push("  files: none".to_owned());
        }
        for mount in &self.mounts {
            lines.push(format!("  files: {} (host) as {}, {}", mount.host.display(), mount.guest, mount.access));
        }

        lines.push(match &self.scratch {
            Some(scratch) => format!(
                "  scratch: {}, read-write, empty at the start of each call and removed after it",
                scratch.guest
            ),
            None => "  scratch: none".to_owned(),
        });
        lines.push(format!("  working directory: {}", self.cwd.as_deref().unwrap_or("none")));
        lines.push(format!("  environment: {}", self.describe_env()));
        describe_network(&self.network, &mut lines);

        let limits = &self.limits;
        lines.push("limits:".to_owned());
        lines.push(format!("  fuel: {} instructions", limits.fuel));
        lines.push(format!("  memory: {}", format_byte_size(limits.memory)));
        lines.push(format!("  timeout: {}", humantime::format_duration(limits.timeout)));
        lines.push(format!(
            "  stdout: {}, stderr: {}",
            format_byte_size(limits.stdout),
            format_byte_size(limits.stderr)
        ));
        lines.push(format!(
            "  table elements: {}, instances: {}, handles: {}",
            limits.table_elements, limits.instances, limits.handles
        ));
        for warning in &self.warnings {
            lines.push(format!("warning: {warning}"));
        }

        let mut description = lines.join("\n");
        description.push('\n');
        description
    }

    fn describe_env(&self) -> String {
        if self.env.is_empty() {
            return "none".to_owned();
        }
        let names: Vec<&str> = self.env.iter().map(|(name, _)| name.as_str()).collect();
        names.join(", ")
    }
}

/// Adds the network lines: the emulators, the routes, the rules, the budgets
/// and the timeouts, or a single line when no route lets a request out.
fn describe_network(network: &Network, lines: &mut Vec<String>) {
    if !network.allows_requests() {
        lines.push("  network: none (no sockets, no name lookup, no HTTP)".to_owned());
        return;
    }

    lines.push(
        "  network: HTTP requests to cloud emulators through the routes below \
         (no sockets, no name lookup)"
            .to_owned(),
    );
    for emulator in &network.emulators {
        lines.push(format!("    emulator {}", describe_emulator(emulator)));
    }
    for route in &network.routes {
        lines.push(format!("    route {} -> {}", route.hosts.join(", "), route.emulator));
    }

    lines.push(format!("    denied actions: {}", list_or(&network.deny_actions, "none")));
    lines.push(format!(
        "    allowed regions: {}",
        match &network.allowed_regions {
            Some(regions) => list_or(regions, "none"),
            None => "any".to_owned(),
        }
    ));
    lines.push(format!(
        "    service control policy: {}",
        match &network.scp {
            Some(scp) => scp.path.display().to_string(),
            None => "none".to_owned(),
        }
    ));

    let budgets = &network.budgets;
    lines.push(format!(
        "    budget per call: {} requests, {} sent, {} received",
        budgets.requests,
        format_byte_size(budgets.request_bytes),
        format_byte_size(budgets.response_bytes)
    ));
    let timeouts = &network.timeouts;
    lines.push(format!(
        "    timeouts per request: connect {}, first byte {}, total {}",
        humantime::format_duration(timeouts.connect),
        humantime::format_duration(timeouts.first_byte),
        humantime::format_duration(timeouts.total)
    ));
}

/// Describes an emulator without its secret: name, kind, endpoint, and the
/// access key ID and region or the account.
fn describe_emulator(emulator: &EmulatorSpec) -> String {
    let endpoint = match &emulator.endpoint {
        Some(endpoint) => endpoint.clone(),
        None => "from `cordon emulators start`".to_owned(),
    };
    let credentials = match &emulator.kind {
        EmulatorKindSpec::Aws { region, access_key_id, secret_access_key: _ } => {
            format!("access key ID {access_key_id}, default region {region}")
        }
        EmulatorKindSpec::Azure { account, account_key: _ } => format!("account {account}"),
    };
    format!("{}: kind {}, endpoint {endpoint}, {credentials}", emulator.name, emulator.kind.as_str())
}

fn list_or(items: &[String], empty: &str) -> String {
    if items.is_empty() { empty.to_owned() } else { items.join(", ") }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn deny_all_description() {
        let expected = "\
policy <deny-all default> grants:
  files: none
  scratch: none
  working directory: none
  environment: none
  network: none (no sockets, no name lookup, no HTTP)
limits:
  fuel: 2000000000 instructions
  memory: 64 MiB
  timeout: 5s
  stdout: 1 MiB, stderr: 256 KiB
  table elements: 20000, instances: 50, handles: 4096
";
        assert_eq!(Policy::deny_all().describe(), expected);
    }

    #[test]
    fn sample_policy_description() {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        };
        let text = "\
cwd = \"/workspace\"

[limits]
memory = \"128 MiB\"
timeout = \"250ms\"

[[fs]]
host = \".\"
guest = \"/workspace\"
access = \"read-only\"

[scratch]
guest = \"/scratch\"

[env]
TERM = \"dumb\"
LANG = \"C.UTF-8\"
";
        let policy = match Policy::parse(text, "policies/sample.toml", dir.path()) {
            Ok(policy) => policy,
            Err(error) => panic!("sample policy rejected: {error}"),
        };
        let host = std::fs::canonicalize(dir.path()).unwrap_or_default();
        let expected = format!(
            "\
policy policies/sample.toml grants:
  files: {} (host) as /workspace, read-only
  scratch: /scratch, read-write, empty at the start of each call and removed after it
  working directory: /workspace
  environment: LANG, TERM
  network: none (no sockets, no name lookup, no HTTP)
limits:
  fuel: 2000000000 instructions
  memory: 128 MiB
  timeout: 250ms
  stdout: 1 MiB, stderr: 256 KiB
  table elements: 20000, instances: 50, handles: 4096
",
            host.display()
        );
        assert_eq!(policy.describe(), expected);
    }

    #[test]
    fn each_mount_gets_a_line() {
        let text = "[[fs]]\nhost = \".\"\nguest = \"/a\"\naccess = \"read-only\"\n\
                    [[fs]]\nhost = \".\"\nguest = \"/b\"\naccess = \"read-write\"\n";
        let description =
            Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.describe()).unwrap_or_default();
        assert_eq!(description.lines().filter(|line| line.starts_with("  files: ")).count(), 2);
    }

    #[test]
    fn env_values_not_shown() {
        let description = Policy::parse("[env]\nTOKEN = \"secret-value\"\n", "p.toml", Path::new("."))
            .map(|policy| policy.describe())
            .unwrap_or_default();
        assert!(!description.contains("secret-value"));
    }

    /// A cloud policy whose service control policy has no `Version`, which
    /// the shim's parser accepts with a warning.
    const CLOUD: &str = "\
[emulators.aws]
kind = \"aws\"
secret-access-key = \"aws-secret-value\"

[emulators.blob]
kind = \"azure\"
endpoint = \"http://127.0.0.1:10000\"
account-key = \"c2VjcmV0LWtleS1ieXRlcw==\"

[[routes]]
hosts = [\"*.amazonaws.com\", \"amazonaws.com\"]
emulator = \"aws\"

[[routes]]
hosts = [\"*.blob.core.windows.net\"]
emulator = \"blob\"

[rules]
deny-actions = [\"s3:Delete*\", \"sqs:DeleteQueue\"]
allowed-regions = [\"us-east-1\", \"us-west-2\"]
scp = \"scp.json\"

[budgets]
requests = 50
";

    const SCP_WITHOUT_VERSION: &str =
        r#"{ "Statement": { "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*" } }"#;

    fn describe_cloud() -> (String, std::path::PathBuf) {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a temporary workspace: {error}"),
        };
        assert!(std::fs::write(dir.path().join("scp.json"), SCP_WITHOUT_VERSION).is_ok());
        let scp = std::fs::canonicalize(dir.path().join("scp.json")).unwrap_or_default();
        match Policy::parse(CLOUD, "cloud.toml", dir.path()) {
            Ok(policy) => (policy.describe(), scp),
            Err(error) => panic!("cloud policy rejected: {error}"),
        }
    }

    #[test]
    fn cloud_policy_description() {
        let (description, scp) = describe_cloud();
        let network: Vec<&str> = description
            .lines()
            .skip_while(|line| !line.starts_with("  network: "))
            .take_while(|line| *line != "limits:")
            .collect();
        let scp_line = format!("    service control policy: {}", scp.display());
        let expected = [
            "  network: HTTP requests to cloud emulators through the routes below (no sockets, no name lookup)",
            "    emulator aws: kind aws, endpoint from `cordon emulators start`, access key ID cordon, default region us-east-1",
            "    emulator blob: kind azure, endpoint http://127.0.0.1:10000, account devstoreaccount1",
            "    route *.amazonaws.com, amazonaws.com -> aws",
            "    route *.blob.core.windows.net -> blob",
            "    denied actions: s3:Delete*, sqs:DeleteQueue",
            "    allowed regions: us-east-1, us-west-2",
            scp_line.as_str(),
            "    budget per call: 50 requests, 64 MiB sent, 64 MiB received",
            "    timeouts per request: connect 2s, first byte 10s, total 30s",
        ];
        assert_eq!(network, expected);
    }

    #[test]
    fn warnings_follow_the_limits() {
        let (description, scp) = describe_cloud();
        let last = description.lines().last().unwrap_or_default();
        assert!(last.starts_with(&format!("warning: {}: ", scp.display())), "{description}");
    }

    #[test]
    fn aws_secret_not_shown() {
        assert!(!describe_cloud().0.contains("aws-secret-value"));
    }

    #[test]
    fn azure_key_not_shown() {
        assert!(!describe_cloud().0.contains("c2VjcmV0LWtleS1ieXRlcw=="));
    }

    #[test]
    fn rules_without_routes_show_none() {
        let text = "[emulators.aws]\nkind = \"aws\"\n[rules]\ndeny-actions = [\"s3:*\"]\n";
        let description =
            Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.describe()).unwrap_or_default();
        assert!(description.contains("\n  network: none (no sockets, no name lookup, no HTTP)\n"));
    }

    #[test]
    fn defaults_described_as_any() {
        let text = "[emulators.aws]\nkind = \"aws\"\n[[routes]]\nhosts = [\"amazonaws.com\"]\nemulator = \"aws\"\n";
        let description =
            Policy::parse(text, "p.toml", Path::new(".")).map(|policy| policy.describe()).unwrap_or_default();
        let rules: Vec<&str> = description
            .lines()
            .filter(|line| {
                line.starts_with("    denied actions:")
                    || line.starts_with("    allowed regions:")
                    || line.starts_with("    service control policy:")
            })
            .collect();
        assert_eq!(rules, ["    denied actions: none", "    allowed regions: any", "    service control policy: none"]);
    }
}
