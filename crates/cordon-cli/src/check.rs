//! `cordon check`: validates a policy and prints what it grants in plain words.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cordon_policy::Policy;

use crate::exit;
use crate::run::write_stdout;

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The policy file to validate.
    policy: PathBuf,

    /// The directory that relative `host` and `scp` paths in the policy resolve against, never the policy file's
    /// folder [default: the current directory].
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,

    /// Print the validated policy as JSON instead of prose.
    #[arg(long)]
    json: bool,
}

pub(crate) fn check(args: CheckArgs) -> ExitCode {
    let workspace = crate::run::absolute_workspace(args.workspace);
    match Policy::load(&args.policy, &workspace) {
        Ok(policy) => {
            let text = if args.json {
                format!("{}\n", serde_json::to_string_pretty(&policy).expect("a policy always serialises"))
            } else {
                policy.describe()
            };
            match write_stdout(text.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("cordon: cannot write the policy description: {error}");
                    ExitCode::from(exit::INTERNAL)
                }
            }
        }
        Err(error) => {
            eprintln!("cordon: {error}");
            ExitCode::from(exit::USAGE)
        }
    }
}
