//! `skillfolio init [DIR]`: a new portfolio that builds at once.

use std::path::{Path, PathBuf};

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// The folder to create the portfolio in (default: the current folder).
    dir: Option<PathBuf>,
    /// Add the files that are missing to a folder that is not empty; existing
    /// files are never replaced.
    #[arg(long)]
    force: bool,
    /// Copy the built-in default theme into themes/default/ to customise it.
    #[arg(long)]
    theme_copy: bool,
    /// Also write a workflow that builds and publishes the site: GitHub Pages
    /// (.github/workflows/pages.yml) or GitLab Pages (.gitlab-ci.yml).
    #[arg(long, value_parser = skillfolio::scaffold::Ci::KEYS)]
    ci: Option<String>,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let dir = args.dir.unwrap_or_else(|| root.to_path_buf());
    let today = jiff::Zoned::now().date();
    let ci = args
        .ci
        .as_deref()
        .and_then(skillfolio::scaffold::Ci::from_key);
    match skillfolio::scaffold::init(&dir, args.force, args.theme_copy, ci, today) {
        Ok(created) => {
            for path in &created {
                println!("{}", path.display());
            }
            let shown = dir.display();
            // The same steps as the README's "Your own portfolio in 60 seconds".
            let cd = if dir == Path::new(".") {
                String::new()
            } else {
                format!("    cd {shown}\n")
            };
            eprintln!(
                "A new portfolio is ready in {shown}. Next, start your own skill and preview it:\n\n{cd}    skillfolio new \"Skill name\"\n    skillfolio serve --open\n"
            );
            Ok(Report::default())
        }
        Err(d) => Err(d.into()),
    }
}
