//! The `skillfolio` command: parses arguments, hands the work to the library, and
//! prints what comes back. Nothing else lives here.

mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    commands::run(cli)
}
