//! The command line: one file per command, each a thin layer over the library.

mod build;
mod check;
mod completions;
mod import;
mod init;
mod log;
mod new;
mod serve;
mod timer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use skillfolio::diagnostic::{Diagnostic, Diagnostics};

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
    /// Import sessions from a CSV export (Toggl Track, Clockify, a spreadsheet) or JSON lines.
    Import(import::Args),
    /// Check content and internal links without writing anything.
    Check(check::Args),
    /// Print shell completions.
    Completions(completions::Args),
    /// Print the manual page (roff).
    Man,
}

/// What a command leaves to be printed once it is done: its problems, then a
/// closing line or two (what was built, how many problems there were). Printed
/// here, so every error and warning reads the same, whichever command found it.
#[derive(Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    /// Printed after the diagnostics, one line each.
    pub closing: Vec<String>,
}

impl From<Diagnostic> for Report {
    fn from(d: Diagnostic) -> Self {
        Report {
            diagnostics: d.into(),
            closing: Vec::new(),
        }
    }
}

/// A command's report: `Err` when it failed, which the exit status says.
pub type Outcome = Result<Report, Report>;

pub fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Build(args) => build::run(&cli.root, args),
        Command::Serve(args) => serve::run(&cli.root, args),
        Command::Init(args) => init::run(&cli.root, args),
        Command::New(args) => new::run(&cli.root, args),
        Command::Log(args) => log::run(&cli.root, args),
        Command::Import(args) => import::run(&cli.root, args),
        Command::Check(args) => check::run(&cli.root, args),
        Command::Completions(args) => completions::completions(args),
        Command::Man => completions::man(),
    };
    let (report, code) = match outcome {
        Ok(report) => (report, ExitCode::SUCCESS),
        Err(report) => (report, ExitCode::FAILURE),
    };
    // Each diagnostic ends with a blank line of its own.
    for d in report.diagnostics.iter() {
        eprintln!("{d}");
    }
    for line in &report.closing {
        eprintln!("{line}");
    }
    code
}
