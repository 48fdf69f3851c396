//! Front matter of skills and log entries: which keys exist, which are required, and
//! what their values may be.

use std::path::{Path, PathBuf};

use toml::de::DeValue;

use super::frontmatter::{self, Fields};
use super::{
    EntrySource, EvidenceSource, Kind, Located, Part, SkillSource, SourceFile, Status, Target,
};
use crate::diagnostic::Diagnostic;
use crate::slug::slugify;

pub fn parse_skill(
    file: SourceFile,
    dir: PathBuf,
    errors: &mut Vec<Diagnostic>,
) -> Option<SkillSource> {
    let split = match frontmatter::split(&file) {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let before = errors.len();
    let mut f = Fields::parse(&file, split.toml, errors)?;
    let title = f.required_string("title");
    let summary = f.string("summary");
    let field = f.string("field").filter(|s| !s.trim().is_empty());
    let field_span = f.key_span("field").unwrap_or(0..0);
    let tags = f.strings("tags").into_iter().map(|(t, _)| t).collect();
    let started = if f.has("started") {
        f.date("started")
    } else {
        f.missing("started", "2026-10-01");
        None
    };
    let status = f
        .choice("status", &Status::KEYS)
        .and_then(Status::from_key)
        .unwrap_or(Status::Learning);
    let target = f.table("target").map(|mut t| {
        let target = Target {
            minutes: t.uint("minutes"),
            sessions: t.uint("sessions"),
        };
        t.finish("`target`");
        target
    });
    let related = f
        .strings("related")
        .into_iter()
        .map(|(value, span)| Located { value, span })
        .collect();
    let draft = f.bool("draft").unwrap_or(false);
    let cover = cover(&mut f);
    f.finish("skill front matter");

    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = slugify(&dir_name);
    if slug.is_empty() {
        errors.push(empty_slug(
            &file,
            &format!("{dir_name}/"),
            "rename the skill's folder with letters or digits in its name, e.g. `perfect-omelette`",
        ));
    }
    if errors.len() > before {
        return None;
    }
    Some(SkillSource {
        slug,
        dir,
        body: split.body,
        title: title?,
        summary,
        field,
        field_span,
        tags,
        started: started?.date,
        status,
        target: target.unwrap_or_default(),
        related,
        draft,
        cover,
        entries: Vec::new(),
        file,
    })
}

pub fn parse_entry(
    file: SourceFile,
    rel: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<EntrySource> {
    let split = match frontmatter::split(&file) {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let before = errors.len();
    let mut f = Fields::parse(&file, split.toml, errors)?;
    let title = f.required_string("title");
    let title_span = f.key_span("title").unwrap_or(0..0);
    let date_span = f.raw("date").map_or(0..0, |(span, _)| span);
    let date = if f.has("date") {
        f.date("date")
    } else {
        f.missing("date", "2026-10-03");
        None
    };
    let minutes = f.uint("minutes").unwrap_or(0);
    let kind = f.choice("kind", &Kind::KEYS).and_then(Kind::from_key);
    let kind_given = f.has("kind");
    let part = f.choice("part", &Part::KEYS).and_then(Part::from_key);
    let evidence = evidence(&mut f);
    let tags = f.strings("tags").into_iter().map(|(t, _)| t).collect();
    let draft = f.bool("draft").unwrap_or(false);
    // Read by `import` to skip rows it has written before; nothing shows it.
    let _ = f.string("imported");
    f.finish("log entry front matter");

    let stem = rel
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = slugify(&stem);
    if slug.is_empty() {
        errors.push(empty_slug(
            &file,
            &format!("{stem}.md"),
            "rename it with letters or digits in its name, e.g. `2026-10-03-first-fold.md`",
        ));
    }
    if errors.len() > before || (kind_given && kind.is_none()) {
        return None;
    }
    Some(EntrySource {
        slug,
        body: split.body,
        title: title?,
        title_span,
        date: date?,
        date_span,
        minutes,
        kind: kind.unwrap_or(Kind::Practice),
        part,
        evidence,
        tags,
        draft,
        file,
    })
}

/// A file or folder name with nothing to make an address from (`!!!.md`): the
/// slug keeps ASCII letters and digits, and transliterates other letters, so
/// only punctuation and symbols are left out.
pub(super) fn empty_slug(file: &SourceFile, name: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the name `{name}` gives an empty slug: it has no letters or digits to make an address from"
    ))
    .at(&file.path, &file.text, 0, 3)
    .hint(hint)
}

/// `evidence` items are a path or URL, or a table with `src`, `alt`, `caption`
/// and, for videos, `poster`.
fn evidence(f: &mut Fields<'_>) -> Vec<EvidenceSource> {
    let Some((_, value)) = f.raw("evidence") else {
        return Vec::new();
    };
    let items: Vec<(std::ops::Range<usize>, DeValue<'_>)> = match value {
        DeValue::Array(items) => items
            .iter()
            .map(|i| (f.absolute(i.span()), i.get_ref().clone()))
            .collect(),
        // A single path, or anything else, is reported by the list reader.
        _ => {
            let _ = f.strings("evidence");
            return Vec::new();
        }
    };
    items
        .into_iter()
        .filter_map(|(span, item)| evidence_item(f, span, &item, EVIDENCE))
        .collect()
}

/// A skill's `cover`: the photo its shared link shows, written as an evidence
/// item is.
fn cover(f: &mut Fields<'_>) -> Option<EvidenceSource> {
    let (span, value) = f.raw("cover")?;
    let value = value.clone();
    evidence_item(f, span, &value, COVER)
}

const EVIDENCE_KEYS: [&str; 4] = ["src", "alt", "caption", "poster"];

/// How messages name an evidence item and its table.
struct Named {
    item: &'static str,
    table: &'static str,
}
const EVIDENCE: Named = Named {
    item: "an evidence item",
    table: "an evidence table",
};
const COVER: Named = Named {
    item: "`cover`",
    table: "a `cover` table",
};

fn evidence_item(
    f: &mut Fields<'_>,
    span: std::ops::Range<usize>,
    item: &DeValue<'_>,
    what: Named,
) -> Option<EvidenceSource> {
    let located = |value: &str, span| Located {
        value: value.to_string(),
        span,
    };
    match item {
        DeValue::String(s) => Some(EvidenceSource {
            src: located(s, span),
            alt: None,
            caption: None,
            poster: None,
        }),
        DeValue::Table(t) => {
            let get = |k: &str| {
                t.get(k)
                    .and_then(|v| v.get_ref().as_str())
                    .map(str::to_string)
            };
            for key in t.keys() {
                if !EVIDENCE_KEYS.contains(&key.get_ref().as_ref()) {
                    let key_span = f.absolute(key.span());
                    f.push_error(
                        key_span,
                        &format!("{} has no key `{}`", what.table, key.get_ref()),
                        "an evidence table takes `src`, `alt`, `caption` and, for a video, `poster`",
                    );
                }
            }
            // Point at the `src` value itself, not the whole table.
            let src_span = t.get("src").map_or(span.clone(), |v| f.absolute(v.span()));
            let poster = t.get("poster").and_then(|v| {
                let span = f.absolute(v.span());
                v.get_ref().as_str().map(|p| located(p, span))
            });
            match get("src") {
                Some(src) => Some(EvidenceSource {
                    src: located(&src, src_span),
                    alt: get("alt"),
                    caption: get("caption"),
                    poster,
                }),
                None => {
                    f.push_error(
                        span,
                        &format!("{} needs `src`", what.table),
                        "write `{ src = \"photo.jpg\", alt = \"what it shows\", caption = \"...\" }`",
                    );
                    None
                }
            }
        }
        _ => {
            f.push_error(
                span,
                &format!("{} must be a path, a URL or a table", what.item),
                "write `evidence = [\"photo.jpg\", \"https://...\"]`",
            );
            None
        }
    }
}
