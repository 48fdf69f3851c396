//! `skillfolio new "Skill name"`: a skill's write-up, ready to fill in.

use std::path::Path;

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// The skill's name, e.g. "The perfect omelette".
    title: String,
    /// The greater field it belongs to, e.g. Cooking.
    #[arg(long)]
    field: Option<String>,
    /// Tags, separated by commas.
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let today = skillfolio::today(root);
    match skillfolio::scaffold::new_skill(
        root,
        &args.title,
        args.field.as_deref(),
        &args.tags,
        today,
        &skillfolio::language(root),
    ) {
        Ok(path) => {
            println!("{}", path.display());
            Ok(Report::default())
        }
        Err(d) => Err(d.into()),
    }
}
