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
    f.finish("page front matter");
    if let Some(name) = nameless(&rel) {
        errors.push(super::skill::empty_slug(
            &file,
            &name,
            "rename it with letters or digits in its name, e.g. `about.md` or `notes/gear.md`",
        ));
    }
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

/// The first part of a page's path (a folder, or the file name) that has no
/// letter or digit to make its address from.
fn nameless(rel: &std::path::Path) -> Option<String> {
    let mut parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.push(rel.file_name()?.to_string_lossy().into_owned());
    let last = parts.len() - 1;
    parts.into_iter().enumerate().find_map(|(i, part)| {
        let stem = if i == last {
            part.strip_suffix(".md").unwrap_or(&part)
        } else {
            &part
        };
        crate::slug::slugify(stem).is_empty().then_some(part)
    })
}

pub fn parse_home(file: SourceFile, errors: &mut Vec<Diagnostic>) -> Option<HomeSource> {
    let split = frontmatter::split(&file).map_err(|d| errors.push(d)).ok()?;
    let before = errors.len();
    let mut f = Fields::parse(&file, split.toml, errors)?;
    let title = f.string("title");
    let description = f.string("description");
    f.finish("home front matter");
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
