//! `skillfolio build`: the whole site, written into its output folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use skillfolio::{BuildOptions, LoadOptions};

use super::{Outcome, Report};

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the site (default: `output_dir` of site.toml, `public`).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish at this address instead of `base_url` of site.toml.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include skills, entries and pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Replace the output folder even if skillfolio did not create it.
    #[arg(long)]
    force: bool,
    /// Highlight every code block afresh, ignoring the cache kept beside the output.
    #[arg(long)]
    no_cache: bool,
}

pub fn run(root: &Path, args: Args) -> Outcome {
    let started = Instant::now();
    let options = BuildOptions {
        load: LoadOptions {
            root: root.to_path_buf(),
            base_url: args.base_url,
            drafts: args.drafts,
            cache_dir: None,
            skip_images: false,
        },
        output: args.output,
        force: args.force,
        no_cache: args.no_cache,
    };
    match skillfolio::build(&options) {
        Ok(report) => {
            let mut closing = vec![format!(
                "Built {} pages ({} files) into {} in {} ms",
                report.pages,
                report.files,
                report.output.display(),
                started.elapsed().as_millis()
            )];
            let images = report.images;
            if images.processed + images.cached > 0 {
                closing.push(format!(
                    "Images: {} processed, {} from the cache",
                    images.processed, images.cached
                ));
            }
            Ok(Report {
                diagnostics: report.warnings.into_iter().collect(),
                closing,
            })
        }
        Err(diagnostics) => {
            let errors = diagnostics.error_count();
            let plural = if errors == 1 { "" } else { "s" };
            Err(Report {
                diagnostics,
                closing: vec![format!(
                    "Build failed with {errors} error{plural}; the previous output is untouched."
                )],
            })
        }
    }
}
