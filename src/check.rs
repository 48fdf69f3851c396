//! `check`: everything `build` would complain about (templates that do not parse
//! included), plus the lint a writer wants before publishing (parts not yet
//! written, part headings that look misspelt, empty entries, two entries with one
//! title on one day), with no output written. Findings come back sorted by file
//! and line, so they read as a list per file.

use std::collections::HashMap;
use std::path::Path;

use crate::LoadOptions;
use crate::content::{self, Part, SourceFile, anatomy};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Every finding for the site at `root`, errors and warnings.
pub fn check(root: &Path) -> Diagnostics {
    let options = LoadOptions {
        root: root.to_path_buf(),
        base_url: None,
        drafts: false,
        cache_dir: None,
        skip_images: true,
    };
    // Part headings may be written in the site's language.
    let mut language = None;
    let mut all = match crate::load(&options) {
        Ok(loaded) => {
            language = Some(std::sync::Arc::clone(&loaded.site.profile.language));
            let mut d = Diagnostics::default();
            match crate::check_links(&loaded, root) {
                Ok(broken) => d.extend(broken),
                // A template that does not parse or render: reported as `build` would.
                Err(errors) => d.extend(errors),
            }
            d.extend(loaded.warnings);
            d
        }
        Err(diagnostics) => diagnostics,
    };
    let (content, _) = content::load(root);
    for skill in content.skills.iter().filter(|s| !s.draft) {
        if let Some(d) = missing_parts(&skill.file, &skill.body, language.as_deref()) {
            all.push(d);
        }
        let mut titles: HashMap<(String, jiff::civil::Date), &SourceFile> = HashMap::new();
        for entry in skill.entries.iter().filter(|e| !e.draft) {
            if entry.file.text[entry.body.clone()].trim().is_empty() {
                all.push(
                    Diagnostic::warning(format!("the entry `{}` has no notes", entry.title))
                        .at(&entry.file.path, &entry.file.text, fence_end(&entry.file), 3)
                        .hint("a line or two on what you did and how it went makes the log worth reading later"),
                );
            }
            for item in &entry.evidence {
                if let Some(d) = missing_alt(&entry.file, item) {
                    all.push(d);
                }
            }
            let key = (entry.title.trim().to_lowercase(), entry.date.date);
            if let Some(first) = titles.insert(key, &entry.file) {
                all.push(
                    Diagnostic::warning(format!(
                        "two entries of `{}` on {} have the title “{}”: {} and {}",
                        skill.slug,
                        entry.date.date,
                        entry.title,
                        first.path.display(),
                        entry.file.path.display()
                    ))
                    .at(
                        &entry.file.path,
                        &entry.file.text,
                        entry.title_span.start,
                        entry.title_span.len(),
                    )
                    .hint(
                        "if they are one session, merge them; if not, tell them apart in the title",
                    ),
                );
            }
        }
    }
    // Publishing a link that leads nowhere is what `check` is run to prevent.
    let mut all: Diagnostics = all
        .into_iter()
        .map(|mut d| {
            if d.broken_link {
                d.severity = crate::diagnostic::Severity::Error;
            }
            d
        })
        .collect();
    all.sort_by_file();
    all.dedup();
    all
}

/// An image in the evidence without alt text: screen readers and pages whose
/// images fail to load have nothing to say about it.
fn missing_alt(file: &SourceFile, item: &content::EvidenceSource) -> Option<Diagnostic> {
    let src = item.src.value.trim();
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let is_image = crate::media::type_of(path).starts_with("image/");
    let has_alt = item.alt.as_deref().is_some_and(|a| !a.trim().is_empty());
    if !is_image || has_alt || src.contains("://") {
        return None;
    }
    Some(
        Diagnostic::warning(format!("the image `{src}` has no alt text"))
            .at(&file.path, &file.text, item.src.span.start, item.src.span.len())
            .hint(format!(
                "write it as a table with a sentence on what it shows: `{{ src = \"{src}\", alt = \"...\" }}`"
            )),
    )
}

/// Where the closing `+++` of the front matter is, for pointing at an empty body.
fn fence_end(file: &SourceFile) -> usize {
    file.text.match_indices("+++").nth(1).map_or(0, |(i, _)| i)
}

/// A warning naming the parts a write-up does not document yet. A part whose
/// heading holds nothing but the prompt `skillfolio new` wrote is not written
/// either, and the warning says so rather than asking for a heading that exists.
fn missing_parts(
    file: &SourceFile,
    body: &std::ops::Range<usize>,
    language: Option<&crate::i18n::Language>,
) -> Option<Diagnostic> {
    let mut written = [false; 6];
    let mut heading_at: [Option<usize>; 6] = [None; 6];
    let mut current: Option<Part> = None;
    for (start, line, heading) in anatomy::lines(&file.text, body.clone()) {
        if let Some(heading) = heading {
            current = match language {
                Some(language) => Part::from_heading_in(heading, language),
                None => Part::from_heading(heading),
            };
            if let Some(part) = current {
                let indent = line.len() - line.trim_start().len();
                heading_at[part as usize].get_or_insert(start + indent);
            }
            continue;
        }
        let trimmed = line.trim();
        let comment = trimmed.starts_with("<!--") && trimmed.ends_with("-->");
        if let Some(part) = current
            && !trimmed.is_empty()
            && !comment
            && !anatomy::is_prompt(part, trimmed)
        {
            written[part as usize] = true;
        }
    }
    let missing: Vec<Part> = Part::ALL
        .into_iter()
        .filter(|p| !written[*p as usize])
        .collect();
    let first = *missing.first()?;
    let names: Vec<String> = missing
        .iter()
        .map(|p| match heading_at[*p as usize] {
            Some(_) => format!("{} (its heading holds only the prompt)", p.heading()),
            None => p.heading().to_string(),
        })
        .collect();
    let message = format!(
        "the write-up documents {} of the six parts; not yet written: {}",
        6 - missing.len(),
        names.join(", ")
    );
    let d = Diagnostic::warning(message);
    Some(match heading_at[first as usize] {
        Some(at) => {
            let len = file.text[at..]
                .find(['\n', '\r'])
                .unwrap_or(file.text.len() - at);
            d.at(&file.path, &file.text, at, len).hint(format!(
                "the `## {}` heading is there: write what you found under it, in place of the prompt",
                first.heading()
            ))
        }
        None => d.at(&file.path, &file.text, 0, 3).hint(format!(
            "add a `## {}` section (and the others) when you can say something about it",
            first.heading()
        )),
    })
}
