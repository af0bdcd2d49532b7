//! A plain-English summary of a policy, for `cordon check` and for logs.

use crate::Policy;
use crate::units::format_byte_size;

impl Policy {
    /// Describes what the policy grants and its limits, one fact per line,
    /// each line ending in a newline, ready for `print!`.
    ///
    /// Environment variables are listed by name only, because values may be
    /// secrets. Each mount gets its own `files:` line.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut lines = vec![format!("policy {} grants:", self.origin)];

        if self.mounts.is_empty() {
            lines.push("  files: none".to_owned());
        }
        for mount in &self.mounts {
            lines.push(format!(
                "  files: {} (host) as {}, {}",
                mount.host.display(),
                mount.guest,
                mount.access
            ));
        }

        lines.push(match &self.scratch {
            Some(scratch) => format!(
                "  scratch: {}, read-write, empty at the start of each call and removed after it",
                scratch.guest
            ),
            None => "  scratch: none".to_owned(),
        });
        lines.push(format!(
            "  working directory: {}",
            self.cwd.as_deref().unwrap_or("none")
        ));
        lines.push(format!("  environment: {}", self.describe_env()));
        lines.push("  network: none (no sockets, no name lookup)".to_owned());

        let limits = &self.limits;
        lines.push("limits:".to_owned());
        lines.push(format!("  fuel: {} instructions", limits.fuel));
        lines.push(format!("  memory: {}", format_byte_size(limits.memory)));
        lines.push(format!(
            "  timeout: {}",
            humantime::format_duration(limits.timeout)
        ));
        lines.push(format!(
            "  stdout: {}, stderr: {}",
            format_byte_size(limits.stdout),
            format_byte_size(limits.stderr)
        ));
        lines.push(format!(
            "  table elements: {}, instances: {}",
            limits.table_elements, limits.instances
        ));

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
  network: none (no sockets, no name lookup)
limits:
  fuel: 2000000000 instructions
  memory: 64 MiB
  timeout: 5s
  stdout: 1 MiB, stderr: 256 KiB
  table elements: 20000, instances: 50
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
  network: none (no sockets, no name lookup)
limits:
  fuel: 2000000000 instructions
  memory: 128 MiB
  timeout: 250ms
  stdout: 1 MiB, stderr: 256 KiB
  table elements: 20000, instances: 50
",
            host.display()
        );
        assert_eq!(policy.describe(), expected);
    }

    #[test]
    fn each_mount_gets_a_line() {
        let text = "[[fs]]\nhost = \".\"\nguest = \"/a\"\naccess = \"read-only\"\n\
                    [[fs]]\nhost = \".\"\nguest = \"/b\"\naccess = \"read-write\"\n";
        let description = Policy::parse(text, "p.toml", Path::new("."))
            .map(|policy| policy.describe())
            .unwrap_or_default();
        assert_eq!(
            description
                .lines()
                .filter(|line| line.starts_with("  files: "))
                .count(),
            2
        );
    }

    #[test]
    fn env_values_not_shown() {
        let description = Policy::parse(
            "[env]\nTOKEN = \"secret-value\"\n",
            "p.toml",
            Path::new("."),
        )
        .map(|policy| policy.describe())
        .unwrap_or_default();
        assert!(!description.contains("secret-value"));
    }
}
