//! The markdown pipeline (extensions, highlighting, link rewriting, summaries), on
//! any text: it always gives HTML, never a panic.
#![no_main]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use skillfolio::content::SourceFile;
use skillfolio::highlight::Highlighter;
use skillfolio::link_lookups::Lookups;
use skillfolio::markdown::{Links, render};

fuzz_target!(|data: &[u8]| {
    static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
    let highlighter = HIGHLIGHTER.get_or_init(Highlighter::default);
    let mut targets = HashMap::new();
    targets.insert(PathBuf::from("skills/a/index.md"), "skills/a/".to_string());
    targets.insert(PathBuf::from("skills/a/log/2026-01-01-x.md"), "skills/a/2026-01-01-x/".to_string());
    let links = Links {
        targets,
        base_path: "/p/".to_string(),
        images: HashMap::new(),
        lengths: HashMap::new(),
        refused: HashMap::new(),
    };
    let text: std::sync::Arc<str> = String::from_utf8_lossy(data).into();
    let file = SourceFile {
        path: "content/skills/a/index.md".into(),
        text,
    };
    let lookups = Lookups::new(&links, 0);
    let rendered = render(&file, &(0..file.text.len()), Path::new("skills/a"), lookups, highlighter);
    let _ = rendered.html();
    for w in &rendered.warnings {
        let _ = w.to_string();
    }
});
