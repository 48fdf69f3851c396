//! The free-standing pages and the home page: their markdown rendered, and the
//! addresses pages would be published at checked against each other and
//! against the ones the generator keeps for itself.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::{Home, Page};
use crate::content::{HomeSource, PageSource};
use crate::diagnostic::Diagnostic;
use crate::markdown;
use crate::slug::slugify;

/// Every page rendered, in the order of `sources`; their warnings go to
/// `diagnostics` in that order too.
pub(super) fn render_pages(
    sources: &[PageSource],
    md: &markdown::Renderer,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    sources
        .par_iter()
        .map(|p| {
            let dir = p.rel.parent().unwrap_or(Path::new(""));
            let r = md.render(&p.file, &p.body, dir);
            let page = Page {
                title: p.title.clone(),
                description: p.description.clone(),
                html: r.html(),
                path: page_path(&p.rel),
                source: p.file.path.clone(),
            };
            (page, r.warnings.clone())
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(p, w)| {
            diagnostics.extend(w);
            p
        })
        .collect()
}

/// The home page, empty when the site has no `content/_index.md`.
pub(super) fn render_home(
    source: &HomeSource,
    md: &markdown::Renderer,
    diagnostics: &mut Vec<Diagnostic>,
) -> Home {
    match &source.file {
        Some(file) => {
            let r = md.render(file, &source.body, Path::new(""));
            diagnostics.extend(r.warnings.iter().cloned());
            Home {
                title: source.title.clone(),
                description: source.description.clone(),
                html: r.html(),
            }
        }
        None => Home::default(),
    }
}

/// Output paths the generator itself uses at the top level; pages may not take them.
const RESERVED: [&str; 10] = [
    "skills",
    "cards",
    "payoffs",
    "fields",
    "tags",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "feed.json",
];
/// `about.md` -> `about/`, `notes/index.md` -> `notes/`, each segment a slug.
pub(super) fn page_path(rel: &Path) -> String {
    let mut segments: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| slugify(&c.as_os_str().to_string_lossy()))
        .filter(|s| !s.is_empty())
        .collect();
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != "index" && stem != "_index" {
        segments.push(slugify(&stem));
    }
    segments.iter().map(|s| format!("{s}/")).collect()
}

pub(super) fn check_page_paths(pages: &[Page], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for p in pages {
        let top = p.path.split('/').next().unwrap_or("");
        if p.path.is_empty() || RESERVED.contains(&top) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the page would be published at /{}, which skillfolio uses itself",
                    p.path
                ))
                .in_file(&p.source)
                .hint(format!(
                    "rename it; these names are taken: {}",
                    RESERVED.join(", ")
                )),
            );
        } else if let Some(first) = seen.insert(&p.path, &p.source) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "two pages would be published at /{}: {} and {}",
                    p.path,
                    first.display(),
                    p.source.display()
                ))
                .in_file(&p.source)
                .hint("rename one of them"),
            );
        }
    }
}
