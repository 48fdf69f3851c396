//! `skillfolio completions SHELL` and `skillfolio man`: generated from the
//! command-line definitions, so they never drift from the real options.

use clap::CommandFactory;
use skillfolio::diagnostic::Diagnostic;

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete in.
    shell: clap_complete::Shell,
}

pub fn completions(args: Args) -> Outcome {
    let mut command = super::Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "skillfolio",
        &mut std::io::stdout(),
    );
    Ok(Report::default())
}

pub fn man() -> Outcome {
    let page = clap_mangen::Man::new(super::Cli::command());
    page.render(&mut std::io::stdout())
        .map(|()| Report::default())
        .map_err(|e| Diagnostic::error(e.to_string()).into())
}
