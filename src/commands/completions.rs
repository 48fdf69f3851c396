//! `skillfolio completions SHELL` and `skillfolio man`: generated from the
//! command-line definitions, so they never drift from the real options.

use clap::CommandFactory;

#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete in.
    shell: clap_complete::Shell,
}

pub fn completions(args: Args) -> Result<(), ()> {
    let mut command = super::Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "skillfolio",
        &mut std::io::stdout(),
    );
    Ok(())
}

pub fn man() -> Result<(), ()> {
    let page = clap_mangen::Man::new(super::Cli::command());
    page.render(&mut std::io::stdout())
        .map_err(|e| eprintln!("error: {e}"))
}
