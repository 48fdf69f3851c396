//! The command line: one file per command, each a thin layer over the library.

mod build;
mod check;
mod completions;
mod init;
mod log;
mod new;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use skillfolio::diagnostic::Diagnostic;

#[derive(Parser)]
#[command(
    name = "skillfolio",
    version,
    about = "Build a public skill portfolio: micromasteries, practice logs and payoffs, as a static site."
)]
pub struct Cli {
    /// The portfolio's folder (the one holding site.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ unless site.toml says otherwise).
    Build(build::Args),
    /// Build the site in memory and serve it on this machine, rebuilding on every change.
    Serve(serve::Args),
    /// Start a new portfolio: site.toml, a home page and an example skill.
    Init(init::Args),
    /// Start a new skill: its write-up with the six part headings.
    New(new::Args),
    /// Log a practice session of a skill; prints the new file's path.
    Log(log::Args),
    /// Check content and internal links without writing anything.
    Check(check::Args),
    /// Print shell completions.
    Completions(completions::Args),
    /// Print the manual page (roff).
    Man,
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(&cli.root, args),
        Command::Serve(args) => serve::run(&cli.root, args),
        Command::Init(args) => init::run(&cli.root, args),
        Command::New(args) => new::run(&cli.root, args),
        Command::Log(args) => log::run(&cli.root, args),
        Command::Check(args) => check::run(&cli.root, args),
        Command::Completions(args) => completions::completions(args),
        Command::Man => completions::man(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::FAILURE,
    }
}

/// Prints diagnostics to standard error, each followed by a blank line.
pub fn report<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}
