//! `check`: everything `build` would complain about, plus the lint a writer wants
//! before publishing (parts not yet written, empty entries, two entries with one
//! title on one day), with no output written. Findings come back sorted by file
//! and line, so they read as a list per file.

use std::collections::HashMap;
use std::path::Path;

use crate::LoadOptions;
use crate::content::{self, Part, SourceFile};
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
    let mut all = match crate::load(&options) {
        Ok(loaded) => {
            let mut d = Diagnostics::default();
            d.extend(loaded.warnings);
            d
        }
        Err(diagnostics) => diagnostics,
    };
    let (content, _) = content::load(root);
    for skill in content.skills.iter().filter(|s| !s.draft) {
        if let Some(d) = missing_parts(&skill.file, &skill.body) {
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
                let offset = entry.file.text.find("title").unwrap_or(0);
                all.push(
                    Diagnostic::warning(format!(
                        "two entries of `{}` on {} have the title “{}”: {} and {}",
                        skill.slug,
                        entry.date.date,
                        entry.title,
                        first.path.display(),
                        entry.file.path.display()
                    ))
                    .at(&entry.file.path, &entry.file.text, offset, 5)
                    .hint(
                        "if they are one session, merge them; if not, tell them apart in the title",
                    ),
                );
            }
        }
    }
    all.sort_by_file();
    all
}

/// An image in the evidence without alt text: screen readers and pages whose
/// images fail to load have nothing to say about it.
fn missing_alt(file: &SourceFile, item: &content::EvidenceSource) -> Option<Diagnostic> {
    let src = item.src.value.trim();
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let is_image = crate::site::mime_type(path).starts_with("image/");
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

/// A warning naming the parts a write-up does not document yet.
fn missing_parts(file: &SourceFile, body: &std::ops::Range<usize>) -> Option<Diagnostic> {
    let text = &file.text[body.clone()];
    let mut written = [false; 6];
    let mut current: Option<Part> = None;
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && trimmed.starts_with("## ") && !trimmed.starts_with("###") {
            current = Part::from_heading(&trimmed[3..]);
            continue;
        }
        let comment = trimmed.starts_with("<!--") && trimmed.ends_with("-->");
        let has_text = !trimmed.is_empty() && !comment;
        if let (Some(part), true) = (current, has_text) {
            written[part as usize] = true;
        }
    }
    let missing: Vec<&str> = Part::ALL
        .iter()
        .filter(|p| !written[**p as usize])
        .map(|p| p.heading())
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(format!(
            "the write-up documents {} of the six parts; not yet written: {}",
            6 - missing.len(),
            missing.join(", ")
        ))
        .at(&file.path, &file.text, 0, 3)
        .hint(format!(
            "add a `## {}` section (and the others) when you can say something about it",
            missing[0]
        )),
    )
}
