//! Front matter of plain pages (`about.md`) and of the home intro (`_index.md`).

use std::path::PathBuf;

use super::frontmatter::{self, Fields};
use super::{HomeSource, PageSource, SourceFile};
use crate::diagnostic::Diagnostic;

pub fn parse_page(
    file: SourceFile,
    rel: PathBuf,
    errors: &mut Vec<Diagnostic>,
) -> Option<PageSource> {
    let split = frontmatter::split(&file).map_err(|d| errors.push(d)).ok()?;
    let before = errors.len();
    let mut f = Fields::parse(&file, split.toml, errors)?;
    let title = f.required_string("title");
    let description = f.string("description");
    let draft = f.bool("draft").unwrap_or(false);
    f.finish("page front matter", &["title", "description", "draft"]);
    if errors.len() > before {
        return None;
    }
    Some(PageSource {
        rel,
        body: split.body,
        title: title?,
        description,
        draft,
        file,
    })
}

pub fn parse_home(file: SourceFile, errors: &mut Vec<Diagnostic>) -> Option<HomeSource> {
    let split = frontmatter::split(&file).map_err(|d| errors.push(d)).ok()?;
    let before = errors.len();
    let mut f = Fields::parse(&file, split.toml, errors)?;
    let title = f.string("title");
    let description = f.string("description");
    f.finish("home front matter", &["title", "description"]);
    if errors.len() > before {
        return None;
    }
    Some(HomeSource {
        body: split.body,
        title,
        description,
        file: Some(file),
    })
}
