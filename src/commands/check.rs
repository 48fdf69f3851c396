//! `skillfolio check`: every problem with the content, nothing written.

use std::path::Path;

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// Fail on warnings too, for CI.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let findings = skillfolio::check::check(root);
    let (errors, warnings) = (findings.error_count(), findings.warning_count());
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let report = Report {
        diagnostics: findings,
        closing: vec![format!(
            "{errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        )],
    };
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        Err(report)
    } else {
        Ok(report)
    }
}
