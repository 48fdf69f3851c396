//! `skillfolio serve`: build in memory, serve on localhost, rebuild on change.

use std::net::IpAddr;
use std::path::Path;

use skillfolio::diagnostic::Diagnostic;
use skillfolio::serve::{Limits, ServeOptions, serve};

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// Port to listen on; if it is taken, the next free one is used.
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to listen on. The default only accepts connections from this machine.
    #[arg(long, short, default_value = "127.0.0.1")]
    interface: IpAddr,
    /// Open the site in the default browser once it is served.
    #[arg(long)]
    open: bool,
    /// Include skills, entries and pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// How many connections may be open at once; past it new ones are answered
    /// 503. Hidden: the default suits any preview, and tests lower it to reach
    /// it with few sockets.
    #[arg(long, hide = true, default_value_t = Limits::default().connections)]
    max_connections: usize,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let root = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(e) => {
            return Err(Diagnostic::error(format!(
                "could not open the site folder {}: {e}",
                root.display()
            ))
            .into());
        }
    };
    let options = ServeOptions {
        root,
        drafts: args.drafts,
        interface: args.interface,
        port: args.port,
        port_attempts: 10,
        limits: Limits {
            connections: args.max_connections.max(1),
            ..Limits::default()
        },
    };
    let open = args.open;
    let result = serve(&options, |url| {
        eprintln!("Serving the portfolio at {url} (Ctrl-C to stop)");
        if open {
            open_browser(url);
        }
    });
    result.map(|()| Report::default()).map_err(Report::from)
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("Could not open a browser; visit {url} yourself.");
    }
}
